// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "mapbatch.h"
#include "util.h"

/*
 * Map updates gathered and written BATCH_MAX at a time with one
 * BPF_MAP_UPDATE_BATCH: with many rules, tens of thousands of syscalls
 * fewer (6.1 has them for the hash, array and trie maps).  The old
 * slot's entries go the same way, with BPF_MAP_DELETE_BATCH.  A map type
 * without them or a batch that fails is done one entry at a time from
 * the batch's first entry (updates with BPF_ANY can be repeated, and a
 * key the failed batch already deleted is ENOENT, which is no error), so
 * that an error is the entry's own, as without batches.
 */
void batch_init(struct batch *b, int fd, uint32_t ksz, uint32_t vsz)
{
	memset(b, 0, sizeof(*b));
	b->fd = fd;
	b->ksz = ksz;
	b->vsz = vsz;
}

void batch_init_delete(struct batch *b, int fd, uint32_t ksz)
{
	batch_init(b, fd, ksz, 0);
	b->del = true;
}

static int batch_one(struct batch *b, uint32_t i)
{
	const char *key = b->keys + (size_t)i * b->ksz;

	if (b->del)
		return bpf_map_delete_elem(b->fd, key) && errno != ENOENT ? -errno : 0;
	return bpf_map_update_elem(b->fd, key, b->vals + (size_t)i * b->vsz,
				   BPF_ANY) ? -errno : 0;
}

static int batch_singly(struct batch *b)
{
	int err = 0;

	for (uint32_t i = 0; i < b->n && !err; i++)
		err = batch_one(b, i);
	return err;
}

static int batch_call(struct batch *b)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = BPF_ANY);
	uint32_t count = b->n;

	if (b->del)
		return bpf_map_delete_batch(b->fd, b->keys, &count, &opts);
	return bpf_map_update_batch(b->fd, b->keys, b->vals, &count, &opts);
}

static int batch_flush(struct batch *b)
{
	int err = 0;

	if (!b->n)
		return 0;
	if (b->single || batch_call(b) < 0) {
		/* ENOTSUPP (524): no batch operations on this map type */
		if (!b->single && (errno == 524 || errno == EOPNOTSUPP))
			b->single = true;
		err = batch_singly(b);
	}
	b->n = 0;
	return err;
}

int batch_add(struct batch *b, const void *key, const void *val)
{
	if (!b->keys) {
		b->keys = xmalloc((size_t)BATCH_MAX * b->ksz);
		if (b->vsz)
			b->vals = xmalloc((size_t)BATCH_MAX * b->vsz);
	}
	memcpy(b->keys + (size_t)b->n * b->ksz, key, b->ksz);
	if (b->vsz)
		memcpy(b->vals + (size_t)b->n * b->vsz, val, b->vsz);
	return ++b->n == BATCH_MAX ? batch_flush(b) : 0;
}

int batch_end(struct batch *b, int ok)
{
	int err = ok ? ok : batch_flush(b);

	free(b->keys);
	free(b->vals);
	b->keys = b->vals = NULL;
	return err;
}
