// SPDX-License-Identifier: GPL-2.0
/*
 * A decision record read back into the values its decision was made on:
 * one reader per value type, one row per dimension (bpf/events.h).
 */
#include <stdio.h>
#include <string.h>

#include "logread.h"
#include "names.h"
#include "replay.h"
#include "syscalls.h"

struct fields {
	struct json_object *o;
	const char *wrong;	/* the first field of the wrong type */
};

static struct json_object *field(struct fields *f, const char *path, enum json_type want)
{
	struct json_object *v = json_get(f->o, path);

	if (!v || json_object_is_type(v, want))
		return v;
	if (!f->wrong)
		f->wrong = path;
	return NULL;
}

static const char *str_field(struct fields *f, const char *path)
{
	struct json_object *v = field(f, path, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

static long long int_field(struct fields *f, const char *path, long long dflt)
{
	struct json_object *v = field(f, path, json_type_int);

	return v ? json_object_get_int64(v) : dflt;
}

static bool bool_field(struct fields *f, const char *path)
{
	return json_object_get_boolean(field(f, path, json_type_boolean));
}

/* BW_PF_* of a path value from its KEY_truncated, KEY_unresolved, KEY_private. */
static uint8_t path_flags(struct fields *f, const char *key)
{
	char k[64];
	uint8_t pf = 0;

	snprintf(k, sizeof(k), "%s_truncated", key);
	if (bool_field(f, k))
		pf |= BW_PF_CUT;
	snprintf(k, sizeof(k), "%s_unresolved", key);
	if (bool_field(f, k))
		pf |= BW_PF_UNRESOLVED;
	snprintf(k, sizeof(k), "%s_private", key);
	if (bool_field(f, k))
		pf |= BW_PF_PRIVATE;
	return pf;
}

/* ---- one reader per value type (the V_* of the rule parser) ---- */

typedef int (*reader)(struct fields *f, const char *path, int dim, struct bw_values *v);

static int read_NAME(struct fields *f, const char *path, int dim, struct bw_values *v)
{
	v->str[dim] = str_field(f, path);
	return 0;
}

static int read_CONTAINER(struct fields *f, const char *path, int dim, struct bw_values *v)
{
	char k[64];

	v->str[dim] = str_field(f, path);
	if (!v->str[dim])
		v->str[dim] = "";	/* no container */
	snprintf(k, sizeof(k), "%s_private", path);
	v->ctr_private = bool_field(f, k);
	return 0;
}

static int read_PATH(struct fields *f, const char *path, int dim, struct bw_values *v)
{
	v->str[dim] = str_field(f, path);
	v->pflags[bw_path_slot(dim)] = path_flags(f, path);
	return 0;
}

#define read_SOURCE read_PATH

/* absent: what the kernel's 32-bit field holds for "none" */
static int read_UID(struct fields *f, const char *path, int dim, struct bw_values *v)
{
	v->num[dim] = int_field(f, path, (uint32_t)-1);
	return 0;
}

#define read_GID read_UID
#define read_SIGNAL read_UID

static int read_CAP(struct fields *f, const char *path, int dim, struct bw_values *v)
{
	v->num[dim] = int_field(f, path, 64);	/* no capability */
	return 0;
}

static int read_YESNO(struct fields *f, const char *path, int dim, struct bw_values *v)
{
	v->num[dim] = bool_field(f, path);
	return 0;
}

static int read_IPC_KIND(struct fields *f, const char *path, int dim, struct bw_values *v)
{
	const char *s = str_field(f, path);
	int n = s ? ipc_kind_from_string(s) : -1;

	v->num[dim] = n < 0 ? BW_IPC_UNKNOWN : n;
	return 0;
}

static int read_IPC_ACCESS(struct fields *f, const char *path, int dim, struct bw_values *v)
{
	const char *s = str_field(f, path);

	v->num[dim] = s ? (strstr(s, "read") ? BW_IPC_READ : 0) |
			  (strstr(s, "write") ? BW_IPC_WRITE : 0) : 0;
	return 0;
}

static int read_MOUNT_OP(struct fields *f, const char *path, int dim, struct bw_values *v)
{
	const char *s = str_field(f, path);
	int n = s ? mount_op_from_string(s) : -1;

	v->num[dim] = n < 0 ? 0 : n;
	return 0;
}

/* Records carry the cgroup id, not its path: never read (see replay_record). */
static int read_CGROUP(struct fields *f, const char *path, int dim, struct bw_values *v)
{
	(void)f, (void)path, (void)dim, (void)v;
	return 0;
}

/* The call: its number (path) and its arch beside it, in the same object. */
static int read_SYSCALL(struct fields *f, const char *path, int dim, struct bw_values *v)
{
	static const char *const arches[] = { "x86_64", "i386", "x32" };
	const char *arch = str_field(f, "syscall.arch");
	int n = -1;

	for (int a = 0; arch && a < 3; a++)
		if (!strcmp(arch, arches[a]))
			n = a;
	if (n < 0)
		return -1;
	v->num[dim] = BW_SC_ID(n, int_field(f, path, 0) | (n == BW_SC_X32 ? BW_SC_X32_BIT : 0));
	return 0;
}

static const struct {
	int cls;
	const char *path;
	reader read;
} dims[BW_NDIM] = {
#define DIM_READER_(name, key, cls, kind, vt, neg, field) \
	[BW_DIM_##name] = { BW_CLASS_##cls, field, read_##vt },
	BW_DIMENSIONS(DIM_READER_)
#undef DIM_READER_
};

int record_values(struct json_object *o, int cls, struct bw_values *v,
		  const char **wrong)
{
	struct fields f = { .o = o };
	int err = 0;

	memset(v, 0, sizeof(*v));
	for (int d = 0; d < BW_NDIM && !err; d++)
		if (dims[d].path && (dims[d].cls == BW_CLASS_SUBJECT || dims[d].cls == cls))
			err = dims[d].read(&f, dims[d].path, d, v);
	*wrong = f.wrong;
	return err || f.wrong ? -1 : 0;
}
