// SPDX-License-Identifier: GPL-2.0
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "ini_scan.h"
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
	p->on_lsm_missing = BW_LSM_REFUSE;
	p->log_keep = 5;
	p->log_flush = 1;	/* incremental */
	p->log_freq = 1;
	p->log_buffer = LOG_BUFFER_DEFAULT;
	p->metrics_interval = 15;
	p->log_space_left = 5;
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

/* 8M, 512K, 1G, or bytes */
static int parse_size(const char *v, unsigned long long *out)
{
	char *num = xstrdup(v);
	size_t n = strlen(num);
	unsigned long long mult = 1, x;
	int err;

	if (n && strchr("KMG", num[n - 1])) {
		mult = num[n - 1] == 'K' ? 1024ULL : num[n - 1] == 'M' ? 1ULL << 20 : 1ULL << 30;
		num[n - 1] = 0;
	}
	err = parse_u64(num, (1ULL << 40) / mult, &x);
	free(num);
	if (!err)
		*out = x * mult;
	return err;
}

static bool power_of_two(unsigned long long v)
{
	return v && !(v & (v - 1));
}

static void log_key(struct policy_ctx *c, const struct ini_file *f,
		    const struct ini_key *k, const char *name, const char *value)
{
	static const char *const flushes[] = { "none", "incremental", "sync" };
	struct bw_policy *p = c->p;
	unsigned long long v;
	int i;

	if (!strcmp(name, "max_size")) {
		if (!parse_size(value, &v) && (v == 0 || v >= 4096)) {
			p->log_max_size = v;
			return;
		}
	} else if (!strcmp(name, "keep")) {
		if (!parse_u64(value, 1000, &v) && v >= 1) {
			p->log_keep = v;
			return;
		}
	} else if (!strcmp(name, "flush")) {
		for (i = 0; i < 3; i++) {
			if (!strcmp(value, flushes[i])) {
				p->log_flush = i;
				return;
			}
		}
	} else if (!strcmp(name, "disk_full_action")) {
		static const char *const acts[] = { "keep", "suspend", "stop" };

		for (i = 0; i < 3; i++) {
			if (!strcmp(value, acts[i])) {
				p->log_full_action = i;
				return;
			}
		}
	} else if (!strcmp(name, "space_left")) {
		char *pct = xstrdup(value);
		size_t len = strlen(pct);

		if (len && pct[len - 1] == '%')
			pct[len - 1] = 0;
		if (!parse_u64(pct, 99, &v)) {
			p->log_space_left = v;
			free(pct);
			return;
		}
		free(pct);
	} else if (!strcmp(name, "freq")) {
		if (!parse_u64(value, 100000, &v) && v >= 1) {
			p->log_freq = v;
			return;
		}
	} else if (!strcmp(name, "buffer")) {
		if (!parse_size(value, &v) && power_of_two(v) &&
		    v >= LOG_BUFFER_MIN && v <= LOG_BUFFER_MAX) {
			p->log_buffer = v;
			return;
		}
	} else {
		diag_err(c->d, f->path, k->line,
			 "unknown key '%s' in [log] (max_size, keep, flush, freq, "
			 "disk_full_action, space_left, buffer)", name);
		c->err = -1;
		return;
	}
	diag_err(c->d, f->path, k->line, "bad value '%s' for %s%s", value, name,
		 !strcmp(name, "max_size") ? " (0, or at least 4096 bytes; K, M, G suffixes)" :
		 !strcmp(name, "keep") ? " (1 to 1000)" :
		 !strcmp(name, "flush") ? " (none, incremental, sync)" :
		 !strcmp(name, "disk_full_action") ? " (keep, suspend, stop)" :
		 !strcmp(name, "space_left") ? " (0 to 99, percent)" :
		 !strcmp(name, "buffer") ? " (a power of two from 64K to 1G, e.g. 4M, 16M)" :
		 " (1 to 100000)");
	c->err = -1;
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

static void metrics_key(struct policy_ctx *c, const struct ini_file *f,
			const struct ini_key *k, const char *name, const char *value)
{
	struct bw_policy *p = c->p;
	unsigned long long v;

	if (!strcmp(name, "path") && *value) {
		free(p->metrics_path);
		p->metrics_path = resolve(c, value);
	} else if (!strcmp(name, "interval") && !parse_u64(value, 86400, &v) && v) {
		p->metrics_interval = v;
	} else {
		diag_err(c->d, f->path, k->line, "bad [metrics] setting %s = '%s' "
			 "(path = FILE, interval = 1 to 86400 seconds)", name, value);
		c->err = -1;
	}
}

static void engine_key(struct policy_ctx *c, const struct ini_file *f,
		       const struct ini_key *k, const char *name, const char *value);

static const struct {
	const char *name;
	void (*fn)(struct policy_ctx *c, const struct ini_file *f,
		   const struct ini_key *k, const char *name, const char *value);
} sections[] = {
	{ "engine", engine_key },
	{ "log", log_key },
	{ "metrics", metrics_key },
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

static void engine_key(struct policy_ctx *c, const struct ini_file *f,
		       const struct ini_key *k, const char *name, const char *value)
{
	struct bw_policy *p = c->p;

	if (!strcmp(name, "mode")) {
		if (!strcmp(value, "enforce"))
			p->mode = BW_MODE_ENFORCE;
		else if (!strcmp(value, "audit"))
			p->mode = BW_MODE_AUDIT;
		else
			goto bad;
	} else if (!strcmp(name, "on_lsm_missing")) {
		if (!strcmp(value, "refuse"))
			p->on_lsm_missing = BW_LSM_REFUSE;
		else if (!strcmp(value, "audit"))
			p->on_lsm_missing = BW_LSM_AUDIT;
		else
			goto bad;
	} else if (!strcmp(name, "log")) {
		if (!*value)
			goto bad;
		free(p->log);
		p->log = resolve(c, value);
	} else if (!strcmp(name, "status")) {
		if (!*value)
			goto bad;
		free(p->status);
		p->status = resolve(c, value);
	} else if (!strcmp(name, "rules")) {
		char *copy = xstrdup(value), *vals[MAX_RULE_PATHS + 1];
		size_t n = split_list(copy, vals, MAX_RULE_PATHS + 1);

		if (!n || n > MAX_RULE_PATHS) {
			free(copy);
			goto bad;
		}
		for (size_t i = 0; i < p->nrules; i++)
			free(p->rules[i]);
		p->rules = xreallocarray(p->rules, n, sizeof(*p->rules));
		for (size_t i = 0; i < n; i++)
			p->rules[i] = resolve(c, vals[i]);
		p->nrules = n;
		free(copy);
	} else {
		diag_err(c->d, f->path, k->line,
			 "unknown key '%s' (mode, rules, log, status, on_lsm_missing)", name);
		c->err = -1;
	}
	return;
bad:
	diag_err(c->d, f->path, k->line, "bad value '%s' for %s", value, name);
	c->err = -1;
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
	free(p->file);
	for (size_t i = 0; i < BW_TRACERS_MAX; i++)
		free(p->tracer_arg[i]);
	free(p->metrics_path);
	memset(p, 0, sizeof(*p));
}
