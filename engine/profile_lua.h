/* SPDX-License-Identifier: GPL-2.0 */
/* profile --lua: LuaJIT's lua_State per thread, and its frames' names. */
#ifndef BULWARK_PROFILE_LUA_H
#define BULWARK_PROFILE_LUA_H

#include <stdint.h>

struct prof_lua;
struct profile_bpf;
struct stack_buf;
struct tr_inst;

/*
 * The uprobes on lua_resume() of the LuaJIT that process pid maps (0: the
 * system's libluajit), their links added to t.  0 or -errno.
 */
int prof_lua_attach(struct tr_inst *t, uint32_t pid);
struct prof_lua *prof_lua_new(void);
void prof_lua_free(struct prof_lua *l);
/* Lua stack id of process pid: each frame "chunk:line", outermost first. */
void prof_lua_frames(struct prof_lua *l, struct profile_bpf *skel, uint32_t pid,
		     uint32_t id, void (*add)(struct stack_buf *b, const char *frame),
		     struct stack_buf *b);

#endif
