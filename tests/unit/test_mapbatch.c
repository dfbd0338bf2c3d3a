// SPDX-License-Identifier: GPL-2.0
/*
 * Map updates and deletes in batches (engine/mapbatch.c) on real maps:
 * more entries than a batch, a failed batch done one entry at a time from
 * its start, and the error of the entry that fails.  Needs root (BPF maps).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "mapbatch.h"

#define N 3000		/* three batches, the last one partial */

static int map_or_skip(enum bpf_map_type type, uint32_t max)
{
	int fd = bpf_map_create(type, "bw_unit", sizeof(uint32_t),
				sizeof(uint32_t), max, NULL);

	if (fd < 0) {
		fprintf(stderr, "SKIP: cannot create a BPF map (%s)\n", strerror(errno));
		skip();
	}
	return fd;
}

static void fill(int fd, uint32_t n)
{
	struct batch b;
	int err = 0;

	batch_init(&b, fd, sizeof(uint32_t), sizeof(uint32_t));
	for (uint32_t k = 0; k < n && !err; k++) {
		uint32_t v = k * 7 + 1;

		err = batch_add(&b, &k, &v);
	}
	assert_int_equal(batch_end(&b, err), 0);
}

static void test_update(void **state)
{
	int fd = map_or_skip(BPF_MAP_TYPE_HASH, N);
	uint32_t v;

	(void)state;
	fill(fd, N);
	for (uint32_t k = 0; k < N; k++) {
		assert_int_equal(bpf_map_lookup_elem(fd, &k, &v), 0);
		assert_int_equal(v, k * 7 + 1);
	}
	close(fd);
}

/* A key already gone stops the kernel's batch; the rest are deleted singly. */
static void test_delete_gone_key(void **state)
{
	int fd = map_or_skip(BPF_MAP_TYPE_HASH, N);
	uint32_t gone = 1500, k;
	struct batch b;
	int err = 0;

	(void)state;
	fill(fd, N);
	assert_int_equal(bpf_map_delete_elem(fd, &gone), 0);
	batch_init_delete(&b, fd, sizeof(uint32_t));
	for (k = 0; k < N && !err; k++)
		err = batch_add(&b, &k, NULL);
	assert_int_equal(batch_end(&b, err), 0);
	/* without the fallback, the keys after 1500 in its batch stay */
	assert_int_equal(bpf_map_get_next_key(fd, NULL, &k), -ENOENT);
	close(fd);
}

/* The failing entry's own error, the entries before it written. */
static void test_update_error_is_the_entry(void **state)
{
	int fd = map_or_skip(BPF_MAP_TYPE_ARRAY, 10);
	struct batch b;
	uint32_t k, v;
	int err = 0;

	(void)state;
	batch_init(&b, fd, sizeof(uint32_t), sizeof(uint32_t));
	for (k = 0; k < 12 && !err; k++) {
		v = k + 100;
		err = batch_add(&b, &k, &v);
	}
	assert_int_equal(batch_end(&b, err), -E2BIG);
	for (k = 0; k < 10; k++) {
		assert_int_equal(bpf_map_lookup_elem(fd, &k, &v), 0);
		assert_int_equal(v, k + 100);
	}
	close(fd);
}

/* An array's entries cannot be deleted: the kernel's own error. */
static void test_delete_array(void **state)
{
	int fd = map_or_skip(BPF_MAP_TYPE_ARRAY, 10);
	uint32_t k = 3;
	struct batch b;

	(void)state;
	batch_init_delete(&b, fd, sizeof(uint32_t));
	assert_int_equal(batch_end(&b, batch_add(&b, &k, NULL)), -EINVAL);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_delete_gone_key),
		cmocka_unit_test(test_update_error_is_the_entry),
		cmocka_unit_test(test_delete_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
