// SPDX-License-Identifier: GPL-2.0
/* The status file: what status_write() writes, status_read() reads back. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "logread.h"
#include "rules.h"
#include "status.h"
#include "util.h"
#include "testutil.h"

static void fill(struct bw_status *s, uint64_t *cpu, struct bw_status_tracer *tr,
		 struct bw_status_prog *pr)
{
	memset(s, 0, sizeof(*s));
	s->pid = 4242;
	s->updated = 1700000000;
	s->enforcing = false;
	s->reason = "no \"bpf\" in the LSM list";
	s->generation = 3;
	s->has_policy = true;
	s->policy_hash = "0123456789abcdef";
	s->rules = 11;
	s->mode = "audit";
	s->decisions = 99;
	s->log.path = "/var/log/bulwark/audit.log";
	s->log.state = "suspended";
	s->log.records = 5;
	s->log.bytes = 1234;
	s->log.write_errors = 1;
	s->log.unwritten = 2;
	s->log.rotations = 7;
	for (int c = 0; c < BW_NCLASS; c++) {
		s->lost[c].present = true;
		s->lost[c].total = c == 2 ? 10 : 0;
		s->lost[c].per_cpu = cpu;
		s->lost[c].ncpu = 2;
	}
	tr[0] = (struct bw_status_tracer){ "process", true, "tp_btf sched", 4, NULL };
	tr[1] = (struct bw_status_tracer){ "ipc", false, NULL, 0, "load failed" };
	s->tracers = tr;
	s->ntracers = 2;
	pr[0] = (struct bw_status_prog){ "bw_exec", "attached" };
	s->progs = pr;
	s->nprogs = 1;
}

static void test_round_trip(void **state)
{
	uint64_t cpu[2] = { 3, 7 };
	struct bw_status_tracer tr[2];
	struct bw_status_prog pr[1];
	struct bw_status w, r;
	char *path = xasprintf("%s/status.json", (char *)*state);

	fill(&w, cpu, tr, pr);
	assert_int_equal(status_write(path, &w), 0);
	assert_int_equal(status_read(path, &r), 0);
	assert_int_equal(r.pid, 4242);
	assert_int_equal(r.updated, 1700000000);
	assert_false(r.enforcing);
	assert_string_equal(r.reason, w.reason);
	assert_int_equal(r.generation, 3);
	assert_true(r.has_policy);
	assert_string_equal(r.policy_hash, w.policy_hash);
	assert_int_equal(r.rules, 11);
	assert_string_equal(r.mode, "audit");
	assert_int_equal(r.decisions, 99);
	assert_string_equal(r.log.path, w.log.path);
	assert_string_equal(r.log.state, "suspended");
	assert_int_equal(r.log.records, 5);
	assert_int_equal(r.log.bytes, 1234);
	assert_int_equal(r.log.write_errors, 1);
	assert_int_equal(r.log.unwritten, 2);
	assert_int_equal(r.log.rotations, 7);
	for (int c = 0; c < BW_NCLASS; c++) {
		assert_true(r.lost[c].present);
		assert_int_equal(r.lost[c].total, w.lost[c].total);
		assert_int_equal(r.lost[c].ncpu, 2);
		assert_int_equal(r.lost[c].per_cpu[0], 3);
		assert_int_equal(r.lost[c].per_cpu[1], 7);
	}
	assert_int_equal(r.ntracers, 2);
	assert_string_equal(r.tracers[0].name, "process");
	assert_true(r.tracers[0].attached);
	assert_string_equal(r.tracers[0].mechanism, "tp_btf sched");
	assert_int_equal(r.tracers[0].lost, 4);
	assert_string_equal(r.tracers[1].name, "ipc");
	assert_false(r.tracers[1].attached);
	assert_string_equal(r.tracers[1].error, "load failed");
	assert_int_equal(r.nprogs, 1);
	assert_string_equal(r.progs[0].prog, "bw_exec");
	assert_string_equal(r.progs[0].state, "attached");
	/* the file's own keys, as `bulwark status --json` shows them */
	assert_string_equal(json_get_str(r.raw, "log.state"), "suspended");
	assert_int_equal(json_get_int(r.raw, "lost.mount.total", -1), 10);
	status_free(&r);
	unlink(path);
	free(path);
}

/* Enforcing: no reason; no policy yet: no hash, rules or mode. */
static void test_optional_members(void **state)
{
	uint64_t cpu[2] = { 0, 0 };
	struct bw_status_tracer tr[2];
	struct bw_status_prog pr[1];
	struct bw_status w, r;
	char *path = xasprintf("%s/status.json", (char *)*state);

	fill(&w, cpu, tr, pr);
	w.enforcing = true;
	w.has_policy = false;
	assert_int_equal(status_write(path, &w), 0);
	assert_int_equal(status_read(path, &r), 0);
	assert_true(r.enforcing);
	assert_null(r.reason);
	assert_false(r.has_policy);
	assert_null(r.policy_hash);
	assert_null(r.mode);
	assert_null(json_get(r.raw, "rules"));
	status_free(&r);
	unlink(path);
	free(path);
}

static void test_no_file(void **state)
{
	struct bw_status r;
	char *path = xasprintf("%s/none.json", (char *)*state);

	assert_int_equal(status_read(path, &r), -1);
	assert_null(r.raw);
	status_free(&r);
	free(path);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_setup, tu_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_round_trip),
		T(test_optional_members),
		T(test_no_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
