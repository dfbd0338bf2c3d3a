// SPDX-License-Identifier: GPL-2.0
/* mountsnoop: mount, umount and the new mount API, decoded, with the result. */
#include <ctype.h>
#include <string.h>

#include "names.h"
#include "tracers.h"
#include "mountsnoop.skel.h"
#include "util.h"

_Static_assert(sizeof(struct tr_mount) ==
	       sizeof(struct tr_ident) + 80 + 3 * TR_PATH_LEN + TR_MNT_FSTYPE_LEN,
	       "struct tr_mount: padding changed");

#define AT_FDCWD_	(-100)
/* fsconfig commands (include/uapi/linux/mount.h) */
#define FSCONFIG_SET_PATH	3
#define FSCONFIG_SET_PATH_EMPTY	4
#define FSCONFIG_SET_FD		5

static const char *const calls[] = {
	[TR_MNT_MOUNT] = "mount", [TR_MNT_UMOUNT] = "umount",
	[TR_MNT_FSOPEN] = "fsopen", [TR_MNT_FSCONFIG] = "fsconfig",
	[TR_MNT_FSMOUNT] = "fsmount", [TR_MNT_MOVE_MOUNT] = "move_mount",
	[TR_MNT_OPEN_TREE] = "open_tree", [TR_MNT_MOUNT_SETATTR] = "mount_setattr",
};

static const char *call_name(unsigned int c)
{
	return c < ARRAY_SIZE(calls) && calls[c] ? calls[c] : "?";
}

static const char *const fsconfig_cmds[] = {
	"FSCONFIG_SET_FLAG", "FSCONFIG_SET_STRING", "FSCONFIG_SET_BINARY",
	"FSCONFIG_SET_PATH", "FSCONFIG_SET_PATH_EMPTY", "FSCONFIG_SET_FD",
	"FSCONFIG_CMD_CREATE", "FSCONFIG_CMD_RECONFIGURE", "FSCONFIG_CMD_CREATE_EXCL",
};

/*
 * Flag names, by value: the kernel's UAPI headers (linux/mount.h, fcntl.h),
 * written out so that the names do not depend on the build machine's headers.
 * A name matches when all of its bits are set; its bits are then used up.
 */
struct bitname {
	unsigned long long mask;
	const char *name;
};

static const struct bitname ms_names[] = {
	{ 1, "MS_RDONLY" }, { 2, "MS_NOSUID" }, { 4, "MS_NODEV" },
	{ 8, "MS_NOEXEC" }, { 16, "MS_SYNCHRONOUS" }, { 32, "MS_REMOUNT" },
	{ 64, "MS_MANDLOCK" }, { 128, "MS_DIRSYNC" }, { 256, "MS_NOSYMFOLLOW" },
	{ 1024, "MS_NOATIME" }, { 2048, "MS_NODIRATIME" }, { 4096, "MS_BIND" },
	{ 8192, "MS_MOVE" }, { 16384, "MS_REC" }, { 32768, "MS_SILENT" },
	{ 1 << 16, "MS_POSIXACL" }, { 1 << 17, "MS_UNBINDABLE" },
	{ 1 << 18, "MS_PRIVATE" }, { 1 << 19, "MS_SLAVE" }, { 1 << 20, "MS_SHARED" },
	{ 1 << 21, "MS_RELATIME" }, { 1 << 22, "MS_KERNMOUNT" },
	{ 1 << 23, "MS_I_VERSION" }, { 1 << 24, "MS_STRICTATIME" },
	{ 1 << 25, "MS_LAZYTIME" }, { 1 << 26, "MS_SUBMOUNT" },
	{ 1 << 27, "MS_NOREMOTELOCK" }, { 1 << 28, "MS_NOSEC" }, { 1 << 29, "MS_BORN" },
	{ 1 << 30, "MS_ACTIVE" }, { 1ULL << 31, "MS_NOUSER" },
};

static const struct bitname umount_names[] = {
	{ 1, "MNT_FORCE" }, { 2, "MNT_DETACH" }, { 4, "MNT_EXPIRE" },
	{ 8, "UMOUNT_NOFOLLOW" },
};

static const struct bitname fsopen_names[] = { { 1, "FSOPEN_CLOEXEC" } };
static const struct bitname fsmount_names[] = { { 1, "FSMOUNT_CLOEXEC" } };

static const struct bitname attr_names[] = {
	{ 0x70, "MOUNT_ATTR__ATIME" },	/* the whole atime field (attr_clr) */
	{ 0x1, "MOUNT_ATTR_RDONLY" }, { 0x2, "MOUNT_ATTR_NOSUID" },
	{ 0x4, "MOUNT_ATTR_NODEV" }, { 0x8, "MOUNT_ATTR_NOEXEC" },
	{ 0x10, "MOUNT_ATTR_NOATIME" }, { 0x20, "MOUNT_ATTR_STRICTATIME" },
	{ 0x80, "MOUNT_ATTR_NODIRATIME" }, { 0x100000, "MOUNT_ATTR_IDMAP" },
	{ 0x200000, "MOUNT_ATTR_NOSYMFOLLOW" },
};

static const struct bitname move_names[] = {
	{ 0x1, "MOVE_MOUNT_F_SYMLINKS" }, { 0x2, "MOVE_MOUNT_F_AUTOMOUNTS" },
	{ 0x4, "MOVE_MOUNT_F_EMPTY_PATH" }, { 0x10, "MOVE_MOUNT_T_SYMLINKS" },
	{ 0x20, "MOVE_MOUNT_T_AUTOMOUNTS" }, { 0x40, "MOVE_MOUNT_T_EMPTY_PATH" },
	{ 0x100, "MOVE_MOUNT_SET_GROUP" }, { 0x200, "MOVE_MOUNT_BENEATH" },
};

/* open_tree and mount_setattr: OPEN_TREE_* and the AT_* path flags */
static const struct bitname tree_names[] = {
	{ 0x1, "OPEN_TREE_CLONE" }, { 0x80000, "OPEN_TREE_CLOEXEC" },
	{ 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x800, "AT_NO_AUTOMOUNT" },
	{ 0x1000, "AT_EMPTY_PATH" }, { 0x8000, "AT_RECURSIVE" },
};

#define MS_MGC_MSK	0xffff0000ULL	/* mount(2): the old magic number */
#define MS_MGC_VAL	0xc0ed0000ULL

/* "MS_NOSUID|MS_NODEV", unknown bits as a hex number, "0" for none */
static const char *bits_str(unsigned long long v, const struct bitname *t, size_t n,
			    char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	if (t == ms_names && (v & MS_MGC_MSK) == MS_MGC_VAL) {
		used += snprintf(buf, len, "MS_MGC_VAL");
		v &= ~MS_MGC_MSK;
	}
	for (size_t i = 0; i < n && used < len; i++) {
		if ((v & t[i].mask) != t[i].mask)
			continue;
		used += snprintf(buf + used, len - used, "%s%s", used ? "|" : "", t[i].name);
		v &= ~t[i].mask;
	}
	if (v && used < len)
		snprintf(buf + used, len - used, "%s%#llx", used ? "|" : "", v);
	else if (!used)
		snprintf(buf, len, "0");
	return buf;
}

#define BITS(v, t, buf) bits_str((v), (t), ARRAY_SIZE(t), (buf), sizeof(buf))

/* the primary flags argument of each call, decoded */
static const char *flags_str(const struct tr_mount *e, char *buf, size_t len)
{
	switch (e->call) {
	case TR_MNT_MOUNT:
		return bits_str(e->flags, ms_names, ARRAY_SIZE(ms_names), buf, len);
	case TR_MNT_UMOUNT:
		return bits_str(e->flags, umount_names, ARRAY_SIZE(umount_names), buf, len);
	case TR_MNT_FSOPEN:
		return bits_str(e->flags, fsopen_names, ARRAY_SIZE(fsopen_names), buf, len);
	case TR_MNT_FSMOUNT:
		return bits_str(e->flags, fsmount_names, ARRAY_SIZE(fsmount_names), buf, len);
	case TR_MNT_MOVE_MOUNT:
		return bits_str(e->flags, move_names, ARRAY_SIZE(move_names), buf, len);
	case TR_MNT_OPEN_TREE:
	case TR_MNT_MOUNT_SETATTR:
		return bits_str(e->flags, tree_names, ARRAY_SIZE(tree_names), buf, len);
	}
	snprintf(buf, len, "%#llx", (unsigned long long)e->flags);
	return buf;
}

static const char *cmd_name(unsigned int cmd, char *buf, size_t len)
{
	if (cmd < ARRAY_SIZE(fsconfig_cmds))
		return fsconfig_cmds[cmd];
	snprintf(buf, len, "%u", cmd);
	return buf;
}

static bool has_flags(unsigned int call)
{
	return call != TR_MNT_FSCONFIG;
}

static bool fsconfig_has_aux(unsigned int cmd)
{
	return cmd == FSCONFIG_SET_PATH || cmd == FSCONFIG_SET_PATH_EMPTY ||
	       cmd == FSCONFIG_SET_FD;
}

/* a string field: null when the call passed none (or it was unreadable) */
static void kstr(struct json *j, const char *key, const char *s, size_t n, bool have)
{
	json_key_rt(j, key);
	if (have)
		json_strn(j, s, n);
	else
		json_null(j);
}

#define KSTR(j, key, e, field, bit) \
	kstr((j), (key), (e)->field, sizeof((e)->field), (e)->have & (bit))

static void mount_json(struct json *j, const void *rec)
{
	const struct tr_mount *e = rec;
	char b[512];

	json_kstr(j, "call", call_name(e->call));
	switch (e->call) {
	case TR_MNT_MOUNT:
		KSTR(j, "source", e, source, TR_MNT_HAVE_SOURCE);
		KSTR(j, "target", e, target, TR_MNT_HAVE_TARGET);
		KSTR(j, "fstype", e, fstype, TR_MNT_HAVE_FSTYPE);
		KSTR(j, "data", e, data, TR_MNT_HAVE_DATA);
		break;
	case TR_MNT_UMOUNT:
		KSTR(j, "target", e, target, TR_MNT_HAVE_TARGET);
		break;
	case TR_MNT_FSOPEN:
		KSTR(j, "fstype", e, fstype, TR_MNT_HAVE_FSTYPE);
		break;
	case TR_MNT_FSCONFIG:
		json_ki64(j, "fd", e->fd);
		json_kstr(j, "cmd", cmd_name(e->cmd, b, sizeof(b)));
		KSTR(j, "key", e, source, TR_MNT_HAVE_SOURCE);
		if (e->have & TR_MNT_HAVE_DATA) {
			json_key(j, "value");
			json_strn(j, e->data, sizeof(e->data));
		}
		if (fsconfig_has_aux(e->cmd))
			json_ki64(j, "aux", e->fd2);
		break;
	case TR_MNT_FSMOUNT:
		json_ki64(j, "fd", e->fd);
		json_ku64(j, "attr_flags", e->attr_set);
		json_kstr(j, "attr_str", BITS(e->attr_set, attr_names, b));
		break;
	case TR_MNT_MOVE_MOUNT:
		json_ki64(j, "from_dfd", e->fd);
		KSTR(j, "from", e, source, TR_MNT_HAVE_SOURCE);
		json_ki64(j, "to_dfd", e->fd2);
		KSTR(j, "to", e, target, TR_MNT_HAVE_TARGET);
		break;
	case TR_MNT_OPEN_TREE:
	case TR_MNT_MOUNT_SETATTR:
		json_ki64(j, "dfd", e->fd);
		KSTR(j, "path", e, target, TR_MNT_HAVE_TARGET);
		if (e->call == TR_MNT_OPEN_TREE)
			break;
		json_ku64(j, "attr_size", e->attr_size);
		if (!(e->have & TR_MNT_HAVE_ATTR))
			break;
		json_ku64(j, "attr_set", e->attr_set);
		json_kstr(j, "attr_set_str", BITS(e->attr_set, attr_names, b));
		json_ku64(j, "attr_clr", e->attr_clr);
		json_kstr(j, "attr_clr_str", BITS(e->attr_clr, attr_names, b));
		json_ku64(j, "propagation", e->propagation);
		json_kstr(j, "propagation_str", BITS(e->propagation, ms_names, b));
		if (e->attr_set & 0x100000)	/* MOUNT_ATTR_IDMAP */
			json_ku64(j, "userns_fd", e->userns_fd);
		break;
	}
	if (has_flags(e->call)) {
		json_ku64(j, "flags", e->flags);
		json_kstr(j, "flags_str", flags_str(e, b, sizeof(b)));
	}
	json_ki64(j, "ret", e->ret);
	if (e->ret < 0 && errno_symbol(-e->ret))
		json_kstr(j, "errno", errno_symbol(-e->ret));
}

/* ---- the table: mount("tmpfs", "/mnt", "tmpfs", MS_NODEV, "size=1m") = 0 ---- */

static void put_str(FILE *out, const char *s, size_t n, bool have)
{
	if (!have) {
		fputs("NULL", out);
		return;
	}
	putc('"', out);
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (isprint(c))
			putc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
	putc('"', out);
}

#define PUT_STR(out, e, field, bit) \
	put_str((out), (e)->field, sizeof((e)->field), (e)->have & (bit))

static void put_dfd(FILE *out, int dfd)
{
	if (dfd == AT_FDCWD_)
		fputs("AT_FDCWD", out);
	else
		fprintf(out, "%d", dfd);
}

static void mount_row(FILE *out, const void *rec)
{
	const struct tr_mount *e = rec;
	char b[512];

	fprintf(out, "%-7u %-10u %s(", e->h.tid, e->h.mntns, call_name(e->call));
	switch (e->call) {
	case TR_MNT_MOUNT:
		PUT_STR(out, e, source, TR_MNT_HAVE_SOURCE);
		fputs(", ", out);
		PUT_STR(out, e, target, TR_MNT_HAVE_TARGET);
		fputs(", ", out);
		PUT_STR(out, e, fstype, TR_MNT_HAVE_FSTYPE);
		fprintf(out, ", %s, ", flags_str(e, b, sizeof(b)));
		PUT_STR(out, e, data, TR_MNT_HAVE_DATA);
		break;
	case TR_MNT_UMOUNT:
		PUT_STR(out, e, target, TR_MNT_HAVE_TARGET);
		fprintf(out, ", %s", flags_str(e, b, sizeof(b)));
		break;
	case TR_MNT_FSOPEN:
		PUT_STR(out, e, fstype, TR_MNT_HAVE_FSTYPE);
		fprintf(out, ", %s", flags_str(e, b, sizeof(b)));
		break;
	case TR_MNT_FSCONFIG:
		fprintf(out, "%d, %s, ", e->fd, cmd_name(e->cmd, b, sizeof(b)));
		PUT_STR(out, e, source, TR_MNT_HAVE_SOURCE);
		fputs(", ", out);
		if (e->have & TR_MNT_HAVE_DATA)
			PUT_STR(out, e, data, TR_MNT_HAVE_DATA);
		else
			fputs("...", out);
		fprintf(out, ", %d", e->fd2);
		break;
	case TR_MNT_FSMOUNT:
		fprintf(out, "%d, %s, ", e->fd, flags_str(e, b, sizeof(b)));
		fputs(BITS(e->attr_set, attr_names, b), out);
		break;
	case TR_MNT_MOVE_MOUNT:
		put_dfd(out, e->fd);
		fputs(", ", out);
		PUT_STR(out, e, source, TR_MNT_HAVE_SOURCE);
		fputs(", ", out);
		put_dfd(out, e->fd2);
		fputs(", ", out);
		PUT_STR(out, e, target, TR_MNT_HAVE_TARGET);
		fprintf(out, ", %s", flags_str(e, b, sizeof(b)));
		break;
	case TR_MNT_OPEN_TREE:
	case TR_MNT_MOUNT_SETATTR:
		put_dfd(out, e->fd);
		fputs(", ", out);
		PUT_STR(out, e, target, TR_MNT_HAVE_TARGET);
		fprintf(out, ", %s", flags_str(e, b, sizeof(b)));
		if (e->call == TR_MNT_OPEN_TREE)
			break;
		if (!(e->have & TR_MNT_HAVE_ATTR)) {
			fprintf(out, ", ?, %llu", (unsigned long long)e->attr_size);
			break;
		}
		fprintf(out, ", {set=%s", BITS(e->attr_set, attr_names, b));
		fprintf(out, ", clr=%s", BITS(e->attr_clr, attr_names, b));
		fprintf(out, ", propagation=%s}, %llu", BITS(e->propagation, ms_names, b),
			(unsigned long long)e->attr_size);
		break;
	}
	if (e->ret < 0 && errno_symbol(-e->ret))
		fprintf(out, ") = -%s", errno_symbol(-e->ret));
	else
		fprintf(out, ") = %lld", (long long)e->ret);
}

/*
 * Best first.  A kernel older than 5.12 has no mount_setattr, one older
 * than 5.2 none of the new API: those variants trace what it has.
 */
static const struct tr_variant variants[] = {
	{ "tracepoint syscalls:sys_{enter,exit}_{mount,umount,fsopen,fsconfig,fsmount,"
	  "move_mount,open_tree,mount_setattr}",
	  "mount_enter mount_exit umount_enter umount_exit fsopen_enter fsopen_exit "
	  "fsconfig_enter fsconfig_exit fsmount_enter fsmount_exit move_mount_enter "
	  "move_mount_exit open_tree_enter open_tree_exit mount_setattr_enter "
	  "mount_setattr_exit" },
	{ "tracepoint syscalls:sys_{enter,exit}_{mount,umount,fsopen,fsconfig,fsmount,"
	  "move_mount,open_tree} (no mount_setattr)",
	  "mount_enter mount_exit umount_enter umount_exit fsopen_enter fsopen_exit "
	  "fsconfig_enter fsconfig_exit fsmount_enter fsmount_exit move_mount_enter "
	  "move_mount_exit open_tree_enter open_tree_exit" },
	{ "tracepoint syscalls:sys_{enter,exit}_{mount,umount} (no new mount API)",
	  "mount_enter mount_exit umount_enter umount_exit" },
	{ "raw_tp raw_syscalls:sys_enter/sys_exit (64-bit calls)", "raw_enter raw_exit" },
	{ NULL },
};

TRACER_SKEL(mountsnoop)

const struct tracer_desc mountsnoop_tracer = {
	.name = "mountsnoop",
	.summary = "mount, umount and the new mount API (fsopen, fsconfig, fsmount, "
		   "move_mount, open_tree, mount_setattr), decoded, with the result",
	.variants = variants,
	.rec_size = sizeof(struct tr_mount),
	TRACER_SKEL_OPS(mountsnoop),
	.json = mount_json,
	.columns = "TID     MNT_NS     CALL",
	.row = mount_row,
	.has_result = true,
	.notes =
	"Strings are read when the call returns.  fsconfig values are shown for\n"
	"the string and path commands only.  The raw_tp method sees 64-bit calls\n"
	"only; a tracepoint method named \"no ...\" misses the calls it names.\n"
	"-x shows failed calls only.\n",
};
