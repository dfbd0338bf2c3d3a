/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Addresses to symbol names: a process's, from /proc/PID/maps and the
 * .symtab/.dynsym of each mapped ELF file (and its debug file under
 * /usr/lib/debug/.build-id, when installed), or the kernel's, from
 * /proc/kallsyms.  The ELF files read are shared by every table loaded,
 * keyed by build id (by device, inode and path without one), so a library
 * mapped by many processes is read once and a file replaced on disk is
 * never taken for the one a process has mapped.
 */
#ifndef BULWARK_SYMBOLS_H
#define BULWARK_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct syms;

/* Where an address is. */
struct sym {
	const char *name;	/* NULL: in module, no symbol covers it */
	uint64_t offset;	/* from name; without a name, from the module's file start */
	const char *module;	/* file path, "kernel" or a kernel module's name */
};

/*
 * The symbols of process pid as it is mapped now; NULL with errno set
 * (ENOENT: no such process).  Reading another user's process needs the
 * rights ptrace would (/proc/PID/map_files: root).
 */
struct syms *syms_load_pid(pid_t pid);
/*
 * The kernel's, from /proc/kallsyms; NULL with errno set.  EPERM: the
 * addresses read as zeros (kernel.kptr_restrict and no CAP_SYSLOG).
 */
struct syms *syms_load_kernel(void);
/*
 * Where addr is: 0 with *out filled (its strings live as long as s), or
 * -ENOENT when no mapping holds it.
 */
int syms_lookup(const struct syms *s, uint64_t addr, struct sym *out);
/*
 * addr as text: "name+0xoff [module]", "0xaddr [module]" without a
 * symbol, "0xaddr" outside every mapping.  Returns buf.
 */
const char *syms_format(const struct syms *s, uint64_t addr, char *buf,
			size_t len);
/* Number of address ranges s knows (mappings, or kernel symbols). */
size_t syms_count(const struct syms *s);
void syms_free(struct syms *s);

#endif
