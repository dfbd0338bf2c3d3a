/* SPDX-License-Identifier: GPL-2.0 */
/*
 * profile: sampled stacks, counted in the kernel.  Shared by
 * bpf/profile.bpf.c and engine/trace_profile.c.
 */
#ifndef BULWARK_PROFILE_H
#define BULWARK_PROFILE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define PROF_MAX_DEPTH	127	/* frames per stack (the kernel's default max) */
#define PROF_STACKS	16384	/* distinct stacks kept */
#define PROF_LUA_DEPTH	32	/* Lua frames walked per sample */

/* What the sampler counts: one task's pair of stacks (and Lua frames). */
struct prof_key {
	__u32 pid;		/* tgid */
	__s32 kstack;		/* stack map ids; < 0: none (-errno) */
	__s32 ustack;
	__u32 lua;		/* the Lua stack's hash in prof_lua; 0: none */
	char comm[16];
};

/* Read-only settings of the sampler. */
struct prof_cfg {
	__u8 user_only;		/* -U */
	__u8 kernel_only;	/* -K */
	__u8 lua;		/* --lua: walk LuaJIT frames */
	__u8 pad[5];
};

/* A Lua stack, innermost first: each Lua function's prototype (0: none). */
struct prof_lua_stack {
	__u64 proto[PROF_LUA_DEPTH];
};

#endif
