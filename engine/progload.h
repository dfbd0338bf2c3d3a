/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The programs of one BPF object loaded on several threads at once
 * (engine/progload.c).  libbpf loads an object's programs one after
 * another, and the verifier is most of an engine's start; the kernel
 * verifies programs of different loads in parallel.  So the object is
 * first loaded with no programs (its maps made), then opened again once
 * per thread from the same ELF bytes, every map taken from the first by
 * its fd, and each copy loads its share of the programs.
 */
#ifndef BULWARK_PROGLOAD_H
#define BULWARK_PROGLOAD_H

#include <stdbool.h>
#include <stddef.h>

struct bpf_object;
struct bpf_program;

#define PROGLOAD_MAX_THREADS 4
#define PROGLOAD_MAX_PROGS 64

struct progload {
	char empty_btf[32];	/* a path for owner's btf_custom_path, or "" */
	int empty_btf_fd;
	bool wanted[PROGLOAD_MAX_PROGS];	/* by owner's program order */
	int nprogs;
	struct bpf_object *objs[PROGLOAD_MAX_THREADS];
	int nobjs;
};

/*
 * Before owner is opened: pl emptied, and pl->empty_btf (when not "") a
 * BTF with no types for owner's open options (btf_custom_path).  libbpf
 * parses the kernel's BTF (5 MB, about 55 ms) at every load of an object
 * with CO-RE relocations, even one that loads no program; owner's load
 * needs none, and is on the way of every copy's.
 */
void progload_init(struct progload *pl);
/*
 * Before owner (the object as opened, everything set for its load) is
 * loaded: the programs marked for autoload are taken into pl and unmarked
 * in owner, whose load then makes only its maps.  0, or -E2BIG.
 */
int progload_take(struct progload *pl, struct bpf_object *owner);
/*
 * After owner's load: the programs taken loaded on up to threads threads
 * (0: one per CPU this process may use, at most PROGLOAD_MAX_THREADS), each in a copy of
 * the object opened from elf that shares every map of owner.  0, or the
 * first load's -errno (the copies closed).
 */
int progload_run(struct progload *pl, struct bpf_object *owner,
		 const void *elf, size_t elf_sz, int threads);
/* The loaded program of that name, or NULL (not taken, or not loaded). */
struct bpf_program *progload_prog(const struct progload *pl, const char *name);
/* The copies closed (a program stays while a link holds it). */
void progload_close(struct progload *pl);

#endif
