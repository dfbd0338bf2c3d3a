/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_UTIL_H
#define BULWARK_UTIL_H

#include <stdarg.h>
#include <stddef.h>

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

/* Natural ("version") order of two names, as used for rule files. */
int natural_cmp(const char *a, const char *b);

#endif
