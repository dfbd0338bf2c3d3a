// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static void oom(void)
{
	fputs("bulwark: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	void *q = reallocarray(p, n ? n : 1, size ? size : 1);

	if (!q)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		oom();
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *p;

	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

int parse_u64(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int read_sysctl(const char *path, long long *out)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%lld", out) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

int natural_cmp(const char *a, const char *b)
{
	return strverscmp(a, b);
}

int write_file_replace(const char *path, const void *buf, size_t len, mode_t mode)
{
	char *tmp = xasprintf("%s.tmp", path);
	const char *p = buf;
	struct stat st;
	int fd, err = 0;

	/* a stale temporary: removed when it is a file or a link, never followed */
	if (!lstat(tmp, &st) && (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
		unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 && errno == EEXIST) {
		/* something not removed (a directory) or planted again since:
		 * a name of our own instead, created O_EXCL too */
		free(tmp);
		tmp = xasprintf("%s.tmp.XXXXXX", path);
		fd = mkostemp(tmp, O_CLOEXEC);
	}
	if (fd < 0) {
		err = -errno;
		free(tmp);
		return err;
	}
	if (fchmod(fd, mode))
		err = -errno;
	while (!err && len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) && !err)
		err = -errno;
	if (!err && !lstat(path, &st) && S_ISLNK(st.st_mode))
		fprintf(stderr, "bulwark: %s was a symbolic link: replaced by a regular "
			"file, its target left alone\n", path);
	/* rename() replaces a symlink at path itself, never its target */
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}

/*
 * Four digits per 64-bit division, two per 32-bit one, each pair copied
 * from a table: records are mostly numbers, many of ten digits or more
 * (namespaces, start times).
 */
char *u64_dec(uint64_t v, char *end)
{
	static const char pairs[201] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	uint32_t x;

	while (v >= 10000) {
		x = (uint32_t)(v % 10000);
		v /= 10000;
		end -= 4;
		memcpy(end, pairs + 2 * (x / 100), 2);
		memcpy(end + 2, pairs + 2 * (x % 100), 2);
	}
	x = (uint32_t)v;
	if (x >= 100) {
		end -= 2;
		memcpy(end, pairs + 2 * (x % 100), 2);
		x /= 100;
	}
	if (x >= 10) {
		end -= 2;
		memcpy(end, pairs + 2 * x, 2);
	} else {
		*--end = (char)('0' + x);
	}
	return end;
}

/* "x0" .. "xf": sixteen pairs of hex digits starting with x */
#define HEX_ROW(x) x "0" x "1" x "2" x "3" x "4" x "5" x "6" x "7" \
		   x "8" x "9" x "a" x "b" x "c" x "d" x "e" x "f"

/* A byte, two digits, a step, copied from a table. */
char *u64_hex(uint64_t v, char *end)
{
	static const char pairs[513] =
		HEX_ROW("0") HEX_ROW("1") HEX_ROW("2") HEX_ROW("3")
		HEX_ROW("4") HEX_ROW("5") HEX_ROW("6") HEX_ROW("7")
		HEX_ROW("8") HEX_ROW("9") HEX_ROW("a") HEX_ROW("b")
		HEX_ROW("c") HEX_ROW("d") HEX_ROW("e") HEX_ROW("f");

	for (; v >= 0x100; v >>= 8) {
		end -= 2;
		memcpy(end, pairs + 2 * (v & 0xff), 2);
	}
	if (v >= 0x10) {
		end -= 2;
		memcpy(end, pairs + 2 * v, 2);
	} else {
		*--end = pairs[2 * v + 1];
	}
	return end;
}
