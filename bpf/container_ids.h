/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a cgroup v2 path names a container: the limits that
 * bpf/container.bpf.h (in the kernel) and engine/container.c (in user
 * space) both apply, so that both sides compute the same short id.
 */
#ifndef BULWARK_CONTAINER_IDS_H
#define BULWARK_CONTAINER_IDS_H

/* Cgroup levels examined, the task's own first; the root is never one. */
#define BW_CTR_LEVELS		8
/* A cgroup name is read into this many bytes: names longer than
 * BW_CTR_NAME_MAX bytes cannot be told from cut ones and never name a
 * container. */
#define BW_CTR_NAME_BUF		128
#define BW_CTR_NAME_MAX		(BW_CTR_NAME_BUF - 2)
#define BW_CTR_HEX_LEN		64	/* a runtime's container id */
#define BW_CTR_SHORT_HEX	12	/* short id of a hex id: its first 12 */
#define BW_CTR_SHORT_NAME	15	/* short id of a name: its first 15 bytes */
#define BW_CTR_ID_LEN		16	/* short id + NUL, as BW_CONTAINER_LEN */
/* A decision subject's container id holds 1 in its last byte, past the
 * id's NUL, when the cgroup naming it belongs to a user (private). */
#define BW_CTR_PRIVATE_BYTE	(BW_CTR_ID_LEN - 1)

#endif
