// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "privs.h"

static bool kept(const cap_value_t *keep, size_t nkeep, cap_value_t c)
{
	for (size_t i = 0; i < nkeep; i++)
		if (keep[i] == c)
			return true;
	return false;
}

/*
 * The bounding set down to keep[]: needs CAP_SETPCAP in the effective
 * set, which a unit's CapabilityBoundingSet may have left out; then -EPERM
 * and the set unchanged.
 */
static int drop_bounding(const cap_value_t *keep, size_t nkeep)
{
	cap_value_t last = (cap_value_t)cap_max_bits() - 1;

	for (cap_value_t c = 0; c <= last; c++) {
		if (kept(keep, nkeep, c) || cap_get_bound(c) != 1)
			continue;
		if (cap_drop_bound(c))
			return -errno;
	}
	return 0;
}

/* Effective and permitted: keep[] only; inheritable: empty. */
static int set_sets(const cap_value_t *keep, size_t nkeep, const char **what)
{
	cap_t caps = cap_init();	/* every set empty */
	int err = 0;

	if (!caps) {
		*what = "cap_init";
		return -errno;
	}
	if (nkeep && (cap_set_flag(caps, CAP_EFFECTIVE, (int)nkeep, keep, CAP_SET) ||
		      cap_set_flag(caps, CAP_PERMITTED, (int)nkeep, keep, CAP_SET))) {
		*what = "cap_set_flag";
		err = -errno;
	}
	if (!err && cap_set_proc(caps)) {
		*what = "cap_set_proc";
		err = -errno;
	}
	cap_free(caps);
	return err;
}

/* Prove it: nothing but keep[] permitted or effective. */
static int check_sets(const cap_value_t *keep, size_t nkeep, const char **what)
{
	cap_flag_value_t p = CAP_CLEAR, e = CAP_CLEAR;
	cap_t caps = cap_get_proc();
	int err = 0;

	if (!caps) {
		*what = "cap_get_proc";
		return -errno;
	}
	for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++) {
		if (kept(keep, nkeep, c))
			continue;
		if ((cap_get_flag(caps, c, CAP_PERMITTED, &p) == 0 && p == CAP_SET) ||
		    (cap_get_flag(caps, c, CAP_EFFECTIVE, &e) == 0 && e == CAP_SET)) {
			*what = "capabilities still permitted after dropping";
			err = -EPERM;
			break;
		}
	}
	cap_free(caps);
	return err;
}

int privs_keep_only(const cap_value_t *keep, size_t nkeep, const char **what,
		    int *bound_kept)
{
	int err;

	*bound_kept = 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		*what = "prctl(PR_SET_NO_NEW_PRIVS)";
		return -errno;
	}
	if (CAP_AMBIENT_SUPPORTED() && cap_reset_ambient()) {
		*what = "cap_reset_ambient";
		return -errno;
	}
	err = drop_bounding(keep, nkeep);	/* while CAP_SETPCAP is effective */
	if (err == -EPERM)
		*bound_kept = 1;
	else if (err) {
		*what = "cap_drop_bound";
		return err;
	}
	err = set_sets(keep, nkeep, what);
	return err ? err : check_sets(keep, nkeep, what);
}

int privs_drop_all(const char **what)
{
	int bound_kept;

	return privs_keep_only(NULL, 0, what, &bound_kept);
}
