/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_UTIL_H
#define BULWARK_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Allocation wrappers that abort on failure, as OpenSSH's xmalloc. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* strtoull with full-string and range checks; 0 on success, -1 otherwise. */
int parse_u64(const char *s, unsigned long long max, unsigned long long *out);

/* The decimal / lower-case hex digits of v, written backwards ending just
 * before end (room for 20 / 16 bytes); returns the first. */
char *u64_dec(uint64_t v, char *end);
char *u64_hex(uint64_t v, char *end);

/* The number a sysctl file (or any file) begins with: 0, or -1 when it
 * cannot be read or holds none. */
int read_sysctl(const char *path, long long *out);

/* Natural ("version") order of two names, as used for rule files. */
int natural_cmp(const char *a, const char *b);

/*
 * Replace the file at path with len bytes of buf, mode `mode` whatever the
 * umask, without following a symbolic link: written to path.tmp, created
 * O_EXCL|O_NOFOLLOW (a stale regular file or symlink there is removed
 * first, never followed), then renamed over path.  A symlink at path is
 * replaced, its target left alone, and that is said on stderr.
 * 0 or -errno.
 */
int write_file_replace(const char *path, const void *buf, size_t len, mode_t mode);

#endif
