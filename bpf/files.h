/* SPDX-License-Identifier: GPL-2.0 */
/* The files tracer's sums: bpf/files.bpf.c and engine/trace_files.c. */
#ifndef BULWARK_FILES_H
#define BULWARK_FILES_H

#include "trace.h"

#define FILES_DEPTH 16		/* path components kept, the file's first */
#define FILES_NAME 48		/* bytes of each, with its NUL */

enum { FILES_REGULAR = 1, FILES_SOCKET, FILES_PIPE, FILES_OTHER };

/* One process's use of one file. */
struct files_key {
	__u32 tgid;
	__u32 dev;		/* the superblock's */
	__u64 ino;
	__u32 rdev;
	__u32 pad;
};

struct files_val {
	__u64 reads, writes;	/* calls that did not fail */
	__u64 rbytes, wbytes;	/* what they returned */
	char comm[TR_COMM_LEN];	/* the process's when first seen */
	__u8 type;		/* FILES_* */
	__u8 depth;		/* components in names */
	__u8 whole;		/* names reach the root: not cut */
	__u8 pad[5];
	/* the path, last component first, as seen from the mount tree's top */
	char names[FILES_DEPTH][FILES_NAME];
};

#endif
