// SPDX-License-Identifier: GPL-2.0
/*
 * Pinning and adoption: the engine's links and maps in bpffs, so that the
 * last policy keeps denying while no daemon runs, and a daemon that starts
 * takes over what is attached without a moment of no enforcement.  The
 * layout is described in pin.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bulwark.skel.h"
#include "engine.h"
#include "json.h"
#include "log.h"
#include "pin.h"
#include "tracers.h"
#include "util.h"

#define BUILD_HEX	17

struct bw_pin {
	enum pin_mode mode;
	uint64_t build;
	char hex[BUILD_HEX];
	bool adopted;		/* our build was pinned: its maps reused */
	bool linked[ENGINE_MAX_PROGS];	/* progs[i]'s link is pinned */
	int nadopted;		/* links taken over */
	int state_fd;		/* our BUILD/state, or -1 */
	bool committed;		/* pin_commit ran */
	bool kept;		/* everything that runs is pinned */
	bool old_found;		/* another build was pinned */
	char old_hex[BUILD_HEX];
	uint64_t old_gen;	/* the highest generation found pinned */
	uint64_t adopted_gen;	/* live in the adopted maps */
	struct pin_state st;	/* our build's state as found */
	uint64_t away[BW_NCLASS];	/* losses while no daemon read them */
	int removed;		/* other builds' directories removed */
	char err[512];
};

static bool adopt_next;

void pin_config(bool adopt)
{
	adopt_next = adopt;
}

static void pin_err(struct bw_pin *p, const char *what, const char *path, int err)
{
	if (!p->err[0])
		snprintf(p->err, sizeof(p->err), "%s %s: %s", what, path, strerror(err));
}

/* FNV-1a, 64 bits: a fingerprint, not a defence (pins are root's). */
static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
	const unsigned char *b = data;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t build_id(const struct bw_engine *e, bool want_lsm)
{
	size_t elf_sz = 0, ro_sz = 0;
	const void *elf = bulwark_bpf__elf_bytes(&elf_sz);
	const void *ro = bpf_map__initial_value(e->skel->maps.rodata, &ro_sz);
	uint32_t ring = bpf_map__max_entries(e->skel->maps.events);
	uint64_t h = fnv(0xcbf29ce484222325ULL, elf, elf_sz);
	struct bpf_program *prog;

	if (ro)
		h = fnv(h, ro, ro_sz);
	h = fnv(h, &ring, sizeof(ring));
	h = fnv(h, &want_lsm, sizeof(want_lsm));
	bpf_object__for_each_program(prog, e->skel->obj) {
		bool on = bpf_program__autoload(prog);

		h = fnv(h, bpf_program__name(prog), strlen(bpf_program__name(prog)));
		h = fnv(h, &on, sizeof(on));
	}
	return h;
}

/* A build's directory: 16 hex digits (other names are not ours). */
static bool is_build(const char *name)
{
	size_t n = strspn(name, "0123456789abcdef");

	return n == BUILD_HEX - 1 && !name[n];
}

/* Read-only data is the programs' own, made anew with each load. */
static bool map_pinned(const struct bpf_map *m)
{
	const char *n = bpf_map__name(m);
	size_t len = strlen(n);

	return !(len >= 7 && !strcmp(n + len - 7, ".rodata")) &&
	       !(len >= 8 && !strcmp(n + len - 8, ".kconfig"));
}

/* bpffs refuses names with a dot (reserved): "bulwark_.bss" is pinned
 * as "bulwark__bss" */
static char *map_path(const char *hex, const struct bpf_map *m)
{
	char *path = xasprintf("%s/%s/maps/%s", BW_PIN_DIR, hex, bpf_map__name(m));

	for (char *c = strrchr(path, '/'); *c; c++)
		if (*c == '.')
			*c = '_';
	return path;
}

static char *link_path(const char *hex, const char *prog)
{
	return xasprintf("%s/%s/links/%s", BW_PIN_DIR, hex, prog);
}

static int read_state(const char *hex, struct pin_state *st)
{
	char *path = xasprintf("%s/%s/state", BW_PIN_DIR, hex);
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info), key = 0;
	int fd = bpf_obj_get(path), err = 0;

	free(path);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		err = -errno;
	else if (info.value_size != sizeof(*st))
		err = -EPROTO;	/* another layout: an older bulwark */
	else if (bpf_map_lookup_elem(fd, &key, st))
		err = -errno;
	else if (st->magic != BW_PIN_MAGIC)
		err = -EPROTO;
	close(fd);
	return err;
}

/* Does the pinned map have the shape this object declares? */
static bool map_fits(int fd, const struct bpf_map *m)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return false;
	return info.type == (uint32_t)bpf_map__type(m) &&
	       info.key_size == bpf_map__key_size(m) &&
	       info.value_size == bpf_map__value_size(m) &&
	       info.max_entries == bpf_map__max_entries(m);
}

/*
 * Our build is pinned: reuse every map (all of them, or none, so that the
 * new process and the pinned programs share one state).
 */
static int reuse_maps(struct bw_engine *e, struct bw_pin *p)
{
	int fds[64], n = 0, err = 0;
	struct bpf_map *m;

	bpf_object__for_each_map(m, e->skel->obj) {
		char *path;

		if (!map_pinned(m))
			continue;
		if (n == (int)ARRAY_SIZE(fds)) {
			err = -E2BIG;
			break;
		}
		path = map_path(p->hex, m);
		fds[n] = bpf_obj_get(path);
		if (fds[n] < 0 || !map_fits(fds[n], m)) {
			err = fds[n] < 0 ? -errno : -EPROTO;
			pin_err(p, "cannot reuse the pinned map", path, -err);
			free(path);
			if (fds[n] >= 0)
				close(fds[n]);
			break;
		}
		free(path);
		n++;
	}
	if (!err) {
		int i = 0;

		bpf_object__for_each_map(m, e->skel->obj) {
			if (!map_pinned(m))
				continue;
			if (bpf_map__reuse_fd(m, fds[i])) {
				/* half reused cannot be undone: fail the load */
				err = -errno;
				pin_err(p, "bpf_map__reuse_fd", bpf_map__name(m), -err);
				break;
			}
			i++;
		}
	}
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return err;
}

/* The programs with a pinned link are not loaded: their links are taken. */
static void skip_linked(struct bw_engine *e, struct bw_pin *p)
{
	for (int i = 0; i < e->nprogs; i++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(e->skel->obj, e->progs[i].prog);
		char *path = link_path(p->hex, e->progs[i].prog);

		if (prog && bpf_program__autoload(prog) && !access(path, F_OK)) {
			bpf_program__set_autoload(prog, false);
			p->linked[i] = true;
		}
		free(path);
	}
}

/* Other builds' states: the generation to go on from. */
static void scan_others(struct bw_pin *p)
{
	DIR *d = opendir(BW_PIN_DIR);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct pin_state st;

		if (!is_build(de->d_name) || !strcmp(de->d_name, p->hex) ||
		    read_state(de->d_name, &st))
			continue;
		if (!p->old_found || st.generation > p->old_gen) {
			p->old_gen = st.generation;
			snprintf(p->old_hex, sizeof(p->old_hex), "%.16s", de->d_name);
		}
		p->old_found = true;
	}
	closedir(d);
}

int pin_before_load(struct bw_engine *e, bool want_lsm)
{
	struct bw_pin *p;
	int err;

	pin_free(e);
	if (!adopt_next)
		return 0;
	p = xcalloc(1, sizeof(*p));
	p->mode = PIN_OFF;
	p->state_fd = -1;
	e->pin = p;
	p->build = build_id(e, want_lsm);
	snprintf(p->hex, sizeof(p->hex), "%016llx", (unsigned long long)p->build);
	scan_others(p);
	if (read_state(p->hex, &p->st) || p->st.build != p->build)
		return 0;
	err = reuse_maps(e, p);
	if (err == -EPROTO || err == -ENOENT) {
		p->err[0] = 0;	/* a broken pin: loaded anew, the old removed */
		return 0;
	}
	if (err)
		return err;
	p->adopted = true;
	skip_linked(e, p);
	return 0;
}

int pin_after_load(struct bw_engine *e)
{
	struct bw_pin *p = e->pin;
	uint64_t total[BW_NCLASS];

	if (!p)
		return 0;
	if (!p->adopted) {
		/* a new build goes on from the generation that was live */
		e->generation = p->old_gen;
		return 0;
	}
	for (int i = 0; i < e->nprogs; i++) {
		char *path;
		struct bpf_link *link;

		if (!p->linked[i])
			continue;
		path = link_path(p->hex, e->progs[i].prog);
		link = bpf_link__open(path);
		if (!link) {
			int err = -errno;

			pin_err(p, "cannot open the pinned link", path, -err);
			free(path);
			return err;
		}
		free(path);
		e->progs[i].state = PROG_ATTACHED;
		e->progs[i].link = link;
		e->links[e->nlinks++] = link;
		p->nadopted++;
	}
	e->generation = __atomic_load_n(&e->skel->bss->active_gen, __ATOMIC_SEQ_CST);
	p->adopted_gen = e->generation;
	/* what the last daemon did not report: lost while it was away */
	memcpy(e->lost_seen, p->st.lost_seen, sizeof(e->lost_seen));
	engine_lost(e, p->away, total);
	return 0;
}

/* bpffs at /sys/fs/bpf (some minimal systems do not mount it). */
static int ensure_bpffs(void)
{
	struct statfs sf;

	if (!statfs(BW_PIN_FS, &sf) && sf.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", BW_PIN_FS, "bpf", 0, "mode=0700"))
		return -errno;
	return 0;
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* A directory of pins and the directories in it (depth 2: BUILD/maps/X). */
static int remove_tree(const char *path, int depth)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int err = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char *sub;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = xasprintf("%s/%s", path, de->d_name);
		if (!lstat(sub, &st) && S_ISDIR(st.st_mode) && depth > 0) {
			int e2 = remove_tree(sub, depth - 1);

			err = err ? err : e2;
		} else if (unlink(sub) && errno != ENOENT && !err) {
			err = -errno;
		}
		free(sub);
	}
	closedir(d);
	if (rmdir(path) && errno != ENOENT && !err)
		err = -errno;
	return err;
}

/* Every build directory but keep (NULL: all, and the directory itself). */
static int remove_builds(const char *keep, int *removed)
{
	DIR *d = opendir(BW_PIN_DIR);
	struct dirent *de;
	int err = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char *path;
		int e2;

		if (!is_build(de->d_name) || (keep && !strcmp(de->d_name, keep)))
			continue;
		path = xasprintf("%s/%s", BW_PIN_DIR, de->d_name);
		e2 = remove_tree(path, 2);
		if (!e2 && removed)
			(*removed)++;
		err = err ? err : e2;
		free(path);
	}
	closedir(d);
	/* others' pins (protect.h's) may share the directory */
	if (!keep && rmdir(BW_PIN_DIR) && errno != ENOENT && errno != ENOTEMPTY && !err)
		err = -errno;
	return err;
}

int pin_remove_all(void)
{
	return remove_builds(NULL, NULL);
}

static int pin_link(struct bw_engine *e, struct bw_pin *p, int i)
{
	char *path = link_path(p->hex, e->progs[i].prog);
	int err = bpf_link__pin(e->progs[i].link, path);

	if (err == -EEXIST) {	/* a stale pin of a link that is gone */
		unlink(path);
		err = bpf_link__pin(e->progs[i].link, path);
	}
	if (err)
		pin_err(p, "cannot pin the link", path, -err);
	else
		p->linked[i] = true;
	free(path);
	return err;
}

static int write_state(struct bw_engine *e, struct bw_pin *p)
{
	uint32_t key = 0;

	p->st.magic = BW_PIN_MAGIC;
	p->st.build = p->build;
	p->st.generation = e->generation;
	p->st.pid = (uint64_t)getpid();
	memcpy(p->st.lost_seen, e->lost_seen, sizeof(p->st.lost_seen));
	return bpf_map_update_elem(p->state_fd, &key, &p->st, BPF_ANY) ? -errno : 0;
}

static int open_state(struct bw_pin *p)
{
	char *path = xasprintf("%s/%s/state", BW_PIN_DIR, p->hex);
	int err = 0;

	p->state_fd = bpf_obj_get(path);
	if (p->state_fd < 0) {
		p->state_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "bw_pin_state",
					     sizeof(uint32_t), sizeof(struct pin_state),
					     1, NULL);
		if (p->state_fd < 0 || bpf_obj_pin(p->state_fd, path))
			err = -errno;
	}
	if (err)
		pin_err(p, "cannot make the state map", path, -err);
	free(path);
	return err;
}

/* Ours under BW_PIN_DIR/BUILD: maps, then links, then the state. */
static int pin_ours(struct bw_engine *e, struct bw_pin *p)
{
	char *dir = xasprintf("%s/%s", BW_PIN_DIR, p->hex);
	char *maps = xasprintf("%s/maps", dir), *links = xasprintf("%s/links", dir);
	struct bpf_map *m;
	int err = make_dir(dir);

	if (!err)
		err = make_dir(maps);
	if (!err)
		err = make_dir(links);
	if (err)
		pin_err(p, "cannot make the directory", dir, -err);
	bpf_object__for_each_map(m, e->skel->obj) {
		char *path;
		int fd;

		if (err || !map_pinned(m))
			continue;
		path = map_path(p->hex, m);
		fd = bpf_obj_get(path);
		if (fd >= 0) {
			close(fd);	/* adopted: it is this very map */
		} else if (bpf_obj_pin(bpf_map__fd(m), path)) {
			err = -errno;
			pin_err(p, "cannot pin the map", path, -err);
		}
		free(path);
	}
	for (int i = 0; !err && i < e->nprogs; i++)
		if (e->progs[i].link && !p->linked[i])
			err = pin_link(e, p, i);
	if (!err)
		err = open_state(p);
	if (!err)
		err = write_state(e, p);
	free(dir);
	free(maps);
	free(links);
	return err;
}

int pin_commit(struct bw_engine *e, enum pin_mode mode)
{
	struct bw_pin *p = e->pin;
	int err;

	if (!p || mode == PIN_OFF)
		return 0;
	p->mode = mode;
	p->committed = true;
	if (p->mode == PIN_DETACH) {
		/* what runs is held by our fds until we end */
		err = remove_builds(NULL, &p->removed);
		if (err)
			pin_err(p, "cannot remove", BW_PIN_DIR, -err);
		return err;
	}
	err = ensure_bpffs();
	if (err) {
		pin_err(p, "cannot mount bpffs on", BW_PIN_FS, -err);
		return err;
	}
	err = make_dir(BW_PIN_DIR);
	if (err) {
		pin_err(p, "cannot make", BW_PIN_DIR, -err);
		return err;
	}
	err = pin_ours(e, p);
	if (err) {
		/* the old pins stay: until ours are complete, they enforce;
		 * a half-made directory of ours would be adopted next time */
		if (!p->adopted) {
			char *dir = xasprintf("%s/%s", BW_PIN_DIR, p->hex);

			remove_tree(dir, 2);
			free(dir);
		}
		return err;
	}
	p->kept = true;
	/* ours are live and pinned: the older builds' links may go now */
	err = remove_builds(p->hex, &p->removed);
	if (err)
		pin_err(p, "cannot remove an older build under", BW_PIN_DIR, -err);
	return err;
}

void pin_save(struct bw_engine *e)
{
	struct bw_pin *p = e->pin;

	if (!p || !p->kept)
		return;
	for (int i = 0; i < e->nprogs; i++)
		if (e->progs[i].link && !p->linked[i] && pin_link(e, p, i))
			p->kept = false;	/* said in no record: the status file has it */
	if (write_state(e, p))
		p->kept = false;
}

/*
 * Kept: the links are let go without being detached.  libbpf's detach of
 * a perf-event link (tracepoint programs) disables the perf event first,
 * which would stop a pinned program from running.
 */
void pin_let_go(struct bw_engine *e)
{
	for (int i = 0; i < e->nlinks; i++)
		bpf_link__disconnect(e->links[i]);
}

bool pin_keeping(const struct bw_engine *e)
{
	return e->pin && e->pin->kept;
}

static void log_away(struct bw_log *log, struct bw_pin *p)
{
	for (int c = 0; c < BW_NCLASS; c++) {
		struct json *j;

		if (!p->away[c])
			continue;
		j = log_begin(log, "lost", 0);
		json_kstr(j, "event", bw_class_name(c));
		json_kstr(j, "where", "away");
		json_ku64(j, "count", p->away[c]);
		log_end(log);
	}
}

void pin_log(struct bw_log *log, struct bw_engine *e)
{
	struct bw_pin *p = e->pin;
	struct json *j;

	if (!p || !p->committed)
		return;
	if (p->adopted || p->old_found) {
		j = log_begin(log, "adopt", 0);
		json_kstr(j, "build", p->hex);
		json_kbool(j, "same_build", p->adopted);
		json_ku64(j, "generation", p->adopted ? p->adopted_gen : p->old_gen);
		json_ku64(j, "links_adopted", p->nadopted);
		if (p->adopted && p->st.pid)
			json_ku64(j, "previous_pid", p->st.pid);
		if (p->old_found) {
			json_kstr(j, "replaced_build", p->old_hex);
			json_kstr(j, "replace", "attach-then-detach");
		}
		log_end(log);
		log_away(log, p);
	}
	j = log_begin(log, "pin", 0);
	json_kstr(j, "on_exit", p->mode == PIN_KEEP ? "keep" : "detach");
	json_kstr(j, "dir", BW_PIN_DIR);
	json_kstr(j, "build", p->hex);
	json_kbool(j, "pinned", p->kept);
	json_ku64(j, "builds_removed", p->removed);
	if (p->err[0])
		json_kstr(j, "error", p->err);
	log_end(log);
}

void pin_free(struct bw_engine *e)
{
	if (!e->pin)
		return;
	if (e->pin->state_fd >= 0)
		close(e->pin->state_fd);
	free(e->pin);
	e->pin = NULL;
}
