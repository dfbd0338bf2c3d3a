// SPDX-License-Identifier: GPL-2.0
/*
 * Rule files: parsing, validation with file and line, and the one
 * definition of what a rule's key accepts (rule_dim_accepts).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "container.h"
#include "ini_scan.h"
#include "names.h"
#include "rules.h"
#include "syscalls.h"
#include "util.h"

#define MAX_VALUES 256

enum vtype {
	V_NAME,		/* up to 15 characters */
	V_PATH,		/* absolute; exact, or prefix ending '/' */
	V_SOURCE,	/* any string; prefix when ending '/' */
	V_UID,
	V_GID,
	V_CGROUP,
	V_CONTAINER,
	V_CAP,
	V_IPC_KIND,
	V_IPC_ACCESS,
	V_MOUNT_OP,
	V_SIGNAL,
	V_YESNO,
	V_SYSCALL,
};

#define SUBJECT (-1)

static const struct keydef {
	const char *key;
	int dim;
	int cls;		/* class it belongs to, or SUBJECT */
	enum vtype type;
	bool neg_ok;
} keydefs[] = {
	{ "comm", BW_DIM_COMM, SUBJECT, V_NAME, true },
	{ "exe", BW_DIM_EXE, SUBJECT, V_PATH, true },
	{ "uid", BW_DIM_UID, SUBJECT, V_UID, true },
	{ "gid", BW_DIM_GID, SUBJECT, V_GID, true },
	{ "parent_comm", BW_DIM_PCOMM, SUBJECT, V_NAME, true },
	{ "cgroup", BW_DIM_CGROUP, SUBJECT, V_CGROUP, true },
	{ "container", BW_DIM_CONTAINER, SUBJECT, V_CONTAINER, false },
	{ "capability", BW_DIM_CAP, BW_CLASS_CAPABLE, V_CAP, true },
	{ "ipc_kind", BW_DIM_IPC_KIND, BW_CLASS_IPC, V_IPC_KIND, false },
	{ "access", BW_DIM_IPC_ACCESS, BW_CLASS_IPC, V_IPC_ACCESS, false },
	{ "owner_uid", BW_DIM_IPC_OWNER, BW_CLASS_IPC, V_UID, true },
	{ "operation", BW_DIM_MNT_OP, BW_CLASS_MOUNT, V_MOUNT_OP, false },
	{ "fstype", BW_DIM_MNT_FSTYPE, BW_CLASS_MOUNT, V_NAME, true },
	{ "source", BW_DIM_MNT_SOURCE, BW_CLASS_MOUNT, V_SOURCE, true },
	{ "target", BW_DIM_MNT_TARGET, BW_CLASS_MOUNT, V_PATH, true },
	{ "signal", BW_DIM_SIG, BW_CLASS_SIGNAL, V_SIGNAL, true },
	{ "target_comm", BW_DIM_SIG_TCOMM, BW_CLASS_SIGNAL, V_NAME, true },
	{ "target_uid", BW_DIM_SIG_TUID, BW_CLASS_SIGNAL, V_UID, true },
	{ "same_user", BW_DIM_SIG_SAMEUSER, BW_CLASS_SIGNAL, V_YESNO, false },
	{ "path", BW_DIM_EXEC_PATH, BW_CLASS_EXEC, V_PATH, true },
	{ "syscall", BW_DIM_SYSCALL, BW_CLASS_SYSCALL, V_SYSCALL, true },
};

static const char *const class_names[BW_NCLASS] = {
	"capable", "ipc", "mount", "signal", "exec", "syscall",
};

const char *bw_class_name(int cls)
{
	return cls >= 0 && cls < BW_NCLASS ? class_names[cls] : "unknown";
}

int bw_class_from_name(const char *s)
{
	for (int i = 0; i < BW_NCLASS; i++)
		if (!strcmp(s, class_names[i]))
			return i;
	return -1;
}

const char *bw_action_name(int act)
{
	switch (act) {
	case BW_ACT_ALLOW: return "allow";
	case BW_ACT_AUDIT: return "audit";
	case BW_ACT_DENY: return "deny";
	case BW_ACT_KILL: return "kill";
	default: return "none";
	}
}

const char *bw_decision_name(int dec)
{
	switch (dec) {
	case BW_DEC_ALLOW: return "allow";
	case BW_DEC_AUDIT: return "audit";
	case BW_DEC_DENY: return "deny";
	case BW_DEC_WOULD_DENY: return "would-deny";
	case BW_DEC_KILL: return "kill";
	case BW_DEC_WOULD_KILL: return "would-kill";
	default: return "unknown";
	}
}

const char *bw_dim_key(int dim)
{
	for (size_t i = 0; i < ARRAY_SIZE(keydefs); i++)
		if (keydefs[i].dim == dim)
			return keydefs[i].key;
	return "?";
}

/* ---- matching ---- */

/* Path dims and cgroup: a value ending in '/' is a directory prefix. */
static bool is_path_dim(int dim)
{
	return dim == BW_DIM_CGROUP || bw_dim_kind(dim) == BW_KIND_PATH;
}

static bool is_str_dim(int dim)
{
	return dim == BW_DIM_CGROUP || bw_dim_kind(dim) != BW_KIND_NUM;
}

static bool is_prefix(const char *v)
{
	return rule_path_is_prefix(v);
}

/* "memfd:" alone names every memfd: the kernel gives them "memfd:NAME". */
bool rule_path_is_prefix(const char *v)
{
	size_t len = strlen(v);

	return (len && v[len - 1] == '/') || !strcmp(v, BW_MEMFD_PREFIX);
}

/* A prefix "/usr/bin/" accepts what is below it and "/usr/bin" itself. */
static bool path_accepts(const char *v, const char *s)
{
	size_t len = strlen(v);

	if (is_prefix(v))
		return !strncmp(s, v, len) ||
		       (strlen(s) == len - 1 && !strncmp(s, v, len - 1));
	return !strcmp(s, v);
}

static bool value_accepts(int dim, const struct bw_match *m, size_t k,
			  uint64_t num, const char *str)
{
	if (is_path_dim(dim))
		return path_accepts(m->strs[k], str);	/* cgroups end in '/' */
	if (bw_dim_kind(dim) == BW_KIND_STR)
		return !strncmp(m->strs[k], str, BW_COMM_LEN - 1);
	return m->nums[k] == num;
}

bool rule_dim_accepts(const struct bw_rule *r, int dim, uint64_t num,
		      const char *str)
{
	const struct bw_match *m;
	bool hit = false;

	if (dim < 0 || dim >= BW_NDIM)
		return false;
	m = &r->dims[dim];
	if (!m->set)
		return true;
	if (!str)
		str = dim == BW_DIM_CGROUP ? "/" : "";
	for (size_t k = 0; k < m->n && !hit; k++)
		hit = value_accepts(dim, m, k, num, str);
	return m->negate ? !hit : hit;
}

/* ---- parsing ---- */

struct raw_kv {
	char *name;
	char *value;
	int line;
};

struct raw_rule {
	struct raw_kv *kv;
	size_t n;
};

struct file_ctx {
	struct raw_rule *raw;	/* one per section of the file */
};

static void collect_kv(void *user, const struct ini_file *f,
		       const struct ini_key *k, const char *name,
		       const char *value)
{
	struct file_ctx *c = user;
	struct raw_rule *r = &c->raw[k->section];

	(void)f;
	r->kv = xreallocarray(r->kv, r->n + 1, sizeof(*r->kv));
	r->kv[r->n].name = xstrdup(name);
	r->kv[r->n].value = xstrdup(value);
	r->kv[r->n].line = k->line;
	r->n++;
}

static const struct keydef *find_key(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(keydefs); i++)
		if (!strcmp(keydefs[i].key, name))
			return &keydefs[i];
	return NULL;
}

static void match_add_num(struct bw_match *m, uint64_t v)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->nums[i] == v)
			return;
	m->nums = xreallocarray(m->nums, m->n + 1, sizeof(*m->nums));
	m->nums[m->n++] = v;
}

static void match_add_str(struct bw_match *m, const char *s)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->strs[i], s))
			return;
	m->strs = xreallocarray(m->strs, m->n + 1, sizeof(*m->strs));
	m->strs[m->n++] = xstrdup(s);
}

/*
 * A container: any, none (each alone), or ids and names, stored as the
 * short id the kernel compares (engine/container.c).
 */
static int parse_container(struct bw_match *m, const char *v, const char *file,
			   int line, struct diag *d, bool *special)
{
	char short_id[BW_CTR_ID_LEN];

	if (*special || !strcmp(v, "any") || !strcmp(v, "none")) {
		/* nothing before them, nothing after them */
		if (m->n) {
			diag_err(d, file, line, "container: 'any' and 'none' stand alone");
			return -1;
		}
		*special = true;
		m->negate = !strcmp(v, "any");
		match_add_str(m, "");
		return 0;
	}
	switch (container_value_kind(v)) {
	case CTR_VAL_ID:
		break;
	case CTR_VAL_BAD_ID:
		diag_err(d, file, line,
			 "container '%s': an id is 12 to 64 hex characters, lowercase "
			 "(a value of hex digits only is read as an id)", v);
		return -1;
	case CTR_VAL_BAD_NAME:
		diag_err(d, file, line,
			 "container '%s' is not any, none, an id (12 to 64 hex characters) "
			 "or a container name (letters, digits, '.', '_', '-'; at most %d)",
			 v, CTR_NAME_MAX);
		return -1;
	case CTR_VAL_NAME:
		if (strlen(v) > BW_CTR_SHORT_NAME)
			diag_warn(d, file, line,
				  "container name '%s' is longer than %d bytes: the kernel "
				  "compares only '%.*s', which other containers' names may share",
				  v, BW_CTR_SHORT_NAME, BW_CTR_SHORT_NAME, v);
		break;
	}
	container_value_short(v, short_id);
	match_add_str(m, short_id);
	return 0;
}

/*
 * The kernel reads at most BW_PATH_LEN - 1 bytes of a path.  A prefix of
 * that length still matches exactly what it should; an exact path must be
 * a byte shorter, or it would also match every longer path cut to it.
 */
static int parse_path(struct bw_match *m, const struct keydef *kd,
		      const char *v, const char *file, int line, struct diag *d)
{
	char *stored;
	size_t len;

	if (kd->type == V_PATH && !strncmp(v, BW_MEMFD_PREFIX, strlen(BW_MEMFD_PREFIX))) {
		/* a memfd: "memfd:" or "memfd:NAME" (the name memfd_create got) */
	} else if (kd->type != V_SOURCE && v[0] != '/') {
		diag_err(d, file, line,
			 "%s '%s' is not an absolute path (nor memfd: or memfd:NAME)",
			 kd->key, v);
		return -1;
	}
	if (kd->type == V_CGROUP && !is_prefix(v))
		stored = xasprintf("%s/", v);
	else
		stored = xstrdup(v);
	len = strlen(stored);
	if (len > BW_PATH_LEN - 1) {
		diag_err(d, file, line, "%s is longer than %d bytes", kd->key,
			 BW_PATH_LEN - 1);
		free(stored);
		return -1;
	}
	if (len == BW_PATH_LEN - 1 && !is_prefix(stored)) {
		diag_err(d, file, line,
			 "%s is longer than %d bytes (%d for a prefix ending in '/')",
			 kd->key, BW_PATH_LEN - 2, BW_PATH_LEN - 1);
		free(stored);
		return -1;
	}
	match_add_str(m, stored);
	free(stored);
	return 0;
}

/* One value of a key; returns 0 or -1 after reporting. */
static int parse_value(struct bw_match *m, const struct keydef *kd,
		       const char *v, const char *file, int line,
		       struct diag *d, bool *container_special)
{
	uint32_t id;
	int n;
	size_t len = strlen(v);

	switch (kd->type) {
	case V_NAME:
		if (len > BW_COMM_LEN - 1) {
			diag_err(d, file, line, "%s '%s' is longer than %d characters",
				 kd->key, v, BW_COMM_LEN - 1);
			return -1;
		}
		match_add_str(m, v);
		return 0;
	case V_PATH:
	case V_SOURCE:
	case V_CGROUP:
		return parse_path(m, kd, v, file, line, d);
	case V_UID:
	case V_GID:
		n = kd->type == V_UID ? uid_from_string(v, &id) :
					gid_from_string(v, &id);
		if (n < 0) {
			diag_err(d, file, line, "%s '%s': %s", kd->key, v,
				 n == -2 ? "bad number" :
				 kd->type == V_UID ? "no such user" : "no such group");
			return -1;
		}
		match_add_num(m, id);
		return 0;
	case V_CONTAINER:
		return parse_container(m, v, file, line, d, container_special);
	case V_CAP:
		n = cap_from_string(v);
		if (n < 0) {
			diag_err(d, file, line, "unknown capability '%s'", v);
			return -1;
		}
		match_add_num(m, n);
		return 0;
	case V_SIGNAL:
		n = signal_from_string(v);
		if (n < 0) {
			diag_err(d, file, line, "unknown signal '%s'", v);
			return -1;
		}
		match_add_num(m, n);
		return 0;
	case V_IPC_KIND:
		n = ipc_kind_from_string(v);
		if (n < 0) {
			diag_err(d, file, line, "unknown ipc_kind '%s' (shm, msg, sem)", v);
			return -1;
		}
		match_add_num(m, n);
		return 0;
	case V_IPC_ACCESS:
		n = ipc_access_from_string(v);
		if (n < 0) {
			diag_err(d, file, line, "unknown access '%s' (read, write)", v);
			return -1;
		}
		/* the kernel sees a mask: read|write requests match either */
		match_add_num(m, n);
		match_add_num(m, BW_IPC_READ | BW_IPC_WRITE);
		return 0;
	case V_MOUNT_OP:
		n = mount_op_from_string(v);
		if (n < 0) {
			diag_err(d, file, line,
				 "unknown operation '%s' (mount, umount, remount, move, bind, pivot_root)", v);
			return -1;
		}
		match_add_num(m, n);
		return 0;
	case V_SYSCALL: {
		uint64_t *ids = NULL;
		size_t nids = 0;

		if (syscall_resolve(v, &ids, &nids)) {
			diag_err(d, file, line, v[0] == '@' ?
				 "unknown syscall group '%s' (bulwark check --list-groups)" :
				 "unknown syscall '%s' on x86_64, i386 and x32", v);
			free(ids);
			return -1;
		}
		for (size_t i = 0; i < nids; i++)
			match_add_num(m, ids[i]);
		free(ids);
		return 0;
	}
	case V_YESNO:
		if (strcmp(v, "yes") && strcmp(v, "no")) {
			diag_err(d, file, line, "%s takes yes or no, not '%s'", kd->key, v);
			return -1;
		}
		match_add_num(m, !strcmp(v, "yes"));
		return 0;
	}
	return -1;
}

static int parse_key(struct bw_rule *r, const struct keydef *kd,
		     const struct raw_kv *kv, const char *file, struct diag *d)
{
	struct bw_match *m = &r->dims[kd->dim];
	char *vals[MAX_VALUES], *copy = xstrdup(kv->value);
	bool container_special = false;
	size_t n = split_list(copy, vals, MAX_VALUES);
	int negs = 0, err = 0;

	if (n == 0) {
		diag_err(d, file, kv->line, "%s has an empty value", kd->key);
		free(copy);
		return -1;
	}
	if (n == MAX_VALUES) {
		diag_err(d, file, kv->line, "%s has more than %d values",
			 kd->key, MAX_VALUES - 1);
		free(copy);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		negs += vals[i][0] == '!';
	if (negs && !kd->neg_ok) {
		diag_err(d, file, kv->line, "%s cannot be negated with '!'%s", kd->key,
			 kd->type == V_CONTAINER ? " (use any or none)" : "");
		free(copy);
		return -1;
	}
	if (negs && (size_t)negs != n) {
		diag_err(d, file, kv->line,
			 "%s mixes negated and plain values; negate all or none", kd->key);
		free(copy);
		return -1;
	}
	m->set = true;
	m->negate = negs > 0;
	for (size_t i = 0; i < n; i++) {
		const char *v = vals[i] + (negs ? 1 : 0);

		if (!*v) {
			diag_err(d, file, kv->line, "%s has an empty value", kd->key);
			err = -1;
			continue;
		}
		if (parse_value(m, kd, v, file, kv->line, d, &container_special))
			err = -1;
	}
	free(copy);
	return err;
}

static int parse_enum(const char *v, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v, names[i]))
			return i;
	return -1;
}

static void match_free(struct bw_match *m)
{
	for (size_t k = 0; m->strs && k < m->n; k++)
		free(m->strs[k]);
	free(m->strs);
	free(m->nums);
	memset(m, 0, sizeof(*m));
}

static void rule_free(struct bw_rule *r)
{
	free(r->name);
	for (int dim = 0; dim < BW_NDIM; dim++)
		match_free(&r->dims[dim]);
}

/* Where a rule name was first defined, if anywhere. */
static const struct bw_rule *find_rule(const struct bw_ruleset *rs,
				       const char *name)
{
	for (size_t i = 0; i < rs->n; i++)
		if (!strcmp(rs->rules[i].name, name))
			return &rs->rules[i];
	return NULL;
}

static const struct raw_kv *find_kv(const struct raw_rule *raw, const char *name)
{
	for (size_t i = 0; i < raw->n; i++)
		if (!strcmp(raw->kv[i].name, name))
			return &raw->kv[i];
	return NULL;
}

/* Build one rule from its section; returns 0 or -1 after reporting. */
static int build_rule(struct bw_rule *r, const struct ini_section *sec,
		      const struct raw_rule *raw, const char *file,
		      struct diag *d)
{
	static const char *const actions[] = { "", "allow", "audit", "deny", "kill" };
	const struct raw_kv *ev = find_kv(raw, "event");
	const struct raw_kv *act = find_kv(raw, "action");
	int err = 0, c;

	memset(r, 0, sizeof(*r));
	r->name = xstrdup(sec->name);
	r->file = file;
	r->line = sec->line;
	if (!ev) {
		diag_err(d, file, sec->line, "rule '%s' has no event", sec->name);
		err = -1;
	} else if ((c = bw_class_from_name(ev->value)) < 0) {
		diag_err(d, file, ev->line,
			 "unknown event '%s' (capable, ipc, mount, signal, exec, syscall)", ev->value);
		err = -1;
	} else {
		r->cls = c;
	}
	if (!act) {
		diag_err(d, file, sec->line, "rule '%s' has no action", sec->name);
		err = -1;
	} else if ((c = parse_enum(act->value, actions, 5)) <= 0) {
		diag_err(d, file, act->line, "unknown action '%s' (deny, audit, allow%s)",
			 act->value, r->cls == BW_CLASS_SYSCALL ? ", kill" : "");
		err = -1;
	} else if (c == BW_ACT_KILL && ev && r->cls != BW_CLASS_SYSCALL) {
		diag_err(d, file, act->line, "action kill is for syscall rules only");
		err = -1;
	} else {
		r->action = c;
	}
	r->log = r->action != BW_ACT_ALLOW;
	r->err_no = EPERM;

	for (size_t i = 0; i < raw->n; i++) {
		const struct raw_kv *kv = &raw->kv[i];
		const struct keydef *kd;

		for (size_t j = 0; j < i; j++) {
			if (!strcmp(raw->kv[j].name, kv->name)) {
				diag_err(d, file, kv->line, "%s repeated (first at line %d)",
					 kv->name, raw->kv[j].line);
				err = -1;
				goto next;
			}
		}
		if (!strcmp(kv->name, "event") || !strcmp(kv->name, "action") ||
		    !strcmp(kv->name, "description"))
			continue;
		if (!strcmp(kv->name, "errno")) {
			int e = errno_from_string(kv->value);

			if (r->cls != BW_CLASS_SYSCALL || r->action != BW_ACT_DENY) {
				diag_err(d, file, kv->line, "errno applies to syscall deny rules only");
				err = -1;
			} else if (e < 0) {
				diag_err(d, file, kv->line,
					 "bad errno '%s' (a name like EACCES, or 1 to 4095)", kv->value);
				err = -1;
			} else {
				r->err_no = e;
			}
			continue;
		}
		if (!strcmp(kv->name, "log")) {
			if (strcmp(kv->value, "yes") && strcmp(kv->value, "no")) {
				diag_err(d, file, kv->line, "log takes yes or no, not '%s'",
					 kv->value);
				err = -1;
			}
			r->log = !strcmp(kv->value, "yes");
			continue;
		}
		kd = find_key(kv->name);
		if (!kd) {
			diag_err(d, file, kv->line, "unknown key '%s'", kv->name);
			err = -1;
			continue;
		}
		if (kd->cls != SUBJECT && ev && bw_class_from_name(ev->value) >= 0 &&
		    kd->cls != (int)r->cls) {
			diag_err(d, file, kv->line, "%s is a key of %s rules, not of %s rules",
				 kv->name, bw_class_name(kd->cls), bw_class_name(r->cls));
			err = -1;
			continue;
		}
		if (parse_key(r, kd, kv, file, d))
			err = -1;
next:
		;
	}
	return err;
}

static void append_rule(struct bw_ruleset *rs, struct bw_rule *r)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->rules = xreallocarray(rs->rules, rs->cap, sizeof(*rs->rules));
	}
	r->index = rs->per_class[r->cls]++;
	rs->rules[rs->n++] = *r;
}

static const char *add_file(struct bw_ruleset *rs, const char *path)
{
	rs->files = xreallocarray(rs->files, rs->nfiles + 1, sizeof(*rs->files));
	rs->files[rs->nfiles] = xstrdup(path);
	return rs->files[rs->nfiles++];
}

static int load_file(struct bw_ruleset *rs, const char *path, struct diag *d)
{
	const char *file = add_file(rs, path);
	struct file_ctx c = { 0 };
	struct ini_file f;
	int err;

	err = ini_scan(&f, file, "rule name", d);
	if (!err) {
		c.raw = xcalloc(f.nsections ? f.nsections : 1, sizeof(*c.raw));
		err = ini_parse_scanned(&f, collect_kv, &c, d);
	}
	for (size_t i = 0; !err && i < f.nsections; i++) {
		const struct bw_rule *prev = find_rule(rs, f.sections[i].name);
		struct bw_rule r;

		if (prev) {
			diag_err(d, file, f.sections[i].line,
				 "duplicate rule name '%s' (first defined at %s:%d)",
				 f.sections[i].name, prev->file, prev->line);
			err = -1;
			continue;
		}
		if (build_rule(&r, &f.sections[i], &c.raw[i], file, d)) {
			rule_free(&r);
			err = -1;
			continue;
		}
		append_rule(rs, &r);
	}
	for (size_t i = 0; c.raw && i < f.nsections; i++) {
		for (size_t k = 0; k < c.raw[i].n; k++) {
			free(c.raw[i].kv[k].name);
			free(c.raw[i].kv[k].value);
		}
		free(c.raw[i].kv);
	}
	free(c.raw);
	ini_file_free(&f);
	return err ? -1 : 0;
}

static int cmp_natural(const void *a, const void *b)
{
	return natural_cmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(struct bw_ruleset *rs, const char *path, struct diag *d)
{
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *dir = opendir(path);
	int err = 0;

	if (!dir) {
		diag_err(d, path, 0, "cannot open directory: %s", strerror(errno));
		return -1;
	}
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 7 ||
		    strcmp(de->d_name + len - 6, ".rules"))
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dir);
	if (!n) {
		diag_warn(d, path, 0, "no *.rules files in this directory");
		return 0;
	}
	qsort(names, n, sizeof(*names), cmp_natural);
	for (size_t i = 0; i < n; i++) {
		char *full = xasprintf("%s/%s", path, names[i]);

		if (load_file(rs, full, d))
			err = -1;
		free(full);
		free(names[i]);
	}
	free(names);
	return err;
}

int rules_load_path(struct bw_ruleset *rs, const char *path, struct diag *d)
{
	struct stat st;

	if (stat(path, &st)) {
		diag_err(d, path, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return load_dir(rs, path, d);
	return load_file(rs, path, d);
}

/* ---- checks across rules ---- */

/*
 * For the unreachable-rule check each value stands for a set: one number
 * or name, one exact path, or a prefix with all below it and the directory
 * itself.  Two questions are asked of single values; a value spread over
 * several of the other rule's values counts as not covered, so the check
 * may miss a shadowed rule but never warns about a reachable one.
 */
static bool same_value(int dim, const struct bw_match *a, size_t i,
		       const struct bw_match *b, size_t k)
{
	if (is_str_dim(dim))
		return !strcmp(a->strs[i], b->strs[k]);
	return a->nums[i] == b->nums[k];
}

/* Is all of b's value k inside one of a's values? */
static bool value_inside(int dim, const struct bw_match *a,
			 const struct bw_match *b, size_t k)
{
	for (size_t i = 0; i < a->n; i++) {
		if (same_value(dim, a, i, b, k))
			return true;
		if (is_path_dim(dim) && is_prefix(a->strs[i]) &&
		    path_accepts(a->strs[i], b->strs[k]))
			return true;
	}
	return false;
}

/* Do a's values and b's value k have anything in common? */
static bool value_meets(int dim, const struct bw_match *a,
			const struct bw_match *b, size_t k)
{
	for (size_t i = 0; i < a->n; i++) {
		if (same_value(dim, a, i, b, k))
			return true;
		if (is_path_dim(dim) &&
		    (path_accepts(a->strs[i], b->strs[k]) ||
		     path_accepts(b->strs[k], a->strs[i])))
			return true;
	}
	return false;
}

/* Does rule a accept every value rule b accepts in this dimension? */
static bool dim_covers(const struct bw_rule *a, const struct bw_rule *b, int dim)
{
	const struct bw_match *ma = &a->dims[dim], *mb = &b->dims[dim];

	if (!ma->set)
		return true;
	if (!mb->set || (mb->negate && !ma->negate))
		return false;
	if (mb->negate) {
		/* both negated: a must exclude only what b excludes */
		for (size_t i = 0; i < ma->n; i++)
			if (!value_inside(dim, mb, ma, i))
				return false;
		return true;
	}
	for (size_t k = 0; k < mb->n; k++) {
		if (ma->negate ? value_meets(dim, ma, mb, k) :
				 !value_inside(dim, ma, mb, k))
			return false;
	}
	return true;
}

static bool rule_covers(const struct bw_rule *a, const struct bw_rule *b)
{
	for (int dim = 0; dim < BW_NDIM; dim++)
		if (!dim_covers(a, b, dim))
			return false;
	return true;
}

int rules_finish(struct bw_ruleset *rs, struct diag *d)
{
	int err = 0;

	for (int cls = 0; cls < BW_NCLASS; cls++) {
		if (rs->per_class[cls] <= BW_MAX_RULES)
			continue;
		for (size_t i = 0; i < rs->n; i++) {
			const struct bw_rule *r = &rs->rules[i];

			if ((int)r->cls == cls && r->index == BW_MAX_RULES) {
				diag_err(d, r->file, r->line,
					 "%zu %s rules exceed the kernel capacity of %d",
					 rs->per_class[cls], bw_class_name(cls), BW_MAX_RULES);
				break;
			}
		}
		err = -1;
	}
	for (size_t j = 0; j < rs->n; j++) {
		const struct bw_rule *b = &rs->rules[j];

		for (size_t i = 0; i < j; i++) {
			const struct bw_rule *a = &rs->rules[i];

			if (a->cls != b->cls || a->action == BW_ACT_AUDIT ||
			    !rule_covers(a, b))
				continue;
			diag_warn(d, b->file, b->line,
				  "rule '%s' can never match: rule '%s' (%s:%d) always decides first",
				  b->name, a->name, a->file, a->line);
			break;
		}
	}
	return err;
}

void rules_free(struct bw_ruleset *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		rule_free(&rs->rules[i]);
	free(rs->rules);
	for (size_t i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	free(rs->files);
	memset(rs, 0, sizeof(*rs));
}
