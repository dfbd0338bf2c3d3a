/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_PRIVS_H
#define BULWARK_PRIVS_H

/*
 * Once the programs are attached the engine needs no capability: maps
 * are reached through the fds it holds, the log is open.  Drop them all,
 * forbid regaining them through exec, and check that they are gone.
 * Returns 0, or -errno with the step that failed in *what.
 */
int privs_drop_all(const char **what);

#endif
