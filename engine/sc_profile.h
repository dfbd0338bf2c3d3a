/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_SC_PROFILE_H
#define BULWARK_SC_PROFILE_H

#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "rules.h"

/* One syscall (by name, on every architecture) and what the filter does. */
struct sc_entry {
	char *name;
	uint32_t action;	/* SCMP_ACT_* */
	const struct bw_rule *rule;	/* deciding rule; NULL: none (allowed) */
	char *uring_for;	/* io_uring_setup added for this call (no
				 * rule names io_uring_setup): a ring would
				 * make it past the filter */
};

/*
 * A seccomp profile built from the syscall rules that apply to one
 * program.  The first allow, deny or kill rule that accepts a syscall
 * decides it; an audit rule before any of them makes it SCMP_ACT_LOG; no
 * rule, allowed.  Calls no rule names get the default action: that of the
 * first allow/deny/kill rule without a syscall key or with a negated one
 * (else SCMP_ACT_LOG if an audit rule of that kind applies, else allow);
 * e[] holds the calls whose action differs from the default.
 */
struct bw_sc_profile {
	uint32_t default_action;
	const struct bw_rule *default_rule;
	struct sc_entry *e;
	size_t n;
	const struct bw_rule **applied;	/* the rules that apply */
	size_t napplied;
	char hash[17];
};

/*
 * Build the profile for `program` (an absolute path; NULL: only rules
 * without subject keys apply).  Returns 0, or -1 with a message in err.
 */
int profile_build(struct bw_sc_profile *p, const struct bw_ruleset *rs,
		  const char *program, char *err, size_t errlen);
void profile_free(struct bw_sc_profile *p);
/* The SCMP_ACT_* for syscall `name`, and the rule deciding it (NULL: none). */
uint32_t profile_action(const struct bw_sc_profile *p, const char *name,
			const struct bw_rule **rule);
/* Load it into the calling process (sets no_new_privs first). */
int profile_load(const struct bw_sc_profile *p, char *err, size_t errlen);
/* Write it as OCI JSON, systemd unit lines, or raw BPF. */
int profile_export(const struct bw_sc_profile *p, const char *format, FILE *out,
		   char *err, size_t errlen);

int do_exec(int argc, char **argv, struct bw_opts *o);
int do_seccomp(int argc, char **argv, struct bw_opts *o);

#endif
