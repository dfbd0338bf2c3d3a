// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ini_scan.h"
#include "util.h"

static int read_file(const char *path, char **out, struct diag *d)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		diag_err(d, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		diag_err(d, path, 0, "not a regular file");
		close(fd);
		return -1;
	}
	if (st.st_size > INI_FILE_MAX) {
		diag_err(d, path, 0, "file larger than %d bytes", INI_FILE_MAX);
		close(fd);
		return -1;
	}
	buf = xmalloc(st.st_size + 1);
	n = read(fd, buf, st.st_size);
	close(fd);
	if (n != st.st_size) {
		diag_err(d, path, 0, "cannot read: %s", n < 0 ? strerror(errno) : "short read");
		free(buf);
		return -1;
	}
	buf[n] = 0;
	if (memchr(buf, 0, n)) {
		diag_err(d, path, 0, "file contains a NUL byte");
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

static void add_section(struct ini_file *f, const char *name, size_t len, int line)
{
	f->sections = xreallocarray(f->sections, f->nsections + 1,
				    sizeof(*f->sections));
	f->sections[f->nsections].name = xstrndup(name, len);
	f->sections[f->nsections].line = line;
	f->nsections++;
}

static void add_key(struct ini_file *f, int line)
{
	f->keys = xreallocarray(f->keys, f->nkeys + 1, sizeof(*f->keys));
	f->keys[f->nkeys].line = line;
	f->keys[f->nkeys].section = (int)f->nsections - 1;
	f->nkeys++;
}

static int scan_section(struct ini_file *f, const char *p, size_t len,
			int line, const char *what, struct diag *d)
{
	const char *end = memchr(p, ']', len);
	size_t nlen;

	if (!end) {
		diag_err(d, f->path, line, "section header without ']'");
		return -1;
	}
	nlen = end - p - 1;
	if (nlen == 0) {
		diag_err(d, f->path, line, "empty %s", what);
		return -1;
	}
	if (nlen > INI_SECTION_MAX) {
		diag_err(d, f->path, line, "%s longer than %d characters",
			 what, INI_SECTION_MAX);
		return -1;
	}
	for (size_t i = 0; i < f->nsections; i++) {
		if (strlen(f->sections[i].name) == nlen &&
		    !memcmp(f->sections[i].name, p + 1, nlen)) {
			diag_err(d, f->path, line, "duplicate %s '%.*s' (first defined at %s:%d)",
				 what, (int)nlen, p + 1, f->path, f->sections[i].line);
			return -1;
		}
	}
	add_section(f, p + 1, nlen, line);
	return 0;
}

static int scan_key(struct ini_file *f, const char *p, size_t len, int line,
		    struct diag *d)
{
	const char *sep = NULL;

	for (size_t i = 0; i < len; i++) {
		if (p[i] == '=' || p[i] == ':') {
			sep = p + i;
			break;
		}
	}
	if (!sep) {
		diag_err(d, f->path, line, "expected 'key = value'");
		return -1;
	}
	for (const char *q = sep; q + 1 < p + len; q++) {
		if ((q[0] == ' ' || q[0] == '\t') && q[1] == ';') {
			diag_err(d, f->path, line,
				 "';' after a space starts a comment here and would cut the value");
			return -1;
		}
	}
	if (!f->nsections) {
		diag_err(d, f->path, line, "key outside any section");
		return -1;
	}
	add_key(f, line);
	return 0;
}

int ini_scan(struct ini_file *f, const char *path, const char *what,
	     struct diag *d)
{
	int line = 0, err = 0;
	char *p, *nl;

	memset(f, 0, sizeof(*f));
	f->path = path;
	if (read_file(path, &f->text, d))
		return -1;
	p = f->text;
	if (!strncmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	for (; *p; p = nl ? nl + 1 : p + strlen(p)) {
		size_t len, indent;

		line++;
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len > INI_LINE_MAX) {
			diag_err(d, path, line, "line longer than %d bytes", INI_LINE_MAX);
			err = -1;
			continue;
		}
		indent = strspn(p, " \t");
		if (indent >= len || p[indent] == ';' || p[indent] == '#')
			continue;
		if (indent) {
			diag_err(d, path, line,
				 "indented line would continue the previous value");
			err = -1;
			continue;
		}
		if (p[0] == '[') {
			if (scan_section(f, p, len, line, what, d))
				err = -1;
		} else if (scan_key(f, p, len, line, d)) {
			err = -1;
		}
		if (!nl)
			break;
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

	if (c->next >= c->f->nkeys) {
		c->mismatch = true;
		return 0;
	}
	k = &c->f->keys[c->next++];
	if (k->section < 0 || strcmp(c->f->sections[k->section].name, section)) {
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

	if (line) {
		diag_err(d, f->path, line > 0 ? line : 0, "cannot parse this line");
		return -1;
	}
	if (c.mismatch || c.next != f->nkeys) {
		/* an inih behaviour the scan does not know: refuse, loudly */
		diag_err(d, f->path, 0, "internal error: inih and the pre-scan disagree on this file");
		return -1;
	}
	return 0;
}

void ini_file_free(struct ini_file *f)
{
	for (size_t i = 0; i < f->nsections; i++)
		free(f->sections[i].name);
	free(f->sections);
	free(f->keys);
	free(f->text);
	memset(f, 0, sizeof(*f));
}

size_t split_list(char *value, char **out, size_t max)
{
	char *save = NULL;
	size_t n = 0;

	for (char *tok = strtok_r(value, ", \t", &save); tok && n < max;
	     tok = strtok_r(NULL, ", \t", &save))
		out[n++] = tok;
	return n;
}
