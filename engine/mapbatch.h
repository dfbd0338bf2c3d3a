/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF map updates and deletes gathered and made BATCH_MAX at a time, one
 * entry at a time from a failed batch's start (engine/mapbatch.c).
 */
#ifndef BULWARK_MAPBATCH_H
#define BULWARK_MAPBATCH_H

#include <stdbool.h>
#include <stdint.h>

#define BATCH_MAX 1024

struct batch {
	int fd;
	uint32_t ksz, vsz, n;
	bool del;		/* deletes: no values */
	bool single;		/* the map has no batch operations */
	char *keys, *vals;
};

/* Updates (BPF_ANY) of keys of ksz bytes and values of vsz bytes. */
void batch_init(struct batch *b, int fd, uint32_t ksz, uint32_t vsz);
/* Deletes of keys of ksz bytes; a key already gone is no error. */
void batch_init_delete(struct batch *b, int fd, uint32_t ksz);
/* Gather one entry (val NULL for deletes); a full batch is made at once. */
int batch_add(struct batch *b, const void *key, const void *val);
/* The rest made (when ok is 0) and the buffers freed; the first error. */
int batch_end(struct batch *b, int ok);

#endif
