/* SPDX-License-Identifier: GPL-2.0 */
/* profile --lua: the names of the LuaJIT frames the sampler recorded. */
#ifndef BULWARK_PROFILE_LUA_H
#define BULWARK_PROFILE_LUA_H

#include <stdbool.h>
#include <stdint.h>

struct prof_lua;
struct profile_bpf;
struct stack_buf;

/* Is the LuaJIT on this machine built with GC64 (8-byte references)? */
bool prof_lua_gc64(void);
struct prof_lua *prof_lua_new(void);
void prof_lua_free(struct prof_lua *l);
/* Lua stack id of process pid: each frame "chunk:line", outermost first. */
void prof_lua_frames(struct prof_lua *l, struct profile_bpf *skel, uint32_t pid,
		     uint32_t id, void (*add)(struct stack_buf *b, const char *frame),
		     struct stack_buf *b);

#endif
