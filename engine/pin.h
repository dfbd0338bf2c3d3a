/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Enforcement that outlives the daemon (policy key on_exit, docs/design.md
 * "Pinning and adoption").
 *
 * The pin layout, for everyone who needs to find or guard it:
 *
 *   /sys/fs/bpf/bulwark/                    BW_PIN_DIR, bpffs, mode 0700
 *   /sys/fs/bpf/bulwark/BUILD/              one per build id (16 hex digits)
 *   /sys/fs/bpf/bulwark/BUILD/state         ARRAY map, 1 entry: struct pin_state
 *   /sys/fs/bpf/bulwark/BUILD/maps/NAME     every map of bulwark.bpf.c but its
 *                                           read-only data (policy slots,
 *                                           bulwark__bss with active_gen and
 *                                           engine_tgid, events ring, lost_map,
 *                                           proc_map, ...); a dot in a name
 *                                           becomes '_' (bpffs refuses dots)
 *   /sys/fs/bpf/bulwark/BUILD/links/PROG    the link of each attached program,
 *                                           by program name (bw_task_kill, ...)
 *
 * One BUILD directory exists while the engine keeps its state; two for a
 * moment during an upgrade, when the new build's programs are attached
 * and live before the old directory (and with it the old links) goes.
 * The build id hashes the BPF object the binary embeds, its read-only
 * data, the decision ring's size and the set of programs chosen: a
 * pinned build is adopted only by a daemon that would load exactly it.
 */
#ifndef BULWARK_PIN_H
#define BULWARK_PIN_H

#include <stdbool.h>
#include <stdint.h>

#include "events.h"

#define BW_PIN_FS	"/sys/fs/bpf"
#define BW_PIN_DIR	BW_PIN_FS "/bulwark"
#define BW_PIN_MAGIC	0x62776c6b70696e31ULL	/* "bwlkpin1" */

/* The value of BUILD/state: what the daemon that pinned it knew. */
struct pin_state {
	uint64_t magic;
	uint64_t build;
	uint64_t generation;		/* live policy generation */
	uint64_t lost_seen[BW_NCLASS];	/* losses already in lost records */
	uint64_t pid;			/* the daemon that wrote it */
};

struct bw_engine;
struct bw_log;

enum pin_mode { PIN_OFF = 0, PIN_KEEP, PIN_DETACH };

/* For the engine loaded next: look for pinned programs to adopt (the
 * daemon only; other commands never touch pins). */
void pin_config(bool adopt);
/* engine_load, just before the object is loaded: match the build, reuse
 * its maps, leave adopted programs unloaded.  want_lsm: this load's. */
int pin_before_load(struct bw_engine *e, bool want_lsm);
/* engine_load after a successful load: the adopted links into e. */
int pin_after_load(struct bw_engine *e);
/*
 * Once the first policy is live.  KEEP: ours pinned, then the other
 * builds' pins removed (their links with them).  DETACH: every pin
 * removed; what runs is held by the daemon's fds until it ends.  What
 * went wrong is in the pin record (pin_log) and returned.
 */
int pin_commit(struct bw_engine *e, enum pin_mode mode);
/* Generation and reported losses into the state; links made since pinned. */
void pin_save(struct bw_engine *e);
/* Does what is attached stay when the daemon ends? */
bool pin_keeping(const struct bw_engine *e);
/* Kept: close the links without detaching anything (before engine_close). */
void pin_let_go(struct bw_engine *e);
/* Every pin of every build removed (stop --detach); 0 or -errno. */
int pin_remove_all(void);
/* The adopt, pin and away-loss records, after the start record. */
void pin_log(struct bw_log *log, struct bw_engine *e);
void pin_free(struct bw_engine *e);

#endif
