/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracers built on bpf/trace.bpf.h: one descriptor each, one loader
 * that picks the best attach method by really loading and attaching, one
 * standalone command (`bulwark trace NAME`), one way into the audit log.
 */
#ifndef BULWARK_TRACERS_H
#define BULWARK_TRACERS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "json.h"
#include "trace.h"

struct bpf_object;
struct bpf_link;
struct ring_buffer;
struct tracer_desc;
struct tr_inst;

/* One way to attach a tracer: a mechanism name and its programs. */
struct tr_variant {
	const char *mechanism;	/* as `bulwark trace --list` shows it */
	const char *progs;	/* names of its programs, space-separated */
	bool alt;		/* only with the tracer's mode option (sigsnoop -k) */
};

/*
 * Where a snapshot goes: rows to table, or else records, each one's
 * members written between begin() and end().
 */
struct tr_emit {
	FILE *table;
	struct json *(*begin)(void *ctx);
	void (*end)(void *ctx);
	void *ctx;
};

struct tracer_desc {
	const char *name;
	const char *summary;
	const struct tr_variant *variants;	/* best first; ends with {NULL} */
	size_t rec_size;
	/* the skeleton (TRACER_SKEL) */
	void *(*skel_open)(void);
	struct bpf_object *(*skel_obj)(void *skel);
	struct tr_filter *(*skel_filter)(void *skel);
	void (*skel_destroy)(void *skel);
	/* the record's own fields, after the identity */
	void (*json)(struct json *j, const void *rec);
	const char *columns;		/* table header of those fields */
	void (*row)(FILE *out, const void *rec);
	bool has_result;		/* -x applies */
	/* its summaries read other processes' /proc/PID/maps (symbols): the
	 * daemon keeps CAP_SYS_PTRACE while it runs */
	bool reads_procs;
	/* optional: drop records user space decides are not wanted */
	bool (*keep)(const void *rec);
	/* optional: the state at start (the container tracer's running containers) */
	void (*snapshot)(const struct tr_emit *e);
	/* an option choosing the alt variants (e.g. sigsnoop -k) */
	char mode_opt;
	const char *mode_long;
	const char *mode_help;
	/* only the mode's variants pair calls in tr_pending (process -x):
	 * the others get a map of one entry instead of 10,240 preallocated */
	bool pending_mode_only;
	/* -h text for options of the tracer's own; NULL: none */
	const char *notes;
	/*
	 * An option with a value of the tracer's own (tcp -P PORT), for
	 * `bulwark trace NAME` only: val_parse puts it in settings of
	 * cfg_size bytes, zeroed, which set_rodata is given (the daemon
	 * gives config()'s, or NULL).  val_parse reports a bad value.
	 */
	char val_opt;
	const char *val_long;
	const char *val_help;	/* its -h line: "PORT  only this port" */
	size_t cfg_size;
	int (*val_parse)(const char *arg, void *cfg);

	/*
	 * Optional, for a tracer with settings of its own (syscall).  cfg is
	 * what config() made of them, NULL without.
	 */
	/* `NAME =` in [tracers]: its values, "off" among them; NULL: on, off */
	const char *const *modes;
	/* a second key in [tracers], NAME's argument, checked by arg_check */
	const char *arg_key;
	int (*arg_check)(const char *arg, struct diag *d, const char *file, int line);
	/* the daemon: the settings of [tracers] as cfg (freed with free()) */
	void *(*config)(unsigned int mode, const char *arg);
	/* between open and load: its read-only data; after load: its maps */
	void (*set_rodata)(void *skel, const void *cfg);
	int (*set_maps)(void *skel, const void *cfg);
	/* `bulwark trace NAME`, when its options and output are its own */
	int (*command)(const struct tracer_desc *d, int argc, char **argv, bool json);
	/*
	 * Optional: attach the loaded programs itself, where libbpf knows no
	 * attach point (perf_event: one event per CPU), each link handed to
	 * tr_add_link(); v is the variant being tried.  0 or -errno.
	 */
	int (*attach)(struct tr_inst *t, const struct tr_variant *v, const void *cfg);
	/*
	 * Options of its own beyond val_opt, for `bulwark trace NAME`:
	 * getopt_long's entries (ending with a zeroed one), their letters in
	 * getopt's syntax (a letter here replaces the shared option: tcprtt
	 * -p is a port), their -h lines; opt() puts each in cfg (cfg_size
	 * bytes, zeroed, as val_parse) or reports a bad value and fails.
	 */
	const struct option *opts;
	const char *shorts;
	const char *opts_help;
	int (*opt)(int c, const char *arg, void *cfg);

	/*
	 * A tracer that sums in its maps instead of sending records (a
	 * histogram, a top list).  summarize() writes what was summed since
	 * the last clear: a table to e->table, or else one record between
	 * e->begin() and e->end() (none when nothing was summed); with clear
	 * it empties the maps.  cfg: as set_rodata got it (NULL: defaults).
	 * 0 or -errno.  `bulwark trace NAME` calls it every -i SECS
	 * (interval_default without -i; 0: only at the end) and at exit; the
	 * daemon every max(interval_default, TR_DAEMON_INTERVAL_MIN) seconds
	 * and at stop, one record each time.
	 */
	int (*summarize)(const struct tr_inst *t, const void *cfg,
		       const struct tr_emit *e, bool clear);
	unsigned int interval_default;
	/* the daemon: a setting rather than context: one that cannot start
	 * stops the engine; no tracer record, no status entry */
	bool required;
};

/*
 * TRACER_SKEL(x) defines the four skeleton functions of x.skel.h;
 * TRACER_SKEL_OPS(x) names them in a descriptor.
 */
#define TRACER_SKEL(x)							\
	static void *x##_skopen(void) { return x##_bpf__open(); }	\
	static struct bpf_object *x##_skobj(void *s)			\
	{ return ((struct x##_bpf *)s)->obj; }				\
	static struct tr_filter *x##_skfilter(void *s)			\
	{ return (struct tr_filter *)&((struct x##_bpf *)s)->rodata->tr_filt; } \
	static void x##_skdestroy(void *s) { x##_bpf__destroy(s); }
#define TRACER_SKEL_OPS(x)						\
	.skel_open = x##_skopen, .skel_obj = x##_skobj,			\
	.skel_filter = x##_skfilter, .skel_destroy = x##_skdestroy

/* The daemon's shortest interval between a tracer's summaries, seconds. */
#define TR_DAEMON_INTERVAL_MIN 10

/* Every tracer built on this, in `bulwark trace --list` order. */
extern const struct tracer_desc *const tracer_table[];
extern const size_t tracer_count;
const struct tracer_desc *tracer_find(const char *name);
/* The values of `NAME =` in [tracers] for d, and their number. */
const char *const *tracer_modes(const struct tracer_desc *d, size_t *n);
/* The mode VALUE means: 0 for off, the others 1, 2... in their order; or -1. */
int tracer_mode_parse(const struct tracer_desc *d, const char *value);

/* A loaded, attached tracer. */
struct tr_inst {
	const struct tracer_desc *d;
	void *skel;
	struct bpf_link **links;
	size_t nlinks;
	const struct tr_variant *via;	/* the variant that attached */
};

/*
 * Load and attach d with filter f: each variant in order (alt ones only
 * when alt), the first that loads and attaches wins.  On failure err says
 * why each variant failed; returns 0 or -errno.
 */
int tr_open(struct tr_inst *t, const struct tracer_desc *d,
	    const struct tr_filter *f, bool alt, char *err, size_t errlen);
/* The same, with only the variants whose mechanism begins with via. */
int tr_open_via(struct tr_inst *t, const struct tracer_desc *d,
		const struct tr_filter *f, bool alt, const char *via,
		char *err, size_t errlen);
/* The same, with the tracer's own settings (d->config's, or its command's). */
int tr_open_cfg(struct tr_inst *t, const struct tracer_desc *d,
		const struct tr_filter *f, bool alt, const char *via,
		const void *cfg, char *err, size_t errlen);
/* A link the tracer's attach hook made, destroyed with the tracer's. */
void tr_add_link(struct tr_inst *t, struct bpf_link *l);
/* Attach every program set to load the way libbpf knows (what no attach
 * hook means); an attach hook may call it.  0 or -errno. */
int tr_attach_all(struct tr_inst *t);
int tr_events_fd(const struct tr_inst *t);
uint64_t tr_lost(const struct tr_inst *t);
/* Runs of its programs the kernel skipped (prog_skipped()), in all. */
uint64_t tr_skipped(const struct tr_inst *t);
/* Its programs detached; its ring and loss counter stay until tr_close. */
void tr_unlink(struct tr_inst *t);
void tr_close(struct tr_inst *t);

/* The whole record as JSON members: identity, then the tracer's fields. */
void tr_record_json(struct json *j, const struct tracer_desc *d, const void *rec);

/* `bulwark trace NAME ...` for a tracer of the table. */
int tr_command(const struct tracer_desc *d, int argc, char **argv, bool json);

/* ---- what every standalone tracer shares (engine/tracer.c) ---- */

/* The options every tracer takes, parsed once. */
struct tracer_opts {
	uint32_t pid;			/* -p */
	const char *comm;		/* -c */
	unsigned long long duration;	/* -d, seconds; 0 = until SIGINT */
	int json;			/* -j */
};

/*
 * Parse -p, -c, -d, -j, -h.  Returns 0 when the option was one of them,
 * 1 when it is not, -1 on a bad value (reported).
 */
int tracer_common_opt(int c, const char *arg, struct tracer_opts *o,
		      const char *who);
#define TRACER_LONG_OPTS \
	{ "pid", required_argument, NULL, 'p' }, \
	{ "comm", required_argument, NULL, 'c' }, \
	{ "duration", required_argument, NULL, 'd' }, \
	{ "json", no_argument, NULL, 'j' }, \
	{ "help", no_argument, NULL, 'h' }
#define TRACER_SHORT_OPTS "p:c:d:jh"

/*
 * Runs of prog the kernel skipped (its recursion_misses; 0 when unloaded or
 * unreadable): a tracepoint program does not run while another kprobe or
 * tracepoint program runs on its CPU (trace_call_bpf's bpf_prog_active),
 * nor a raw_tp or tp_btf program while the same program does (an interrupt
 * nested in it); LSM programs are never skipped.  No record is made for a
 * skipped run.
 */
struct bpf_program;
uint64_t prog_skipped(const struct bpf_program *prog);
/* Sum over CPUs of a per-CPU u64 counter (loss counters); 0 if unreadable. */
uint64_t percpu_counter_sum(int map_fd, uint32_t key);
/* The per-CPU values themselves: *vals (caller frees), their count, or -errno. */
int percpu_counter_values(int map_fd, uint32_t key, uint64_t **vals);

/* CLOCK_REALTIME - CLOCK_BOOTTIME now, ns: record times to wall clock. */
int64_t tracer_boot_to_real(void);

/* Poll until SIGINT/SIGTERM or the duration; 0, or -errno. */
int tracer_loop(struct ring_buffer *rb, unsigned long long duration);
/* The same, calling every(ctx) each interval seconds (0: never) between. */
int tracer_loop_every(struct ring_buffer *rb, unsigned long long duration,
		      unsigned int interval, int (*every)(void *ctx), void *ctx);

#endif
