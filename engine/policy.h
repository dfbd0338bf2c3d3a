/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_POLICY_H
#define BULWARK_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "events.h"

enum { BW_LSM_REFUSE = 0, BW_LSM_AUDIT };
/* on_exit: what stays in the kernel when the daemon ends (engine/pin.h) */
enum { BW_EXIT_KEEP = 0, BW_EXIT_DETACH, BW_EXIT_UNSET };

#define BW_TRACERS_MAX 32	/* rows of the tracer table a policy can set */

/* The policy file: engine settings (docs/rules.md, "Policy file"). */
struct bw_policy {
	char *file;		/* NULL when built from defaults */
	enum bw_mode mode;
	char **rules;		/* rule paths, made absolute against the file's dir */
	size_t nrules;
	char *log;
	char *status;		/* the engine's status file, for `bulwark status` */
	char *control;		/* the control socket (engine/control.h) */
	int on_lsm_missing;
	int protect;		/* 1: tamper protection (engine/protect.h) */
	int lock;		/* 1: the policy stays until reboot */
	int on_exit;		/* BW_EXIT_*; unset: keep while enforcing */
	/* [tracers], per tracer_table[i] (engine/tracers.h): its mode
	 * (tracer_mode_parse: 0 is off) and its argument key's value, or NULL */
	unsigned char tracer_mode[BW_TRACERS_MAX];
	char *tracer_arg[BW_TRACERS_MAX];
	/* [log] */
	unsigned long long log_max_size;	/* 0: no rotation */
	unsigned int log_keep;
	int log_flush;				/* enum log_flush */
	unsigned int log_freq;
	int log_full_action;		/* enum log_full */
	unsigned int log_space_left;	/* % */
	unsigned long long log_buffer;	/* bytes of the decision ring buffer */
	unsigned long long log_repeat_ms;	/* fold repeated decisions; 0: off */
	unsigned int log_priority_boost;	/* the log thread's nice, lowered by */
	/* [metrics]: a Prometheus text file, rewritten every interval */
	char *metrics_path;
	unsigned int metrics_interval;
};

void policy_defaults(struct bw_policy *p);
/* 0 when the file is valid; problems go to d. Defaults fill absent keys. */
int policy_load(struct bw_policy *p, const char *path, struct diag *d);
void policy_free(struct bw_policy *p);

struct json;
/* The settings as an object, "SECTION.KEY": value ([tracers] apart). */
void policy_json(const struct bw_policy *p, struct json *j);
/* The table of settings: its size, and row i's section, key and help. */
size_t policy_key_count(void);
void policy_key_at(size_t i, const char **section, const char **key, const char **help);

#endif
