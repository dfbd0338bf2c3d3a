// SPDX-License-Identifier: GPL-2.0
/* Tamper records: what the kernel's struct bw_tamper becomes in the log. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/bpf.h>

#include "log.h"
#include "protect.h"

struct rec_case {
	struct bw_tamper t;
	const char *want;	/* the record from "what" to its end */
};

#define WHO .ts = 5, .pid = 12, .tgid = 10, .uid = 0, .comm = "bash"
#define WHO_JSON "\"pid\":10,\"tid\":12,\"uid\":0,\"comm\":\"bash\""

static const struct rec_case cases[] = {
	{ { WHO, .what = BW_TAMPER_SIGNAL, .arg = 9, .target = 661 },
	  "\"what\":\"signal\",\"result\":\"denied\"," WHO_JSON
	  ",\"signal\":\"SIGKILL\",\"target_pid\":661}" },
	{ { WHO, .what = BW_TAMPER_SIGIO, .arg = 0, .target = 662 },
	  "\"what\":\"sigio\",\"result\":\"denied\"," WHO_JSON
	  ",\"signal\":\"SIGIO\",\"target_pid\":662}" },
	{ { WHO, .what = BW_TAMPER_PTRACE, .arg = 18, .target = 661 },
	  "\"what\":\"ptrace\",\"result\":\"denied\"," WHO_JSON
	  ",\"mode\":18,\"target_pid\":661}" },
	{ { WHO, .what = BW_TAMPER_BPF, .arg = BPF_MAP_GET_FD_BY_ID, .target = 37 },
	  "\"what\":\"bpf\",\"result\":\"denied\"," WHO_JSON
	  ",\"command\":\"BPF_MAP_GET_FD_BY_ID\",\"object_id\":37}" },
	{ { WHO, .what = BW_TAMPER_BPF, .arg = BPF_OBJ_GET,
	    .name = "/sys/fs/bpf/bulwark/protect_state" },
	  "\"what\":\"bpf\",\"result\":\"denied\"," WHO_JSON
	  ",\"command\":\"BPF_OBJ_GET\",\"name\":\"/sys/fs/bpf/bulwark/protect_state\"}" },
	{ { WHO, .what = BW_TAMPER_BPF, .arg = BPF_TASK_FD_QUERY, .target = 661 },
	  "\"what\":\"bpf\",\"result\":\"denied\"," WHO_JSON
	  ",\"command\":\"BPF_TASK_FD_QUERY\",\"target_pid\":661}" },
	{ { WHO, .what = BW_TAMPER_BPF_PROG, .target = 40 },
	  "\"what\":\"bpf_prog\",\"result\":\"denied\"," WHO_JSON ",\"object_id\":40}" },
	{ { WHO, .what = BW_TAMPER_UNLINK, .ino = 11333, .name = "protect_state" },
	  "\"what\":\"unlink\",\"result\":\"denied\"," WHO_JSON
	  ",\"ino\":11333,\"name\":\"protect_state\"}" },
	{ { WHO, .what = BW_TAMPER_OPEN, .ino = 7, .name = "audit\"log" },
	  "\"what\":\"open\",\"result\":\"denied\"," WHO_JSON
	  ",\"ino\":7,\"name\":\"audit\\\"log\"}" },
	{ { WHO, .what = 99, .name = "x" },
	  "\"what\":\"?\",\"result\":\"denied\"," WHO_JSON ",\"name\":\"x\"}" },
};

static char *one_record(void (*write)(struct bw_log *l, const void *arg), const void *arg)
{
	char dir[] = "/tmp/bw-protect-XXXXXX", path[256], *text;
	struct bw_log l;
	FILE *f;
	long n;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	assert_int_equal(log_open(&l, path), 0);
	write(&l, arg);
	log_close(&l);
	f = fopen(path, "r");
	assert_non_null(f);
	text = calloc(1, 4096);
	assert_non_null(text);
	n = (long)fread(text, 1, 4095, f);
	assert_true(n >= 0);
	fclose(f);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	return text;
}

static void write_tamper(struct bw_log *l, const void *arg)
{
	protect_log_record(l, arg, sizeof(struct bw_tamper));
}

static void write_short(struct bw_log *l, const void *arg)
{
	protect_log_record(l, arg, sizeof(struct bw_tamper) - 1);
}

static void write_refused(struct bw_log *l, const void *arg)
{
	protect_log_refused(l, "reload", arg);
}

static void test_tamper_records(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = one_record(write_tamper, &cases[i].t);
		char *at = strstr(text, "\"type\":\"tamper\",");

		if (!at || strncmp(at + 16, cases[i].want, strlen(cases[i].want)) ||
		    strcmp(at + 16 + strlen(cases[i].want), "\n"))
			fail_msg("case %zu: want ...%s, got %s", i, cases[i].want, text);
		free(text);
	}
}

/* A record shorter than the struct is not the kernel's: nothing written. */
static void test_short_record(void **state)
{
	char *text = one_record(write_short, &cases[0].t);

	(void)state;
	assert_null(strstr(text, "tamper"));
	free(text);
}

static void test_refused(void **state)
{
	char *text = one_record(write_refused, "the policy is locked");

	(void)state;
	assert_non_null(strstr(text, "\"type\":\"tamper\",\"what\":\"reload\","
				     "\"result\":\"refused\",\"reason\":\"the policy is locked\"}\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tamper_records),
		cmocka_unit_test(test_short_record),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
