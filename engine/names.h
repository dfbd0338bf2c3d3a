/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_NAMES_H
#define BULWARK_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* Name tables; the parsers return -1 for an unknown name. */
int cap_from_string(const char *s);		/* cap_net_raw, CAP_NET_RAW */
const char *cap_name(unsigned int cap, char *buf, size_t len);
/* SIGKILL, KILL, kill, 0..64, SIG34, SIGRTMIN+N, SIGRTMAX-N (SIGRTMIN is 34) */
int signal_from_string(const char *s);
/* "SIGKILL"; real-time and unknown signals as "SIG34" */
const char *signal_name(unsigned int sig, char *buf, size_t len);
int ipc_kind_from_string(const char *s);
const char *ipc_kind_name(unsigned int kind);
int ipc_access_from_string(const char *s);	/* BW_IPC_READ or BW_IPC_WRITE */
const char *ipc_access_name(unsigned int mask);
int mount_op_from_string(const char *s);
const char *mount_op_name(unsigned int op);
const char *mount_via_name(unsigned int via);
const char *exec_op_name(unsigned int op);
/* errno: EPERM or a number 1..4094 */
int errno_from_string(const char *s);
const char *errno_name(int e, char *buf, size_t len);
const char *errno_symbol(int e);	/* "ENOENT", or NULL when unknown */
/*
 * uid/gid: a number up to 4294967294, or a name from the password/group
 * database; -1 for an unknown name, -2 for a bad number.
 */
int uid_from_string(const char *s, uint32_t *out);
int gid_from_string(const char *s, uint32_t *out);

#endif
