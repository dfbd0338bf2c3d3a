// SPDX-License-Identifier: GPL-2.0
/*
 * profile --lua: the uprobes that keep each thread's lua_State, and the
 * names of the Lua functions the sampler found: each prototype's chunk
 * name and first line, read from the process (LuaJIT 2.1, GC64 layout:
 * bpf/profile_lua.bpf.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "profile.h"
#include "profile_lua.h"
#include "tracers.h"
#include "profile.skel.h"
#include "util.h"

#define LJ_GCMASK	((1ULL << 47) - 1)
#define LJ_PROTO_CHUNKNAME 64	/* GCproto: chunkname (GCRef), firstline (u32) */
#define LJ_PROTO_FIRSTLINE 72
#define LJ_STR_DATA	24	/* GCstr: the bytes follow the header */
#define LJ_NAME_MAX	128

/* Where the system's LuaJIT usually is, when no process is named. */
static const char *const luajit_paths[] = {
	"/usr/lib/x86_64-linux-gnu/libluajit-5.1.so.2",
	"/usr/local/openresty/luajit/lib/libluajit-5.1.so.2",
	NULL,
};

/* The LuaJIT library process pid maps: path in buf, or -ENOENT. */
static int luajit_of(uint32_t pid, char *buf, size_t len)
{
	char maps[64], line[4096 + 128];
	FILE *f;
	int ret = -ENOENT;

	snprintf(maps, sizeof(maps), "/proc/%u/maps", pid);
	f = fopen(maps, "re");
	if (!f)
		return -errno;
	while (ret && fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');

		if (!path || !strstr(path, "libluajit"))
			continue;
		path[strcspn(path, "\n")] = 0;
		snprintf(buf, len, "/proc/%u/root%s", pid, path);
		ret = 0;
	}
	fclose(f);
	return ret;
}

static int uprobe(struct tr_inst *t, struct bpf_program *p, uint32_t pid,
		  const char *path, bool ret)
{
	LIBBPF_OPTS(bpf_uprobe_opts, o, .func_name = "lua_resume", .retprobe = ret);
	struct bpf_link *l = bpf_program__attach_uprobe_opts(p, pid ? (int)pid : -1,
							     path, 0, &o);

	if (!l)
		return -errno;
	tr_add_link(t, l);
	return 0;
}

int prof_lua_attach(struct tr_inst *t, uint32_t pid)
{
	struct profile_bpf *skel = t->skel;
	char path[4096 + 64];
	int ret = -ENOENT;

	if (pid)
		ret = luajit_of(pid, path, sizeof(path));
	for (size_t i = 0; ret && !pid && luajit_paths[i]; i++)
		if (!access(luajit_paths[i], R_OK)) {
			snprintf(path, sizeof(path), "%s", luajit_paths[i]);
			ret = 0;
		}
	if (ret)
		return ret;
	ret = uprobe(t, skel->progs.prof_lua_enter, pid, path, false);
	return ret ? ret : uprobe(t, skel->progs.prof_lua_exit, pid, path, true);
}

/* Names already read, by prototype address (per summary). */
struct prof_lua {
	struct { uint32_t pid; uint64_t proto; char *name; } *v;
	size_t n;
};

struct prof_lua *prof_lua_new(void)
{
	return xcalloc(1, sizeof(struct prof_lua));
}

void prof_lua_free(struct prof_lua *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	free(l);
}

static int peek(uint32_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -1;
}

/* "chunk:firstline", or "[lua]" when the process cannot be read. */
static char *proto_name(uint32_t pid, uint64_t proto)
{
	char chunk[LJ_NAME_MAX + 1] = "";
	uint64_t ref;
	uint32_t line;

	if (peek(pid, proto + LJ_PROTO_CHUNKNAME, &ref, sizeof(ref)) ||
	    peek(pid, proto + LJ_PROTO_FIRSTLINE, &line, sizeof(line)))
		return xstrdup("[lua]");
	/* a string near the end of a mapping: read less */
	for (size_t n = LJ_NAME_MAX; n >= 8; n /= 2)
		if (!peek(pid, (ref & LJ_GCMASK) + LJ_STR_DATA, chunk, n)) {
			chunk[n] = 0;
			break;
		}
	if (!chunk[0])
		return xstrdup("[lua]");
	return xasprintf("%s:%u", chunk, line);
}

static const char *name_of(struct prof_lua *l, uint32_t pid, uint64_t proto)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].pid == pid && l->v[i].proto == proto)
			return l->v[i].name;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n].pid = pid;
	l->v[l->n].proto = proto;
	l->v[l->n].name = proto_name(pid, proto);
	return l->v[l->n++].name;
}

void prof_lua_frames(struct prof_lua *l, struct profile_bpf *skel, uint32_t pid,
		     uint32_t id, void (*add)(struct stack_buf *b, const char *frame),
		     struct stack_buf *b)
{
	struct prof_lua_stack st;

	if (!l || bpf_map_lookup_elem(bpf_map__fd(skel->maps.prof_lua), &id, &st))
		return;
	for (int i = PROF_LUA_DEPTH - 1; i >= 0; i--)
		if (st.proto[i])
			add(b, name_of(l, pid, st.proto[i]));
}
