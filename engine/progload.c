// SPDX-License-Identifier: GPL-2.0
/*
 * One BPF object's programs verified on several threads (progload.h).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "progload.h"

void progload_init(struct progload *pl)
{
	/* struct btf_header, then a string section of one NUL */
	static const uint8_t empty[] = {
		0x9f, 0xeb, 1, 0,	/* magic (host order), version 1, flags */
		24, 0, 0, 0,		/* hdr_len */
		0, 0, 0, 0, 0, 0, 0, 0,	/* type_off, type_len */
		0, 0, 0, 0, 1, 0, 0, 0,	/* str_off, str_len */
		0,
	};
	int fd = memfd_create("bulwark-empty-btf", MFD_CLOEXEC);

	memset(pl, 0, sizeof(*pl));
	pl->empty_btf_fd = -1;
	if (fd < 0)
		return;		/* owner's load parses the kernel's BTF */
	if (write(fd, empty, sizeof(empty)) != (ssize_t)sizeof(empty)) {
		close(fd);
		return;
	}
	pl->empty_btf_fd = fd;
	snprintf(pl->empty_btf, sizeof(pl->empty_btf), "/proc/self/fd/%d", fd);
}

/* An engine emptied by memset() has no file: empty_btf is the mark. */
static void drop_empty_btf(struct progload *pl)
{
	if (pl->empty_btf[0])
		close(pl->empty_btf_fd);
	pl->empty_btf[0] = 0;
	pl->empty_btf_fd = -1;
}

int progload_take(struct progload *pl, struct bpf_object *owner)
{
	struct bpf_program *prog;
	int n = 0;

	bpf_object__for_each_program(prog, owner) {
		if (n == PROGLOAD_MAX_PROGS)
			return -E2BIG;
		pl->wanted[n++] = bpf_program__autoload(prog);
		bpf_program__set_autoload(prog, false);
	}
	pl->nprogs = n;
	return 0;
}

static int thread_count(const struct progload *pl, int threads)
{
	cpu_set_t set;
	int wanted = 0, cpus = 0;

	for (int i = 0; i < pl->nprogs; i++)
		wanted += pl->wanted[i];
	/* the CPUs this process may run on (taskset, cpusets), not the machine's */
	if (!sched_getaffinity(0, sizeof(set), &set))
		cpus = CPU_COUNT(&set);
	if (threads <= 0)
		threads = cpus > 0 ? cpus : 1;
	if (threads > PROGLOAD_MAX_THREADS)
		threads = PROGLOAD_MAX_THREADS;
	return wanted < threads ? (wanted ? wanted : 1) : threads;
}

/*
 * Each program to the copy with the least work so far, the biggest
 * first: the verifier's time grows with a program's size, and one big
 * program left to the end would keep its thread going alone.
 */
static void share_out(const struct progload *pl, struct bpf_object *owner,
		      int nobjs, int who[])
{
	struct bpf_program *prog;
	size_t size[PROGLOAD_MAX_PROGS] = { 0 }, work[PROGLOAD_MAX_THREADS] = { 0 };
	int i = 0;

	bpf_object__for_each_program(prog, owner) {
		if (i == pl->nprogs)
			break;
		size[i] = pl->wanted[i] ? bpf_program__insn_cnt(prog) + 1 : 0;
		who[i++] = -1;
	}
	for (;;) {
		int big = -1, least = 0;

		for (i = 0; i < pl->nprogs; i++)
			if (size[i] && who[i] < 0 && (big < 0 || size[i] > size[big]))
				big = i;
		if (big < 0)
			return;
		for (int t = 1; t < nobjs; t++)
			if (work[t] < work[least])
				least = t;
		who[big] = least;
		work[least] += size[big];
	}
}

/* A copy of owner from its ELF bytes, on owner's maps, loading the programs given it. */
static struct bpf_object *open_copy(struct bpf_object *owner, const void *elf,
				    size_t elf_sz, const int who[], int me)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .object_name = bpf_object__name(owner));
	struct bpf_object *obj = bpf_object__open_mem(elf, elf_sz, &opts);
	struct bpf_map *m, *mine;
	struct bpf_program *prog;
	int i = 0, err = 0;

	if (!obj)
		return NULL;
	mine = bpf_object__next_map(obj, NULL);
	bpf_object__for_each_map(m, owner) {
		if (!mine || strcmp(bpf_map__name(m), bpf_map__name(mine))) {
			err = -EPROTO;	/* not a copy of owner's ELF */
			break;
		}
		err = bpf_map__reuse_fd(mine, bpf_map__fd(m));
		if (err)
			break;
		mine = bpf_object__next_map(obj, mine);
	}
	bpf_object__for_each_program(prog, obj) {
		if (err)
			break;
		err = bpf_program__set_autoload(prog, who[i++] == me);
	}
	if (err) {
		bpf_object__close(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

struct load_job {
	pthread_t tid;
	struct bpf_object *obj;
	int err;
};

static void *load_copy(void *arg)
{
	struct load_job *j = arg;

	j->err = bpf_object__load(j->obj);
	return NULL;
}

static int load_all(struct progload *pl)
{
	struct load_job jobs[PROGLOAD_MAX_THREADS] = { 0 };
	bool started[PROGLOAD_MAX_THREADS] = { false };
	int err = 0;

	for (int t = 0; t < pl->nobjs; t++)
		jobs[t].obj = pl->objs[t];
	/* the first copy on this thread; a copy whose thread cannot start too */
	for (int t = 1; t < pl->nobjs; t++)
		started[t] = !pthread_create(&jobs[t].tid, NULL, load_copy, &jobs[t]);
	for (int t = 0; t < pl->nobjs; t++)
		if (!started[t])
			load_copy(&jobs[t]);
	for (int t = 0; t < pl->nobjs; t++) {
		if (started[t] && pthread_join(jobs[t].tid, NULL))
			jobs[t].err = -ESRCH;
		if (!err)
			err = jobs[t].err;
	}
	return err;
}

int progload_run(struct progload *pl, struct bpf_object *owner,
		 const void *elf, size_t elf_sz, int threads)
{
	int who[PROGLOAD_MAX_PROGS], err = 0;

	drop_empty_btf(pl);	/* owner is loaded */
	pl->nobjs = thread_count(pl, threads);
	share_out(pl, owner, pl->nobjs, who);
	for (int t = 0; t < pl->nobjs && !err; t++) {
		pl->objs[t] = open_copy(owner, elf, elf_sz, who, t);
		if (!pl->objs[t])
			err = -errno;
	}
	if (!err)
		err = load_all(pl);
	if (err)
		progload_close(pl);
	return err;
}

struct bpf_program *progload_prog(const struct progload *pl, const char *name)
{
	for (int t = 0; t < pl->nobjs; t++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(pl->objs[t], name);

		if (prog && bpf_program__autoload(prog))
			return prog;
	}
	return NULL;
}

void progload_close(struct progload *pl)
{
	drop_empty_btf(pl);
	for (int t = 0; t < PROGLOAD_MAX_THREADS; t++) {
		bpf_object__close(pl->objs[t]);
		pl->objs[t] = NULL;
	}
	pl->nobjs = 0;
}
