// SPDX-License-Identifier: GPL-2.0
/*
 * memleak: outstanding allocations, by the stack that made them.  Of a
 * process (-p): uprobes on libc's allocator; of the kernel: the kmem
 * tracepoints (kmalloc, kmem_cache_alloc, their frees, and whole pages).
 * Each allocation kept goes in ml_allocs by address with its size, time
 * and stack; ml_totals sums them by stack, so that a summary reads one
 * small map.  Nothing goes to the ring buffer: engine/trace_memleak.c
 * reads the maps every interval.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"
#include "memleak.h"

#define PAGE_SIZE	4096

const volatile struct memleak_kcfg ml_cfg = {};

/* The size asked for, from a call's entry to its return, by thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} ml_sizes SEC(".maps");

/* posix_memalign: where the pointer will be written, by thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} ml_memptrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ML_MAX_ALLOCS);
	__type(key, __u64);
	__type(value, struct memleak_alloc);
} ml_allocs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ML_MAX_STACKS);
	__type(key, __s64);
	__type(value, struct memleak_total);
} ml_totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, ML_MAX_STACKS);
	__type(key, __u32);
	__uint(value_size, ML_STACK_DEPTH * sizeof(__u64));
} ml_stacks SEC(".maps");

/* -s: the allocations seen, per CPU, to keep every Nth. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ml_seen SEC(".maps");

/* Allocations not kept because ml_allocs was full. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ml_dropped SEC(".maps");

static __always_inline void count_dropped(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&ml_dropped, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);	/* see tr_count_lost() */
}

/* The size bounds, the filter, then the sampling: is this one kept? */
static __always_inline bool wanted(__u64 size)
{
	__u32 zero = 0;
	__u64 *seen;

	if (size < ml_cfg.min_size || (ml_cfg.max_size && size > ml_cfg.max_size))
		return false;
	if (!tr_wanted())
		return false;
	if (ml_cfg.sample_rate <= 1)
		return true;
	seen = bpf_map_lookup_elem(&ml_seen, &zero);
	if (!seen)
		return false;
	return (*seen)++ % ml_cfg.sample_rate == 0;
}

static __always_inline void total_add(__s64 stack_id, __s64 bytes, __s64 count)
{
	struct memleak_total *t = bpf_map_lookup_elem(&ml_totals, &stack_id);

	if (!t) {
		struct memleak_total z = {};

		if (count < 0)
			return;
		bpf_map_update_elem(&ml_totals, &stack_id, &z, BPF_NOEXIST);
		t = bpf_map_lookup_elem(&ml_totals, &stack_id);
		if (!t)
			return;
	}
	__sync_fetch_and_add(&t->bytes, bytes);
	__sync_fetch_and_add(&t->count, count);
}

static __always_inline void forget(__u64 addr)
{
	struct memleak_alloc *a = bpf_map_lookup_elem(&ml_allocs, &addr);

	if (!a)
		return;
	total_add(a->stack_id, -(__s64)a->size, -1);
	bpf_map_delete_elem(&ml_allocs, &addr);
}

/* Keep the allocation of size at addr, made at ctx's stack. */
static __always_inline void keep(void *ctx, __u64 addr, __u64 size)
{
	struct memleak_alloc a = {
		.size = size,
		.ts = bpf_ktime_get_ns(),
	};

	/* NULL, or mmap's MAP_FAILED */
	if (!addr || addr == ~0ULL)
		return;
	a.stack_id = bpf_get_stackid(ctx, &ml_stacks,
				     ml_cfg.user ? BPF_F_USER_STACK : 0);
	/* an address handed out again whose free was not seen */
	forget(addr);
	if (bpf_map_update_elem(&ml_allocs, &addr, &a, BPF_ANY)) {
		count_dropped();
		return;
	}
	total_add(a.stack_id, size, 1);
}

/* ---- libc, by uprobes (attached by engine/trace_memleak.c) ---- */

static __always_inline int alloc_enter(__u64 size)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (wanted(size))
		bpf_map_update_elem(&ml_sizes, &tid, &size, BPF_ANY);
	return 0;
}

/*
 * At the return, not the entry: there the frame pointer is the caller's
 * and the stack walk starts in it (at the entry it would skip it).
 */
static __always_inline int alloc_exit(struct pt_regs *ctx, __u64 addr)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *size = bpf_map_lookup_elem(&ml_sizes, &tid);
	__u64 sz;

	if (!size)
		return 0;
	sz = *size;
	bpf_map_delete_elem(&ml_sizes, &tid);
	keep(ctx, addr, sz);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(ml_malloc, __u64 size)
{
	return alloc_enter(size);
}

SEC("uretprobe")
int BPF_KRETPROBE(ml_malloc_ret, void *ret)
{
	return alloc_exit(ctx, (__u64)ret);
}

SEC("uprobe")
int BPF_KPROBE(ml_calloc, __u64 nmemb, __u64 size)
{
	return alloc_enter(nmemb * size);
}

SEC("uprobe")
int BPF_KPROBE(ml_realloc, void *ptr, __u64 size)
{
	forget((__u64)ptr);
	return alloc_enter(size);
}

SEC("uprobe")
int BPF_KPROBE(ml_free, void *ptr)
{
	forget((__u64)ptr);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(ml_posix_memalign, void **memptr, __u64 align, __u64 size)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 where = (__u64)memptr;

	bpf_map_update_elem(&ml_memptrs, &tid, &where, BPF_ANY);
	return alloc_enter(size);
}

SEC("uretprobe")
int BPF_KRETPROBE(ml_posix_memalign_ret, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *where = bpf_map_lookup_elem(&ml_memptrs, &tid);
	__u64 addr = 0;

	if (!where)
		return 0;
	if (!ret)
		bpf_probe_read_user(&addr, sizeof(addr), (void *)*where);
	bpf_map_delete_elem(&ml_memptrs, &tid);
	return alloc_exit(ctx, addr);
}

/* aligned_alloc and memalign: (alignment, size) */
SEC("uprobe")
int BPF_KPROBE(ml_memalign, __u64 align, __u64 size)
{
	return alloc_enter(size);
}

/* valloc, pvalloc: (size); mmap: (addr, length, ...) */
SEC("uprobe")
int BPF_KPROBE(ml_mmap, void *addr, __u64 length)
{
	return alloc_enter(length);
}

SEC("uprobe")
int BPF_KPROBE(ml_munmap, void *addr)
{
	forget((__u64)addr);
	return 0;
}

/* ---- the kernel's allocators, by tracepoints (tp_btf, or raw_tp) ---- */

static __always_inline int kalloc(void *ctx, const void *ptr, __u64 size)
{
	if (wanted(size))
		keep(ctx, (__u64)ptr, size);
	return 0;
}

static __always_inline int kcache_alloc(void *ctx, const void *ptr,
					struct kmem_cache *s)
{
	return kalloc(ctx, ptr, BPF_CORE_READ(s, size));
}

#define ML_KERNEL_PROGS(sec, pfx)					\
SEC(sec "/kmalloc")							\
int BPF_PROG(pfx##_kmalloc, unsigned long call_site, const void *ptr,	\
	     __u64 bytes_req, __u64 bytes_alloc)			\
{									\
	return kalloc(ctx, ptr, bytes_alloc);				\
}									\
SEC(sec "/kmem_cache_alloc")						\
int BPF_PROG(pfx##_cache_alloc, unsigned long call_site, const void *ptr, \
	     struct kmem_cache *s)					\
{									\
	return kcache_alloc(ctx, ptr, s);				\
}									\
SEC(sec "/kfree")							\
int BPF_PROG(pfx##_kfree, unsigned long call_site, const void *ptr)	\
{									\
	forget((__u64)ptr);						\
	return 0;							\
}									\
SEC(sec "/kmem_cache_free")						\
int BPF_PROG(pfx##_cache_free, unsigned long call_site, const void *ptr) \
{									\
	forget((__u64)ptr);						\
	return 0;							\
}									\
SEC(sec "/mm_page_alloc")						\
int BPF_PROG(pfx##_page_alloc, struct page *page, unsigned int order)	\
{									\
	return kalloc(ctx, page, (__u64)PAGE_SIZE << (order & 31));	\
}									\
SEC(sec "/mm_page_free")						\
int BPF_PROG(pfx##_page_free, struct page *page)			\
{									\
	forget((__u64)page);						\
	return 0;							\
}									\
/* order-0 pages freed in a batch (free_unref_folios) */		\
SEC(sec "/mm_page_free_batched")					\
int BPF_PROG(pfx##_page_free_b, struct page *page)			\
{									\
	forget((__u64)page);						\
	return 0;							\
}

ML_KERNEL_PROGS("tp_btf", ml_btf)
ML_KERNEL_PROGS("raw_tp", ml_raw)
