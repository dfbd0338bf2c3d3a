// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON writer's strings (engine/json.c), which every log record and
 * every -j/--json output goes through.  Input: a mode byte, then the
 * bytes of the string.  The mode's low three bits put 0 to 7 bytes of
 * output before the string (so that it starts at every offset of a word);
 * bit 3 writes it with json_str() (up to its first NUL) instead of
 * json_strn() (exactly its bytes, in an allocation of that size: ASan
 * sees a read past them); bit 4 also writes it as a key (json_key_rt(),
 * up to its first NUL).
 *
 * Checked beyond the sanitizers: each string is written exactly as the
 * reference of docs/log.md's rules (tests/unit/json_ref.h) writes it,
 * and the whole output parses as JSON.
 */
#include <json-c/json.h>
#include <stdint.h>

#include "fuzz.h"
#include "json.h"
#include "json_ref.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

/* The writer's output from `at` on must be want, then `then`. */
static size_t expect(const struct json *j, size_t at, const char *want, const char *then)
{
	size_t n = strlen(want), m = strlen(then);

	if (j->len < at + n + m || memcmp(j->buf + at, want, n) ||
	    memcmp(j->buf + at + n, then, m))
		fuzz_fail("wrote %.*s, the rules give %s%s", (int)(j->len - at),
			  j->buf + at, want, then);
	return at + n + m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *parsed;
	char *s, *key, *want, head[32];
	size_t n, pre, at;
	struct json j;
	uint8_t mode;

	if (!size)
		return 0;
	mode = data[0];
	n = size - 1;
	pre = mode & 7;
	/* the string alone in its allocation (json_strn() reads n bytes, no
	 * more); a copy with a NUL after it for json_str() and the key */
	s = malloc(n ? n : 1);
	key = malloc(n + 1);
	want = ref_escape((const char *)data + 1, n);
	if (!s || !key || !want)
		abort();
	memcpy(s, data + 1, n);
	memcpy(key, data + 1, n);
	key[n] = 0;

	json_init(&j);
	json_obj_begin(&j);
	json_key(&j, "p");
	json_strn(&j, "aaaaaaa", pre);	/* moves the string along */
	json_key(&j, "s");
	if (mode & 8)
		json_str(&j, key);
	else
		json_strn(&j, s, n);
	if (mode & 16) {
		json_key_rt(&j, key);
		json_u64(&j, 1);
	}
	json_obj_end(&j);

	/* a NUL ends the string: the reference stops there too */
	snprintf(head, sizeof(head), "{\"p\":\"%.*s\",\"s\":", (int)pre, "aaaaaaa");
	at = expect(&j, 0, head, "");
	at = expect(&j, at, want, (mode & 16) ? "," : "}");
	if (mode & 16)
		at = expect(&j, at, want, ":1}");
	if (at != j.len || j.buf[j.len])
		fuzz_fail("%zu bytes written, %zu expected", j.len, at);

	parsed = json_tokener_parse(j.buf);
	if (!parsed)
		fuzz_fail("the output does not parse: %s", j.buf);
	json_object_put(parsed);
	json_free(&j);
	free(want);
	free(key);
	free(s);
	return 0;
}
