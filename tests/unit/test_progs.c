// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's table of programs, derived from the BPF object: every
 * program placed, by the convention of enum prog_role (engine/engine.h),
 * in the order the engine attaches them.  Opens the object, loads nothing:
 * no privilege needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine.h"

static struct prog_status progs[ENGINE_MAX_PROGS];
static int nprogs;

static const struct prog_status *prog(const char *name)
{
	for (int i = 0; i < nprogs; i++)
		if (!strcmp(progs[i].prog, name))
			return &progs[i];
	fail_msg("no program %s in the table", name);
	return NULL;
}

static int index_of(const char *name)
{
	return (int)(prog(name) - progs);
}

static int setup(void **state)
{
	char why[256] = "";

	(void)state;
	nprogs = engine_programs(progs, ENGINE_MAX_PROGS, why, sizeof(why));
	if (nprogs <= 0)
		fprintf(stderr, "engine_programs: %d: %s\n", nprogs, why);
	return nprogs > 0 ? 0 : -1;
}

/* Every program has a name, a hook and a role that follows the rule. */
static void test_every_program_placed(void **state)
{
	(void)state;
	for (int i = 0; i < nprogs; i++) {
		const struct prog_status *p = &progs[i];
		size_t n = strlen(p->prog);

		assert_true(n > 0);
		assert_true(strlen(p->hook) > 0);
		assert_int_equal(p->state, PROG_OFF);
		assert_true(p->role < ROLE_NROLES);
		/* the section's prefix is gone from what is shown */
		assert_null(strstr(p->hook, "lsm/"));
		assert_false(!strncmp(p->hook, "raw_tp/", 7) || !strncmp(p->hook, "tp/", 3));
		if (n > 6 && !strcmp(p->prog + n - 6, "_audit"))
			assert_int_equal(p->role, ROLE_AUDIT);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(progs[j].prog, p->prog);
	}
}

/* Attach order: by role, so the process table is kept before the
 * audit-only programs on the same tracepoint read it. */
static void test_order(void **state)
{
	int syscall = 0;

	(void)state;
	for (int i = 1; i < nprogs; i++)
		assert_true(progs[i - 1].role <= progs[i].role);
	for (int i = 0; i < nprogs; i++)
		syscall += progs[i].role == ROLE_SYSCALL;
	assert_int_equal(syscall, 2);	/* sys_enter, io_uring submission */
	assert_true(index_of("bw_exec") < index_of("bw_exec_audit"));
	assert_string_equal(prog("bw_exec")->hook, prog("bw_exec_audit")->hook);
}

/* One program of each kind, as the engine had them in its own table. */
static void test_known_programs(void **state)
{
	static const struct {
		const char *prog, *hook;
		enum prog_role role;
	} known[] = {
		{ "bw_capable", "capable", ROLE_LSM },
		{ "bw_sb_mount", "sb_mount", ROLE_LSM },	/* guards mount calls too */
		{ "bw_bprm_check", "bprm_check_security", ROLE_LSM },
		{ "bw_exec", "sched_process_exec", ROLE_CORE },
		{ "bw_exit", "sched_process_exit", ROLE_CORE },
		{ "bw_capable_audit", "cap_capable", ROLE_AUDIT },
		{ "bw_mount_audit", "syscalls/sys_enter_mount", ROLE_AUDIT },
		{ "bw_path_chroot", "path_chroot", ROLE_GUARD },
		{ "bw_kernel_read_file", "kernel_read_file", ROLE_GUARD },
		{ "bw_sys_enter", "sys_enter", ROLE_SYSCALL },
		{ "bw_uring_submit", "io_uring_submit_req", ROLE_SYSCALL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++) {
		const struct prog_status *p = prog(known[i].prog);

		assert_string_equal(p->hook, known[i].hook);
		if (p->role != known[i].role)
			fail_msg("%s: role %d, not %d", p->prog, p->role, known[i].role);
	}
}

/* The guards' programs are found in the object and their hooks in BTF. */
static void test_guards_available(void **state)
{
	uint32_t bits;

	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		fprintf(stderr, "SKIP: no /sys/kernel/btf/vmlinux\n");
		skip();
	}
	bits = engine_guards_available();
	/* LSM hooks every kernel with BPF LSM has (5.7 and later) */
	assert_true(bits & (1u << BW_GUARD_CHROOT));
	assert_true(bits & (1u << BW_GUARD_MOUNT));
	assert_true(bits & (1u << BW_GUARD_MODULE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_program_placed),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_known_programs),
		cmocka_unit_test(test_guards_available),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
