/* SPDX-License-Identifier: GPL-2.0 */
/*
 * profile --lua: the LuaJIT frames of the sampled thread.  Its lua_State
 * is the one it last entered through lua_resume() (how nginx's Lua module
 * runs every handler: ngx_http_lua_run_thread()), kept per thread by a
 * uprobe and dropped at the return.  The walk follows LuaJIT 2.1's frame
 * links (lj_frame.h, two slots a frame in GC64 mode) from the frame base:
 * the interpreter's BASE register (rdx on x86-64) when it points into that
 * state's stack at a function, else L->base, saved at every call into C.
 * Each Lua function's prototype is recorded; user space names it.
 * Layout: LuaJIT 2.1, GC64 (x86-64), as Debian 12's libluajit2 is built.
 */
#ifndef BULWARK_PROFILE_LUA_BPF_H
#define BULWARK_PROFILE_LUA_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"
#include "profile.h"

#define LJ_GCMASK	((1ULL << 47) - 1)	/* a GC64 reference's address bits */
#define LJ_L_GCT	9	/* lua_State: gct (~LJ_TTHREAD = 6) */
#define LJ_L_BASE	32
#define LJ_L_STACK	56
#define LJ_L_STACKSIZE	88	/* in slots */
#define LJ_FN_GCT	9	/* GCfunc: gct (~LJ_TFUNC = 8) */
#define LJ_FN_FFID	10	/* 0: a Lua function */
#define LJ_FN_PC	32	/* its bytecode; the prototype just before */
#define LJ_PROTO_SIZE	104
#define LJ_GCT_THREAD	6
#define LJ_GCT_FUNC	8
#define LJ_FRAME_TYPE	3	/* frame link & 3: 0 Lua (a PC), else a size */
#define LJ_FRAME_TYPEP	7
#define LJ_FRAME_VARG	3

/* Each thread's lua_State while inside lua_resume(). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} prof_lua_state SEC(".maps");

/* Lua stacks by hash: the prototypes, innermost first. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROF_STACKS);
	__type(key, __u32);
	__type(value, struct prof_lua_stack);
} prof_lua SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct prof_lua_stack);
} prof_lua_scratch SEC(".maps");

SEC("uprobe")
int BPF_KPROBE(prof_lua_enter, __u64 L)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (tr_wanted())
		bpf_map_update_elem(&prof_lua_state, &tid, &L, BPF_ANY);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(prof_lua_exit)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&prof_lua_state, &tid);
	return 0;
}

static __always_inline __u64 lj_read64(__u64 addr)
{
	__u64 v = 0;

	bpf_probe_read_user(&v, sizeof(v), (void *)addr);
	return v;
}

static __always_inline __u8 lj_read8(__u64 addr)
{
	__u8 v = 0;

	bpf_probe_read_user(&v, sizeof(v), (void *)addr);
	return v;
}

/* Is there a function below the frame base b (in [lo, hi))? */
static __always_inline bool lj_base_ok(__u64 b, __u64 lo, __u64 hi)
{
	if (b <= lo + 16 || b >= hi || (b & 7))
		return false;
	return lj_read8((lj_read64(b - 16) & LJ_GCMASK) + LJ_FN_GCT) == LJ_GCT_FUNC;
}

/* The frame base: the interpreter's BASE if it is one, else L->base. */
static __always_inline __u64 lj_base(__u64 L, __u64 stack)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	__u64 hi = stack + 8 * (__u64)(__u32)lj_read64(L + LJ_L_STACKSIZE);
	__u64 dx = BPF_CORE_READ(regs, dx);

	return lj_base_ok(dx, stack, hi) ? dx : lj_read64(L + LJ_L_BASE);
}

struct lj_walk {
	struct prof_lua_stack *st;
	__u64 frame, bottom;
	__u32 hash, n;
};

/* One frame: its function's prototype if it is a Lua one, then the caller. */
static long lj_step(__u64 i, void *ctx)
{
	struct lj_walk *w = ctx;
	__u64 link, fn;

	if (w->frame <= w->bottom || i >= PROF_LUA_DEPTH)
		return 1;
	link = lj_read64(w->frame);
	fn = lj_read64(w->frame - 8) & LJ_GCMASK;
	if (lj_read8(fn + LJ_FN_GCT) != LJ_GCT_FUNC)
		return 1;
	/* a vararg function's pseudo-frame: its real frame follows */
	if (!lj_read8(fn + LJ_FN_FFID) && (link & LJ_FRAME_TYPE) != LJ_FRAME_VARG) {
		__u64 proto = lj_read64(fn + LJ_FN_PC) - LJ_PROTO_SIZE;

		w->st->proto[i & (PROF_LUA_DEPTH - 1)] = proto;
		w->hash = (w->hash ^ (__u32)proto ^ (__u32)(proto >> 32)) * 16777619u;
		w->n++;
	}
	if (!(link & LJ_FRAME_TYPE)) {
		__u32 ins = 0;

		bpf_probe_read_user(&ins, sizeof(ins), (void *)(link - 4));
		w->frame -= 8 * (2 + ((ins >> 8) & 0xff));
	} else {
		w->frame -= link & ~(__u64)LJ_FRAME_TYPEP;
	}
	return 0;
}

/* Walk the current thread's Lua frames; their hash in prof_lua, or 0. */
static __always_inline __u32 prof_lua_walk(struct bpf_perf_event_data *ctx, __u32 tid)
{
	__u64 *Lp = bpf_map_lookup_elem(&prof_lua_state, &tid);
	struct lj_walk w = { .hash = 2166136261u };
	__u32 zero = 0;
	__u64 L, stack;

	(void)ctx;
	if (!Lp)
		return 0;
	L = *Lp;
	if (lj_read8(L + LJ_L_GCT) != LJ_GCT_THREAD)
		return 0;
	w.st = bpf_map_lookup_elem(&prof_lua_scratch, &zero);
	if (!w.st)
		return 0;
	__builtin_memset(w.st, 0, sizeof(*w.st));
	stack = lj_read64(L + LJ_L_STACK);
	w.bottom = stack + 8;
	w.frame = lj_base(L, stack) - 8;
	bpf_loop(PROF_LUA_DEPTH, lj_step, &w, 0);
	if (!w.n)
		return 0;
	w.hash = w.hash ? w.hash : 1;
	bpf_map_update_elem(&prof_lua, &w.hash, w.st, BPF_ANY);
	return w.hash;
}

#endif
