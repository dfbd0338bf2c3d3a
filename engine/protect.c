// SPDX-License-Identifier: GPL-2.0
/*
 * Tamper protection and the policy lock: the protect.bpf.c hooks loaded
 * and told who the engine is and which objects are its, the state pinned
 * so that a lock outlives a restart, and tamper records into the log.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bulwark.skel.h"
#include "cli.h"
#include "engine.h"
#include "json.h"
#include "log.h"
#include "names.h"
#include "protect.h"
#include "protect.skel.h"
#include "util.h"

#define BPF_FS_MAGIC 0xcafe4a11

/* Every hook protect.bpf.c has, by program; the exit tracepoint apart. */
static const struct {
	const char *prog, *hook, *guards;
} hooks[] = {
	{ "bw_prot_task_kill", "task_kill", "signals" },
	{ "bw_prot_sigiotask", "file_send_sigiotask", "signals by I/O (F_SETSIG)" },
	{ "bw_prot_ptrace", "ptrace_access_check", "ptrace, /proc/PID/mem and fd" },
	{ "bw_prot_bpf", "bpf", "bpf(): get by id, pinned paths" },
	{ "bw_prot_bpf_map", "bpf_map", "fds to its maps" },
	{ "bw_prot_bpf_prog", "bpf_prog", "fds to its programs" },
	{ "bw_prot_unlink", "inode_unlink", "pins and log: unlink" },
	{ "bw_prot_rmdir", "inode_rmdir", "pin directory: rmdir" },
	{ "bw_prot_rename", "inode_rename", "pins and log: rename" },
	{ "bw_prot_umount", "sb_umount", "bpffs: umount" },
	{ "bw_prot_file_open", "file_open", "log: open for writing" },
	{ "bw_prot_truncate", "path_truncate", "log: truncate" },
};

const char *protect_hook_name(unsigned int i)
{
	return i < ARRAY_SIZE(hooks) ? hooks[i].hook : NULL;
}

/* Arguments of bpf_lsm_NAME's prototype in btf, or -1 when it has none. */
static int hook_args(const struct btf *btf, const char *hook)
{
	char name[64];
	const struct btf_type *t;
	int id;

	snprintf(name, sizeof(name), "bpf_lsm_%s", hook);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	if (id <= 0)
		return -1;
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	return t && btf_is_func_proto(t) ? btf_vlen(t) : -1;
}

void protect_probe(struct protect_support *s)
{
	struct btf *btf = btf__load_vmlinux_btf();

	memset(s, 0, sizeof(*s));
	s->nhooks = ARRAY_SIZE(hooks);
	s->bpf_args = -1;
	s->lsm_loads = -1;
	if (!btf)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(hooks); i++)
		if (hook_args(btf, hooks[i].hook) >= 0)
			s->hooks |= 1u << i;
	s->bpf_args = hook_args(btf, "bpf");
	btf__free(btf);
}

void protect_support_json(const struct protect_support *s, struct json *j)
{
	json_obj_begin(j);
	json_kbool(j, "complete", s->hooks == (1u << s->nhooks) - 1);
	json_key(j, "available");	/* null: LSM loading not tried (not root) */
	if (s->lsm_loads < 0)
		json_null(j);
	else
		json_boolean(j, s->lsm_loads && s->hooks == (1u << s->nhooks) - 1);
	json_ki64(j, "bpf_hook_args", s->bpf_args);
	json_key(j, "hooks");
	json_obj_begin(j);
	for (unsigned int i = 0; i < s->nhooks; i++)
		json_kbool_rt(j, hooks[i].hook, s->hooks & (1u << i));
	json_obj_end(j);
	json_obj_end(j);
}

/* Is pid a live bulwark (our binary)? */
static bool engine_alive(uint32_t pid)
{
	char link[64], exe[256], self[256];
	ssize_t n, m;

	if (!pid || pid == (uint32_t)getpid() || (kill((pid_t)pid, 0) && errno == ESRCH))
		return false;
	snprintf(link, sizeof(link), "/proc/%u/exe", pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	m = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0 || m <= 0)
		return true;	/* cannot tell: assume it is */
	exe[n] = self[m] = 0;
	return !strcmp(exe, self);
}

int protect_claim(struct bw_protect *p)
{
	struct bw_prot_state st;
	uint32_t k = 0;
	int fd;

	memset(p, 0, sizeof(*p));
	p->pinned_fd = -1;
	fd = bpf_obj_get(PROTECT_STATE_PIN);
	if (fd < 0) {
		/* without the capability every bpf() is refused: nothing said here,
		 * the load says it */
		if ((errno == EPERM || errno == EACCES) && engine_may_load_bpf()) {
			snprintf(p->why, sizeof(p->why),
				 "another engine runs with protect = yes (it refuses its state %s "
				 "to other processes): stop it with `bulwark stop` first",
				 PROTECT_STATE_PIN);
			return -EBUSY;
		}
		return 0;	/* none, or no bpffs: nothing to adopt */
	}
	if (bpf_map_lookup_elem(fd, &k, &st)) {
		close(fd);
		return 0;
	}
	if (engine_alive(st.engine_tgid)) {
		snprintf(p->why, sizeof(p->why),
			 "another engine (pid %u) is running: stop it with `bulwark stop` first",
			 st.engine_tgid);
		close(fd);
		return -EBUSY;
	}
	p->pinned_fd = fd;
	if (st.flags & BW_PROT_LOCK) {
		p->locked = true;
		memcpy(p->locked_hash, st.locked_hash, sizeof(p->locked_hash));
		p->locked_hash[sizeof(p->locked_hash) - 1] = 0;
	}
	return 0;
}

static int add_id(int ids_fd, uint32_t kind, uint32_t id)
{
	uint64_t key = ((uint64_t)kind << 32) | id;
	uint8_t one = 1;

	return bpf_map_update_elem(ids_fd, &key, &one, BPF_ANY) ? -errno : 0;
}

/* The id of the BPF object behind fd; 0 when it cannot be read. */
static uint32_t obj_id(int fd, uint32_t kind)
{
	union {
		struct bpf_map_info map;
		struct bpf_prog_info prog;
		struct bpf_link_info link;
	} info;
	uint32_t len = kind == BW_PROT_MAP ? sizeof(info.map) :
		       kind == BW_PROT_PROG ? sizeof(info.prog) : sizeof(info.link);

	memset(&info, 0, sizeof(info));
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return kind == BW_PROT_MAP ? info.map.id :
	       kind == BW_PROT_PROG ? info.prog.id : info.link.id;
}

/* Every map and loaded program of obj. */
static int register_obj(int ids_fd, struct bpf_object *obj)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	uint32_t id;
	int err = 0;

	bpf_object__for_each_map(map, obj) {
		if ((id = obj_id(bpf_map__fd(map), BW_PROT_MAP)))
			err = err ? err : add_id(ids_fd, BW_PROT_MAP, id);
	}
	bpf_object__for_each_program(prog, obj) {
		if ((id = obj_id(bpf_program__fd(prog), BW_PROT_PROG)))
			err = err ? err : add_id(ids_fd, BW_PROT_PROG, id);
	}
	return err;
}

/*
 * Every link, and the program behind it: a program adopted from a pin
 * (engine/pin.h) is not loaded by the object, only reached by its link.
 */
static int register_links(int ids_fd, struct bpf_link *const *links, int n)
{
	int err = 0;

	for (int i = 0; i < n; i++) {
		struct bpf_link_info info;
		uint32_t len = sizeof(info);

		memset(&info, 0, sizeof(info));
		if (!links[i] || bpf_obj_get_info_by_fd(bpf_link__fd(links[i]), &info, &len))
			continue;
		if (info.id)
			err = err ? err : add_id(ids_fd, BW_PROT_LINK, info.id);
		if (info.prog_id)
			err = err ? err : add_id(ids_fd, BW_PROT_PROG, info.prog_id);
	}
	return err;
}

int protect_register(struct bw_protect *p, const struct bw_engine *e)
{
	uint8_t readable = BW_PROT_READABLE;
	uint64_t key;
	int fd, err;

	if (!p->skel || !p->protect)
		return 0;
	fd = bpf_map__fd(p->skel->maps.prot_ids);
	err = register_obj(fd, p->skel->obj);
	/* the state may be read (the lock, by `bulwark check`), not written */
	key = ((uint64_t)BW_PROT_MAP << 32) |
	      obj_id(bpf_map__fd(p->skel->maps.prot_state), BW_PROT_MAP);
	if (!err && (uint32_t)key && bpf_map_update_elem(fd, &key, &readable, BPF_ANY))
		err = -errno;
	if (!err)
		err = register_links(fd, p->links, p->nlinks);
	if (!err && e->skel)
		err = register_obj(fd, e->skel->obj);
	if (!err)
		err = register_links(fd, e->links, e->nlinks);
	return err;
}

/* The kernel's encoding of a device number (MKDEV: 12 bits major, 20 minor). */
static uint32_t kernel_dev(dev_t d)
{
	return (uint32_t)(major(d) << 20) | (minor(d) & 0xfffff);
}

static int state_get(struct bw_protect *p, struct bw_prot_state *st)
{
	uint32_t k = 0;

	return bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.prot_state), &k, st) ? -errno : 0;
}

static int state_put(struct bw_protect *p, const struct bw_prot_state *st)
{
	uint32_t k = 0;

	return bpf_map_update_elem(bpf_map__fd(p->skel->maps.prot_state), &k, st,
				   BPF_ANY) ? -errno : 0;
}

int protect_set_log(struct bw_protect *p, int log_fd)
{
	struct bw_prot_state st;
	struct stat sb;
	int err;

	if (!p->skel || !p->protect || log_fd < 0 || fstat(log_fd, &sb))
		return 0;
	err = state_get(p, &st);
	if (err || (st.log_ino == sb.st_ino && st.log_dev == kernel_dev(sb.st_dev)))
		return err;
	st.log_ino = sb.st_ino;
	st.log_dev = kernel_dev(sb.st_dev);
	return state_put(p, &st);
}

/* The pin directory on a bpffs at PROTECT_BPFFS, mounted if need be. */
static int pin_dir(void)
{
	struct statfs fs;

	if (statfs(PROTECT_BPFFS, &fs) || fs.f_type != BPF_FS_MAGIC) {
		if (mount("bpf", PROTECT_BPFFS, "bpf", 0, "mode=0700"))
			return -errno;
	}
	if (mkdir(PROTECT_PIN_DIR, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Programs loaded: the hooks with protect, only the maps without. */
static int load(struct bw_protect *p, bool protect)
{
	struct bpf_program *prog;
	int err;

	p->skel = protect_bpf__open();
	if (!p->skel) {
		err = -errno;
		snprintf(p->why, sizeof(p->why), "cannot open the protection object: %s",
			 strerror(-err));
		return err;
	}
	bpf_object__for_each_program(prog, p->skel->obj)
		bpf_program__set_autoload(prog, protect);
	err = p->pinned_fd >= 0 ? bpf_map__reuse_fd(p->skel->maps.prot_state, p->pinned_fd) : 0;
	if (!err)
		err = protect_bpf__load(p->skel);
	if (err)
		snprintf(p->why, sizeof(p->why), "loading the protection hooks failed: %s%s",
			 strerror(-err), protect ? " (protect = yes needs BPF LSM programs)" : "");
	return err;
}

static int attach(struct bw_protect *p)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, p->skel->obj) {
		struct bpf_link *link = bpf_program__attach(prog);

		if (!link) {
			snprintf(p->why, sizeof(p->why), "attaching %s failed: %s",
				 bpf_program__name(prog), strerror(errno));
			return -errno;
		}
		if (p->nlinks == PROTECT_MAX_LINKS) {
			bpf_link__destroy(link);
			return -E2BIG;
		}
		p->links[p->nlinks++] = link;
	}
	return 0;
}

int protect_arm(struct bw_protect *p, const struct bw_engine *e, bool protect,
		bool lock, int log_fd, const char *hash)
{
	struct bw_prot_state st;
	int err;

	if (!protect && !lock && !p->locked) {
		/* an unlocked state left by an engine that is gone */
		if (p->pinned_fd >= 0 && unlink(PROTECT_STATE_PIN) && errno != ENOENT)
			out_err("protect: removing %s failed: %s", PROTECT_STATE_PIN,
				strerror(errno));
		return 0;
	}
	err = load(p, protect);
	if (!err && protect)
		err = attach(p);
	if (err)
		return err;
	p->protect = protect;
	err = state_get(p, &st);
	if (err)
		return err;
	st.engine_tgid = (uint32_t)getpid();
	st.flags = (st.flags & BW_PROT_LOCK) | (protect ? BW_PROT_ON : 0);
	if (lock && !(st.flags & BW_PROT_LOCK)) {
		st.flags |= BW_PROT_LOCK;
		st.lock_pid = st.engine_tgid;
		snprintf(st.locked_hash, sizeof(st.locked_hash), "%s", hash);
	}
	p->locked = st.flags & BW_PROT_LOCK;
	memcpy(p->locked_hash, st.locked_hash, sizeof(p->locked_hash));
	/* the objects first: protection is on once the state says so */
	err = protect_register(p, e);
	if (!err)
		err = state_put(p, &st);
	if (!err)
		err = protect_set_log(p, log_fd);
	if (err) {
		snprintf(p->why, sizeof(p->why), "writing the protection state failed: %s",
			 strerror(-err));
		return err;
	}
	if (p->pinned_fd < 0) {
		err = pin_dir();
		if (!err && bpf_obj_pin(bpf_map__fd(p->skel->maps.prot_state),
					PROTECT_STATE_PIN))
			err = -errno;
		if (err)
			snprintf(p->why, sizeof(p->why),
				 "cannot pin the protection state at %s (%s): %s",
				 PROTECT_STATE_PIN, strerror(-err),
				 p->locked ? "the lock will not outlive this engine" :
				 "a second engine will not be refused");
		return err;
	}
	return 0;
}

int protect_events_fd(const struct bw_protect *p)
{
	return p->skel && p->protect ? bpf_map__fd(p->skel->maps.prot_events) : -1;
}

uint64_t protect_lost(struct bw_protect *p)
{
	uint64_t v = 0, d;
	uint32_t k = 0;

	if (!p->skel || bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.prot_lost), &k, &v))
		return 0;
	d = v - p->lost_seen;
	p->lost_seen = v;
	return d;
}

static const char *const what_names[] = {
	[BW_TAMPER_SIGNAL] = "signal",
	[BW_TAMPER_SIGIO] = "sigio",
	[BW_TAMPER_PTRACE] = "ptrace",
	[BW_TAMPER_BPF] = "bpf",
	[BW_TAMPER_BPF_MAP] = "bpf_map",
	[BW_TAMPER_BPF_PROG] = "bpf_prog",
	[BW_TAMPER_UNLINK] = "unlink",
	[BW_TAMPER_RMDIR] = "rmdir",
	[BW_TAMPER_RENAME] = "rename",
	[BW_TAMPER_UMOUNT] = "umount",
	[BW_TAMPER_OPEN] = "open",
	[BW_TAMPER_TRUNCATE] = "truncate",
};

static const char *bpf_cmd_name(uint32_t cmd)
{
	switch (cmd) {
	case BPF_OBJ_GET: return "BPF_OBJ_GET";
	case BPF_PROG_GET_FD_BY_ID: return "BPF_PROG_GET_FD_BY_ID";
	case BPF_MAP_GET_FD_BY_ID: return "BPF_MAP_GET_FD_BY_ID";
	case BPF_LINK_GET_FD_BY_ID: return "BPF_LINK_GET_FD_BY_ID";
	case BPF_TASK_FD_QUERY: return "BPF_TASK_FD_QUERY";
	default: return "?";
	}
}

/* What was aimed at: the object or process, by what. */
static void target_json(struct json *j, const struct bw_tamper *t)
{
	char buf[32];

	switch (t->what) {
	case BW_TAMPER_SIGNAL:
	case BW_TAMPER_SIGIO:
		json_kstr(j, "signal", signal_name(t->arg ? t->arg : SIGIO, buf, sizeof(buf)));
		json_ku64(j, "target_pid", t->target);
		break;
	case BW_TAMPER_PTRACE:
		json_ku64(j, "mode", t->arg);
		json_ku64(j, "target_pid", t->target);
		break;
	case BW_TAMPER_BPF:
		json_kstr(j, "command", bpf_cmd_name(t->arg));
		if (t->arg == BPF_OBJ_GET) {
			json_key(j, "name");
			json_strn(j, t->name, sizeof(t->name));
		} else if (t->arg == BPF_TASK_FD_QUERY)
			json_ku64(j, "target_pid", t->target);
		else
			json_ku64(j, "object_id", t->target);
		break;
	case BW_TAMPER_BPF_MAP:
	case BW_TAMPER_BPF_PROG:
		json_ku64(j, "object_id", t->target);
		break;
	default:
		if (t->ino)
			json_ku64(j, "ino", t->ino);
		json_key(j, "name");
		json_strn(j, t->name, sizeof(t->name));
	}
}

void protect_log_record(struct bw_log *l, const void *data, size_t size)
{
	const struct bw_tamper *t = data;
	struct json *j;

	if (size < sizeof(*t))
		return;
	j = log_begin(l, "tamper", t->ts);
	json_kstr(j, "what", t->what < ARRAY_SIZE(what_names) && what_names[t->what] ?
		  what_names[t->what] : "?");
	json_kstr(j, "result", "denied");
	json_ku64(j, "pid", t->tgid);
	json_ku64(j, "tid", t->pid);
	json_ku64(j, "uid", t->uid);
	json_key(j, "comm");
	json_strn(j, t->comm, sizeof(t->comm));
	target_json(j, t);
	log_end(l);
}

void protect_log_refused(struct bw_log *l, const char *what, const char *why)
{
	struct json *j = log_begin(l, "tamper", 0);

	json_kstr(j, "what", what);
	json_kstr(j, "result", "refused");
	json_kstr(j, "reason", why);
	log_end(l);
}

void protect_close(struct bw_protect *p)
{
	struct bw_prot_state st;

	if (p->skel && !state_get(p, &st) && st.engine_tgid == (uint32_t)getpid()) {
		st.engine_tgid = 0;
		st.flags &= ~BW_PROT_ON;
		if (state_put(p, &st))
			out_err("protect: clearing the state failed: %s", strerror(errno));
	}
	for (int i = 0; i < p->nlinks; i++)
		bpf_link__destroy(p->links[i]);
	p->nlinks = 0;
	if (p->skel && !p->locked && unlink(PROTECT_STATE_PIN) && errno != ENOENT)
		out_err("protect: removing %s failed: %s", PROTECT_STATE_PIN, strerror(errno));
	if (p->pinned_fd >= 0)
		close(p->pinned_fd);
	if (p->skel)
		protect_bpf__destroy(p->skel);
	memset(p, 0, sizeof(*p));
	p->pinned_fd = -1;
}

/* The ids the kernel guards, for the protect record (and the tests). */
void protect_ids_json(const struct bw_protect *p, struct json *j)
{
	static const char *const keys[] = {
		[BW_PROT_PROG] = "prog_ids", [BW_PROT_MAP] = "map_ids", [BW_PROT_LINK] = "link_ids",
	};
	int fd = p->skel ? bpf_map__fd(p->skel->maps.prot_ids) : -1;

	for (uint32_t kind = BW_PROT_PROG; kind <= BW_PROT_LINK; kind++) {
		uint64_t key, *cur = NULL;

		json_key_rt(j, keys[kind]);
		json_arr_begin(j);
		while (fd >= 0 && !bpf_map_get_next_key(fd, cur, &key)) {
			if (key >> 32 == kind)
				json_u64(j, (uint32_t)key);
			cur = &key;
		}
		json_arr_end(j);
	}
}

int protect_read_state(struct bw_prot_state *st)
{
	LIBBPF_OPTS(bpf_obj_get_opts, opts, .file_flags = BPF_F_RDONLY);
	uint32_t k = 0;
	int fd = bpf_obj_get_opts(PROTECT_STATE_PIN, &opts), err = 0;

	if (fd < 0)
		return -errno;
	if (bpf_map_lookup_elem(fd, &k, st))
		err = -errno;
	close(fd);
	return err;
}

int protect_lock_note(const char *hash, char *buf, size_t len)
{
	struct bw_prot_state st;
	int err = protect_read_state(&st);

	if (err == -ENOENT)
		return 0;
	if (err) {
		snprintf(buf, len, "cannot read the lock state %s: %s", PROTECT_STATE_PIN,
			 strerror(-err));
		return err;
	}
	if (!(st.flags & BW_PROT_LOCK))
		return 0;
	st.locked_hash[sizeof(st.locked_hash) - 1] = 0;
	if (hash && strcmp(hash, st.locked_hash))
		snprintf(buf, len, "the running policy is locked until reboot (lock = yes, "
			 "policy %s, engine pid %u): these rules compile to %s and would be refused",
			 st.locked_hash, st.engine_tgid, hash);
	else
		snprintf(buf, len, "the running policy is locked until reboot (lock = yes, "
			 "policy %s, engine pid %u): these are its rules",
			 st.locked_hash, st.engine_tgid);
	return 1;
}

void protect_status_json(const struct bw_protect *p, struct json *j)
{
	json_obj_begin(j);
	json_kbool(j, "protect", p->protect);
	json_kbool(j, "lock", p->locked);
	if (p->locked)
		json_kstr(j, "locked_hash", p->locked_hash);
	json_obj_end(j);
}
