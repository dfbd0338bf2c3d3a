/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference the JSON writer's strings are checked against, by
 * tests/unit/test_json.c and tests/fuzz/fuzz_json.c: docs/log.md's rules
 * applied one byte at a time, its UTF-8 check decoding the code point
 * (the writer follows RFC 3629's grammar instead).
 */
#ifndef BULWARK_JSON_REF_H
#define BULWARK_JSON_REF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The length of the valid UTF-8 character at s, or 0: decoded and its
 * code point checked (not overlong, not a surrogate, not above U+10FFFF).
 */
static inline size_t ref_utf8(const unsigned char *s, size_t left)
{
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len;
	uint32_t cp;

	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > left)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * The first n bytes of str as the writer must quote them: a NUL ends the
 * string; a valid character is copied; quote and backslash get a
 * backslash; \n, \r and \t are named; other control bytes, DEL and every
 * byte of an invalid sequence are \u00XX (lower-case hex).  Returns the
 * quoted string, malloc'd, or NULL when out of memory.
 */
static inline char *ref_escape(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	char *out = malloc(6 * n + 3), *p = out;
	size_t i = 0, len;

	if (!out)
		return NULL;
	*p++ = '"';
	while (i < n && s[i]) {
		unsigned char c = s[i];

		if (c >= 0x80 && (len = ref_utf8(s + i, n - i))) {
			memcpy(p, s + i, len);
			p += len;
			i += len;
			continue;
		}
		if (c == '"' || c == '\\')
			p += sprintf(p, "\\%c", c);
		else if (c == '\n')
			p += sprintf(p, "\\n");
		else if (c == '\r')
			p += sprintf(p, "\\r");
		else if (c == '\t')
			p += sprintf(p, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			p += sprintf(p, "\\u%04x", c);
		else
			*p++ = (char)c;
		i++;
	}
	*p++ = '"';
	*p = 0;
	return out;
}

#endif
