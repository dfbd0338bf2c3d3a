// SPDX-License-Identifier: GPL-2.0
/*
 * The policy file: defaults, values, paths relative to the file, and
 * every error with its line (the rule files' INI traps included).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "policy.h"
#include "tracers.h"
#include "util.h"
#include "testutil.h"

/* The [tracers] bit of a tracer of the table. */
static unsigned int tracer_bit(const char *name)
{
	for (size_t i = 0; i < tracer_count; i++)
		if (tracer_table[i] && !strcmp(tracer_table[i]->name, name))
			return 1u << i;
	fail_msg("no tracer %s", name);
	return 0;
}

static size_t tracer_index(const char *name)
{
	return (size_t)__builtin_ctz(tracer_bit(name));
}

/* The tracers [tracers] turned on, as tracer_bit()s. */
static unsigned int tracers_on(const struct bw_policy *p)
{
	unsigned int on = 0;

	for (size_t i = 0; i < tracer_count; i++)
		if (p->tracer_mode[i])
			on |= 1u << i;
	return on;
}

#define DEFAULT_RULES "/etc/bulwark/rules.d"
#define DEFAULT_LOG "/var/log/bulwark/audit.log"

struct loaded {
	struct bw_policy p;
	struct diag d;
	int ret;
	char *path;
};

static void load(struct loaded *l, const char *dir, const char *text)
{
	memset(l, 0, sizeof(*l));
	l->path = tu_write(dir, "bulwark.conf", text);
	l->ret = policy_load(&l->p, l->path, &l->d);
}

static void unload(struct loaded *l)
{
	policy_free(&l->p);
	diag_free(&l->d);
	assert_int_equal(unlink(l->path), 0);
	free(l->path);
}

static void expect_defaults(const struct bw_policy *p)
{
	assert_int_equal(p->mode, BW_MODE_ENFORCE);
	assert_int_equal(p->nrules, 1);
	assert_string_equal(p->rules[0], DEFAULT_RULES);
	assert_string_equal(p->log, DEFAULT_LOG);
	assert_int_equal(p->on_lsm_missing, BW_LSM_REFUSE);
	assert_int_equal(p->log_buffer, 4 << 20);
	assert_int_equal(p->log_repeat_ms, 0);	/* every decision its own record */
	assert_int_equal(p->log_priority_boost, 4);	/* auditd's default */
	assert_int_equal(p->protect, 0);
	assert_int_equal(p->lock, 0);
	assert_int_equal(p->on_exit, BW_EXIT_UNSET);	/* the daemon decides by mode */
}

static void test_defaults(void **state)
{
	struct bw_policy p;
	struct loaded l;

	policy_defaults(&p);
	assert_null(p.file);
	expect_defaults(&p);
	policy_free(&p);

	load(&l, *state, "# nothing set\n[engine]\n");
	tu_expect_none(&l.d);
	assert_int_equal(l.ret, 0);
	assert_string_equal(l.p.file, l.path);
	expect_defaults(&l.p);
	unload(&l);

	load(&l, *state, "");
	tu_expect_none(&l.d);
	expect_defaults(&l.p);
	unload(&l);
}

static void test_values(void **state)
{
	char want[512];
	struct loaded l;

	load(&l, *state,
	     "[engine]\n"
	     "mode = audit\n"
	     "rules = ../rules, local.rules /etc/bulwark/extra.d\n"
	     "log = logs/audit.log\n"
	     "on_lsm_missing = audit\n"
	     "on_exit = keep\n");
	tu_expect_none(&l.d);
	assert_int_equal(l.ret, 0);
	assert_int_equal(l.p.mode, BW_MODE_AUDIT);
	assert_int_equal(l.p.on_lsm_missing, BW_LSM_AUDIT);
	assert_int_equal(l.p.on_exit, BW_EXIT_KEEP);
	/* relative paths are relative to the policy file's directory */
	assert_int_equal(l.p.nrules, 3);
	snprintf(want, sizeof(want), "%s/../rules", (char *)*state);
	assert_string_equal(l.p.rules[0], want);
	snprintf(want, sizeof(want), "%s/local.rules", (char *)*state);
	assert_string_equal(l.p.rules[1], want);
	assert_string_equal(l.p.rules[2], "/etc/bulwark/extra.d");
	snprintf(want, sizeof(want), "%s/logs/audit.log", (char *)*state);
	assert_string_equal(l.p.log, want);
	unload(&l);

	load(&l, *state,
	     "[engine]\nmode = enforce\non_lsm_missing = refuse\nlog = /var/log/x.log\n");
	tu_expect_none(&l.d);
	assert_int_equal(l.p.mode, BW_MODE_ENFORCE);
	assert_int_equal(l.p.on_lsm_missing, BW_LSM_REFUSE);
	assert_string_equal(l.p.log, "/var/log/x.log");
	unload(&l);

	load(&l, *state, "[engine]\non_exit = detach\n");
	tu_expect_none(&l.d);
	assert_int_equal(l.p.on_exit, BW_EXIT_DETACH);
	unload(&l);
}

static void test_other_sections(void **state)
{
	char want[512];
	struct loaded l;

	/* [metrics] before [tracers]: each owns its own strings */
	load(&l, *state,
	     "[metrics]\npath = m.prom\ninterval = 30\n"
	     "[tracers]\nsyscall = first\nsyscall_filter = getppid, @mount\nseccomp = on\n"
	     "process = on\nopensnoop = off\n"
	     "[log]\nmax_size = 8M\nkeep = 3\nflush = sync\ndisk_full_action = stop\n"
	     "space_left = 20%\nfreq = 10\nbuffer = 16M\n");
	tu_expect_none(&l.d);
	snprintf(want, sizeof(want), "%s/m.prom", (char *)*state);
	assert_string_equal(l.p.metrics_path, want);
	assert_int_equal(l.p.metrics_interval, 30);
	assert_int_equal(l.p.tracer_mode[tracer_index("syscall")], 2);	/* first */
	assert_string_equal(l.p.tracer_arg[tracer_index("syscall")], "getppid, @mount");
	assert_int_equal(tracers_on(&l.p) & ~tracer_bit("syscall"),
			 tracer_bit("seccomp") | tracer_bit("process"));
	assert_int_equal(l.p.log_max_size, 8 << 20);
	assert_int_equal(l.p.log_keep, 3);
	assert_int_equal(l.p.log_flush, 2);
	assert_int_equal(l.p.log_full_action, 2);
	assert_int_equal(l.p.log_space_left, 20);
	assert_int_equal(l.p.log_freq, 10);
	assert_int_equal(l.p.log_buffer, 16 << 20);
	unload(&l);

	/* the bounds of buffer are allowed, in bytes too */
	load(&l, *state, "[log]\nbuffer = 65536\n");
	tu_expect_none(&l.d);
	assert_int_equal(l.p.log_buffer, 65536);
	unload(&l);
	load(&l, *state, "[log]\nbuffer = 1G\n");
	tu_expect_none(&l.d);
	assert_int_equal(l.p.log_buffer, 1 << 30);
	unload(&l);
}

/* repeat: a time with its unit, kept in milliseconds; 0 is off */
static void test_repeat(void **state)
{
	static const struct { const char *v; unsigned long long ms; } good[] = {
		{ "0", 0 }, { "0s", 0 }, { "1s", 1000 }, { "500ms", 500 }, { "10ms", 10 },
		{ "2m", 120000 }, { "60m", 3600000 }, { "3600s", 3600000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		char text[64];
		struct loaded l;

		snprintf(text, sizeof(text), "[log]\nrepeat = %s\n", good[i].v);
		load(&l, *state, text);
		tu_expect_none(&l.d);
		assert_int_equal(l.ret, 0);
		if (l.p.log_repeat_ms != good[i].ms)
			fail_msg("repeat = %s: %llu ms, not %llu", good[i].v,
				 l.p.log_repeat_ms, good[i].ms);
		unload(&l);
	}
}

/* priority_boost: 0 (the nice value left alone) to 20 */
static void test_priority_boost(void **state)
{
	static const struct { const char *v; unsigned int boost; } good[] = {
		{ "0", 0 }, { "1", 1 }, { "4", 4 }, { "10", 10 }, { "20", 20 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		char text[64];
		struct loaded l;

		snprintf(text, sizeof(text), "[log]\npriority_boost = %s\n", good[i].v);
		load(&l, *state, text);
		tu_expect_none(&l.d);
		assert_int_equal(l.ret, 0);
		assert_int_equal(l.p.log_priority_boost, good[i].boost);
		unload(&l);
	}
}

/* protect and lock: no or yes, each on its own */
static void test_protect_lock(void **state)
{
	static const struct {
		const char *text;
		int protect, lock;
	} cases[] = {
		{ "[engine]\nprotect = yes\n", 1, 0 },
		{ "[engine]\nlock = yes\n", 0, 1 },
		{ "[engine]\nprotect = yes\nlock = yes\n", 1, 1 },
		{ "[engine]\nprotect = no\nlock = no\n", 0, 0 },
	};
	struct loaded l;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		load(&l, *state, cases[i].text);
		tu_expect_none(&l.d);
		assert_int_equal(l.ret, 0);
		assert_int_equal(l.p.protect, cases[i].protect);
		assert_int_equal(l.p.lock, cases[i].lock);
		unload(&l);
	}
}

static const struct {
	const char *text;
	int line;
	const char *msg;
} error_cases[] = {
	{ "[engine]\nprotect = on\n", 2, "bad value 'on' for protect (no, yes)" },
	{ "[engine]\nlock = 1\n", 2, "bad value '1' for lock (no, yes)" },
	{ "[engine]\nprotect = yes\nprotect = no\n", 3, "protect repeated (first at line 2)" },
	{ "[log]\nprotect = yes\n", 2, "unknown key 'protect' in [log]" },
	{ "[engine]\nmode = strict\n", 2, "bad value 'strict' for mode" },
	{ "[engine]\non_lsm_missing = ignore\n", 2, "bad value 'ignore' for on_lsm_missing" },
	{ "[engine]\non_exit = stay\n", 2, "bad value 'stay' for on_exit (keep, detach" },
	{ "[engine]\nrules =\n", 2, "bad value '' for rules" },
	{ "[engine]\nrules = ,\n", 2, "bad value ',' for rules" },
	{ "[engine]\nlog =\n", 2, "bad value '' for log" },
	{ "[engine]\n\nfoo = 1\n", 3, "unknown key 'foo'" },
	{ "[engine]\nmode = audit\n[other]\nx = y\n", 4, "unknown section [other]" },
	{ "[engine]\nmode = audit\n\n[other]\n", 4, "unknown section [other]" },
	{ "mode = audit\n[engine]\n", 1, "key outside any section" },
	{ "[engine]\nmode = audit\nmode = enforce\n", 3, "mode repeated (first at line 2)" },
	{ "[log]\nkeep = 0\n", 2, "bad value '0' for keep" },
	{ "[log]\nmax_size = 1K\n", 2, "bad value '1K' for max_size" },
	{ "[log]\nflush = none\nbuffer = 3M\n", 3,
	  "bad value '3M' for buffer (a power of two from 64K to 1G, e.g. 4M, 16M)" },
	{ "[log]\nbuffer = 32K\n", 2, "bad value '32K' for buffer (a power of two" },
	{ "[log]\nbuffer = 2G\n", 2, "bad value '2G' for buffer (a power of two" },
	{ "[log]\nbuffer = 0\n", 2, "bad value '0' for buffer" },
	{ "[log]\nbuffer = 16MB\n", 2, "bad value '16MB' for buffer" },
	{ "[log]\nflush = none\nrepeat = 1\n", 3,
	  "bad value '1' for repeat (0 (off), or 10ms to 60m, e.g. 500ms, 1s)" },
	{ "[log]\nrepeat = 5ms\n", 2, "bad value '5ms' for repeat" },
	{ "[log]\nrepeat = 61m\n", 2, "bad value '61m' for repeat" },
	{ "[log]\nrepeat = 1h\n", 2, "bad value '1h' for repeat" },
	{ "[log]\nrepeat = s\n", 2, "bad value 's' for repeat" },
	{ "[log]\nrepeat = -1s\n", 2, "bad value '-1s' for repeat" },
	{ "[log]\nrepeat = 1.5s\n", 2, "bad value '1.5s' for repeat" },
	{ "[log]\nflush = none\npriority_boost = 21\n", 3,
	  "bad value '21' for priority_boost (0 to 20, the log thread's nice lowered by this; 0: unchanged)" },
	{ "[log]\npriority_boost = -1\n", 2, "bad value '-1' for priority_boost" },
	{ "[log]\npriority_boost = high\n", 2, "bad value 'high' for priority_boost" },
	{ "[log]\npriority_boost = 4.5\n", 2, "bad value '4.5' for priority_boost" },
	{ "[log]\npriority_boost = 4x\n", 2, "bad value '4x' for priority_boost" },
	{ "[log]\npriority_boost =\n", 2, "bad value '' for priority_boost" },
	{ "[engine]\npriority_boost = 4\n", 2, "unknown key 'priority_boost' in [engine]" },
	{ "[tracers]\nsyscall = some\n", 2, "bad value 'some' for syscall" },
	{ "[tracers]\nsyscall_filter = getppid, nosuchcall\n", 2,
	  "unknown syscall or group 'nosuchcall'" },
	{ "[metrics]\ninterval = 0\n", 2, "bad value '0' for interval (1 to 86400 seconds)" },
	/* the INI traps, as in rule files */
	{ "[engine]\nmode = enforce            ; enforce | audit\n", 2,
	  "';' starts a comment here" },
	{ "[engine]\nmode = audit\n  on_lsm_missing = audit\n", 3,
	  "indented line would continue the previous value" },
	{ "[engine]\nmode = audit\n\n[engine]\nlog = /x\n", 4, "(first defined at " },
	{ "[enginexxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx]\n", 1,
	  "section longer than 49 characters" },
};

static void test_errors_with_lines(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(error_cases); i++) {
		struct loaded l;

		load(&l, *state, error_cases[i].text);
		if (!tu_only_is(&l.d, l.path, error_cases[i].line, DIAG_ERROR,
				error_cases[i].msg))
			print_message("case %zu:\n%s", i, error_cases[i].text);
		tu_expect_only(&l.d, l.path, error_cases[i].line, DIAG_ERROR,
			       error_cases[i].msg);
		assert_int_equal(l.ret, -1);
		unload(&l);
	}
}

static void test_errors_keep_defaults(void **state)
{
	char want[512];
	struct loaded l;

	load(&l, *state, "[engine]\nmode = strict\nrules = /r\non_lsm_missing = maybe\n");
	assert_int_equal(l.ret, -1);
	assert_int_equal(l.d.n, 2);
	tu_expect_item(&l.d, 0, l.path, 2, DIAG_ERROR, "bad value 'strict' for mode");
	tu_expect_item(&l.d, 1, l.path, 4, DIAG_ERROR, "bad value 'maybe' for on_lsm_missing");
	assert_int_equal(l.p.mode, BW_MODE_ENFORCE);
	assert_int_equal(l.p.on_lsm_missing, BW_LSM_REFUSE);
	assert_string_equal(l.p.rules[0], "/r");
	unload(&l);

	/* a repeated section names where it was first */
	load(&l, *state, "[engine]\nmode = audit\n[engine]\n");
	snprintf(want, sizeof(want),
		 "duplicate section 'engine' (first defined at %s:1)", l.path);
	tu_expect_only(&l.d, l.path, 3, DIAG_ERROR, want);
	/* nothing of a file with a trap is used */
	assert_int_equal(l.p.mode, BW_MODE_ENFORCE);
	unload(&l);
}

static void test_rules_list_limit(void **state)
{
	char text[256], *p = text;
	struct loaded l;

	p += sprintf(p, "[engine]\nrules =");
	for (int i = 0; i < 64; i++)
		p += sprintf(p, " %c", 'a' + i % 26);
	p += sprintf(p, "\n");
	load(&l, *state, text);
	tu_expect_none(&l.d);
	assert_int_equal(l.p.nrules, 64);
	unload(&l);

	/* a 65th path is refused, not dropped */
	sprintf(p - 1, " z\n");
	load(&l, *state, text);
	tu_expect_only(&l.d, l.path, 2, DIAG_ERROR, "bad value");
	expect_defaults(&l.p);
	unload(&l);
}

static void test_missing_file(void **state)
{
	struct bw_policy p;
	struct diag d = { 0 };
	char *path;

	assert_true(asprintf(&path, "%s/none.conf", (char *)*state) > 0);
	assert_int_equal(policy_load(&p, path, &d), -1);
	tu_expect_only(&d, path, 0, DIAG_ERROR, "cannot open: No such file or directory");
	expect_defaults(&p);
	policy_free(&p);
	diag_free(&d);
	free(path);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_setup, tu_teardown)

/* docs/rules.md lists every policy key with the values the parser takes. */
static void test_keys_documented(void **state)
{
	FILE *f = fopen("docs/rules.md", "r");
	char *doc = calloc(1, 1 << 20), row[512];
	size_t n;

	(void)state;
	assert_non_null(f);
	assert_non_null(doc);
	n = fread(doc, 1, (1 << 20) - 1, f);
	doc[n] = 0;
	fclose(f);
	assert_true(policy_key_count() >= 14);
	for (size_t i = 0; i < policy_key_count(); i++) {
		const char *section, *key, *help;

		policy_key_at(i, &section, &key, &help);
		snprintf(row, sizeof(row), "| `[%s]` | `%s` | %s |\n", section, key, help);
		if (!strstr(doc, row))
			fail_msg("docs/rules.md has no row %s", row);
	}
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_documented),
		T(test_defaults),
		T(test_values),
		T(test_protect_lock),
		T(test_other_sections),
		T(test_repeat),
		T(test_priority_boost),
		T(test_errors_with_lines),
		T(test_errors_keep_defaults),
		T(test_rules_list_limit),
		T(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
