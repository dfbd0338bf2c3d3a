// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "privs.h"

int privs_drop_all(const char **what)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps;
	int err = 0;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		*what = "prctl(PR_SET_NO_NEW_PRIVS)";
		return -errno;
	}
	caps = cap_init();	/* every set empty */
	if (!caps) {
		*what = "cap_init";
		return -errno;
	}
	if (cap_set_proc(caps)) {
		*what = "cap_set_proc";
		err = -errno;
	}
	cap_free(caps);
	if (err)
		return err;
	/* prove it: no capability may remain permitted */
	caps = cap_get_proc();
	if (!caps) {
		*what = "cap_get_proc";
		return -errno;
	}
	for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
		if (cap_get_flag(caps, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET) {
			*what = "capabilities still permitted after dropping";
			err = -EPERM;
			break;
		}
	}
	cap_free(caps);
	return err;
}
