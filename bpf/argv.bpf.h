/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of an exec (struct tr_argv, trace.h), for the process
 * tracer and the exec decisions alike.  Two sources:
 *
 *  - after the exec (sched_process_exec): the new image's own copy, at
 *    mm->arg_start..arg_end of current, which no one else can change yet;
 *  - before it (bprm_check_security, the exit of a failed execve): the
 *    argv array the caller passed, in the caller's memory.  The kernel
 *    copied those strings a moment ago, so their pages are present; a
 *    thread of the caller may still rewrite them meanwhile.
 *
 * The struct tr_argv written to must lie in a map value with at least
 * TR_ARGV_SIZE bytes after its args: each read is bounded by the bytes
 * left, which the verifier only knows to be at most TR_ARGV_SIZE.
 */
#ifndef BULWARK_ARGV_BPF_H
#define BULWARK_ARGV_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "trace.h"
#include "common.bpf.h"

static __always_inline void argv_begin(struct tr_argv *a, __u8 state)
{
	a->argc = 0;
	a->size = 0;
	a->state = state;
	a->truncated = 0;
	a->pad[0] = 0;
	a->pad[1] = 0;
}

/*
 * Append the string at user address p; its length with the NUL, or -1
 * when nothing more can be added (then a->truncated is set).
 */
static __always_inline long argv_put(struct tr_argv *a, const char *p)
{
	__u32 off = a->size;
	char last = 0;
	long n;

	if (off >= TR_ARGV_SIZE) {
		a->truncated = 1;
		return -1;
	}
	n = bpf_probe_read_user_str(a->args + off, TR_ARGV_SIZE - off, p);
	if (n <= 0) {
		a->truncated = 1;
		return -1;
	}
	/* the space filled up: the string may go on beyond it */
	if (n == TR_ARGV_SIZE - off &&
	    (bpf_probe_read_user(&last, 1, p + n - 1) || last))
		a->truncated = 1;
	a->size = off + n;
	a->argc++;
	return a->truncated ? -1 : n;
}

/* From current's new image: the strings between mm->arg_start and arg_end. */
static __noinline int argv_from_mm(struct tr_argv *a)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	unsigned long p = BPF_CORE_READ(t, mm, arg_start);
	unsigned long end = BPF_CORE_READ(t, mm, arg_end);
	long n;

	argv_begin(a, TR_ARGV_READ);
	if (!p || end <= p) {
		a->state = TR_ARGV_UNREADABLE;
		return 0;
	}
	for (int i = 0; i < TR_ARGV_MAX && p < end; i++) {
		n = argv_put(a, (const char *)p);
		if (n < 0)
			break;
		p += n;
	}
	if (p < end)
		a->truncated = 1;
	if (!a->argc && a->truncated)
		a->state = TR_ARGV_UNREADABLE;
	return a->argc;
}

/*
 * From the argv array at user address v of the caller, its pointers 4
 * bytes wide when compat (i386, x32), else 8.
 */
static __noinline int argv_from_array(struct tr_argv *a, const void *v,
				      bool compat)
{
	const char *p;
	__u32 p32;
	long err;

	argv_begin(a, TR_ARGV_READ);
	for (int i = 0; i <= TR_ARGV_MAX; i++) {
		p = NULL;
		p32 = 0;
		if (compat) {
			err = bpf_probe_read_user(&p32, sizeof(p32), v + 4 * i);
			p = (const char *)(unsigned long)p32;
		} else {
			err = bpf_probe_read_user(&p, sizeof(p), v + 8 * i);
		}
		if (err) {
			a->truncated = 1;
			break;
		}
		if (!p)
			break;
		if (i == TR_ARGV_MAX) {
			a->truncated = 1;	/* a 21st argument */
			break;
		}
		if (argv_put(a, p) < 0)
			break;
	}
	if (!a->argc && a->truncated)
		a->state = TR_ARGV_UNREADABLE;
	return a->argc;
}

#define NR_EXECVE		59
#define NR_EXECVEAT		322
#define NR_EXECVE_IA32		11
#define NR_EXECVEAT_IA32	358
#define NR_EXECVE_X32		520
#define NR_EXECVEAT_X32		545

/*
 * From the execve/execveat current is in (an LSM hook's view of the call):
 * its argv argument, found in the syscall's registers.  An exec the
 * kernel started (a usermode helper) made no such call: unreadable.
 */
static __noinline int argv_from_call(struct tr_argv *a)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);
	__u64 id = bw_syscall_id(t, BPF_CORE_READ(regs, orig_ax));
	__u32 nr = (__u32)id & ~BW_X32_BIT;
	unsigned long v;
	bool compat = true;

	switch (id >> 32) {
	case 0:		/* x86_64: di, si, dx, r10... */
		compat = false;
		/* fall through */
	case 2:		/* x32: the same registers, 32-bit pointers */
		if (nr == NR_EXECVE || nr == NR_EXECVE_X32)
			v = BPF_CORE_READ(regs, si);
		else if (nr == NR_EXECVEAT || nr == NR_EXECVEAT_X32)
			v = BPF_CORE_READ(regs, dx);
		else
			v = 0;
		break;
	case 1:		/* i386: bx, cx, dx... */
		if (nr == NR_EXECVE_IA32)
			v = BPF_CORE_READ(regs, cx);
		else if (nr == NR_EXECVEAT_IA32)
			v = BPF_CORE_READ(regs, dx);
		else
			v = 0;
		break;
	default:
		v = 0;
	}
	if (!v) {
		argv_begin(a, TR_ARGV_UNREADABLE);
		return 0;
	}
	return argv_from_array(a, (const void *)v, compat);
}

/*
 * Where a command line is still to be read from: a hook marks it so, and
 * the reading is done only for a record that will be written.  Never in
 * a record: the reading sets TR_ARGV_READ or TR_ARGV_UNREADABLE.
 */
#define ARGV_FROM_CALL	0x80
#define ARGV_FROM_MM	0x81

static __always_inline int argv_read(struct tr_argv *a)
{
	if (a->state == ARGV_FROM_MM)
		return argv_from_mm(a);
	if (a->state == ARGV_FROM_CALL)
		return argv_from_call(a);
	return 0;
}

/* Bytes of a's record from args on: what is used of them. */
static __always_inline __u32 argv_used(const struct tr_argv *a)
{
	__u32 n = a->size;

	return n > TR_ARGV_SIZE ? TR_ARGV_SIZE : n;
}

#endif
