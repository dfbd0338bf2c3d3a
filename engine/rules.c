// SPDX-License-Identifier: GPL-2.0
/*
 * Rule files: parsing, validation with file and line, and the one
 * definition of what a rule's key accepts (rule_dim_accepts).
 */
#include <ctype.h>
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

#define SUBJECT BW_CLASS_SUBJECT

/* The rule keys: bpf/events.h's table of dimensions, in its order. */
static const struct keydef {
	const char *key;
	int dim;
	int cls;		/* class it belongs to, or SUBJECT */
	enum vtype type;
	bool neg_ok;
} keydefs[] = {
#define KEYDEF_(name, key, cls, kind, vt, neg, field) \
	{ key, BW_DIM_##name, BW_CLASS_##cls, V_##vt, neg },
	BW_DIMENSIONS(KEYDEF_)
#undef KEYDEF_
};
_Static_assert(sizeof(keydefs) / sizeof(keydefs[0]) == BW_NDIM, "a key per dimension");

static const char *const class_names[BW_NCLASS] = {
#define CLASS_NAME_(name, str, m, st) [BW_CLASS_##name] = str,
	BW_CLASSES(CLASS_NAME_)
#undef CLASS_NAME_
};

/* ", capable, ipc, ...": the names for messages, after the first ", " */
#define CLASS_LIST_(name, str, m, st) ", " str
static const char class_list[] = BW_CLASSES(CLASS_LIST_);
#undef CLASS_LIST_

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

void rule_path_prefixes_of(const char *x, size_t len,
			   void (*fn)(void *ctx, const char *v, size_t len),
			   void *ctx)
{
	size_t mlen = strlen(BW_MEMFD_PREFIX);
	char dir[BW_PATH_LEN + 2];

	for (size_t j = 0; j + 1 < len; j++)
		if (x[j] == '/')
			fn(ctx, x, j + 1);
	if (len && x[len - 1] != '/' && len + 1 < sizeof(dir)) {
		memcpy(dir, x, len);
		dir[len] = '/';
		fn(ctx, dir, len + 1);
	}
	if (len > mlen && !memcmp(x, BW_MEMFD_PREFIX, mlen))
		fn(ctx, BW_MEMFD_PREFIX, mlen);
}

/*
 * A prefix "/usr/bin/" accepts what is below it and "/usr/bin" itself,
 * which must be no prefix ("/a//" does not accept "/a/"); "/" only
 * paths, not ""; "memfd:" only memfds, not "memfd".
 */
static bool path_accepts(const char *v, const char *s)
{
	size_t len = strlen(v);

	if (is_prefix(v))
		return !strncmp(s, v, len) ||
		       (len > 1 && v[len - 1] == '/' && v[len - 2] != '/' &&
			strlen(s) == len - 1 && !strncmp(s, v, len - 1));
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
	m = rule_match(r, dim);
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

/*
 * Syscall names and groups as resolved in one file: a group is hundreds
 * of ids, and many rules name the same ones.
 */
struct sc_memo {
	struct key_index index;		/* value -> position in items */
	struct sc_resolved {
		char *value;
		uint64_t *ids;
		size_t n;
		int err;
	} *items;
	size_t n, cap;
};

struct file_ctx {
	struct raw_rule *raw;	/* one per section of the file */
	struct sc_memo syscalls;
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

/* Arrays of values double at each power of two: a group adds hundreds. */
static bool match_full(const struct bw_match *m)
{
	return !(m->n & (m->n - 1));
}

static void match_add_num(struct bw_match *m, uint64_t v)
{
	if (match_full(m))
		m->nums = xreallocarray(m->nums, m->n ? 2 * m->n : 1, sizeof(*m->nums));
	m->nums[m->n++] = v;
}

static void match_add_str(struct bw_match *m, const char *s)
{
	if (match_full(m))
		m->strs = xreallocarray(m->strs, m->n ? 2 * m->n : 1, sizeof(*m->strs));
	m->strs[m->n++] = xstrdup(s);
}

/* Drop repeated values, keeping the first of each in its place. */
static void match_dedupe(struct bw_match *m, int dim)
{
	struct key_index seen = { 0 };
	bool str = is_str_dim(dim);
	size_t out = 0, i;

	for (size_t k = 0; k < m->n; k++) {
		const void *key = str ? (const void *)m->strs[k] : &m->nums[k];
		size_t len = str ? strlen(m->strs[k]) : sizeof(m->nums[k]);

		if (key_index_get(&seen, key, len, &i)) {
			if (str)
				free(m->strs[k]);
			continue;
		}
		if (str)
			m->strs[out] = m->strs[k];
		else
			m->nums[out] = m->nums[k];
		/* the kept copy: later values only move to places after it */
		key_index_put(&seen, str ? (const void *)m->strs[out] : &m->nums[out],
			      len, out);
		out++;
	}
	m->n = out;
	key_index_free(&seen);
}

static const struct sc_resolved *sc_resolve(struct sc_memo *memo, const char *v)
{
	struct sc_resolved *it;
	size_t i;

	if (key_index_get(&memo->index, v, strlen(v), &i))
		return &memo->items[i];
	if (memo->n == memo->cap) {
		memo->cap = memo->cap ? 2 * memo->cap : 16;
		memo->items = xreallocarray(memo->items, memo->cap, sizeof(*memo->items));
	}
	it = &memo->items[memo->n];
	memset(it, 0, sizeof(*it));
	it->value = xstrdup(v);
	it->err = syscall_resolve(v, &it->ids, &it->n);
	key_index_put(&memo->index, it->value, strlen(it->value), memo->n);
	return &memo->items[memo->n++];
}

static void sc_memo_free(struct sc_memo *memo)
{
	for (size_t i = 0; i < memo->n; i++) {
		free(memo->items[i].value);
		free(memo->items[i].ids);
	}
	free(memo->items);
	key_index_free(&memo->index);
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

	if (kd->type == V_PATH && !strcmp(v, BW_PRIVATE_VALUE)) {
		/* not a name: the way the path was named (compile_defaults()) */
		if (m->negate) {
			diag_err(d, file, line, "%s '!%s': %s cannot be negated", kd->key,
				 v, v);
			return -1;
		}
		m->priv = true;
		return 0;
	}
	if (kd->type == V_PATH && !strncmp(v, BW_MEMFD_PREFIX, strlen(BW_MEMFD_PREFIX))) {
		/* a memfd: "memfd:" or "memfd:NAME" (the name memfd_create got) */
	} else if (kd->type != V_SOURCE && v[0] != '/') {
		diag_err(d, file, line,
			 "%s '%s' is not an absolute path (nor memfd:, memfd:NAME%s)",
			 kd->key, v, kd->type == V_PATH ? " or private:" : "");
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
		       struct diag *d, bool *container_special,
		       struct sc_memo *memo)
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
		const struct sc_resolved *sc = sc_resolve(memo, v);

		if (sc->err) {
			diag_err(d, file, line, v[0] == '@' ?
				 "unknown syscall group '%s' (bulwark check --list-groups)" :
				 "unknown syscall '%s' on x86_64, i386 and x32", v);
			return -1;
		}
		for (size_t i = 0; i < sc->n; i++)
			match_add_num(m, sc->ids[i]);
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

const struct bw_match bw_match_unset = { .set = false };

/*
 * Rule r's match for dim, added unset (in dimension order) if r does not
 * set it yet.  A rule sets a few keys: the array grows one at a time.
 */
static struct bw_match *rule_match_add(struct bw_rule *r, int dim)
{
	size_t n = __builtin_popcount(r->keys);
	size_t at = __builtin_popcount(r->keys & ((1u << dim) - 1));

	if (rule_sets(r, dim))
		return &r->dims[at];
	r->dims = xreallocarray(r->dims, n + 1, sizeof(*r->dims));
	memmove(&r->dims[at + 1], &r->dims[at], (n - at) * sizeof(*r->dims));
	memset(&r->dims[at], 0, sizeof(*r->dims));
	r->keys |= 1u << dim;
	return &r->dims[at];
}

static int parse_key(struct bw_rule *r, const struct keydef *kd,
		     const struct raw_kv *kv, const char *file, struct diag *d,
		     struct sc_memo *memo)
{
	struct bw_match *m;
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
	m = rule_match_add(r, kd->dim);
	m->set = true;
	m->negate = negs > 0;
	for (size_t i = 0; i < n; i++) {
		const char *v = vals[i] + (negs ? 1 : 0);

		if (!*v) {
			diag_err(d, file, kv->line, "%s has an empty value", kd->key);
			err = -1;
			continue;
		}
		if (parse_value(m, kd, v, file, kv->line, d, &container_special,
				memo))
			err = -1;
	}
	match_dedupe(m, kd->dim);
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

static void match_free(struct bw_match *m, int dim)
{
	if (is_str_dim(dim)) {
		for (size_t k = 0; m->strs && k < m->n; k++)
			free(m->strs[k]);
		free(m->strs);
	} else {
		free(m->nums);
	}
	memset(m, 0, sizeof(*m));
}

static void rule_drop_matches(struct bw_rule *r)
{
	size_t k = 0;

	for (int dim = 0; dim < BW_NDIM; dim++)
		if (rule_sets(r, dim))
			match_free(&r->dims[k++], dim);
	free(r->dims);
	r->dims = NULL;
	r->keys = 0;
}

static void rule_free(struct bw_rule *r)
{
	free(r->name);
	rule_drop_matches(r);
}

/*
 * The names are packed into one block too: left where they were, among
 * the freed matches, they would pin most of the heap's pages.
 */
void rules_drop_matches(struct bw_ruleset *rs)
{
	size_t total = 0;
	char *p;

	if (rs->name_block)
		return;
	for (size_t i = 0; i < rs->n; i++) {
		rule_drop_matches(&rs->rules[i]);
		total += strlen(rs->rules[i].name) + 1;
	}
	key_index_free(&rs->names);
	p = rs->name_block = xmalloc(total ? total : 1);
	for (size_t i = 0; i < rs->n; i++) {
		size_t len = strlen(rs->rules[i].name) + 1;

		memcpy(p, rs->rules[i].name, len);
		free(rs->rules[i].name);
		rs->rules[i].name = p;
		p += len;
	}
}

/* Where a rule name was first defined, if anywhere. */
static const struct bw_rule *find_rule(const struct bw_ruleset *rs,
				       const char *name)
{
	size_t i;

	if (!key_index_get(&rs->names, name, strlen(name), &i))
		return NULL;
	return &rs->rules[i];
}

static const struct raw_kv *find_kv(const struct raw_rule *raw, const char *name)
{
	for (size_t i = 0; i < raw->n; i++)
		if (!strcmp(raw->kv[i].name, name))
			return &raw->kv[i];
	return NULL;
}

/* Build one rule from its section; returns 0 or -1 after reporting. */
/*
 * Rule names go into every record and every operator's review: letters,
 * digits and . _ : @ + - only, so that no name can break a line, a
 * terminal or a JSON reader.
 */
static bool rule_name_ok(const char *name)
{
	if (!*name)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (!isalnum(*p) && !strchr("._:@+-", *p))
			return false;
	return true;
}

/*
 * An allow rule on "private:" lets through what any user can make: a
 * filesystem of its own in a user namespace.  Without a key saying whose
 * (uid, gid, cgroup, container), it is an allow list's hole.
 */
static void warn_private_allow(const struct bw_rule *r, struct diag *d)
{
	static const int whose[] = { BW_DIM_UID, BW_DIM_GID, BW_DIM_CGROUP,
				     BW_DIM_CONTAINER };

	if (r->action != BW_ACT_ALLOW)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(whose); i++)
		if (rule_sets(r, whose[i]))
			return;
	for (int dim = 0; dim < BW_NDIM; dim++)
		if (rule_match(r, dim)->priv) {
			diag_warn(d, r->file, r->line,
				  "rule '%s' allows %s = private: for every user: anyone can mount "
				  "a filesystem of their own; say whose with uid, gid, cgroup or "
				  "container", r->name, bw_dim_key(dim));
			return;
		}
}

/* Is s valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF)? */
static bool utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int c = *p, n, cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return false;
		for (unsigned int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		p += n + 1;
	}
	return true;
}

static int build_rule(struct bw_rule *r, const struct ini_section *sec,
		      const struct raw_rule *raw, const char *file,
		      struct diag *d, struct sc_memo *memo)
{
	static const char *const actions[] = { "", "allow", "audit", "deny", "kill" };
	const struct raw_kv *ev = find_kv(raw, "event");
	const struct raw_kv *act = find_kv(raw, "action");
	struct key_index seen = { 0 };	/* key name -> its first kv */
	int err = 0, c;

	memset(r, 0, sizeof(*r));
	r->name = xstrdup(sec->name);
	r->file = file;
	r->line = sec->line;
	if (!rule_name_ok(sec->name)) {
		diag_err(d, file, sec->line,
			 "rule name: letters, digits and . _ : @ + - only");
		err = -1;
	}
	for (size_t i = 0; i < raw->n; i++) {
		if (!utf8_ok(raw->kv[i].value)) {
			diag_err(d, file, raw->kv[i].line,
				 "%s: the value is not valid UTF-8", raw->kv[i].name);
			err = -1;
		}
	}
	if (!ev) {
		diag_err(d, file, sec->line, "rule '%s' has no event", sec->name);
		err = -1;
	} else if ((c = bw_class_from_name(ev->value)) < 0) {
		diag_err(d, file, ev->line, "unknown event '%s' (%s)", ev->value,
			 class_list + 2);
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
		size_t first;

		if (key_index_get(&seen, kv->name, strlen(kv->name), &first)) {
			diag_err(d, file, kv->line, "%s repeated (first at line %d)",
				 kv->name, raw->kv[first].line);
			err = -1;
			continue;
		}
		key_index_put(&seen, kv->name, strlen(kv->name), i);
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
					 "bad errno '%s' (a name like EACCES, or 1 to 4094)", kv->value);
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
		if (parse_key(r, kd, kv, file, d, memo))
			err = -1;
	}
	key_index_free(&seen);
	if (!err)
		warn_private_allow(r, d);
	return err;
}

static void append_rule(struct bw_ruleset *rs, struct bw_rule *r)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->rules = xreallocarray(rs->rules, rs->cap, sizeof(*rs->rules));
	}
	r->index = rs->per_class[r->cls]++;
	if (r->index > BW_MAX_RULES) {
		/* over capacity, an error already: counted, not kept */
		rule_free(r);
		return;
	}
	rs->rules[rs->n] = *r;
	key_index_put(&rs->names, r->name, strlen(r->name), rs->n);
	rs->n++;
}

static const char *add_file(struct bw_ruleset *rs, const char *path)
{
	/* doubled when full (0 or a power of two): not a copy per file */
	if (!(rs->nfiles & (rs->nfiles - 1)))
		rs->files = xreallocarray(rs->files, rs->nfiles ? 2 * rs->nfiles : 1,
					  sizeof(*rs->files));
	rs->files[rs->nfiles] = xstrdup(path);
	return rs->files[rs->nfiles++];
}

/* Every rule the kernel can hold fits in the sections of one file. */
_Static_assert(INI_SECTIONS_MAX >= BW_MAX_RULES * BW_NCLASS, "sections per file");

static int load_file(struct bw_ruleset *rs, const char *path, struct diag *d)
{
	struct file_ctx c = { 0 };
	const char *file;
	struct ini_file f;
	int err, scan_err;

	/* past a bound, what follows is not read (said once, where it was hit) */
	if (diag_full(d) || rs->bytes > RULES_BYTES_MAX)
		return -1;
	if (rs->nfiles >= RULES_FILES_MAX) {
		diag_err(d, path, 0, "more than %d rule files: not read",
			 RULES_FILES_MAX);
		return -1;
	}
	file = add_file(rs, path);
	err = ini_scan(&f, file, "rule name", d);
	if (f.text) {
		rs->bytes += strlen(f.text);
		if (rs->bytes > RULES_BYTES_MAX) {
			diag_err(d, file, 0,
				 "the rule files together are larger than %d bytes: this file and those after it are not read",
				 RULES_BYTES_MAX);
			err = -1;
		}
	}
	if (!err) {
		c.raw = xcalloc(f.nsections ? f.nsections : 1, sizeof(*c.raw));
		err = ini_parse_scanned(&f, collect_kv, &c, d);
	}
	scan_err = err;
	/* every bad rule of the file is reported, not only the first */
	for (size_t i = 0; !scan_err && i < f.nsections && !diag_full(d); i++) {
		const struct bw_rule *prev = find_rule(rs, f.sections[i].name);
		struct bw_rule r;

		if (prev) {
			diag_err(d, file, f.sections[i].line,
				 "duplicate rule name '%s' (first defined at %s:%d)",
				 f.sections[i].name, prev->file, prev->line);
			err = -1;
			continue;
		}
		if (build_rule(&r, &f.sections[i], &c.raw[i], file, d, &c.syscalls)) {
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
	sc_memo_free(&c.syscalls);
	ini_file_free(&f);
	return err ? -1 : 0;
}

/* A *.rules file of a group of directories, and the directory it is in. */
struct dir_file {
	char *name;
	size_t dir;		/* index in the group: the later one wins a name */
};

static int cmp_dir_file(const void *a, const void *b)
{
	const struct dir_file *x = a, *y = b;
	int c = natural_cmp(x->name, y->name);

	if (!c)
		c = strcmp(x->name, y->name);
	return c ? c : (x->dir > y->dir) - (x->dir < y->dir);
}

/*
 * Append the *.rules files of directory paths[dir] to *files (*n of them,
 * room for *cap), unless it has more than `left`: then it is refused as a
 * whole, with its count.  Returns -1 on an error.
 */
static int list_dir(char *const *paths, size_t dir, size_t left,
		    struct dir_file **files, size_t *n, size_t *cap,
		    struct diag *d)
{
	const char *path = paths[dir];
	size_t first = *n, count = 0;
	struct dirent *de;
	DIR *dh = opendir(path);

	if (!dh) {
		diag_err(d, path, 0, "cannot open directory: %s", strerror(errno));
		return -1;
	}
	/* the names are kept up to the files left to read, the rest counted */
	while ((de = readdir(dh))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 7 ||
		    strcmp(de->d_name + len - 6, ".rules"))
			continue;
		if (count++ >= left)
			continue;
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 64;
			*files = xreallocarray(*files, *cap, sizeof(**files));
		}
		(*files)[*n].name = xstrdup(de->d_name);
		(*files)[(*n)++].dir = dir;
	}
	closedir(dh);
	if (count <= left)
		return 0;
	diag_err(d, path, 0,
		 "%zu *.rules files: a policy may have at most %d rule files (%zu read before this directory); none of these is read",
		 count, RULES_FILES_MAX, RULES_FILES_MAX - left);
	while (*n > first)
		free((*files)[--*n].name);
	return -1;
}

/*
 * Directories named one after another are read as one: their *.rules files
 * in natural sort order of the file name, and of files with the same name
 * only the one in the last directory (a vendor directory, then the
 * administrator's, whose file of the same name replaces the vendor's).
 */
static int load_dirs(struct bw_ruleset *rs, char *const *paths, size_t ndirs,
		     struct diag *d)
{
	size_t left = RULES_FILES_MAX - rs->nfiles, n = 0, cap = 0, kept = 0;
	struct dir_file *files = NULL;
	int err = 0;

	for (size_t i = 0; i < ndirs; i++)
		if (list_dir(paths, i, left, &files, &n, &cap, d))
			err = -1;
	if (!n) {
		for (size_t i = 0; !err && i < ndirs; i++)
			diag_warn(d, paths[i], 0, "no *.rules files in this directory");
		free(files);	/* names refused by list_dir() leave it allocated */
		return err;
	}
	qsort(files, n, sizeof(*files), cmp_dir_file);
	for (size_t i = 0; i < n; i++) {
		/* of one name, the last directory's file is the one read */
		if (i + 1 < n && !strcmp(files[i].name, files[i + 1].name)) {
			free(files[i].name);
			continue;
		}
		files[kept++] = files[i];
	}
	if (kept > left) {
		diag_err(d, paths[ndirs - 1], 0,
			 "%zu *.rules files in %zu directories read as one: a policy may have at most %d rule files (%zu read before them); none of these is read",
			 kept, ndirs, RULES_FILES_MAX, rs->nfiles);
		err = -1;
	}
	for (size_t i = 0; i < kept; i++) {
		char *full = xasprintf("%s/%s", paths[files[i].dir], files[i].name);

		if (kept <= left && load_file(rs, full, d))
			err = -1;
		free(full);
		free(files[i].name);
	}
	free(files);
	return err;
}

int rules_load_path(struct bw_ruleset *rs, const char *path, struct diag *d)
{
	struct stat st;

	if (diag_full(d))
		return -1;
	if (stat(path, &st)) {
		diag_err(d, path, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return load_dirs(rs, (char *const *)&path, 1, d);
	return load_file(rs, path, d);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int rules_load_paths(struct bw_ruleset *rs, char *const *paths, size_t n,
		     struct diag *d)
{
	int err = 0;

	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && is_dir(paths[j]); j++)
			;
		if (j == i) {
			/* a file, or a path that cannot be read: said by the one reader */
			if (rules_load_path(rs, paths[j++], d))
				err = -1;
		} else if (diag_full(d) || load_dirs(rs, paths + i, j - i, d)) {
			err = -1;
		}
	}
	return err;
}

/* ---- checks across rules ---- */

static void report_capacity(const struct bw_ruleset *rs, struct diag *d)
{
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
	}
}

/*
 * Unreachable rules: rule b can never match when an earlier rule a of its
 * class that decides (allow or deny) accepts, in every dimension, all that
 * b accepts.  Each value stands for a set: one number or name, one exact
 * path, or a prefix with all below it and the directory itself.  A value
 * of b spread over several of a's values counts as not covered, so the
 * check may miss a shadowed rule but never warns about a reachable one.
 *
 * Rather than comparing pairs of rules, it goes one dimension at a time:
 * every rule b holds the set of earlier deciding rules (a bitmap over its
 * class), and each dimension keeps of it those that cover b there, found
 * through an index of the values the class's rules name.  The lowest rule
 * left at the end is the one that always decides first.  Only the first
 * BW_MAX_RULES rules of a class are checked: more are an error anyway.
 */

static void bm_or(struct bw_bitmap *a, const struct bw_bitmap *b)
{
	for (int w = 0; w < BW_BITMAP_WORDS; w++)
		a->w[w] |= b->w[w];
}

static void bm_and(struct bw_bitmap *a, const struct bw_bitmap *b)
{
	for (int w = 0; w < BW_BITMAP_WORDS; w++)
		a->w[w] &= b->w[w];
}

static void bm_andnot(struct bw_bitmap *a, const struct bw_bitmap *b)
{
	for (int w = 0; w < BW_BITMAP_WORDS; w++)
		a->w[w] &= ~b->w[w];
}

/* Rules of the class naming one value of the dimension. */
struct val_rules {
	struct bw_bitmap *plain;	/* without '!' */
	struct bw_bitmap *neg;		/* with '!' */
	struct bw_bitmap *neg_below;	/* with '!', this value or a path below it */
};

struct dim_index {
	bool path;		/* path or cgroup dimension: prefixes */
	struct key_index keys;	/* value -> position in vals */
	struct val_rules *vals;
	size_t nvals, cap;
	struct bw_bitmap unset, plain, neg;	/* the rules by how they use it */
};

enum val_use { USE_PLAIN, USE_NEG };

/* A value's bytes as the index keys it: names and paths, or the number. */
static const void *value_key(const struct bw_match *m, int dim, size_t k,
			     size_t *len)
{
	if (is_str_dim(dim)) {
		*len = strlen(m->strs[k]);
		return m->strs[k];
	}
	*len = sizeof(m->nums[k]);
	return &m->nums[k];
}

static struct val_rules *val_find(const struct dim_index *ix, const void *key,
				  size_t len)
{
	size_t i;

	return key_index_get(&ix->keys, key, len, &i) ? &ix->vals[i] : NULL;
}

static struct val_rules *val_add(struct dim_index *ix, const void *key,
				 size_t len)
{
	struct val_rules *v = val_find(ix, key, len);

	if (v)
		return v;
	if (ix->nvals == ix->cap) {
		ix->cap = ix->cap ? 2 * ix->cap : 64;
		ix->vals = xreallocarray(ix->vals, ix->cap, sizeof(*ix->vals));
	}
	key_index_put(&ix->keys, key, len, ix->nvals);
	v = &ix->vals[ix->nvals++];
	memset(v, 0, sizeof(*v));
	return v;
}

static void bm_set_in(struct bw_bitmap **b, unsigned int i)
{
	if (!*b)
		*b = xcalloc(1, sizeof(**b));
	bm_set(*b, i);
}

static void or_use(struct bw_bitmap *out, const struct val_rules *v,
		   enum val_use use)
{
	const struct bw_bitmap *b = !v ? NULL : use == USE_PLAIN ? v->plain : v->neg;

	if (b)
		bm_or(out, b);
}

struct or_ctx {
	const struct dim_index *ix;
	enum val_use use;
	struct bw_bitmap *out;
};

static void or_value(void *ctx, const char *v, size_t len)
{
	struct or_ctx *c = ctx;

	or_use(c->out, val_find(c->ix, v, len), c->use);
}

/*
 * OR into out the rules that name, plainly or negated as `use` says, a
 * value containing x: x itself and, in a path dimension, each prefix that
 * accepts it.
 */
static void or_containing(const struct dim_index *ix, const void *x, size_t len,
			  enum val_use use, struct bw_bitmap *out)
{
	struct or_ctx c = { .ix = ix, .use = use, .out = out };

	or_value(&c, x, len);
	if (ix->path)
		rule_path_prefixes_of(x, len, or_value, &c);
}

/* Negated rules naming a path below each prefix some rule names. */
static void index_below(struct dim_index *ix, const struct bw_rule **rules,
			size_t n, int dim)
{
	size_t mlen = strlen(BW_MEMFD_PREFIX);

	for (size_t i = 0; i < n; i++) {
		const struct bw_match *m = rule_match(rules[i], dim);

		for (size_t k = 0; m->set && m->negate && k < m->n; k++) {
			const char *v = m->strs[k];
			size_t len = strlen(v);
			struct val_rules *p;

			for (size_t j = 0; j < len; j++)
				if (v[j] == '/' && (p = val_find(ix, v, j + 1)))
					bm_set_in(&p->neg_below, i);
			if (!strncmp(v, BW_MEMFD_PREFIX, mlen) &&
			    (p = val_find(ix, BW_MEMFD_PREFIX, mlen)))
				bm_set_in(&p->neg_below, i);
		}
	}
}

static void dim_index_build(struct dim_index *ix, const struct bw_rule **rules,
			    size_t n, int dim)
{
	memset(ix, 0, sizeof(*ix));
	ix->path = is_path_dim(dim);
	for (size_t i = 0; i < n; i++) {
		const struct bw_match *m = rule_match(rules[i], dim);

		if (!m->set) {
			bm_set(&ix->unset, i);
			continue;
		}
		bm_set(m->negate ? &ix->neg : &ix->plain, i);
		for (size_t k = 0; k < m->n; k++) {
			size_t len;
			const void *key = value_key(m, dim, k, &len);
			struct val_rules *v = val_add(ix, key, len);

			bm_set_in(m->negate ? &v->neg : &v->plain, i);
		}
	}
	if (ix->path)
		index_below(ix, rules, n, dim);
}

static void dim_index_free(struct dim_index *ix)
{
	for (size_t i = 0; i < ix->nvals; i++) {
		free(ix->vals[i].plain);
		free(ix->vals[i].neg);
		free(ix->vals[i].neg_below);
	}
	free(ix->vals);
	key_index_free(&ix->keys);
}

/*
 * The rules that cover b, which names values without '!': rules without
 * the key; plain rules with, for each of b's values, one containing it;
 * negated rules none of whose values meets one of b's.
 */
static void covers_plain(const struct dim_index *ix, const struct bw_match *mb,
			 int dim, struct bw_bitmap *out)
{
	struct bw_bitmap plain = ix->plain, neg = ix->neg, meets = { 0 };

	for (size_t k = 0; k < mb->n; k++) {
		struct bw_bitmap holds = { 0 };
		size_t len;
		const void *x = value_key(mb, dim, k, &len);
		const struct val_rules *v;

		or_containing(ix, x, len, USE_PLAIN, &holds);
		bm_and(&plain, &holds);
		or_containing(ix, x, len, USE_NEG, &meets);
		if (!ix->path || !is_prefix(x))
			continue;
		/* what the prefix x itself accepts: below it, and the directory */
		v = val_find(ix, x, len);
		if (v && v->neg_below)
			bm_or(&meets, v->neg_below);
		or_use(&meets, val_find(ix, x, len - 1), USE_NEG);
	}
	bm_andnot(&neg, &meets);
	*out = ix->unset;
	bm_or(out, &plain);
	bm_or(out, &neg);
}

/*
 * For rules b that name values with '!': row b of the result holds the
 * negated rules a that cover b, those that exclude only values b excludes
 * (each of a's values inside one of b's).  Built from a's side, as the
 * rules b whose values hold all of a's.
 */
static struct bw_bitmap *covers_negated(const struct dim_index *ix,
					const struct bw_rule **rules,
					size_t n, int dim)
{
	struct bw_bitmap *rows = xcalloc(n, sizeof(*rows));

	for (size_t a = 0; a < n; a++) {
		const struct bw_match *ma = rule_match(rules[a], dim);
		struct bw_bitmap b_set = ix->neg;

		if (!bm_test(&ix->neg, a))
			continue;
		for (size_t i = 0; i < ma->n; i++) {
			struct bw_bitmap holds = { 0 };
			size_t len;
			const void *x = value_key(ma, dim, i, &len);

			or_containing(ix, x, len, USE_NEG, &holds);
			bm_and(&b_set, &holds);
		}
		for (int w = 0; w < BW_BITMAP_WORDS; w++)
			for (uint64_t bits = b_set.w[w]; bits; bits &= bits - 1)
				bm_set(&rows[w * 64 + __builtin_ctzll(bits)], a);
	}
	return rows;
}

/* Does rule r meet every private value of dim, whatever its name? */
static bool meets_any_private(const struct bw_rule *r, int dim)
{
	const struct bw_match *m = rule_match(r, dim);

	if (!m->set)
		return true;
	if (dim == BW_DIM_CONTAINER)	/* any or none: the empty value */
		return r->action != BW_ACT_ALLOW && !m->strs[0][0];
	return m->priv || (m->negate && r->action != BW_ACT_ALLOW);
}

/*
 * A private value (a path or container name a user chose: compile.c
 * compile_defaults()) meets no allow rule by name, and a private container
 * no rule by name: what covers b's names need not cover b there.  For each
 * rule, what may cover it on private values: all rules (b meets none),
 * the rules meeting every private value (b does too), or those and the
 * rules that are not allow rules (b meets private paths by name).
 */
struct private_cover {
	bool on;		/* a path or the container dimension */
	struct bw_bitmap any, by_name;
};

static void private_cover_init(struct private_cover *pc,
			       const struct bw_rule **rules, size_t n, int dim)
{
	memset(pc, 0, sizeof(*pc));
	pc->on = dim == BW_DIM_CONTAINER || bw_dim_kind(dim) == BW_KIND_PATH;
	for (size_t a = 0; pc->on && a < n; a++) {
		bool any = meets_any_private(rules[a], dim);

		if (any)
			bm_set(&pc->any, a);
		if (any || rules[a]->action != BW_ACT_ALLOW)
			bm_set(&pc->by_name, a);
	}
}

static void private_cover_and(const struct private_cover *pc,
			      const struct bw_rule *rb, int dim,
			      struct bw_bitmap *cover)
{
	if (!pc->on || !rule_sets(rb, dim))
		return;
	if (meets_any_private(rb, dim))
		bm_and(cover, &pc->any);
	else if (dim != BW_DIM_CONTAINER && rb->action != BW_ACT_ALLOW)
		bm_and(cover, &pc->by_name);
}

/* Keep in left[b] the rules that cover rule b in this dimension. */
static void shadow_dim(const struct bw_rule **rules, size_t n, int dim,
		       struct bw_bitmap *left)
{
	struct bw_bitmap *neg_rows = NULL;
	struct private_cover pc;
	struct dim_index ix;

	dim_index_build(&ix, rules, n, dim);
	private_cover_init(&pc, rules, n, dim);
	if (!bm_empty(&ix.neg))
		neg_rows = covers_negated(&ix, rules, n, dim);
	for (size_t b = 0; b < n; b++) {
		const struct bw_match *mb = rule_match(rules[b], dim);
		struct bw_bitmap cover = ix.unset;

		if (bm_empty(&left[b]))
			continue;
		if (mb->set && !mb->negate)
			covers_plain(&ix, mb, dim, &cover);
		else if (mb->set)
			bm_or(&cover, &neg_rows[b]);
		private_cover_and(&pc, rules[b], dim, &cover);
		bm_and(&left[b], &cover);
	}
	free(neg_rows);
	dim_index_free(&ix);
}

/* first[j]: the rule that always decides before rule j, if any. */
static void shadow_class(const struct bw_ruleset *rs, int cls,
			 const struct bw_rule **first)
{
	size_t n = 0, *pos = xcalloc(BW_MAX_RULES, sizeof(*pos));
	const struct bw_rule **rules = xcalloc(BW_MAX_RULES, sizeof(*rules));
	struct bw_bitmap deciding = { 0 }, *left;
	uint32_t dims = 0;

	for (size_t j = 0; j < rs->n && n < BW_MAX_RULES; j++) {
		if ((int)rs->rules[j].cls != cls)
			continue;
		pos[n] = j;
		rules[n++] = &rs->rules[j];
	}
	left = xcalloc(n ? n : 1, sizeof(*left));
	for (size_t b = 0; b < n; b++) {
		left[b] = deciding;
		if (rules[b]->action != BW_ACT_AUDIT)
			bm_set(&deciding, b);
		dims |= rules[b]->keys;
	}
	for (int dim = 0; dim < BW_NDIM; dim++)
		if (dims & (1u << dim))
			shadow_dim(rules, n, dim, left);
	for (size_t b = 0; b < n; b++) {
		uint32_t a = bm_lowest(&left[b]);

		if (a != BW_NO_RULE)
			first[pos[b]] = rules[a];
	}
	free(left);
	free(rules);
	free(pos);
}

static void report_unreachable(const struct bw_ruleset *rs, struct diag *d)
{
	const struct bw_rule **first = xcalloc(rs->n ? rs->n : 1, sizeof(*first));

	for (int cls = 0; cls < BW_NCLASS; cls++)
		if (rs->per_class[cls])
			shadow_class(rs, cls, first);
	for (size_t j = 0; j < rs->n; j++) {
		const struct bw_rule *a = first[j], *b = &rs->rules[j];

		if (a)
			diag_warn(d, b->file, b->line,
				  "rule '%s' can never match: rule '%s' (%s:%d) always decides first",
				  b->name, a->name, a->file, a->line);
	}
	free(first);
}

int rules_finish(struct bw_ruleset *rs, struct diag *d)
{
	int err = 0;

	for (int cls = 0; cls < BW_NCLASS; cls++)
		if (rs->per_class[cls] > BW_MAX_RULES)
			err = -1;
	report_capacity(rs, d);
	report_unreachable(rs, d);
	return err;
}

void rules_free(struct bw_ruleset *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		if (rs->name_block)
			rs->rules[i].name = NULL;
		rule_free(&rs->rules[i]);
	}
	free(rs->name_block);
	free(rs->rules);
	for (size_t i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	free(rs->files);
	key_index_free(&rs->names);
	memset(rs, 0, sizeof(*rs));
}
