// SPDX-License-Identifier: GPL-2.0
/* The symbolizer on this very process: its own code, libc's, and nothing. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "symbols.h"

__attribute__((noinline)) int bw_symbols_marker(int x)
{
	/* a body of a few instructions, so that +3 is still inside */
	return x * 3 + 1;
}

static void test_own_function(void **state)
{
	uintptr_t addr = (uintptr_t)bw_symbols_marker + 3;
	struct syms *s = syms_load_pid(getpid());
	struct sym y;
	char buf[256];

	(void)state;
	assert_non_null(s);
	assert_true(syms_count(s) > 0);
	assert_int_equal(syms_lookup(s, addr, &y), 0);
	assert_non_null(y.name);
	assert_string_equal(y.name, "bw_symbols_marker");
	assert_int_equal(y.offset, 3);
	assert_non_null(strstr(y.module, "test_symbols"));
	syms_format(s, addr, buf, sizeof(buf));
	assert_non_null(strstr(buf, "bw_symbols_marker+0x3 ["));
	syms_free(s);
}

/* getpid has an alias, __getpid: the plain name wins. */
static void test_libc_function(void **state)
{
	void *fn = dlsym(RTLD_DEFAULT, "getpid");
	struct syms *s = syms_load_pid(getpid());
	struct sym y;

	(void)state;
	assert_non_null(fn);
	assert_non_null(s);
	assert_int_equal(syms_lookup(s, (uintptr_t)fn, &y), 0);
	assert_non_null(y.name);
	assert_string_equal(y.name, "getpid");
	assert_int_equal(y.offset, 0);
	assert_non_null(strstr(y.module, "libc.so"));
	syms_free(s);
}

/* Two tables of one process share the ELF files and give the same answer. */
static void test_twice(void **state)
{
	struct syms *a = syms_load_pid(getpid());
	struct syms *b = syms_load_pid(getpid());
	struct sym ya, yb;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	syms_free(a);
	assert_int_equal(syms_lookup(b, (uintptr_t)bw_symbols_marker, &yb), 0);
	assert_string_equal(yb.name, "bw_symbols_marker");
	a = syms_load_pid(getpid());
	assert_non_null(a);
	assert_int_equal(syms_lookup(a, (uintptr_t)bw_symbols_marker, &ya), 0);
	assert_string_equal(ya.name, yb.name);
	syms_free(a);
	syms_free(b);
}

static void test_no_mapping(void **state)
{
	struct syms *s = syms_load_pid(getpid());
	void *anon = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct sym y;
	char buf[64];

	(void)state;
	assert_non_null(s);
	assert_int_equal(syms_lookup(s, 0x10, &y), -ENOENT);
	assert_string_equal(syms_format(s, 0x10, buf, sizeof(buf)), "0x10");
	assert_int_equal(syms_lookup(s, UINT64_MAX - 4096, &y), -ENOENT);
	syms_free(s);
	/* an anonymous mapping made after the table: still nothing */
	assert_true(anon != MAP_FAILED);
	s = syms_load_pid(getpid());
	assert_non_null(s);
	assert_int_equal(syms_lookup(s, (uintptr_t)anon, &y), -ENOENT);
	syms_free(s);
	munmap(anon, 4096);
}

#define LIB_DIR "/usr/lib/x86_64-linux-gnu/"

/* src copied to dst, created anew; 0 or -1 */
static int copy_file(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out;
	struct stat st;
	ssize_t n = -1;

	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out >= 0 && !fstat(in, &st))
		n = sendfile(out, in, NULL, st.st_size);
	close(in);
	if (out >= 0)
		close(out);
	return n > 0 ? 0 : -1;
}

/*
 * A library replaced on disk after it was mapped: its names are still the
 * mapped file's, not the new file's (another library at that path now).
 */
static void test_replaced_on_disk(void **state)
{
	char dir[] = "/tmp/bw-syms-XXXXXX", lib[64], other[64];
	struct syms *s;
	struct sym y;
	void *h, *fn;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(lib, sizeof(lib), "%s/libbwcopy.so", dir);
	snprintf(other, sizeof(other), "%s/other.so", dir);
	if (copy_file(LIB_DIR "libcmocka.so.0", lib) ||
	    copy_file(LIB_DIR "libjson-c.so.5", other)) {
		unlink(lib);
		rmdir(dir);
		skip();
	}
	h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	assert_non_null(h);
	fn = dlsym(h, "_cmocka_run_group_tests");
	assert_non_null(fn);
	assert_int_equal(rename(other, lib), 0);

	s = syms_load_pid(getpid());
	assert_non_null(s);
	assert_int_equal(syms_lookup(s, (uintptr_t)fn + 16, &y), 0);
	assert_int_equal(strncmp(y.module, lib, strlen(lib)), 0);
	/* not root: no map_files/, and the path's new inode is not used */
	if (geteuid() == 0 || y.name) {
		assert_non_null(y.name);
		assert_string_equal(y.name, "_cmocka_run_group_tests");
		assert_int_equal(y.offset, 16);
	}
	syms_free(s);
	dlclose(h);
	unlink(lib);
	rmdir(dir);
}

static void test_no_process(void **state)
{
	(void)state;
	errno = 0;
	assert_null(syms_load_pid(4194304 + 1));
	assert_int_equal(errno, ENOENT);
}

/* The kernel's: needs kallsyms's addresses (root, or kptr_restrict 0). */
static void test_kernel(void **state)
{
	struct syms *s = syms_load_kernel();
	struct sym y;
	FILE *fp;
	char line[256], name[128], type;
	unsigned long long addr = 0;

	(void)state;
	if (!s) {
		assert_int_equal(errno, EPERM);
		skip();
	}
	fp = fopen("/proc/kallsyms", "re");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%llx %c %127s", &addr, &type, name) == 3 &&
		    !strcmp(name, "do_sys_openat2"))
			break;
		addr = 0;
	}
	fclose(fp);
	if (!addr) {
		syms_free(s);
		skip();
	}
	assert_int_equal(syms_lookup(s, addr + 5, &y), 0);
	assert_string_equal(y.name, "do_sys_openat2");
	assert_int_equal(y.offset, 5);
	assert_string_equal(y.module, "kernel");
	assert_int_equal(syms_lookup(s, 0x1000, &y), -ENOENT);
	syms_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_function),
		cmocka_unit_test(test_libc_function),
		cmocka_unit_test(test_twice),
		cmocka_unit_test(test_no_mapping),
		cmocka_unit_test(test_replaced_on_disk),
		cmocka_unit_test(test_no_process),
		cmocka_unit_test(test_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
