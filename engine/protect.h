/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tamper protection (`protect = yes`) and the policy lock (`lock = yes`):
 * docs/design.md, "Tamper protection".
 */
#ifndef BULWARK_PROTECT_H
#define BULWARK_PROTECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "tamper.h"

struct protect_bpf;
struct bpf_link;
struct bw_engine;
struct bw_log;
struct json;

#define PROTECT_BPFFS		"/sys/fs/bpf"
#define PROTECT_PIN_DIR		PROTECT_BPFFS "/bulwark"
#define PROTECT_STATE_PIN	PROTECT_PIN_DIR "/protect_state"
#define PROTECT_MAX_LINKS	16

struct bw_protect {
	struct protect_bpf *skel;
	struct bpf_link *links[PROTECT_MAX_LINKS];
	int nlinks;
	bool protect;		/* the hooks are attached */
	bool locked;		/* the kernel's state says so */
	char locked_hash[BW_PROT_HASH_LEN];
	int pinned_fd;		/* the state adopted from the pin, or -1 */
	uint64_t lost_seen;
	char why[512];
};

/* Which protection hooks this kernel has (BTF), for `bulwark version`. */
struct protect_support {
	unsigned int hooks;	/* bit i: protect_hook_name(i) is in BTF */
	unsigned int nhooks;
	int bpf_args;		/* the bpf hook's arguments: 3 (6.1), 4 (6.18), -1 */
	int lsm_loads;		/* the caller's finding: 1, 0, -1 not tried */
};
void protect_probe(struct protect_support *s);
const char *protect_hook_name(unsigned int i);
/* The JSON object `bulwark version --json` shows. */
void protect_support_json(const struct protect_support *s, struct json *j);

/*
 * Before anything is loaded: a pinned state left by an earlier engine.
 * -EBUSY (p->why says) when another engine is alive (a protected one
 * refuses us the state: EPERM from the kernel), 0 otherwise; a lock that
 * state holds sets p->locked and p->locked_hash.
 */
int protect_claim(struct bw_protect *p);
/*
 * After the engine is attached, the log open and the policy live: load
 * the hooks (when protect), name the engine and its objects, set the
 * lock (when lock), pin the state.  0 or -errno (p->why).
 */
int protect_arm(struct bw_protect *p, const struct bw_engine *e, bool protect,
		bool lock, int log_fd, const char *hash);
/* The engine's objects again (a reload may have attached a program). */
int protect_register(struct bw_protect *p, const struct bw_engine *e);
/* The log file the kernel guards: again after a rotation; 0 or -errno. */
int protect_set_log(struct bw_protect *p, int log_fd);
/* The ring buffer of tamper records, or -1. */
int protect_events_fd(const struct bw_protect *p);
/* Tamper records the kernel could not write since the last call. */
uint64_t protect_lost(struct bw_protect *p);
/* A tamper record from the kernel into the log. */
void protect_log_record(struct bw_log *l, const void *data, size_t size);
/* The guarded ids as "prog_ids", "map_ids", "link_ids" members. */
void protect_ids_json(const struct bw_protect *p, struct json *j);
/* An attempt refused in user space (a reload or stop under lock). */
void protect_log_refused(struct bw_log *l, const char *what, const char *why);
/*
 * A lock in force (this engine's, or one it adopted): what would remove
 * the policy (stop --detach, on_exit = detach) must be refused.
 */
static inline bool protect_locked(const struct bw_protect *p)
{
	return p->locked;
}
/* {"protect":BOOL,"lock":BOOL[,"locked_hash":H]}: for the live status. */
void protect_status_json(const struct bw_protect *p, struct json *j);
/* The pinned state, read-only (any root process may); 0 or -errno. */
int protect_read_state(struct bw_prot_state *st);
/*
 * For `bulwark check`: 1 and a sentence in buf when a lock is in force
 * (whether rules of `hash` would be refused), 0 when none, -errno when the
 * state cannot be read (buf says).
 */
int protect_lock_note(const char *hash, char *buf, size_t len);
/*
 * Stopping: hooks detached; the pin removed unless locked (a lock stays
 * until reboot).
 */
void protect_close(struct bw_protect *p);

#endif
