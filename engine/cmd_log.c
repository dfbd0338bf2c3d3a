// SPDX-License-Identifier: GPL-2.0
/* `bulwark log`: read the audit log and its rotations, filter, print. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "cli.h"
#include "container.h"
#include "json.h"
#include "logread.h"
#include "loop.h"
#include "util.h"

struct log_filter {
	int64_t since, until;	/* ns since the epoch; 0 = open */
	const char *event, *decision, *rule, *comm, *exe, *container, *type;
	const char *exec_id;
	long long pid, uid;	/* -1 = any */
	bool decisions;		/* a decision field is filtered on: decision
				 * and repeat records only */
};

/* Counts of one field's values, for --summary. */
struct tally {
	const char *title;
	const char *path;	/* field in the record */
	char **keys;
	uint64_t *counts;
	size_t n;
};

#define NTALLY 6

/* From the process tracer's exec and fork records: an image and its parent. */
struct proc_link {
	char *exec_id, *parent, *comm, *filename;
	char *prev;		/* exec: the image it replaced */
	char *cmdline;		/* exec: its argv as argv_join() shows it */
	long long pid;
};

struct log_reader {
	struct log_filter f;
	bool json;
	bool auditd;		/* --format auditd */
	bool summary;
	bool explain;
	char **kept;		/* --explain: the records, to print after the ancestry */
	size_t nkept;
	struct proc_link *procs;	/* --explain: every process record's parent link */
	size_t nprocs;
	uint64_t shown, skipped_bad;
	uint64_t decisions;	/* --summary: those records stand for, folded too */
	struct tally t[NTALLY];
};

/* Is the string at path want?  Any value is, for a NULL want. */
static bool str_is(struct json_object *o, const char *path, const char *want)
{
	const char *v;

	if (!want)
		return true;
	v = json_get_str(o, path);
	return v && !strcmp(v, want);
}

static void tally_add(struct tally *t, const char *key, uint64_t n)
{
	for (size_t i = 0; i < t->n; i++) {
		if (!strcmp(t->keys[i], key)) {
			t->counts[i] += n;
			return;
		}
	}
	t->keys = xreallocarray(t->keys, t->n + 1, sizeof(*t->keys));
	t->counts = xreallocarray(t->counts, t->n + 1, sizeof(*t->counts));
	t->keys[t->n] = xstrdup(key);
	t->counts[t->n++] = n;
}

/*
 * The decisions a record stands for ([log] repeat): a decision record its
 * own and those folded into it; a repeat record those it sums.
 */
static uint64_t decisions_of(struct json_object *o)
{
	long long folded = json_get_int(o, "folded", 0);

	if (folded < 0)
		folded = 0;
	return (uint64_t)folded + (str_is(o, "type", "repeat") ? 0 : 1);
}

/* o's member key is true */
static bool json_get_bool(struct json_object *o, const char *key)
{
	struct json_object *v = json_get(o, key);

	return v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

/*
 * A value counted as its text: strings as they are, numbers in decimal; a
 * container a user named (container_private) apart from the one of that
 * name, which it is not.
 */
static void tally_record(struct log_reader *r, struct json_object *o)
{
	uint64_t n = decisions_of(o);

	r->decisions += n;
	for (int i = 0; i < NTALLY; i++) {
		const char *path = r->t[i].path;
		struct json_object *v = json_get(o, path);
		const char *text;
		char priv[BW_CTR_ID_LEN + 16];

		/* a repeat record names its process at the top */
		if (!v && !strncmp(path, "subject.", 8))
			v = json_get(o, path + 8);
		text = v ? json_object_get_string(v) : NULL;
		if (text && !strcmp(path, "subject.container") &&
		    json_get_bool(o, "subject.container_private")) {
			snprintf(priv, sizeof(priv), "%.*s (private)", BW_CTR_ID_LEN, text);
			text = priv;
		}
		tally_add(&r->t[i], text ? text : "-", n);
	}
}

/*
 * s (dflt when NULL) escaped for a column of width characters (at most):
 * into buf, which holds width + 1 bytes.
 */
static const char *cell(const char *s, const char *dflt, char *buf, size_t width)
{
	log_escape(s ? s : dflt, buf, width + 1);
	return buf;
}

/* s (dflt when NULL) escaped, on stdout */
static void put_esc(const char *s, const char *dflt)
{
	char *e = log_escape_dup(s ? s : dflt);

	fputs(e, stdout);
	free(e);
}

/* --summary: the top entries of each field, like aureport. */
static void print_summary(struct log_reader *r)
{
	char key[25];
	struct json j;

	if (r->json) {
		json_init(&j);
		json_obj_begin(&j);
		json_ku64(&j, "records", r->shown);
		json_ku64(&j, "decisions", r->decisions);
	} else {
		printf("%llu matching records, %llu decisions (folded ones counted)\n",
		       (unsigned long long)r->shown, (unsigned long long)r->decisions);
	}
	for (int i = 0; i < NTALLY; i++) {
		struct tally *t = &r->t[i];

		/* selection by count, top 10: the tables are small */
		if (r->json) {
			json_key_rt(&j, t->title);
			json_obj_begin(&j);
		} else {
			printf("\n%-24s %10s\n", t->title, "COUNT");
		}
		for (int shown = 0; shown < 10; shown++) {
			size_t best = t->n;

			for (size_t k = 0; k < t->n; k++)
				if (t->counts[k] && (best == t->n || t->counts[k] > t->counts[best]))
					best = k;
			if (best == t->n)
				break;
			if (r->json)
				json_ku64_rt(&j, t->keys[best], t->counts[best]);
			else
				printf("%-24s %10llu\n", cell(t->keys[best], "-", key, 24),
				       (unsigned long long)t->counts[best]);
			t->counts[best] = 0;
		}
		if (r->json)
			json_obj_end(&j);
		for (size_t k = 0; k < t->n; k++)
			free(t->keys[k]);
		free(t->keys);
		free(t->counts);
	}
	if (r->json) {
		json_obj_end(&j);
		json_write_line(&j, stdout);
		json_free(&j);
	}
}

/* 10m, 2h, 3d, 30s ago, or RFC 3339 (2026-11-25T06:40:00Z); ns. */
static int parse_when(const char *s, int64_t *out)
{
	struct tm tm = { 0 };
	unsigned long long n;
	int64_t frac = 0;
	const char *end;
	char unit, *num;
	size_t len = strlen(s);

	if (len >= 2 && isdigit((unsigned char)s[0]) && strchr("smhd", s[len - 1])) {
		num = xstrndup(s, len - 1);
		unit = s[len - 1];
		if (parse_u64(num, 1ULL << 32, &n)) {
			free(num);
			return -1;
		}
		free(num);
		n *= unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400;
		/* ns fit an int64_t from 1677 to 2262 */
		return __builtin_mul_overflow((int64_t)time(NULL) - (int64_t)n,
					      1000000000LL, out) ? -1 : 0;
	}
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return -1;
	/* fractions and the zone: only UTC ("Z") is written by bulwark */
	if (*end == '.') {
		int64_t scale = 100000000;

		for (end++; isdigit((unsigned char)*end); end++, scale /= 10)
			frac += (*end - '0') * scale;
	}
	if (*end && strcmp(end, "Z"))
		return -1;
	if (__builtin_mul_overflow((int64_t)timegm(&tm), 1000000000LL, out) ||
	    __builtin_add_overflow(*out, frac, out))
		return -1;
	return 0;
}

static int64_t record_time(struct json_object *o)
{
	const char *t = json_get_str(o, "time");
	int64_t ns;

	if (!t || parse_when(t, &ns))
		return -1;
	return ns;
}

static bool num_is(struct json_object *o, const char *path, long long want)
{
	struct json_object *v;

	if (want < 0)
		return true;
	v = json_get(o, path);
	return v && json_object_is_type(v, json_type_int) &&
	       json_object_get_int64(v) == want;
}

/* Records carry the short id; the filter may give a full id or a name. */
static bool container_is(struct json_object *o, const char *want)
{
	const char *v;
	struct container_ref c;

	if (!want)
		return true;
	v = json_get_str(o, "subject.container");
	if (!v || !*v)
		return false;
	container_ref_from_short(v, &c);
	return container_match(&c, want);
}

static bool matches(const struct log_filter *f, struct json_object *o)
{
	int64_t t;

	if (f->since || f->until) {
		t = record_time(o);
		if (t < 0 || (f->since && t < f->since) || (f->until && t > f->until))
			return false;
	}
	/* a filter on a decision field keeps decision records only, and the
	 * repeat records that sum folded ones */
	if (f->decisions && !str_is(o, "type", "decision") && !str_is(o, "type", "repeat"))
		return false;
	return str_is(o, "type", f->type) && str_is(o, "event", f->event) &&
	       str_is(o, "decision", f->decision) && str_is(o, "rule", f->rule) &&
	       /* decision records name the process under "subject", the
	        * tracers' records at the top */
	       (str_is(o, "subject.comm", f->comm) || str_is(o, "comm", f->comm)) &&
	       str_is(o, "subject.exe", f->exe) &&
	       container_is(o, f->container) &&
	       (num_is(o, "subject.pid", f->pid) || num_is(o, "pid", f->pid)) &&
	       (num_is(o, "subject.uid", f->uid) || num_is(o, "uid", f->uid)) &&
	       (str_is(o, "subject.exec_id", f->exec_id) || str_is(o, "exec_id", f->exec_id));
}

/*
 * An exec's argv array as a command line, ready to print: each argument
 * escaped (log_escape), one that is empty or holds a blank or a quote in
 * double quotes (a quote in it as \"), separated by spaces, " ..." after
 * them when argv_truncated.  NULL when a is not an array.  Allocated.
 */
static char *argv_join(struct json_object *a, bool truncated)
{
	size_t n, len = 0;
	char *out;

	if (!a || !json_object_is_type(a, json_type_array))
		return NULL;
	n = json_object_array_length(a);
	out = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		const char *arg = json_object_get_string(json_object_array_get_idx(a, i));
		bool q = !arg || !*arg || strpbrk(arg, " \t\"");
		char *esc = log_escape_dup(arg ? arg : ""), *next;
		size_t k = 0;

		next = xmalloc(len + 2 * strlen(esc) + 4);
		memcpy(next, out, len);
		if (i)
			next[len + k++] = ' ';
		if (q)
			next[len + k++] = '"';
		for (const char *c = esc; *c; c++) {
			if (q && *c == '"')
				next[len + k++] = '\\';
			next[len + k++] = *c;
		}
		if (q)
			next[len + k++] = '"';
		next[len + k] = 0;
		free(esc);
		free(out);
		out = next;
		len += k;
	}
	if (truncated) {
		char *t = xasprintf("%s ...", out);

		free(out);
		out = t;
	}
	return out;
}

/* A character cut at the end of s (a full buffer) is dropped. */
static void trim_cut_char(char *s)
{
	size_t n = strlen(s), lead = n, want;

	while (lead > 0 && ((unsigned char)s[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (!lead || (unsigned char)s[lead - 1] < 0xc0)
		return;
	lead--;
	want = (unsigned char)s[lead] >= 0xf0 ? 4 : (unsigned char)s[lead] >= 0xe0 ? 3 : 2;
	if (n - lead < want)
		s[lead] = 0;
}

/* The event's fields, key=value, each escaped (log_escape), into detail. */
static void event_detail(struct json_object *eo, char *detail, size_t size)
{
	size_t used = 0;

	detail[0] = 0;
	json_object_object_foreach(eo, k, v) {
		const char *text = v ? json_object_get_string(v) : NULL;
		char *ek, *ev = NULL;

		if (used > 100)
			break;
		if (!strcmp(k, "argv_truncated"))
			continue;	/* argv says it: " ..." */
		if (!strcmp(k, "argv"))
			ev = argv_join(v, json_get_bool(eo, "argv_truncated"));
		if (!ev)
			ev = log_escape_dup(text ? text : "null");
		ek = log_escape_dup(k);
		if (snprintf(detail + used, size - used, "%s%s=%s", used ? " " : "", ek,
			     ev) >= (int)(size - used))
			trim_cut_char(detail);
		used = strlen(detail);
		free(ek);
		free(ev);
	}
}

/* "+N folded " before a decision row's detail: N like it were not written. */
static void prefix_folded(char *detail, size_t size, long long n)
{
	char *rest = xstrdup(detail);

	snprintf(detail, size, "+%lld folded %s", n, rest);
	trim_cut_char(detail);
	free(rest);
}

/* The rule's name, or "#N" when the record gives only its index (its
 * policy was gone when it was written, e.g. after an adoption). */
static const char *rule_cell(struct json_object *o, char *c, size_t w)
{
	char idx[24];
	long long n = json_get_int(o, "rule", -1);

	if (n < 0)
		return cell(json_get_str(o, "rule"), "-", c, w);
	snprintf(idx, sizeof(idx), "#%lld", n);
	return cell(idx, "-", c, w);
}

/* A repeat record: the columns of a decision row, its pid and comm at the
 * top, then how many and when. */
static void print_repeat_row(struct json_object *o, const char *c_time)
{
	char c_dec[11], c_ev[9], c_rule[25], c_comm[16], c_first[36], c_last[36];

	printf("%-23s %-10s %-8s %-24s %7lld %-15s repeat: %lld folded, %s to %s\n", c_time,
	       cell(json_get_str(o, "decision"), "?", c_dec, 10),
	       cell(json_get_str(o, "event"), "?", c_ev, 8),
	       rule_cell(o, c_rule, 24), json_get_int(o, "pid", -1),
	       cell(json_get_str(o, "comm"), "?", c_comm, 15), json_get_int(o, "folded", 0),
	       cell(json_get_str(o, "folded_first"), "?", c_first, 35),
	       cell(json_get_str(o, "folded_last"), "?", c_last, 35));
}

/* Every string escaped (log_escape): a field can never break a row. */
static void print_table_row(struct json_object *o)
{
	const char *type = json_get_str(o, "type"), *ev = json_get_str(o, "event");
	char c_time[24], c_dec[11], c_ev[9], c_rule[25], c_comm[16], detail[256];
	struct json_object *eo;

	cell(json_get_str(o, "time"), "?", c_time, 23);
	if (type && !strcmp(type, "repeat")) {
		print_repeat_row(o, c_time);
		return;
	}
	if (type && !strcmp(type, "decision") && ev &&
	    json_object_object_get_ex(o, ev, &eo) && json_object_is_type(eo, json_type_object)) {
		event_detail(eo, detail, sizeof(detail));
		if (json_get_int(o, "folded", 0) > 0)
			prefix_folded(detail, sizeof(detail), json_get_int(o, "folded", 0));
		printf("%-23s %-10s %-8s %-24s %7lld %-15s ", c_time,
		       cell(json_get_str(o, "decision"), "?", c_dec, 10), cell(ev, "?", c_ev, 8),
		       rule_cell(o, c_rule, 24),
		       json_get_int(o, "subject.pid", -1),
		       cell(json_get_str(o, "subject.comm"), "?", c_comm, 15));
		fputs(detail, stdout);
		putchar('\n');
		return;
	}
	printf("%-23s %-10s ", c_time, cell(type, "?", c_dec, 10));
	put_esc(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					       JSON_C_TO_STRING_NOSLASHESCAPE), "?");
	putchar('\n');
}

/*
 * A value as the audit grammar writes one: quoted when it is plain
 * printable text, hex-encoded (upper case, unquoted) otherwise.
 */
static void audit_value(const char *v)
{
	bool plain = *v != 0;

	for (const char *c = v; *c && plain; c++)
		plain = *c > 0x20 && *c < 0x7f && *c != '"' && *c != '\'';
	if (plain) {
		printf("\"%s\"", v);
		return;
	}
	if (!*v) {
		fputs("(null)", stdout);
		return;
	}
	for (const unsigned char *c = (const unsigned char *)v; *c; c++)
		printf("%02X", *c);
}

/* Letters, digits and '_': all the writer uses in a field name. */
static bool audit_name_ok(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/*
 * A command line as audit's EXECVE record writes one: argc, then a0, a1...
 * (each quoted or hex-encoded, audit_value), under the field's prefix.
 * Arguments that are not strings (a forged record) are left out.
 */
static void audit_argv(int *n, const char *prefix, struct json_object *a)
{
	size_t len = json_object_array_length(a), k = 0, argc = 0;

	if (!audit_name_ok(prefix))
		return;
	for (size_t i = 0; i < len; i++)
		argc += json_object_is_type(json_object_array_get_idx(a, i), json_type_string);
	printf("%s%sargc=%zu", (*n)++ ? " " : "", prefix, argc);
	for (size_t i = 0; i < len; i++) {
		struct json_object *v = json_object_array_get_idx(a, i);

		if (!json_object_is_type(v, json_type_string))
			continue;
		printf(" %sa%zu=", prefix, k++);
		audit_value(json_object_get_string(v));
	}
}

/*
 * One field; *n counts the fields written, for the separating spaces.
 * A name the audit grammar cannot carry (only a forged record has one)
 * is left out: escaped, it could still forge a field or break the line.
 */
static void audit_field(int *n, const char *prefix, const char *key,
			struct json_object *v)
{
	if (v && !strcmp(key, "argv") && json_object_is_type(v, json_type_array)) {
		audit_argv(n, prefix, v);
		return;
	}
	if (!v || json_object_is_type(v, json_type_object) ||
	    json_object_is_type(v, json_type_array) ||
	    !audit_name_ok(prefix) || !audit_name_ok(key))
		return;
	printf("%s%s%s=", (*n)++ ? " " : "", prefix, key);
	if (json_object_is_type(v, json_type_string))
		audit_value(json_object_get_string(v));
	else
		fputs(json_object_get_string(v), stdout);
}

/*
 * --format auditd: the Linux audit grammar, as a user-space message
 * (type=USER, the layout PAM and other daemons use), so that ausearch -if
 * and aureport -if read it.  pid, uid, comm, exe and res keep their audit
 * meaning; everything else is named bw_* so that no audit field is
 * misread.
 */
static void print_auditd(struct log_reader *r, struct json_object *o)
{
	struct json_object *v, *ev = NULL;
	int64_t ns = record_time(o);
	const char *event = json_get_str(o, "event");
	const char *decision = json_get_str(o, "decision");
	long long pid = json_get_int(o, "subject.pid", json_get_int(o, "pid", -1));
	long long uid = json_get_int(o, "subject.uid", json_get_int(o, "uid", -1));
	int n = 0;

	if (ns < 0)
		ns = 0;		/* a record without a time */
	printf("type=USER msg=audit(%lld.%03lld:%llu): pid=%lld uid=%lld "
	       "auid=4294967295 ses=4294967295 msg='",
	       (long long)(ns / 1000000000LL), (long long)(ns / 1000000LL % 1000),
	       (unsigned long long)r->shown, pid, uid);
	json_object_object_foreach(o, key, val) {
		if (!strcmp(key, "time") || !strcmp(key, "pid") || !strcmp(key, "uid"))
			continue;
		if (event && !strcmp(key, event)) {
			ev = val;
			continue;
		}
		if (strcmp(key, "comm"))
			audit_field(&n, "bw_", key, val);
	}
	if ((v = json_get(o, "subject.exec_id")))
		audit_field(&n, "bw_", "exec_id", v);
	if (ev && json_object_is_type(ev, json_type_object)) {
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "bw_%s_", event);
		json_object_object_foreach(ev, ekey, eval)
			audit_field(&n, prefix, ekey, eval);
	}
	audit_field(&n, "", "comm", json_get(o, "subject.comm") ?
		    json_get(o, "subject.comm") : json_get(o, "comm"));
	if ((v = json_get(o, "subject.exe")) && json_object_is_type(v, json_type_string))
		audit_field(&n, "", "exe", v);
	printf("%sres=%s'\n", n ? " " : "", decision && (!strcmp(decision, "deny") ||
					  !strcmp(decision, "kill")) ? "failed" : "success");
}

static void keep_proc_link(struct log_reader *r, struct json_object *o)
{
	const char *id = json_get_str(o, "exec_id"), *parent = json_get_str(o, "parent_exec_id");
	const char *fn = json_get_str(o, "filename"), *comm = json_get_str(o, "comm");
	struct proc_link *p;

	if (!str_is(o, "type", "process") || !id || !parent ||
	    !(str_is(o, "state", "exec") || str_is(o, "state", "fork")))
		return;
	r->procs = xreallocarray(r->procs, r->nprocs + 1, sizeof(*r->procs));
	p = &r->procs[r->nprocs++];
	p->exec_id = xstrdup(id);
	p->parent = xstrdup(parent);
	p->comm = xstrdup(comm ? comm : "?");
	p->filename = fn ? xstrdup(fn) : NULL;
	p->prev = json_get_str(o, "prev_exec_id") ? xstrdup(json_get_str(o, "prev_exec_id")) : NULL;
	p->cmdline = argv_join(json_get(o, "argv"), json_get_bool(o, "argv_truncated"));
	p->pid = json_get_int(o, "pid", -1);
}

static const struct proc_link *find_proc(const struct log_reader *r, const char *id)
{
	for (size_t i = r->nprocs; i-- > 0;)
		if (!strcmp(r->procs[i].exec_id, id))
			return &r->procs[i];
	return NULL;
}

/*
 * No decision record, so no ancestry from the kernel: follow the process
 * tracer's records, image to parent image, as far as the log reaches.
 */
static bool print_proc_ancestry(const struct log_reader *r)
{
	const struct proc_link *p = find_proc(r, r->f.exec_id);
	int depth = 0;

	if (!p)
		return false;
	printf(": pid %lld, ", p->pid);
	put_esc(p->comm, "?");
	fputs(" (", stdout);
	put_esc(p->filename, "forked");
	fputs(")\n", stdout);
	while (p && depth < 64) {
		/* an exec'd image came from the one it replaced, if logged */
		const struct proc_link *prev = p->prev ? find_proc(r, p->prev) : NULL;
		const char *how = prev ? "exec'd by" : "started by";

		p = prev ? prev : find_proc(r, p->parent);
		if (!p)
			break;
		depth++;
		printf("%*s%s pid %lld ", 2 * depth, "", how, p->pid);
		put_esc(p->comm, "?");
		fputs(" (", stdout);
		put_esc(p->filename, "forked");
		fputs("), exec id ", stdout);
		put_esc(p->exec_id, "?");
		putchar('\n');
	}
	return true;
}

static void free_procs(struct log_reader *r)
{
	for (size_t i = 0; i < r->nprocs; i++) {
		free(r->procs[i].exec_id);
		free(r->procs[i].parent);
		free(r->procs[i].comm);
		free(r->procs[i].filename);
		free(r->procs[i].prev);
		free(r->procs[i].cmdline);
	}
	free(r->procs);
	r->procs = NULL;
	r->nprocs = 0;
}

static int show(void *ctx, struct json_object *o, const char *line)
{
	struct log_reader *r = ctx;

	if (r->explain)
		keep_proc_link(r, o);
	if (!matches(&r->f, o))
		return 0;
	r->shown++;
	if (r->explain) {
		r->kept = xreallocarray(r->kept, r->nkept + 1, sizeof(*r->kept));
		r->kept[r->nkept++] = xstrdup(line);
	} else if (r->summary)
		tally_record(r, o);
	else if (r->auditd)
		print_auditd(r, o);
	else if (r->json)
		puts(line);
	else
		print_table_row(o);
	return 0;
}

/* One ancestor line of --explain; a is an object or null (unknown). */
static void print_ancestor(struct json_object *a, size_t k)
{
	printf("%*sstarted by pid %lld ", (int)(2 * k + 2), "", json_get_int(a, "pid", -1));
	put_esc(json_get_str(a, "comm"), "?");
	fputs(" (", stdout);
	put_esc(json_get_str(a, "exe"), "exe unknown");
	fputs("), exec id ", stdout);
	put_esc(json_get_str(a, "exec_id"), "?");
	putchar('\n');
}

/* The first kept record with ancestors (an array: log_record_check), or NULL. */
static struct json_object *first_with_ancestors(const struct log_reader *r)
{
	for (size_t i = 0; i < r->nkept; i++) {
		struct json_object *o = json_tokener_parse(r->kept[i]);

		if (o && json_object_is_type(json_get(o, "ancestors"), json_type_array))
			return o;
		json_object_put(o);
	}
	return NULL;
}

/*
 * The command line of the image: from the process tracer's exec record,
 * else from an exec decision made after the exec (enforced false: the
 * subject is the new image; an LSM hook's is the caller, the argv the
 * image it starts).
 */
static void print_cmdline(const struct log_reader *r)
{
	const struct proc_link *p = find_proc(r, r->f.exec_id);
	char *cmd = p && p->cmdline ? xstrdup(p->cmdline) : NULL;

	for (size_t i = 0; !cmd && i < r->nkept; i++) {
		struct json_object *o = json_tokener_parse(r->kept[i]);

		if (o && str_is(o, "event", "exec") && str_is(o, "exec.op", "exec") &&
		    str_is(o, "subject.exec_id", r->f.exec_id) && !json_get_bool(o, "enforced"))
			cmd = argv_join(json_get(o, "exec.argv"),
					json_get_bool(json_get(o, "exec"), "argv_truncated"));
		json_object_put(o);
	}
	if (!cmd)
		return;
	printf("command line: %s\n", cmd);
	free(cmd);
}

/* --explain: who started the process, then everything it did, in order. */
static void print_explain(struct log_reader *r)
{
	struct json_object *first = first_with_ancestors(r), *anc;
	size_t i;

	fputs("exec id ", stdout);
	put_esc(r->f.exec_id, "?");
	if (first) {
		printf(": pid %lld, ", json_get_int(first, "subject.pid", -1));
		put_esc(json_get_str(first, "subject.comm"), "?");
		fputs(" (", stdout);
		put_esc(json_get_str(first, "subject.exe"), "exe unknown");
		fputs(")\n", stdout);
		anc = json_get(first, "ancestors");
		for (size_t k = 0; k < json_object_array_length(anc); k++)
			print_ancestor(json_object_array_get_idx(anc, k), k);
		json_object_put(first);
	} else if (!print_proc_ancestry(r)) {
		printf(": no decision or process record, so no ancestry "
		       "(turn the process tracer on: docs/tracers.md)\n");
	}
	print_cmdline(r);
	free_procs(r);
	printf("\n%zu records:\n", r->nkept);
	for (i = 0; i < r->nkept; i++) {
		struct json_object *o = json_tokener_parse(r->kept[i]);

		if (r->json)
			puts(r->kept[i]);
		else if (o)
			print_table_row(o);
		json_object_put(o);
		free(r->kept[i]);
	}
	free(r->kept);
}

/* A record of -f: shown at once. */
static int show_now(void *ctx, struct json_object *o, const char *line)
{
	int ret = show(ctx, o, line);

	fflush(stdout);
	return ret;
}

/*
 * -f: read the log from its start, then keep reading as it grows, and
 * across rotations: when the path names another file (or a shorter one),
 * finish the old one (a line it ends with unfinished is reported as
 * truncated), then go on with the new one from its start.  Lines are
 * checked, limited and numbered as by log_read_file(); a line the writer
 * is still writing waits.
 */
struct follow {
	const char *path;
	struct log_tail *t;
	struct log_read_ops ops;
	struct log_reader *r;
	int ret;
};

/* What was added, a pause, and the next file once the path names another. */
static int follow_step(void *ctx)
{
	struct follow *fw = ctx;
	struct log_tail *next;

	if (log_tail_read(fw->t, &fw->ops, &fw->r->skipped_bad) < 0) {
		fw->ret = 1;
		return 1;
	}
	usleep(200 * 1000);
	if (log_tail_moved(fw->t) && (next = log_tail_open(fw->path, &fw->ops))) {
		if (log_tail_close(fw->t, true, &fw->ops, &fw->r->skipped_bad) < 0)
			fw->ret = 1;
		fw->t = next;
	}
	return 0;
}

static int follow(const char *path, struct log_reader *r)
{
	struct follow fw = { .path = path, .ops = { show_now, out_log_report, r }, .r = r };
	int err;

	fw.t = log_tail_open(path, &fw.ops);
	if (!fw.t) {
		out_err("log: cannot follow %s", path);
		return 1;
	}
	err = loop_signals(LOOP_SIG_STOP);
	if (err) {
		out_err("log: cannot catch SIGINT: %s", strerror(-err));
		log_tail_close(fw.t, false, NULL, NULL);
		return 1;
	}
	loop_run(follow_step, &fw, 0);
	log_tail_close(fw.t, false, NULL, NULL);
	return fw.ret;
}

static void do_help(FILE *out)
{
	fprintf(out,
		"Usage: bulwark log [--config FILE] [FILTERS] [--json] [FILE...]\n"
		"\n"
		"Read the audit log and its rotations (path.N.gz ... path, oldest first),\n"
		"or the FILEs given, plain or gzip, and print the records that pass every\n"
		"filter as a table, or as JSON lines with --json.  A malformed,\n"
		"truncated or overlong (> 1 MiB) line is reported with its file and\n"
		"line and skipped; the table escapes control characters and bytes\n"
		"that are not UTF-8 (\\n, \\xff).  See docs/log.md.\n"
		"\n"
		"  --since WHEN, --until WHEN   10m, 2h, 1d ago, or 2026-11-25T06:40:00Z\n"
		"  --type TYPE                  decision, policy, start, stop, lost, ...\n"
		"  --event EVENT  --decision DECISION  --rule NAME\n"
		"  --comm COMM  --exe PATH  --pid PID  --uid UID  --container ID\n"
		"  --exec-id ID                 records of one process image (see docs/log.md)\n"
		"  --explain ID                 its ancestry, then its records in order\n"
		"  --format table|json|auditd   auditd: the Linux audit grammar, for\n"
		"                               ausearch -if FILE and aureport -if FILE\n"
		"  -f, --follow                 then keep reading as the log grows, across\n"
		"                               rotations, until SIGINT\n"
		"  --summary                    decision counts by rule, decision, event,\n"
		"                               comm, uid and container (top 10 each)\n");
}

int do_log(int argc, char **argv, struct bw_opts *o)
{
	enum { O_SINCE = 256, O_UNTIL, O_TYPE, O_EVENT, O_DECISION, O_RULE, O_COMM,
	       O_EXE, O_PID, O_UID, O_CONTAINER, O_SUMMARY, O_EXEC_ID, O_EXPLAIN, O_FORMAT };
	const char *follow_path = NULL;
	bool follow_mode = false;
	static const struct option opts[] = {
		ARGS_COMMON_LONG,
		{ "since", required_argument, NULL, O_SINCE },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "type", required_argument, NULL, O_TYPE },
		{ "event", required_argument, NULL, O_EVENT },
		{ "decision", required_argument, NULL, O_DECISION },
		{ "rule", required_argument, NULL, O_RULE },
		{ "comm", required_argument, NULL, O_COMM },
		{ "exe", required_argument, NULL, O_EXE },
		{ "pid", required_argument, NULL, O_PID },
		{ "uid", required_argument, NULL, O_UID },
		{ "container", required_argument, NULL, O_CONTAINER },
		{ "summary", no_argument, NULL, O_SUMMARY },
		{ "exec-id", required_argument, NULL, O_EXEC_ID },
		{ "explain", required_argument, NULL, O_EXPLAIN },
		{ "follow", no_argument, NULL, 'f' },
		{ "format", required_argument, NULL, O_FORMAT },
		{ NULL, 0, NULL, 0 },
	};
	struct log_reader r = {
		.f = { .pid = -1, .uid = -1 },
		.t = { { "rule", "rule" }, { "decision", "decision" }, { "event", "event" },
		       { "comm", "subject.comm" }, { "uid", "subject.uid" },
		       { "container", "subject.container" } },
	};
	const struct log_read_ops ops = { show, out_log_report, &r };
	unsigned long long v;
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, ARGS_COMMON_SHORT "f", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			follow_mode = true;
			break;
		case O_SINCE:
		case O_UNTIL:
			if (parse_when(optarg, c == O_SINCE ? &r.f.since : &r.f.until)) {
				out_err("log: bad time '%s' (10m, 2h, 1d, or 2026-11-25T06:40:00Z)",
					optarg);
				return 2;
			}
			break;
		case O_TYPE: r.f.type = optarg; break;
		case O_EVENT: r.f.event = optarg; r.f.decisions = true; break;
		case O_DECISION: r.f.decision = optarg; r.f.decisions = true; break;
		case O_RULE: r.f.rule = optarg; r.f.decisions = true; break;
		case O_COMM: r.f.comm = optarg; break;
		case O_EXE: r.f.exe = optarg; break;
		case O_CONTAINER: r.f.container = optarg; break;
		case O_SUMMARY: r.summary = true; r.f.decisions = true; break;
		case O_EXEC_ID: r.f.exec_id = optarg; break;
		case O_FORMAT:
			if (!strcmp(optarg, "auditd")) {
				r.auditd = true;
			} else if (!strcmp(optarg, "json")) {
				o->json = true;
				out_json_errors(true);
			} else if (strcmp(optarg, "table")) {
				out_err("log: --format takes table, json or auditd, not '%s'", optarg);
				return 2;
			}
			break;
		case O_EXPLAIN: r.f.exec_id = optarg; r.explain = true; break;
		case O_PID:
		case O_UID:
			if (parse_u64(optarg, 4294967295ULL, &v)) {
				out_err("log: bad number '%s'", optarg);
				return 2;
			}
			*(c == O_PID ? &r.f.pid : &r.f.uid) = (long long)v;
			break;
		case 'h':
			do_help(stdout);
			return 0;
		default:
			if (args_common(c, optarg, o)) {
				do_help(stderr);
				return 2;
			}
		}
	}
	r.json = o->json;
	if (!r.json && !r.summary && !r.explain && !r.auditd)
		printf("%-23s %-10s %-8s %-24s %7s %-15s %s\n", "TIME", "DECISION", "EVENT",
		       "RULE", "PID", "COMM", "DETAIL");
	if (optind < argc) {
		/* with -f the last file is read by follow(), from its start */
		for (int i = optind; i < argc - (follow_mode ? 1 : 0); i++)
			if (log_read_file(argv[i], &ops, &r.skipped_bad))
				ret = 1;
		follow_path = argv[argc - 1];
	} else {
		struct bw_policy p;
		struct diag d = { 0 };

		if (policy_load(&p, o->config ? o->config : DEFAULT_CONFIG, &d)) {
			out_diag(&d);
			out_err("log: cannot read the policy file; name the log files instead");
			ret = 1;
		} else {
			if (follow_mode && !r.summary && !r.explain) {
				ret = log_read_rotations(p.log, &ops, &r.skipped_bad) ? 1 : 0;
				ret |= follow(p.log, &r);
			} else {
				ret = log_read_all(p.log, &ops, &r.skipped_bad) ? 1 : 0;
			}
			follow_mode = false;
		}
		policy_free(&p);
		diag_free(&d);
	}
	if (follow_mode && follow_path && !r.summary && !r.explain)
		ret = follow(follow_path, &r);
	if (r.summary)
		print_summary(&r);
	if (r.explain)
		print_explain(&r);
	if (r.skipped_bad)
		out_err("log: %llu malformed line%s skipped", (unsigned long long)r.skipped_bad,
			r.skipped_bad == 1 ? "" : "s");
	args_free(o);
	return ret;
}
