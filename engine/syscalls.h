/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_SYSCALLS_H
#define BULWARK_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Syscall identities.  A rule naming a syscall matches it on every entry
 * point of this machine: x86_64, ia32 (32-bit int 0x80 / sysenter) and
 * x32, whose numbers all differ.  The canonical id the kernel side also
 * computes is (arch << 32) | number; x32 numbers keep their 0x40000000 bit.
 */
enum bw_sc_arch { BW_SC_X86_64 = 0, BW_SC_I386 = 1, BW_SC_X32 = 2, BW_SC_NARCH };

#define BW_SC_ID(arch, nr) (((uint64_t)(arch) << 32) | (uint32_t)(nr))
#define BW_SC_ARCH(id) ((unsigned int)((id) >> 32))
#define BW_SC_NR(id) ((uint32_t)(id))

/* Version of the group table below; bumped whenever a group changes. */
#define BW_SC_GROUPS_VERSION 1

struct bw_sc_group {
	const char *name;		/* "@mount" */
	const char *description;
	const char *const *members;	/* syscall names or "@group", NULL-terminated */
};

/*
 * Resolve a syscall name ("ptrace") or group ("@mount") with libseccomp,
 * for every architecture above.  Appends the canonical ids to *ids (a
 * growing array of *n entries, duplicates skipped).  Returns 0, or -1 when
 * the name is unknown on every architecture or the group does not exist.
 * Names of a group that this libseccomp does not know are skipped.
 */
int syscall_resolve(const char *name, uint64_t **ids, size_t *n);

/*
 * "ptrace", or "ia32:ptrace" / "x32:..." for the 32-bit entry points;
 * "unknown(N)" (with the same prefix) for a number libseccomp does not know.
 */
const char *syscall_name(uint64_t id, char *buf, size_t len);

const struct bw_sc_group *syscall_groups(size_t *n);
/* `bulwark check --list-groups`: the table, as text or one JSON object. */
void syscall_groups_print(FILE *out, bool json);

#endif
