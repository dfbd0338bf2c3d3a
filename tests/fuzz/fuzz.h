/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the libFuzzer targets: the input as a file the engine
 * opens by path, the engine's own output kept off the terminal, and a
 * finding reported with what it was.
 */
#ifndef BULWARK_FUZZ_H
#define BULWARK_FUZZ_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Where findings go: the real stderr, kept before the engine's is muted. */
static FILE *fuzz_report;

/*
 * The engine reports every problem of a hostile file on stdout or stderr
 * (diag_print, out_err): through /dev/null, or each run prints millions
 * of lines.  libFuzzer and the sanitizers write to file descriptor 2 (or
 * a FILE they opened before this), so their reports still show.
 * BW_FUZZ_VERBOSE=1 keeps the engine's output, to read a reproducer.
 */
static inline void fuzz_quiet(void)
{
	FILE *null;

	fuzz_report = fdopen(dup(2), "w");
	if (!fuzz_report)
		fuzz_report = stderr;
	setvbuf(fuzz_report, NULL, _IONBF, 0);
	if (getenv("BW_FUZZ_VERBOSE"))
		return;
	null = fopen("/dev/null", "w");
	if (!null)
		abort();
	stdout = null;
	stderr = null;
}

/* A property the target checks does not hold: say which, then crash. */
static inline void __attribute__((format(printf, 1, 2), noreturn))
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("bulwark fuzz: ", fuzz_report ? fuzz_report : stderr);
	va_start(ap, fmt);
	vfprintf(fuzz_report ? fuzz_report : stderr, fmt, ap);
	va_end(ap);
	fputc('\n', fuzz_report ? fuzz_report : stderr);
	abort();
}

/*
 * The input as a regular file, by path: one memfd, rewritten for every
 * input, opened by the engine as /proc/self/fd/N like any rule, policy or
 * log file.  Returns the path (static).
 */
static inline const char *fuzz_file(const void *data, size_t size)
{
	static char path[64];
	static int fd = -1;
	size_t done = 0;

	if (fd < 0) {
		fd = memfd_create("bulwark-fuzz", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0))
		abort();
	while (done < size) {
		ssize_t n = pwrite(fd, (const char *)data + done, size - done, (off_t)done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	return path;
}

/* FNV-1a of the input: the seed of what a target derives from it. */
static inline uint64_t fuzz_hash(const uint8_t *data, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < size; i++) {
		h ^= data[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* A small generator for values derived from the input. */
static inline uint32_t fuzz_rnd(uint64_t *state, uint32_t n)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return n ? (uint32_t)(*state >> 33) % n : 0;
}

#endif
