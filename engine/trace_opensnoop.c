// SPDX-License-Identifier: GPL-2.0
/* opensnoop: open, openat, openat2 with pid, comm, fd, err, flags, path. */
#include <fcntl.h>
#include <string.h>

#include "names.h"
#include "tracers.h"
#include "opensnoop.skel.h"
#include "util.h"

static const char *const calls[] = {
	[TR_OPEN_OPEN] = "open", [TR_OPEN_OPENAT] = "openat", [TR_OPEN_OPENAT2] = "openat2",
};

static const char *call_name(unsigned int c)
{
	return c < ARRAY_SIZE(calls) && calls[c] ? calls[c] : "?";
}

static const struct { int bit; const char *name; } flag_names[] = {
	{ O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" }, { O_NOCTTY, "O_NOCTTY" },
	{ O_TRUNC, "O_TRUNC" }, { O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" },
	{ O_DSYNC, "O_DSYNC" }, { O_DIRECT, "O_DIRECT" }, { O_LARGEFILE, "O_LARGEFILE" },
	{ O_DIRECTORY, "O_DIRECTORY" }, { O_NOFOLLOW, "O_NOFOLLOW" },
	{ O_NOATIME, "O_NOATIME" }, { O_CLOEXEC, "O_CLOEXEC" }, { O_PATH, "O_PATH" },
	{ O_TMPFILE & ~O_DIRECTORY, "O_TMPFILE" }, { O_SYNC & ~O_DSYNC, "O_SYNC" },
};

/* "O_WRONLY|O_CREAT|O_TRUNC" */
static const char *flags_str(unsigned long long flags, char *buf, size_t len)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	size_t n = snprintf(buf, len, "%s", acc[flags & O_ACCMODE]);

	for (size_t i = 0; i < ARRAY_SIZE(flag_names) && n < len; i++)
		if (flags & flag_names[i].bit)
			n += snprintf(buf + n, len - n, "|%s", flag_names[i].name);
	return buf;
}

static void open_json(struct json *j, const void *rec)
{
	const struct tr_open *e = rec;
	char fb[256];

	json_kstr(j, "syscall", call_name(e->call));
	json_key(j, "path");
	json_strn(j, e->path, sizeof(e->path));
	json_ku64(j, "flags", e->flags);
	json_kstr(j, "flags_str", flags_str(e->flags, fb, sizeof(fb)));
	if (e->flags & (O_CREAT | (O_TMPFILE & ~O_DIRECTORY)))
		json_ku64(j, "mode", e->mode);
	if (e->call != TR_OPEN_OPEN)
		json_ki64(j, "dfd", e->dfd);
	if (e->ret >= 0)
		json_ki64(j, "fd", e->ret);
	json_ki64(j, "err", e->ret < 0 ? -e->ret : 0);
	if (e->ret < 0 && errno_symbol(-e->ret))
		json_kstr(j, "errno", errno_symbol(-e->ret));
	json_ki64(j, "ret", e->ret);
}

static void open_row(FILE *out, const void *rec)
{
	const struct tr_open *e = rec;
	char fb[256];

	fprintf(out, "%-4d %-4d %-8s %-24s %.*s", e->ret >= 0 ? e->ret : -1,
		e->ret < 0 ? -e->ret : 0, call_name(e->call),
		flags_str(e->flags, fb, sizeof(fb)), (int)sizeof(e->path), e->path);
}

static const struct tr_variant variants[] = {
	{ "tracepoint syscalls:sys_{enter,exit}_{open,openat,openat2}",
	  "open_enter openat_enter openat2_enter open_exit openat_exit openat2_exit" },
	{ "raw_tp raw_syscalls:sys_enter/sys_exit (64-bit calls)", "raw_enter raw_exit" },
	{ NULL },
};

TRACER_SKEL(opensnoop)

const struct tracer_desc opensnoop_tracer = {
	.name = "opensnoop",
	.summary = "Files opened with open, openat and openat2, with the result",
	.variants = variants,
	.rec_size = sizeof(struct tr_open),
	TRACER_SKEL_OPS(opensnoop),
	.json = open_json,
	.columns = "FD   ERR  CALL     FLAGS                    PATH",
	.row = open_row,
	.has_result = true,
};
