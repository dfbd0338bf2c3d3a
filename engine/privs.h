/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_PRIVS_H
#define BULWARK_PRIVS_H

#include <stddef.h>
#include <sys/capability.h>

/*
 * Once the programs are attached and the control socket listens, the
 * engine keeps only the capabilities in keep[] (docs/packaging.md,
 * "Capabilities" says which and why; today none): every other one leaves
 * the effective, permitted, inheritable, ambient and (with CAP_SETPCAP)
 * bounding sets, no_new_privs forbids regaining any through exec, and the
 * result is checked.  Without CAP_SETPCAP the bounding set is left as it
 * was and *bound_kept says so: harmless then, as nothing is permitted and
 * no exec can add to that.  0, or -errno with the step in *what.
 */
int privs_keep_only(const cap_value_t *keep, size_t nkeep, const char **what,
		    int *bound_kept);
/* privs_keep_only() with nothing kept. */
int privs_drop_all(const char **what);

#endif
