// SPDX-License-Identifier: GPL-2.0
/* profile --lua: stub */
#include <stdlib.h>

#include "profile_lua.h"

bool prof_lua_gc64(void)
{
	return true;
}

struct prof_lua *prof_lua_new(void)
{
	return NULL;
}

void prof_lua_free(struct prof_lua *l)
{
	(void)l;
}

void prof_lua_frames(struct prof_lua *l, struct profile_bpf *skel, uint32_t pid,
		     uint32_t id, void (*add)(struct stack_buf *b, const char *frame),
		     struct stack_buf *b)
{
	(void)l; (void)skel; (void)pid; (void)id; (void)add; (void)b;
}
