// SPDX-License-Identifier: GPL-2.0
/*
 * The pre-scan in front of inih (see ini_scan.h).  What it checks mirrors
 * inih r55 as Debian builds it: white space is isspace(), ';' after white
 * space starts an inline comment, lines are read 199 bytes at a time (a
 * UTF-8 BOM on the first line included), section names are cut at 49.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ini_scan.h"
#include "util.h"

#define BOM "\xEF\xBB\xBF"
#define LIST_SEPS ", \t\v\f\r"

static int read_all(int fd, char *buf, size_t size, size_t *got)
{
	size_t n = 0;

	while (n < size) {
		ssize_t r = read(fd, buf + n, size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += r;
	}
	*got = n;
	return 0;
}

/* What a file that is not a regular one is, for the message. */
static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a file";
}

/*
 * Only a regular file of at most INI_FILE_MAX bytes is read, and the check
 * comes before the open: opening a device can block or act (a tape
 * rewinds), a FIFO with no writer blocks.  A symbolic link is followed to
 * what it names.  The open itself is O_NONBLOCK and checked again with
 * fstat, for a file replaced in between; at most st_size bytes are read,
 * whatever the file grows to meanwhile.
 */
static int read_file(const char *path, char **out, struct diag *d)
{
	struct stat st;
	size_t n;
	char *buf;
	int fd;

	if (stat(path, &st)) {
		diag_err(d, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_err(d, path, 0, "not a regular file (%s)", file_kind(st.st_mode));
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		diag_err(d, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		diag_err(d, path, 0, "cannot read: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_err(d, path, 0, "not a regular file (%s, put there while it was opened)",
			 file_kind(st.st_mode));
		close(fd);
		return -1;
	}
	if (st.st_size > INI_FILE_MAX) {
		diag_err(d, path, 0, "file larger than %d bytes (%lld bytes)",
			 INI_FILE_MAX, (long long)st.st_size);
		close(fd);
		return -1;
	}
	buf = xmalloc(st.st_size + 1);
	if (read_all(fd, buf, st.st_size, &n)) {
		diag_err(d, path, 0, "cannot read: %s", strerror(errno));
		close(fd);
		free(buf);
		return -1;
	}
	close(fd);
	buf[n] = 0;
	if (memchr(buf, 0, n)) {
		diag_err(d, path, 0, "file contains a NUL byte");
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

static bool is_space(char c)
{
	return isspace((unsigned char)c);
}

/* inih's inline comment: a ';' right after white space. */
static const char *inline_comment(const char *s, size_t len)
{
	for (size_t i = 1; i < len; i++)
		if (s[i] == ';' && is_space(s[i - 1]))
			return s + i;
	return NULL;
}

/* ---- the key index ---- */

static uint64_t key_hash(const void *key, size_t len)
{
	const unsigned char *c = key;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= c[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

/* The slot holding key, or the free slot where it would go. */
static struct key_slot *key_slot_of(const struct key_index *t, const void *key,
				    size_t len)
{
	size_t mask = t->cap - 1;

	for (size_t i = key_hash(key, len) & mask;; i = (i + 1) & mask) {
		struct key_slot *s = &t->slots[i];

		if (!s->key || (s->len == len && !memcmp(s->key, key, len)))
			return s;
	}
}

static void key_index_grow(struct key_index *t)
{
	struct key_index bigger = { 0 };

	bigger.cap = t->cap ? t->cap * 2 : 16;
	bigger.slots = xcalloc(bigger.cap, sizeof(*bigger.slots));
	for (size_t i = 0; i < t->cap; i++) {
		const struct key_slot *s = &t->slots[i];

		if (s->key)
			*key_slot_of(&bigger, s->key, s->len) = *s;
	}
	bigger.n = t->n;
	free(t->slots);
	*t = bigger;
}

bool key_index_get(const struct key_index *t, const void *key, size_t len,
		   size_t *val)
{
	const struct key_slot *s;

	if (!t->n)
		return false;
	s = key_slot_of(t, key, len);
	if (!s->key)
		return false;
	*val = s->val;
	return true;
}

void key_index_put(struct key_index *t, const void *key, size_t len,
		   size_t val)
{
	struct key_slot *s;

	/* at most half full: probes stay short */
	if (2 * (t->n + 1) > t->cap)
		key_index_grow(t);
	s = key_slot_of(t, key, len);
	if (!s->key) {
		s->key = key;
		s->len = (uint32_t)len;
		t->n++;
	}
	s->val = (uint32_t)val;
}

void key_index_free(struct key_index *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* ---- the pre-scan ---- */

static void add_section(struct ini_file *f, const char *name, size_t len,
			int line)
{
	if (f->nsections == f->sections_cap) {
		f->sections_cap = f->sections_cap ? 2 * f->sections_cap : 16;
		f->sections = xreallocarray(f->sections, f->sections_cap,
					    sizeof(*f->sections));
	}
	f->sections[f->nsections].name = xstrndup(name, len);
	f->sections[f->nsections].line = line;
	f->sections[f->nsections].nkeys = 0;
	f->nsections++;
}

static void add_key(struct ini_file *f, const char *name, size_t len, int line)
{
	if (f->nkeys == f->keys_cap) {
		f->keys_cap = f->keys_cap ? 2 * f->keys_cap : 16;
		f->keys = xreallocarray(f->keys, f->keys_cap, sizeof(*f->keys));
	}
	f->keys[f->nkeys].name = xstrndup(name, len);
	f->keys[f->nkeys].line = line;
	f->keys[f->nkeys].section = (int)f->nsections - 1;
	f->nkeys++;
}

static const struct ini_section *find_section(const struct ini_file *f,
					      const char *name, size_t len)
{
	size_t i;

	return key_index_get(&f->names, name, len, &i) ? &f->sections[i] : NULL;
}

/* A section with a valid header: indexed by its name. */
static void add_named_section(struct ini_file *f, const char *name, size_t len,
			      int line)
{
	add_section(f, name, len, line);
	key_index_put(&f->names, f->sections[f->nsections - 1].name, len,
		      f->nsections - 1);
}

static int scan_section(struct ini_file *f, const char *p, size_t len,
			int line, const char *what, struct diag *d)
{
	const char *name = p + 1, *end = memchr(name, ']', len - 1);
	const struct ini_section *prev;
	const char *rest;
	size_t nlen;

	if (inline_comment(name, end ? (size_t)(end - name) : len - 1)) {
		diag_err(d, f->path, line, "';' starts a comment here (inih would cut the line)");
		return -1;
	}
	if (!end) {
		diag_err(d, f->path, line, "section header without ']'");
		return -1;
	}
	nlen = end - name;
	for (rest = end + 1; rest < p + len && is_space(*rest); rest++)
		;
	if (rest < p + len && *rest != ';' && *rest != '#') {
		diag_err(d, f->path, line, "text after ']' would be ignored");
		return -1;
	}
	if (nlen == 0) {
		diag_err(d, f->path, line, "empty %s", what);
		return -1;
	}
	if (nlen > INI_SECTION_MAX) {
		diag_err(d, f->path, line, "%s longer than %d characters",
			 what, INI_SECTION_MAX);
		return -1;
	}
	prev = find_section(f, name, nlen);
	if (prev) {
		diag_err(d, f->path, line, "duplicate %s '%.*s' (first defined at %s:%d)",
			 what, (int)nlen, name, f->path, prev->line);
		return -1;
	}
	add_named_section(f, name, nlen, line);
	return 0;
}

static int scan_key(struct ini_file *f, const char *p, size_t len, int line,
		    struct diag *d)
{
	size_t sep = 0, nlen;

	if (inline_comment(p, len)) {
		diag_err(d, f->path, line,
			 "';' starts a comment here (inih would cut the value before it)");
		return -1;
	}
	while (sep < len && p[sep] != '=' && p[sep] != ':')
		sep++;
	if (sep == len) {
		diag_err(d, f->path, line, "expected 'key = value'");
		return -1;
	}
	if (!f->nsections) {
		diag_err(d, f->path, line, "key outside any section");
		return -1;
	}
	/* said at the first key too many, the others refused with it */
	if (++f->sections[f->nsections - 1].nkeys > INI_KEYS_MAX) {
		if (f->sections[f->nsections - 1].nkeys == INI_KEYS_MAX + 1)
			diag_err(d, f->path, line, "more than %d keys in one section",
				 INI_KEYS_MAX);
		return -1;
	}
	for (nlen = sep; nlen && is_space(p[nlen - 1]); nlen--)
		;
	add_key(f, p, nlen, line);
	return 0;
}

static int scan_line(struct ini_file *f, const char *p, size_t len, int line,
		     const char *what, struct diag *d)
{
	size_t indent = 0;

	while (indent < len && is_space(p[indent]))
		indent++;
	if (indent == len || p[indent] == ';' || p[indent] == '#')
		return 0;
	if (indent) {
		diag_err(d, f->path, line,
			 "indented line would continue the previous value");
		return -1;
	}
	if (p[0] != '[')
		return scan_key(f, p, len, line, d);
	if (scan_section(f, p, len, line, what, d)) {
		/* the keys below belong to it, not to the section before */
		add_section(f, "", 0, line);
		return -1;
	}
	return 0;
}

int ini_scan(struct ini_file *f, const char *path, const char *what,
	     struct diag *d)
{
	int line = 0, err = 0;
	const char *p;

	memset(f, 0, sizeof(*f));
	f->path = path;
	if (read_file(path, &f->text, d))
		return -1;
	for (p = f->text; *p; ) {
		const char *nl = strchr(p, '\n');
		size_t raw = nl ? (size_t)(nl - p) : strlen(p);
		size_t len = raw, skip = 0;

		line++;
		if (len && p[len - 1] == '\r')
			len--;
		/* inih reads the BOM as part of the first line */
		if (line == 1 && !strncmp(p, BOM, 3))
			skip = 3;
		if (len > INI_LINE_MAX) {
			diag_err(d, path, line, "line longer than %d bytes",
				 INI_LINE_MAX);
			err = -1;
		} else if (scan_line(f, p + skip, len - skip, line, what, d)) {
			err = -1;
		}
		if (f->nsections > INI_SECTIONS_MAX) {
			diag_err(d, path, line,
				 "more than %d sections in one file: the rest is not read",
				 INI_SECTIONS_MAX);
			return -1;
		}
		if (err && diag_full(d))
			return -1;
		p = nl ? nl + 1 : p + raw;
	}
	return err;
}

struct parse_ctx {
	struct ini_file *f;
	ini_key_fn fn;
	void *user;
	size_t next;
	bool mismatch;
};

static int on_key(void *user, const char *section, const char *name,
		  const char *value)
{
	struct parse_ctx *c = user;
	const struct ini_key *k;

	if (c->mismatch || c->next >= c->f->nkeys) {
		c->mismatch = true;
		return 0;
	}
	k = &c->f->keys[c->next++];
	if (strcmp(c->f->sections[k->section].name, section) ||
	    strcmp(k->name, name)) {
		c->mismatch = true;
		return 0;
	}
	c->fn(c->user, c->f, k, name, value);
	return 1;
}

int ini_parse_scanned(struct ini_file *f, ini_key_fn fn, void *user,
		      struct diag *d)
{
	struct parse_ctx c = { .f = f, .fn = fn, .user = user };
	int line = ini_parse_string(f->text, on_key, &c);

	if (c.mismatch || c.next != f->nkeys) {
		/* an inih behaviour the scan does not know: refuse, loudly */
		diag_err(d, f->path, 0,
			 "internal error: inih and the pre-scan disagree on this file");
		return -1;
	}
	if (line) {
		diag_err(d, f->path, line > 0 ? line : 0, "cannot parse this line");
		return -1;
	}
	return 0;
}

void ini_file_free(struct ini_file *f)
{
	for (size_t i = 0; i < f->nsections; i++)
		free(f->sections[i].name);
	for (size_t i = 0; i < f->nkeys; i++)
		free(f->keys[i].name);
	free(f->sections);
	free(f->keys);
	free(f->text);
	key_index_free(&f->names);
	memset(f, 0, sizeof(*f));
}

size_t split_list(char *value, char **out, size_t max)
{
	char *save = NULL;
	size_t n = 0;

	for (char *tok = strtok_r(value, LIST_SEPS, &save); tok && n < max;
	     tok = strtok_r(NULL, LIST_SEPS, &save))
		out[n++] = tok;
	return n;
}
