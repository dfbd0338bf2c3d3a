// SPDX-License-Identifier: GPL-2.0
/*
 * Containers from cgroup v2 paths.  container_from_cgroup() follows the
 * rules of bpf/container.bpf.h step by step (levels examined, name
 * limits, order of the patterns), so that the short id it computes is the
 * one the kernel side puts in records and compares with rules.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "container.h"
#include "events.h"
#include "util.h"

_Static_assert(BW_CTR_ID_LEN == BW_CONTAINER_LEN, "short id sizes differ");
_Static_assert(BW_CTR_SHORT_NAME < BW_CTR_ID_LEN, "short name and its NUL");

/* Components of a path kept for the walk and for the pod uid above it. */
#define MAX_COMPONENTS	64

static const char *const runtime_names[] = {
	[CTR_RT_NONE] = "none",
	[CTR_RT_DOCKER] = "docker",
	[CTR_RT_CONTAINERD] = "containerd",
	[CTR_RT_CRIO] = "cri-o",
	[CTR_RT_PODMAN] = "podman",
	[CTR_RT_LXC] = "lxc",
	[CTR_RT_NSPAWN] = "nspawn",
};

const char *container_runtime_name(enum container_runtime rt)
{
	if ((size_t)rt >= ARRAY_SIZE(runtime_names))
		return "unknown";
	return runtime_names[rt];
}

/* ---- one cgroup path ---- */

/* One path component: s[0, len), ending at offset end of the path. */
struct comp {
	const char *s;
	size_t len;
	size_t end;
};

/* What names the container, as the kernel side's enum ctr_kind. */
enum kind { K_NONE = 0, K_HEX, K_NAME, K_UNIT, K_CHILD };

struct hit {
	enum kind kind;
	enum container_runtime runtime;
	size_t level;		/* of the component that names the container */
	size_t start, end;	/* the id within it */
};

static bool comp_is(const struct comp *c, const char *lit)
{
	return c->len == strlen(lit) && !memcmp(c->s, lit, c->len);
}

static bool comp_prefix(const struct comp *c, const char *lit)
{
	size_t n = strlen(lit);

	return c->len >= n && !memcmp(c->s, lit, n);
}

static bool comp_suffix(const struct comp *c, const char *lit)
{
	size_t n = strlen(lit);

	return c->len >= n && !memcmp(c->s + c->len - n, lit, n);
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* 64 hex characters at c->s[off], ending the name or followed by '.' */
static bool hex64_at(const struct comp *c, size_t off)
{
	if (c->len < off + BW_CTR_HEX_LEN)
		return false;
	for (size_t i = 0; i < BW_CTR_HEX_LEN; i++)
		if (hexval(c->s[off + i]) < 0)
			return false;
	return c->len == off + BW_CTR_HEX_LEN || c->s[off + BW_CTR_HEX_LEN] == '.';
}

/* Split path into components, the leaf first; returns their number. */
static size_t split_up(const char *path, struct comp *c, size_t max)
{
	size_t end = strlen(path), n = 0;

	while (n < max) {
		size_t start;

		while (end > 0 && path[end - 1] == '/')
			end--;
		if (end == 0)
			break;
		start = end;
		while (start > 0 && path[start - 1] != '/')
			start--;
		c[n].s = path + start;
		c[n].len = end - start;
		c[n].end = end;
		n++;
		end = start;
	}
	return n;
}

/* The hex patterns: where the 64 characters start, by the runtime's prefix. */
static bool match_hex(const struct comp *c, struct hit *h)
{
	static const struct {
		const char *prefix;
		enum container_runtime runtime;
	} prefixes[] = {
		{ "docker-", CTR_RT_DOCKER },
		{ "libpod-", CTR_RT_PODMAN },
		{ "crio-", CTR_RT_CRIO },
		{ "cri-containerd-", CTR_RT_CONTAINERD },
	};
	size_t off = 0;

	/* bare ids: the cgroupfs drivers; docker's is refined by the caller */
	h->runtime = CTR_RT_CONTAINERD;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		if (comp_prefix(c, prefixes[i].prefix)) {
			off = strlen(prefixes[i].prefix);
			h->runtime = prefixes[i].runtime;
			break;
		}
	}
	if (!hex64_at(c, off))
		return false;
	h->kind = K_HEX;
	h->start = off;
	h->end = off + BW_CTR_HEX_LEN;
	return true;
}

/* What the walk knows of the component examined before (below) this one. */
struct child {
	const struct comp *c;	/* NULL: none, or too long to name anything */
	bool supervisor;
};

/*
 * Does component c, at level, name a container?  The same tests in the
 * same order as ctr_match() in bpf/container.bpf.h.
 */
static bool match_comp(const struct comp *c, size_t level,
		       const struct child *child, struct hit *h)
{
	if (level && child->c && comp_is(c, "lxc")) {
		*h = (struct hit){ K_CHILD, CTR_RT_LXC, level - 1, 0, child->c->len };
		return true;
	}
	h->level = level;
	if (match_hex(c, h))
		return true;
	if (comp_prefix(c, "lxc.payload.") && c->len > 12) {
		*h = (struct hit){ K_NAME, CTR_RT_LXC, level, 12, c->len };
		return true;
	}
	if (child->supervisor)
		return false;	/* nspawn's own process, outside the container */
	if (comp_prefix(c, "systemd-nspawn@") && comp_suffix(c, ".service") &&
	    c->len > 15 + 8) {
		*h = (struct hit){ K_UNIT, CTR_RT_NSPAWN, level, 15, c->len - 8 };
		return true;
	}
	/* libvirt's virtual machines are machines too: machine-qemu\x2d... */
	if (comp_prefix(c, "machine-") && comp_suffix(c, ".scope") &&
	    c->len > 8 + 6 && !comp_prefix(c, "machine-qemu\\x2d")) {
		*h = (struct hit){ K_UNIT, CTR_RT_NSPAWN, level, 8, c->len - 6 };
		return true;
	}
	return false;
}

/* The walk of the kernel side: BW_CTR_LEVELS components from the leaf. */
static bool find_container(const struct comp *c, size_t n, struct hit *h)
{
	struct child child = { NULL, false };

	for (size_t level = 0; level < n && level < BW_CTR_LEVELS; level++) {
		const struct comp *cur = &c[level];

		if (cur->len > BW_CTR_NAME_MAX) {
			child = (struct child){ NULL, false };
			continue;
		}
		if (match_comp(cur, level, &child, h))
			return true;
		child = (struct child){ cur, comp_is(cur, "supervisor") };
	}
	return false;
}

/* s[0, len) with systemd's \xNN escapes decoded (not \x00) into dst. */
static void unescape(const char *s, size_t len, char *dst, size_t size)
{
	size_t o = 0;

	for (size_t p = 0; p < len && o + 1 < size; p++) {
		char ch = s[p];

		if (ch == '\\' && p + 3 < len && s[p + 1] == 'x') {
			int hi = hexval(s[p + 2]), lo = hexval(s[p + 3]);

			if (hi >= 0 && lo >= 0 && (hi | lo)) {
				ch = (char)(hi * 16 + lo);
				p += 3;
			}
		}
		dst[o++] = ch;
	}
	dst[o] = 0;
}

static void copy_bytes(char *dst, size_t size, const char *s, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, s, len);
	dst[len] = 0;
}

/*
 * Kubernetes pod uid from the components above the container's: cgroupfs
 * "pod<uid>", systemd "kubepods[-<qos>]-pod<uid with _ for ->.slice".
 */
static bool pod_uid_of(const struct comp *c, char *dst, size_t size)
{
	const char *p;
	size_t len;

	if (comp_prefix(c, "pod")) {
		p = c->s + 3;
		len = c->len - 3;
	} else if (comp_prefix(c, "kubepods") && comp_suffix(c, ".slice")) {
		const char *end = c->s + c->len - 6;

		p = memmem(c->s, c->len, "-pod", 4);
		if (!p)
			return false;
		p += 4;
		len = (size_t)(end - p);
	} else {
		return false;
	}
	if (len < 32 || len > 36 || len >= size)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = p[i] == '_' ? '-' : p[i];

		if (hexval(ch) < 0 && ch != '-')
			return false;
		dst[i] = ch;
	}
	dst[len] = 0;
	return true;
}

static void fill_ref(const char *path, const struct comp *c, size_t n,
		     const struct hit *h, struct container_ref *out)
{
	const struct comp *named = &c[h->level];
	const char *id = named->s + h->start;
	size_t len = h->end - h->start;

	memset(out, 0, sizeof(*out));
	out->runtime = h->runtime;
	if (h->kind == K_HEX && h->start == 0 && h->level + 1 < n &&
	    comp_is(&c[h->level + 1], "docker"))
		out->runtime = CTR_RT_DOCKER;	/* docker's cgroupfs driver */
	out->named = h->kind != K_HEX;
	if (h->kind == K_UNIT)
		unescape(id, len, out->id, sizeof(out->id));
	else
		copy_bytes(out->id, sizeof(out->id), id, len);
	copy_bytes(out->short_id, sizeof(out->short_id), out->id,
		   out->named ? BW_CTR_SHORT_NAME : BW_CTR_SHORT_HEX);
	copy_bytes(out->cgroup, sizeof(out->cgroup), path, named->end);
	for (size_t i = h->level + 1; i < n; i++)
		if (pod_uid_of(&c[i], out->pod_uid, sizeof(out->pod_uid)))
			break;
}

int container_from_cgroup(const char *cgroup_path, struct container_ref *out)
{
	struct comp c[MAX_COMPONENTS];
	struct hit h = { 0 };
	size_t n;

	if (!cgroup_path || cgroup_path[0] != '/')
		return -EINVAL;
	n = split_up(cgroup_path, c, MAX_COMPONENTS);
	if (!find_container(c, n, &h)) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	fill_ref(cgroup_path, c, n, &h, out);
	return 1;
}

/* ---- processes ---- */

/* The cgroup v2 path of a process: its "0::" line.  -ENOENT when gone. */
static int cgroup_of_pid(const char *proc_root, pid_t pid, char *buf, size_t size)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int err = -ENODATA;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/cgroup", proc_root, (int)pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ESRCH ? -ENOENT : -errno;
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (strncmp(line, "0::", 3))
			continue;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = 0;
		if ((size_t)len - 3 >= size) {
			err = -ENAMETOOLONG;
		} else {
			memcpy(buf, line + 3, (size_t)len - 2);
			err = 0;
		}
		break;
	}
	/* a process that exits while we read: empty file or ESRCH */
	if (err == -ENODATA && ferror(f))
		err = -ENOENT;
	free(line);
	fclose(f);
	return err;
}

int container_of_pid(const char *proc_root, pid_t pid, struct container_ref *out)
{
	char cg[PATH_MAX];
	int err = cgroup_of_pid(proc_root ? proc_root : "/proc", pid, cg, sizeof(cg));

	if (err)
		return err;
	return container_from_cgroup(cg, out);
}

static uint64_t ns_inode(const char *proc_root, pid_t pid, const char *ns)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%d/ns/%s", proc_root, (int)pid, ns);
	if (stat(path, &st))
		return 0;
	return st.st_ino;
}

/* Namespaces of the first pid that is still there; false when none is. */
static bool read_namespaces(const char *proc_root, struct container_info *ci)
{
	for (size_t i = 0; i < ci->npids; i++) {
		pid_t pid = ci->pids[i];

		ci->pidns = ns_inode(proc_root, pid, "pid");
		ci->mntns = ns_inode(proc_root, pid, "mnt");
		ci->netns = ns_inode(proc_root, pid, "net");
		ci->userns = ns_inode(proc_root, pid, "user");
		if (ci->pidns || ci->mntns || ci->netns || ci->userns)
			return true;
		if (errno != ENOENT && errno != ESRCH)
			return true;	/* there, but not ours to read */
	}
	return false;
}

static bool parse_pid(const char *name, pid_t *pid)
{
	unsigned long long v;

	if (name[0] < '1' || name[0] > '9' || parse_u64(name, INT32_MAX, &v))
		return false;
	*pid = (pid_t)v;
	return true;
}

struct scan {
	struct container_info *list;
	size_t n, cap;
};

static void scan_add(struct scan *sc, const struct container_ref *ref, pid_t pid)
{
	struct container_info *ci = NULL;

	for (size_t i = 0; i < sc->n && !ci; i++)
		if (!strcmp(sc->list[i].ref.cgroup, ref->cgroup))
			ci = &sc->list[i];
	if (!ci) {
		if (sc->n == sc->cap) {
			sc->cap = sc->cap ? 2 * sc->cap : 8;
			sc->list = xreallocarray(sc->list, sc->cap, sizeof(*sc->list));
		}
		ci = &sc->list[sc->n++];
		memset(ci, 0, sizeof(*ci));
		ci->ref = *ref;
	}
	ci->pids = xreallocarray(ci->pids, ci->npids + 1, sizeof(*ci->pids));
	ci->pids[ci->npids++] = pid;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static int cmp_info(const void *a, const void *b)
{
	const struct container_info *x = a, *y = b;

	return strcmp(x->ref.cgroup, y->ref.cgroup);
}

void container_list_free(struct container_info *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i].pids);
	free(list);
}

/* Sort, read namespaces, and drop containers whose processes all left. */
static void scan_finish(struct scan *sc, const char *proc_root)
{
	size_t kept = 0;

	for (size_t i = 0; i < sc->n; i++) {
		struct container_info *ci = &sc->list[i];

		qsort(ci->pids, ci->npids, sizeof(*ci->pids), cmp_pid);
		if (!read_namespaces(proc_root, ci)) {
			free(ci->pids);
			continue;
		}
		sc->list[kept++] = *ci;
	}
	sc->n = kept;
	if (sc->n)
		qsort(sc->list, sc->n, sizeof(*sc->list), cmp_info);
}

int container_list(const char *proc_root, struct container_info **out, size_t *n)
{
	struct scan sc = { 0 };
	struct dirent *de;
	DIR *dir;

	if (!proc_root)
		proc_root = "/proc";
	dir = opendir(proc_root);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		struct container_ref ref;
		pid_t pid;

		if (!parse_pid(de->d_name, &pid))
			continue;
		/* gone, unreadable or not in a container: not listed */
		if (container_of_pid(proc_root, pid, &ref) == 1)
			scan_add(&sc, &ref, pid);
	}
	closedir(dir);
	scan_finish(&sc, proc_root);
	*out = sc.list;
	*n = sc.n;
	return 0;
}

/* ---- rule and filter values ---- */

static bool is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
}

enum container_value container_value_kind(const char *v)
{
	size_t len = strlen(v), hex = strspn(v, "0123456789abcdefABCDEF");

	if (len && hex == len) {
		if (len < BW_CTR_SHORT_HEX || len > BW_CTR_HEX_LEN ||
		    strspn(v, "0123456789abcdef") != len)
			return CTR_VAL_BAD_ID;
		return CTR_VAL_ID;
	}
	if (!len || len > CTR_NAME_MAX)
		return CTR_VAL_BAD_NAME;
	for (size_t i = 0; i < len; i++)
		if (!is_name_char(v[i]))
			return CTR_VAL_BAD_NAME;
	return CTR_VAL_NAME;
}

void container_value_short(const char *v, char dst[BW_CTR_ID_LEN])
{
	size_t n = container_value_kind(v) == CTR_VAL_ID ? BW_CTR_SHORT_HEX :
							   BW_CTR_SHORT_NAME;

	memset(dst, 0, BW_CTR_ID_LEN);
	copy_bytes(dst, BW_CTR_ID_LEN, v, strnlen(v, n));
}

void container_ref_from_short(const char *short_id, struct container_ref *out)
{
	memset(out, 0, sizeof(*out));
	out->partial = true;
	copy_bytes(out->short_id, sizeof(out->short_id), short_id,
		   strnlen(short_id, BW_CTR_SHORT_NAME));
	copy_bytes(out->id, sizeof(out->id), out->short_id, strlen(out->short_id));
}

bool container_match(const struct container_ref *c, const char *want)
{
	enum container_value kind;
	char short_id[BW_CTR_ID_LEN];

	if (!c || !want || !c->short_id[0])
		return false;
	kind = container_value_kind(want);
	if (kind != CTR_VAL_ID && kind != CTR_VAL_NAME)
		return false;
	if (c->partial) {
		container_value_short(want, short_id);
		return !strcmp(c->short_id, short_id);
	}
	if (kind == CTR_VAL_ID)
		return !c->named && !strncmp(c->id, want, strlen(want));
	return c->named && !strcmp(c->id, want);
}
