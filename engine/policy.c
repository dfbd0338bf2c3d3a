// SPDX-License-Identifier: GPL-2.0
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini_scan.h"
#include "json.h"
#include "policy.h"
#include "tracers.h"
#include "util.h"

#define DEFAULT_RULES "/etc/bulwark/rules.d"
#define DEFAULT_LOG "/var/log/bulwark/audit.log"
#define MAX_RULE_PATHS 64
/* The decision ring buffer: a power of two the kernel maps in pages. */
#define LOG_BUFFER_DEFAULT (4ULL << 20)
#define LOG_BUFFER_MIN (64ULL << 10)
#define LOG_BUFFER_MAX (1ULL << 30)

void policy_defaults(struct bw_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = BW_MODE_ENFORCE;
	p->rules = xcalloc(1, sizeof(*p->rules));
	p->rules[0] = xstrdup(DEFAULT_RULES);
	p->nrules = 1;
	p->log = xstrdup(DEFAULT_LOG);
	p->status = xstrdup("/run/bulwark/status.json");
	p->control = xstrdup("/run/bulwark/control");
	p->on_lsm_missing = BW_LSM_REFUSE;
	p->on_exit = BW_EXIT_UNSET;	/* pin_mode_for(): by mode */
	p->log_keep = 5;
	p->log_flush = 1;	/* incremental */
	p->log_freq = 1;
	p->log_buffer = LOG_BUFFER_DEFAULT;
	p->metrics_interval = 15;
	p->log_space_left = 5;
	p->log_priority_boost = 4;	/* auditd's default */
}

struct policy_ctx {
	struct bw_policy *p;
	struct diag *d;
	char *dir;		/* of the policy file, for relative paths */
	int err;
	struct key_index seen;	/* "SECTION\x1fKEY" -> index in the file's keys */
	char **seen_keys;	/* the index's keys (it does not copy them) */
	size_t nseen;
};

static char *resolve(const struct policy_ctx *c, const char *path)
{
	if (path[0] == '/')
		return xstrdup(path);
	return xasprintf("%s/%s", c->dir, path);
}

struct unit {
	const char *suffix;
	unsigned long long mult;
};

/*
 * A number with the first of units' suffixes that ends v (so "ms" comes
 * before "s"; "" for a bare number), scaled: at most max.
 */
static int parse_scaled(const char *v, const struct unit *units, size_t nunits,
			unsigned long long max, unsigned long long *out)
{
	size_t n = strlen(v);
	unsigned long long x;
	char *num;
	int err;

	for (size_t i = 0; i < nunits; i++) {
		size_t sl = strlen(units[i].suffix);

		if (n <= sl || strcmp(v + n - sl, units[i].suffix))
			continue;
		num = xstrndup(v, n - sl);
		err = parse_u64(num, max / units[i].mult, &x);
		free(num);
		if (!err)
			*out = x * units[i].mult;
		return err;
	}
	return -1;
}

/* 8M, 512K, 1G, or bytes */
static int parse_size(const char *v, unsigned long long *out)
{
	static const struct unit units[] = {
		{ "K", 1024ULL }, { "M", 1ULL << 20 }, { "G", 1ULL << 30 }, { "", 1 },
	};

	return parse_scaled(v, units, ARRAY_SIZE(units), 1ULL << 40, out);
}

/* 500ms, 1s, 2m, or 0: milliseconds into *out */
static int parse_duration(const char *v, unsigned long long *out)
{
	static const struct unit units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 },
	};

	if (!strcmp(v, "0")) {
		*out = 0;
		return 0;
	}
	/* a unit is needed: "1" could be either */
	return parse_scaled(v, units, ARRAY_SIZE(units), ~0ULL, out);
}

static bool power_of_two(unsigned long long v)
{
	return v && !(v & (v - 1));
}

/*
 * The keys of [engine], [log] and [metrics], described once: what a value
 * may be, where it goes in struct bw_policy, and the help that errors,
 * `check --json` and docs/rules.md show ([tracers] keys come from the
 * tracer table).
 */
enum pk_type {
	PK_ENUM,	/* one of names[], stored as its index (an int) */
	PK_UINT,	/* min..max */
	PK_SIZE,	/* bytes with K, M, G suffixes, min..max */
	PK_PATH,	/* a file, made absolute against the policy file's directory */
	PK_PATHS,	/* a list of them, min..max entries */
	PK_DURATION,	/* 0, or a time with ms, s or m, min..max ms */
};

#define PK_ZERO_OK	1	/* 0 besides min..max */
#define PK_POW2		2	/* a power of two */
#define PK_PERCENT	4	/* a trailing '%' is allowed */

struct policy_key {
	const char *section, *key;
	enum pk_type type;
	size_t offset, size;	/* of the member in struct bw_policy */
	unsigned long long min, max;
	const char *const *names;
	unsigned int flags;
	const char *help;
};

#define PK_AT(m) offsetof(struct bw_policy, m), sizeof(((struct bw_policy *)0)->m)

static const char *const modes[] = { "enforce", "audit", NULL };
static const char *const lsm_missing[] = { "refuse", "audit", NULL };
static const char *const on_exits[] = { "keep", "detach", NULL };
static const char *const flushes[] = { "none", "incremental", "sync", NULL };
static const char *const full_actions[] = { "keep", "suspend", "stop", NULL };
static const char *const yes_no[] = { "no", "yes", NULL };

static const struct policy_key policy_keys[] = {
	{ "engine", "mode", PK_ENUM, PK_AT(mode), 0, 0, modes, 0,
	  "enforce, audit" },
	{ "engine", "rules", PK_PATHS, PK_AT(rules), 1, MAX_RULE_PATHS, NULL, 0,
	  "rule files or directories, comma-separated, at most 64" },
	{ "engine", "log", PK_PATH, PK_AT(log), 0, 0, NULL, 0, "a file" },
	{ "engine", "status", PK_PATH, PK_AT(status), 0, 0, NULL, 0, "a file" },
	{ "engine", "control", PK_PATH, PK_AT(control), 0, 0, NULL, 0,
	  "a socket path (bulwark reload, stop, status)" },
	{ "engine", "on_lsm_missing", PK_ENUM, PK_AT(on_lsm_missing), 0, 0, lsm_missing, 0,
	  "refuse, audit" },
	{ "engine", "on_exit", PK_ENUM, PK_AT(on_exit), 0, 0, on_exits, 0,
	  "keep, detach; unset: keep while enforcing, else detach" },
	{ "engine", "protect", PK_ENUM, PK_AT(protect), 0, 0, yes_no, 0, "no, yes" },
	{ "engine", "lock", PK_ENUM, PK_AT(lock), 0, 0, yes_no, 0, "no, yes" },
	{ "log", "max_size", PK_SIZE, PK_AT(log_max_size), 4096, ~0ULL, NULL, PK_ZERO_OK,
	  "0, or at least 4096 bytes; K, M, G suffixes" },
	{ "log", "keep", PK_UINT, PK_AT(log_keep), 1, 1000, NULL, 0, "1 to 1000" },
	{ "log", "flush", PK_ENUM, PK_AT(log_flush), 0, 0, flushes, 0,
	  "none, incremental, sync" },
	{ "log", "freq", PK_UINT, PK_AT(log_freq), 1, 100000, NULL, 0, "1 to 100000" },
	{ "log", "disk_full_action", PK_ENUM, PK_AT(log_full_action), 0, 0, full_actions, 0,
	  "keep, suspend, stop" },
	{ "log", "space_left", PK_UINT, PK_AT(log_space_left), 0, 99, NULL, PK_PERCENT,
	  "0 to 99, percent" },
	{ "log", "buffer", PK_SIZE, PK_AT(log_buffer), LOG_BUFFER_MIN, LOG_BUFFER_MAX, NULL,
	  PK_POW2, "a power of two from 64K to 1G, e.g. 4M, 16M" },
	{ "log", "repeat", PK_DURATION, PK_AT(log_repeat_ms), 10, 3600000, NULL, PK_ZERO_OK,
	  "0 (off), or 10ms to 60m, e.g. 500ms, 1s" },
	{ "log", "priority_boost", PK_UINT, PK_AT(log_priority_boost), 0, 20, NULL, 0,
	  "0 to 20, the log thread's nice lowered by this; 0: unchanged" },
	{ "metrics", "path", PK_PATH, PK_AT(metrics_path), 0, 0, NULL, 0, "a file" },
	{ "metrics", "interval", PK_UINT, PK_AT(metrics_interval), 1, 86400, NULL, 0,
	  "1 to 86400 seconds" },
};

static void *member(struct bw_policy *p, const struct policy_key *pk)
{
	return (char *)p + pk->offset;
}

/* A number into a member of the key's width. */
static void set_number(struct bw_policy *p, const struct policy_key *pk,
		       unsigned long long v)
{
	void *m = member(p, pk);

	if (pk->size == sizeof(unsigned long long))
		*(unsigned long long *)m = v;
	else
		*(unsigned int *)m = (unsigned int)v;
}

static int set_paths(struct policy_ctx *c, const struct policy_key *pk, const char *value)
{
	struct bw_policy *p = c->p;
	char *copy = xstrdup(value), *vals[MAX_RULE_PATHS + 1];
	size_t n = split_list(copy, vals, MAX_RULE_PATHS + 1);

	if (n < pk->min || n > pk->max) {
		free(copy);
		return -1;
	}
	for (size_t i = 0; i < p->nrules; i++)
		free(p->rules[i]);
	p->rules = xreallocarray(p->rules, n, sizeof(*p->rules));
	for (size_t i = 0; i < n; i++)
		p->rules[i] = resolve(c, vals[i]);
	p->nrules = n;
	free(copy);
	return 0;
}

/* Parse value into the key's member; -1 when it is not a value of the key. */
static int set_key(struct policy_ctx *c, const struct policy_key *pk, const char *value)
{
	unsigned long long v;
	char *num;
	int err;

	switch (pk->type) {
	case PK_ENUM:
		for (int i = 0; pk->names[i]; i++) {
			if (!strcmp(value, pk->names[i])) {
				*(int *)member(c->p, pk) = i;
				return 0;
			}
		}
		return -1;
	case PK_DURATION:
		if (parse_duration(value, &v) || (v && (v < pk->min || v > pk->max)))
			return -1;
		set_number(c->p, pk, v);
		return 0;
	case PK_UINT:
	case PK_SIZE:
		num = xstrdup(value);
		if (pk->flags & PK_PERCENT && *num && num[strlen(num) - 1] == '%')
			num[strlen(num) - 1] = 0;
		err = pk->type == PK_SIZE ? parse_size(num, &v) : parse_u64(num, pk->max, &v);
		free(num);
		if (err || (v == 0 && !(pk->flags & PK_ZERO_OK) && pk->min) ||
		    (v && (v < pk->min || v > pk->max)) ||
		    (pk->flags & PK_POW2 && !power_of_two(v)))
			return -1;
		set_number(c->p, pk, v);
		return 0;
	case PK_PATH:
		if (!*value)
			return -1;
		free(*(char **)member(c->p, pk));
		*(char **)member(c->p, pk) = resolve(c, value);
		return 0;
	case PK_PATHS:
		return set_paths(c, pk, value);
	}
	return -1;
}

static const struct policy_key *find_key(const char *section, const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(policy_keys); i++)
		if (!strcmp(policy_keys[i].section, section) && !strcmp(policy_keys[i].key, key))
			return &policy_keys[i];
	return NULL;
}

static void unknown_key(struct policy_ctx *c, const struct ini_file *f,
			const struct ini_key *k, const char *section, const char *name)
{
	char known[256] = "";
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(policy_keys) && n < sizeof(known); i++)
		if (!strcmp(policy_keys[i].section, section))
			n += snprintf(known + n, sizeof(known) - n, "%s%s", n ? ", " : "",
				      policy_keys[i].key);
	diag_err(c->d, f->path, k->line, "unknown key '%s' in [%s] (%s)", name, section, known);
	c->err = -1;
}

/* A key of [engine], [log] or [metrics]. */
static void table_key(struct policy_ctx *c, const struct ini_file *f,
		      const struct ini_key *k, const char *name, const char *value)
{
	const char *section = f->sections[k->section].name;
	const struct policy_key *pk = find_key(section, name);

	if (!pk) {
		unknown_key(c, f, k, section, name);
		return;
	}
	if (set_key(c, pk, value)) {
		diag_err(c->d, f->path, k->line, "bad value '%s' for %s (%s)", value, name,
			 pk->help);
		c->err = -1;
	}
}

/* Is v an index of pk->names (on_exit's BW_EXIT_UNSET is not)? */
static bool enum_valid(const struct policy_key *pk, int v)
{
	for (int i = 0; pk->names[i]; i++)
		if (i == v)
			return true;
	return false;
}

void policy_json(const struct bw_policy *p, struct json *j)
{
	json_obj_begin(j);
	for (size_t i = 0; i < ARRAY_SIZE(policy_keys); i++) {
		const struct policy_key *pk = &policy_keys[i];
		const void *m = (const char *)p + pk->offset;
		char key[64];

		snprintf(key, sizeof(key), "%s.%s", pk->section, pk->key);
		json_key_rt(j, key);
		switch (pk->type) {
		case PK_ENUM:
			if (*(const int *)m < 0 || !enum_valid(pk, *(const int *)m))
				json_null(j);	/* unset: decided at run time */
			else
				json_str(j, pk->names[*(const int *)m]);
			break;
		case PK_UINT:
		case PK_SIZE:
		case PK_DURATION:	/* milliseconds */
			json_u64(j, pk->size == sizeof(unsigned long long) ?
				 *(const unsigned long long *)m : *(const unsigned int *)m);
			break;
		case PK_PATH:
			if (*(char *const *)m)
				json_str(j, *(char *const *)m);
			else
				json_null(j);
			break;
		case PK_PATHS:
			json_arr_begin(j);
			for (size_t r = 0; r < p->nrules; r++)
				json_str(j, p->rules[r]);
			json_arr_end(j);
			break;
		}
	}
	json_obj_end(j);
}

size_t policy_key_count(void)
{
	return ARRAY_SIZE(policy_keys);
}

void policy_key_at(size_t i, const char **section, const char **key, const char **help)
{
	*section = policy_keys[i].section;
	*key = policy_keys[i].key;
	*help = policy_keys[i].help;
}

/* `NAME = VALUE` of tracer i: one of its values (tracer_mode_parse). */
static void tracer_mode(struct policy_ctx *c, const struct ini_file *f,
			const struct ini_key *k, size_t i, const char *value)
{
	int mode = tracer_mode_parse(tracer_table[i], value);
	size_t n, used = 0;
	const char *const *m = tracer_modes(tracer_table[i], &n);
	char list[128] = "";

	if (mode >= 0) {
		c->p->tracer_mode[i] = mode;
		return;
	}
	for (size_t v = 0; v < n && used < sizeof(list); v++)
		used += snprintf(list + used, sizeof(list) - used, "%s%s", v ? ", " : "", m[v]);
	diag_err(c->d, f->path, k->line, "bad value '%s' for %s (%s)", value,
		 tracer_table[i]->name, list);
	c->err = -1;
}

/* The argument key of tracer i (syscall_filter), checked by the tracer. */
static void tracer_arg(struct policy_ctx *c, const struct ini_file *f,
		       const struct ini_key *k, size_t i, const char *value)
{
	if (tracer_table[i]->arg_check(value, c->d, f->path, k->line))
		c->err = -1;
	free(c->p->tracer_arg[i]);
	c->p->tracer_arg[i] = xstrdup(value);
}

/* The keys of [tracers]: those with values of their own, then the on/off ones. */
static void unknown_tracer(struct policy_ctx *c, const struct ini_file *f,
			   const struct ini_key *k, const char *name)
{
	char known[256] = "";
	size_t n = 0;

	for (int own = 1; own >= 0; own--) {
		for (size_t i = 0; i < tracer_count && n < sizeof(known); i++) {
			const struct tracer_desc *d = tracer_table[i];

			if (!d || !d->modes != !own)
				continue;
			n += snprintf(known + n, sizeof(known) - n, "%s%s",
				      n ? ", " : "", d->name);
			if (d->arg_key && n < sizeof(known))
				n += snprintf(known + n, sizeof(known) - n, ", %s", d->arg_key);
		}
	}
	diag_err(c->d, f->path, k->line, "unknown key '%s' in [tracers] (%s)", name, known);
	c->err = -1;
}

static void tracer_key(struct policy_ctx *c, const struct ini_file *f,
		       const struct ini_key *k, const char *name, const char *value)
{
	for (size_t i = 0; i < tracer_count; i++) {
		const struct tracer_desc *d = tracer_table[i];

		if (d && !strcmp(name, d->name)) {
			tracer_mode(c, f, k, i, value);
			return;
		}
		if (d && d->arg_key && !strcmp(name, d->arg_key)) {
			tracer_arg(c, f, k, i, value);
			return;
		}
	}
	unknown_tracer(c, f, k, name);
}

static const struct {
	const char *name;
	void (*fn)(struct policy_ctx *c, const struct ini_file *f,
		   const struct ini_key *k, const char *name, const char *value);
} sections[] = {
	{ "engine", table_key },
	{ "log", table_key },
	{ "metrics", table_key },
	{ "tracers", tracer_key },
};

static int find_section(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (!strcmp(sections[i].name, name))
			return i;
	return -1;
}

static void unknown_section(struct policy_ctx *c, const struct ini_file *f,
			    int line, const char *sec)
{
	diag_err(c->d, f->path, line,
		 "unknown section [%s] (the policy file has [engine], [log], [metrics] and [tracers])",
		 sec);
	c->err = -1;
}

/* The same key earlier in the same section, if any. */
/* The first key of the same name in the same section, if k repeats one. */
static const struct ini_key *earlier_key(struct policy_ctx *c,
					 const struct ini_file *f,
					 const struct ini_key *k)
{
	char *id = xasprintf("%d\x1f%s", k->section, k->name);
	size_t i;

	if (key_index_get(&c->seen, id, strlen(id), &i)) {
		free(id);
		return &f->keys[i];
	}
	c->seen_keys = xreallocarray(c->seen_keys, c->nseen + 1, sizeof(*c->seen_keys));
	c->seen_keys[c->nseen++] = id;
	key_index_put(&c->seen, id, strlen(id), (size_t)(k - f->keys));
	return NULL;
}

static void on_key(void *user, const struct ini_file *f, const struct ini_key *k,
		   const char *name, const char *value)
{
	struct policy_ctx *c = user;
	const char *sec = f->sections[k->section].name;
	const struct ini_key *prev = earlier_key(c, f, k);
	int i = find_section(sec);

	if (i < 0) {
		unknown_section(c, f, k->line, sec);
		return;
	}
	if (prev) {
		diag_err(c->d, f->path, k->line, "%s repeated (first at line %d)",
			 name, prev->line);
		c->err = -1;
		return;
	}
	sections[i].fn(c, f, k, name, value);
}

/* Unknown sections with keys are reported at each key; these have none. */
static void check_empty_sections(struct policy_ctx *c, const struct ini_file *f)
{
	bool *used = xcalloc(f->nsections ? f->nsections : 1, sizeof(*used));

	for (size_t k = 0; k < f->nkeys; k++)
		if (f->keys[k].section >= 0 && (size_t)f->keys[k].section < f->nsections)
			used[f->keys[k].section] = true;
	for (size_t i = 0; i < f->nsections; i++)
		if (!used[i] && find_section(f->sections[i].name) < 0)
			unknown_section(c, f, f->sections[i].line, f->sections[i].name);
	free(used);
}

int policy_load(struct bw_policy *p, const char *path, struct diag *d)
{
	struct policy_ctx c = { .p = p, .d = d };
	char *dup = xstrdup(path);
	struct ini_file f;
	int err;

	policy_defaults(p);
	p->file = xstrdup(path);
	c.dir = xstrdup(dirname(dup));
	free(dup);
	err = ini_scan(&f, p->file, "section", d);
	if (!err)
		err = ini_parse_scanned(&f, on_key, &c, d);
	if (!err)
		check_empty_sections(&c, &f);
	ini_file_free(&f);
	key_index_free(&c.seen);
	for (size_t i = 0; i < c.nseen; i++)
		free(c.seen_keys[i]);
	free(c.seen_keys);
	free(c.dir);
	return err || c.err ? -1 : 0;
}

void policy_free(struct bw_policy *p)
{
	for (size_t i = 0; i < p->nrules; i++)
		free(p->rules[i]);
	free(p->rules);
	free(p->log);
	free(p->status);
	free(p->control);
	free(p->file);
	for (size_t i = 0; i < BW_TRACERS_MAX; i++)
		free(p->tracer_arg[i]);
	free(p->metrics_path);
	memset(p, 0, sizeof(*p));
}
