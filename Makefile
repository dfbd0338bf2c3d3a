# SPDX-License-Identifier: GPL-2.0
# bulwark: build, test and run.  `make V=1` shows the commands.

ARCH		?= x86
OUTPUT		:= .output
CC		?= gcc
CLANG		?= clang
LLVM_STRIP	?= llvm-strip
BPFTOOL		?= bpftool
VERSION		:= 0.1.0

# Debian packages the build and the tests need; `make deps` installs what
# is missing when run as root.
BUILD_DEPS	:= gcc make clang llvm libbpf-dev libelf-dev zlib1g-dev \
		   libseccomp-dev libcap-dev libinih-dev libjson-c-dev pkg-config bpftool
TEST_DEPS	:= libcmocka-dev qemu-system-x86 busybox-static cpio \
		   libclang-rt-14-dev auditd jq procps time lintian dpkg-dev groff-base \
		   libxml2-utils nginx libnginx-mod-http-lua python3

DEPFLAGS	= -MMD -MP
WARN		:= -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers
CFLAGS		?= -O2 -g
CFLAGS		+= -std=c11 -D_GNU_SOURCE $(WARN) -DBW_VERSION=\"$(VERSION)\" \
		   -iquote engine -iquote bpf -iquote $(OUTPUT)
LIBS		:= -lbpf -lelf -lz -linih -lcap -lseccomp -ljson-c
SAN_FLAGS	:= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all

# BPF flags are kept apart from host CFLAGS: hardening flags such as
# -fcf-protection break `clang -target bpf`.
BPF_CFLAGS	:= -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
		   -Ibpf -Ibpf/$(ARCH) -I$(OUTPUT)

BPF_OBJS	:= $(patsubst bpf/%.bpf.c,%,$(wildcard bpf/*.bpf.c))
ENGINE_SRCS	:= $(wildcard engine/*.c)
ENGINE_LIB_SRCS	:= $(filter-out engine/main.c,$(ENGINE_SRCS))
SKELS		:= $(patsubst %,$(OUTPUT)/%.skel.h,$(BPF_OBJS))

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps build-deps test-deps run test unit-test host-test vm-test \
	bench build-test clean install check-rules lint fuzz fuzz-build fuzz-test \
	deb pkg-deps

all: $(OUTPUT)/bulwark

# ---- dependencies ----
define apt_install
	@missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "  APT     installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
		else \
			echo "missing Debian packages:$$missing"; \
			echo "install them with: sudo apt-get install$$missing"; exit 1; \
		fi; \
	fi
endef

build-deps:
	$(call apt_install,$(BUILD_DEPS))
test-deps: build-deps
	$(call apt_install,$(TEST_DEPS))
deps: test-deps

# ---- BPF ----
$(OUTPUT) $(OUTPUT)/asan $(OUTPUT)/tests:
	$(Q)mkdir -p $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

# ---- engine ----
ENGINE_OBJS	:= $(patsubst engine/%.c,$(OUTPUT)/%.o,$(ENGINE_SRCS))
ASAN_OBJS	:= $(patsubst engine/%.c,$(OUTPUT)/asan/%.o,$(ENGINE_SRCS))
ASAN_LIB_OBJS	:= $(filter-out $(OUTPUT)/asan/main.o,$(ASAN_OBJS))

# Each object depends on the headers it includes (-MMD -MP: the .d files
# beside the objects); the skeletons must exist before any is compiled.
$(OUTPUT)/%.o: engine/%.c | $(OUTPUT) $(SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/asan/%.o: engine/%.c | $(OUTPUT)/asan $(SKELS)
	$(call msg,CC-ASAN,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/bulwark: $(ENGINE_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBS) -o $@

$(OUTPUT)/asan/bulwark: $(ASAN_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $^ $(LIBS) -o $@

# ---- tests ----
UNIT_TESTS	:= $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(wildcard tests/unit/test_*.c))

$(OUTPUT)/tests/%: tests/unit/%.c $(ASAN_LIB_OBJS) | $(OUTPUT)/tests
	$(call msg,CC-TEST,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) -iquote tests/unit $< $(ASAN_LIB_OBJS) \
		$(LIBS) -lcmocka -o $@

# Helper for the VM tests: static, so it runs in a busybox initramfs.
$(OUTPUT)/bwtest: tests/vm/bwtest.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -std=c11 -D_GNU_SOURCE $(WARN) -static $< -o $@

# Helper for the host tests of mountsnoop and sigsnoop: the mount and kill
# calls, made directly.
$(OUTPUT)/bwcalls: tests/host/bwcalls.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -std=c11 -D_GNU_SOURCE $(WARN) $< -o $@

unit-test: $(UNIT_TESTS) $(OUTPUT)/asan/bulwark
	$(Q)tests/run-suite unit $(UNIT_TESTS)

host-test: $(OUTPUT)/asan/bulwark $(OUTPUT)/bwtest $(OUTPUT)/bwcalls
	$(Q)tests/run-suite host tests/host/run.sh $(OUTPUT)/asan/bulwark $(OUTPUT)/bwtest

# What only `make bench` and `make lint` build, built in every test run.
build-test:
	$(Q)tests/run-suite build tests/build-check.sh $(OUTPUT)

vm-test: $(OUTPUT)/bulwark $(OUTPUT)/bwtest
	$(Q)tests/run-suite vm tests/vm/run.sh $(OUTPUT)/bulwark $(OUTPUT)/bwtest

# The README's test command: every suite, then one summary line.
test: test-deps
	$(Q)rm -f $(OUTPUT)/results
	$(Q)status=0; \
	$(MAKE) --no-print-directory unit-test || status=1; \
	$(MAKE) --no-print-directory build-test || status=1; \
	$(MAKE) --no-print-directory host-test || status=1; \
	$(MAKE) --no-print-directory fuzz-test || status=1; \
	$(MAKE) --no-print-directory vm-test || status=1; \
	tests/summary $(OUTPUT)/results || status=1; \
	exit $$status

# ---- fuzzing ----
# libFuzzer targets (tests/fuzz/fuzz_NAME.c, docs/fuzzing.md) link the
# engine's library objects built by clang with the fuzzer's coverage and
# ASan/UBSan, kept in $(OUTPUT)/fuzz/obj apart from the other builds.
# `make fuzz FUZZ_SECONDS=N` runs each target N seconds on its corpus;
# fuzz-test (in `make test`) runs each briefly and replays the crash
# reproducers in tests/fuzz/regress/NAME/.
FUZZ_SECONDS	?= 60
FUZZ_TEST_SECONDS ?= 12
FUZZ_NAMES	:= $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS	:= $(patsubst %,$(OUTPUT)/fuzz/fuzz_%,$(FUZZ_NAMES))
FUZZ_OBJS	:= $(patsubst engine/%.c,$(OUTPUT)/fuzz/obj/%.o,$(ENGINE_LIB_SRCS))
FUZZ_CFLAGS	:= -O1 -g -std=c11 -D_GNU_SOURCE $(WARN) -DBW_VERSION=\"$(VERSION)\" \
		   -iquote engine -iquote bpf -iquote $(OUTPUT) $(SAN_FLAGS)

$(OUTPUT)/fuzz/obj:
	$(Q)mkdir -p $@

$(OUTPUT)/fuzz/obj/%.o: engine/%.c | $(OUTPUT)/fuzz/obj $(SKELS)
	$(call msg,CC-FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(OUTPUT)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/unit/compile_ref.h \
		tests/unit/json_ref.h $(FUZZ_OBJS)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -iquote tests/fuzz -iquote tests/unit \
		$< $(FUZZ_OBJS) $(LIBS) -o $@

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	$(Q)tests/fuzz/run.sh --seconds $(FUZZ_SECONDS) --keep $(OUTPUT)/fuzz $(FUZZ_NAMES)

fuzz-test: $(FUZZ_BINS)
	$(Q)tests/run-suite fuzz tests/fuzz/run.sh --seconds $(FUZZ_TEST_SECONDS) \
		$(OUTPUT)/fuzz $(FUZZ_NAMES)

# Every header compiles on its own (what it uses, it includes).  Functions
# a BPF header declares for the file that includes it to define (policy.bpf.h:
# each class's classify function) are left undefined there.
LINT_BPF_HDRS	:= $(wildcard bpf/*.bpf.h)
LINT_C_HDRS	:= $(filter-out $(LINT_BPF_HDRS),$(wildcard engine/*.h bpf/*.h))
lint: $(SKELS)
	$(Q)status=0; \
	for h in $(LINT_C_HDRS); do \
		$(CC) $(CFLAGS) -Wno-unused-function -fsyntax-only -x c $$h || { echo "lint: $$h"; status=1; }; \
	done; \
	for h in $(LINT_BPF_HDRS); do \
		$(CLANG) $(BPF_CFLAGS) -Wno-unused-function -Wno-undefined-internal \
			-fsyntax-only -x c $$h || { echo "lint: $$h"; status=1; }; \
	done; \
	[ $$status = 0 ] && echo "  LINT    $(words $(LINT_C_HDRS) $(LINT_BPF_HDRS)) headers compile on their own"; \
	exit $$status

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/asan/*.d $(OUTPUT)/tests/*.d $(OUTPUT)/fuzz/obj/*.d)

check-rules: $(OUTPUT)/bulwark
	$(Q)$(OUTPUT)/bulwark check --config policies/default.conf

# The README's run command: set up, build, run in the foreground.
run: build-deps
	$(Q)$(MAKE) --no-print-directory $(OUTPUT)/bulwark
	$(OUTPUT)/bulwark run --config policies/default.conf

ENGINE_LIB_OBJS	:= $(filter-out $(OUTPUT)/main.o,$(ENGINE_OBJS))

$(OUTPUT)/logbench: tests/bench/logbench.c $(ENGINE_LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(ENGINE_LIB_OBJS) $(LIBS) -o $@

# Ratios against baselines measured in the same run (docs/performance.md).
bench: $(OUTPUT)/bulwark $(OUTPUT)/bwtest $(OUTPUT)/logbench
	$(Q)$(OUTPUT)/logbench $${BENCH_DIR:-/var/tmp}
	$(Q)tests/bench/pipeline.sh $(OUTPUT)/bulwark
	$(Q)tests/bench/load.sh $(OUTPUT)/bulwark
	$(Q)tests/bench/syscall.sh $(OUTPUT)/bulwark $(OUTPUT)/bwtest
	$(Q)tests/bench/run.sh $(OUTPUT)/bulwark $(OUTPUT)/bwtest

# ---- install and package (docs/packaging.md) ----
# `make install DESTDIR=... PREFIX=...`: the program and the vendor rules
# under PREFIX; the policy, the administrator's rules directory, the log
# directory and the unit where the system looks for them.  The installed
# policy reads the vendor rules, then the administrator's: a file of the
# same name in /etc/bulwark/rules.d replaces the vendor one.
PREFIX		?= /usr
SBINDIR		:= $(PREFIX)/sbin
VENDOR_RULES	:= $(PREFIX)/lib/bulwark/rules.d
MANDIR		:= $(PREFIX)/share/man
DOCDIR		:= $(PREFIX)/share/doc/bulwark
COMPLETIONDIR	:= $(PREFIX)/share/bash-completion/completions
UNITDIR		?= /lib/systemd/system
DEB_REVISION	?= 1
DEB_MAINTAINER	?= bulwark maintainers <maintainers@users.noreply.b-seed-06b0b5ca.example>
DEB_VERSION	:= $(VERSION)-$(DEB_REVISION)
PKG_DEPS	:= dpkg-dev binutils

install: $(OUTPUT)/bulwark
	install -D -m 0755 $(OUTPUT)/bulwark $(DESTDIR)$(SBINDIR)/bulwark
	install -d -m 0755 $(DESTDIR)$(VENDOR_RULES) $(DESTDIR)/etc/bulwark/rules.d
	install -m 0644 rules/*.rules $(DESTDIR)$(VENDOR_RULES)/
	sed 's|^rules = .*|rules = $(VENDOR_RULES), /etc/bulwark/rules.d|' policies/default.conf \
		> $(DESTDIR)/etc/bulwark/bulwark.conf.tmp
	grep -qx 'rules = $(VENDOR_RULES), /etc/bulwark/rules.d' $(DESTDIR)/etc/bulwark/bulwark.conf.tmp
	install -m 0644 $(DESTDIR)/etc/bulwark/bulwark.conf.tmp $(DESTDIR)/etc/bulwark/bulwark.conf
	rm -f $(DESTDIR)/etc/bulwark/bulwark.conf.tmp
	install -d -m 0700 $(DESTDIR)/var/log/bulwark
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed 's|/usr/sbin/bulwark|$(SBINDIR)/bulwark|g' packaging/bulwark.service \
		> $(DESTDIR)$(UNITDIR)/bulwark.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/bulwark.service
	install -D -m 0644 packaging/bulwark.8 $(DESTDIR)$(MANDIR)/man8/bulwark.8
	install -D -m 0644 packaging/bulwark.conf.5 $(DESTDIR)$(MANDIR)/man5/bulwark.conf.5
	install -D -m 0644 packaging/bulwark.rules.5 $(DESTDIR)$(MANDIR)/man5/bulwark.rules.5
	install -D -m 0644 packaging/bulwark.bash-completion $(DESTDIR)$(COMPLETIONDIR)/bulwark
	install -d -m 0755 $(DESTDIR)$(DOCDIR)
	install -m 0644 docs/rules.md docs/log.md docs/packaging.md $(DESTDIR)$(DOCDIR)/

# `make deb`: $(OUTPUT)/bulwark_$(DEB_VERSION)_ARCH.deb from an install tree,
# with dpkg-deb (packaging/mkdeb.sh).
pkg-deps:
	$(call apt_install,$(PKG_DEPS))

deb: $(OUTPUT)/bulwark pkg-deps
	$(Q)rm -rf $(OUTPUT)/deb
	$(Q)$(MAKE) --no-print-directory install OUTPUT=$(OUTPUT) DESTDIR=$(abspath $(OUTPUT))/deb/root \
		PREFIX=/usr UNITDIR=/lib/systemd/system >/dev/null
	$(call msg,DEB,$(OUTPUT)/bulwark_$(DEB_VERSION)_*.deb)
	$(Q)packaging/mkdeb.sh $(OUTPUT)/deb/root $(OUTPUT) $(DEB_VERSION) '$(DEB_MAINTAINER)' >/dev/null

clean:
	rm -rf $(OUTPUT)
