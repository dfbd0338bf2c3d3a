// SPDX-License-Identifier: GPL-2.0
/*
 * The log reader (engine/logread.c) and what `bulwark log` and `bulwark
 * replay` make of what it reads (engine/cmd_log.c, engine/cmd_replay.c),
 * through their command entry points, as a user runs them on a log file.
 *
 * Input: a mode byte, a parameter byte, then the file.  Mode bits 0-2 pick
 * the view: the table, --json, --summary, --summary --json, --explain,
 * --format auditd, the table under filters, or replay against a fixed rule
 * set.  Bit 3 gzips the file, bit 5 then cuts the gzip stream short (at
 * the parameter's share of it), and bit 4 repeats the file up to
 * (parameter + 1) * 4 KiB (at most 50,000 lines), for lines and files
 * past the reader's limits (a small input can make a gzip bomb).  Raw
 * gzip input is read as gzip.
 *
 * Checked beyond the sanitizers: the text views (table, summary, explain,
 * auditd, replay) never print a control character, a C1 control or a byte
 * of invalid UTF-8 (a record cannot break or forge a row, or drive the
 * terminal); every line of the JSON views parses, and the summary's is
 * valid UTF-8.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdint.h>
#include <zlib.h>

#include "cli.h"
#include "fuzz.h"

#define REPEAT_UNIT (4 * 1024)
#define MAX_LINES 50000
#define EXPLAIN_ID "4242-1f00-1"

static char rules_path[64];

/* Rules of every class for replay, with exact and prefix paths. */
static const char replay_rules[] =
	"[deny-raw]\nevent = capable\naction = deny\ncapability = cap_net_raw\n"
	"[audit-shm]\nevent = ipc\naction = audit\nipc_kind = shm\naccess = write\n"
	"[deny-tmpfs]\nevent = mount\naction = deny\nfstype = tmpfs\ntarget = /mnt/\n"
	"[allow-usr]\nevent = exec\naction = allow\npath = /usr/bin/su\n"
	"[deny-shm]\nevent = exec\naction = deny\npath = /dev/shm/, memfd:\ncomm = !sh\n"
	"[deny-kill]\nevent = signal\naction = deny\nsignal = SIGKILL\ntarget_comm = init\n"
	"[kill-chroot]\nevent = syscall\naction = kill\nsyscall = chroot\nexe = /tmp/\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd = memfd_create("bulwark-fuzz-rules", MFD_CLOEXEC);

	(void)argc;
	(void)argv;
	fuzz_quiet();
	if (fd < 0 || write(fd, replay_rules, sizeof(replay_rules) - 1) !=
	    (ssize_t)sizeof(replay_rules) - 1)
		abort();
	snprintf(rules_path, sizeof(rules_path), "/proc/self/fd/%d", fd);
	return 0;
}

/* The file: the body, repeated and gzipped as the mode says. */
static void make_file(const uint8_t *body, size_t n, uint8_t mode, uint8_t param,
		      uint8_t **out, size_t *outlen)
{
	size_t total = n, reps = 1;
	uint8_t *plain;
	z_stream z = { 0 };

	if ((mode & 16) && n) {
		size_t lines = 0;

		reps = ((size_t)param + 1) * REPEAT_UNIT / n + 1;
		/* every line is parsed: a run stays well under the timeout */
		for (size_t i = 0; i < n; i++)
			lines += body[i] == '\n';
		if (lines && reps > MAX_LINES / lines)
			reps = MAX_LINES / lines + 1;
		total = reps * n;
	}
	plain = malloc(total ? total : 1);
	if (!plain)
		abort();
	for (size_t r = 0; r < reps; r++)
		memcpy(plain + r * n, body, n);
	if (!(mode & 8)) {
		*out = plain;
		*outlen = total;
		return;
	}
	/* windowBits 31: a gzip stream, as rotation writes */
	if (deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	*outlen = deflateBound(&z, total);
	*out = malloc(*outlen);
	if (!*out)
		abort();
	z.next_in = plain;
	z.avail_in = total;
	z.next_out = *out;
	z.avail_out = *outlen;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	*outlen = z.total_out;
	deflateEnd(&z);
	free(plain);
	if (mode & 32)
		*outlen = *outlen * param / 256;
}

/* Length of the valid UTF-8 sequence at s (a C1 control only if c1_ok), or 0. */
static size_t utf8_len(const unsigned char *s, size_t left, bool c1_ok)
{
	size_t n = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3 :
		   s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
	uint32_t cp;

	if (!n || n > left)
		return 0;
	cp = s[0] & (0xff >> (n + 1));
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < (c1_ok ? 0x80 : 0xa0)) || (n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/* Text meant for a terminal: lines of printable characters only. */
static void check_text(const char *view, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n = 1;

		if (p[i] >= 0x80)
			n = utf8_len(p + i, len - i, false);
		else if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f)
			n = 0;
		if (!n) {
			size_t line = i;

			while (line && p[line - 1] != '\n')
				line--;
			fuzz_fail("%s: byte 0x%02x at offset %zu, in the line: %.*s", view,
				  p[i], i, (int)(i - line + 1), s + line);
		}
		i += n;
	}
}

/* Every line parses as JSON; with utf8, every byte is valid UTF-8 too. */
static void check_json_lines(const char *view, const char *s, size_t len, bool utf8)
{
	const char *end = s + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		struct json_tokener *tok = json_tokener_new();
		json_object *o;

		if (!tok)
			abort();
		o = json_tokener_parse_ex(tok, s, (int)n);
		if (!o || json_tokener_get_error(tok) != json_tokener_success)
			fuzz_fail("%s: a line that does not parse: %.*s", view, (int)n, s);
		json_object_put(o);
		json_tokener_free(tok);
		for (size_t i = 0, k; utf8 && i < n; i += k) {
			k = (unsigned char)s[i] >= 0x80 ?
			    utf8_len((const unsigned char *)s + i, n - i, true) : 1;
			if (!k)
				fuzz_fail("%s: invalid UTF-8 at byte %zu of: %.*s", view, i,
					  (int)n, s);
		}
		s += n + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const views[8] = {
		"table", "json", "summary", "summary json", "explain", "auditd",
		"filtered table", "replay",
	};
	uint8_t mode = size > 0 ? data[0] : 0, param = size > 1 ? data[1] : 0;
	char *argv[16], *text = NULL;
	struct bw_opts o = { .mode = -1 };
	size_t len = 0, filelen;
	uint8_t *file;
	FILE *mem, *saved = stdout;
	int argc = 0, view = mode & 7;

	make_file(size > 2 ? data + 2 : data, size > 2 ? size - 2 : 0, mode, param,
		  &file, &filelen);
	argv[argc++] = view == 7 ? "replay" : "log";
	switch (view) {
	case 1: argv[argc++] = "--json"; break;
	case 2: argv[argc++] = "--summary"; break;
	case 3: argv[argc++] = "--summary"; argv[argc++] = "--json"; break;
	case 4: argv[argc++] = "--explain"; argv[argc++] = EXPLAIN_ID; break;
	case 5: argv[argc++] = "--format"; argv[argc++] = "auditd"; break;
	case 6:
		argv[argc++] = "--since";
		argv[argc++] = param & 1 ? "2026-11-25T06:40:00.5Z" : "1d";
		argv[argc++] = param & 2 ? "--comm" : "--exe";
		argv[argc++] = param & 2 ? "bwtest" : "/usr/bin/x";
		argv[argc++] = param & 4 ? "--container" : "--uid";
		argv[argc++] = param & 4 ? "abcdef012345" : "1000";
		break;
	case 7: argv[argc++] = "--rules"; argv[argc++] = rules_path; break;
	}
	argv[argc++] = (char *)fuzz_file(file, filelen);
	argv[argc] = NULL;
	free(file);

	mem = open_memstream(&text, &len);
	if (!mem)
		abort();
	stdout = mem;
	optind = 0;
	if (view == 7)
		do_replay(argc, argv, &o);
	else
		do_log(argc, argv, &o);
	fflush(mem);
	stdout = saved;
	fclose(mem);
	if (view == 1 || view == 3)
		check_json_lines(views[view], text, len, view == 3);
	else
		check_text(views[view], text, len);
	free(text);
	return 0;
}
