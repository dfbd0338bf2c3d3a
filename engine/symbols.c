// SPDX-License-Identifier: GPL-2.0
/* Addresses to symbols: a process's from its ELF files, the kernel's. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <limits.h>
#include <libelf.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "symbols.h"
#include "util.h"

#define BUILD_ID_MAX	64
#define DEBUG_DIR	"/usr/lib/debug/.build-id"

/* A name in a pool; offsets, not pointers, until the pool stops growing. */
struct pool {
	char *buf;
	size_t len, cap;
};

static size_t pool_add(struct pool *p, const char *s)
{
	size_t n = strlen(s) + 1, at = p->len;

	if (p->len + n > p->cap) {
		p->cap = (p->len + n) * 2;
		p->buf = xreallocarray(p->buf, p->cap, 1);
	}
	memcpy(p->buf + at, s, n);
	p->len += n;
	return at;
}

struct esym {
	uint64_t addr;
	uint64_t size;
	union {
		size_t off;		/* while loading */
		const char *name;
	};
	int rank;			/* among symbols at one address: lower first */
};

/* A PT_LOAD segment: where file offsets land in the ELF's addresses. */
struct seg {
	uint64_t off, filesz, memsz, vaddr;
};

/* One ELF file's symbols, shared by every table that maps it. */
struct elf_file {
	char *key;
	int refs;
	struct esym *syms;
	size_t nsyms;
	struct seg *segs;
	size_t nsegs;
	struct pool names;
	struct elf_file *next;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct elf_file *cache;

struct map {
	uint64_t start, end, pgoff;
	char *path;
	struct elf_file *f;	/* NULL: not an ELF file, or unreadable */
};

struct ksym {
	uint64_t addr;
	union {
		size_t name_off;	/* while loading */
		const char *name;
	};
	union {
		size_t mod_off;		/* 0: the kernel's own */
		const char *module;
	};
};

struct syms {
	struct map *maps;
	size_t nmaps;
	struct ksym *ksyms;
	size_t nksyms;
	struct pool kpool;
};

/* ---- ELF files ---- */

static int esym_cmp(const void *a, const void *b)
{
	const struct esym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->rank - y->rank;
}

/*
 * Fewer leading underscores first (getpid before its alias __getpid, a
 * global one, where getpid is weak), then global, weak, local.
 */
static int sym_rank(const GElf_Sym *s, const char *name)
{
	int bind = GELF_ST_BIND(s->st_info), r = 0;

	while (*name++ == '_' && r < 3)
		r++;
	return r * 4 + (bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2);
}

static void read_symtab(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh,
			struct elf_file *f, size_t *cap)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n;

	if (!data || !sh->sh_entsize)
		return;
	n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		const char *name;
		int type;

		if (!gelf_getsym(data, i, &s))
			continue;
		type = GELF_ST_TYPE(s.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
		    s.st_shndx == SHN_UNDEF || !s.st_value)
			continue;
		name = elf_strptr(e, sh->sh_link, s.st_name);
		if (!name || !*name)
			continue;
		if (f->nsyms == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			f->syms = xreallocarray(f->syms, *cap, sizeof(*f->syms));
		}
		f->syms[f->nsyms++] = (struct esym){
			.addr = s.st_value, .size = s.st_size,
			.off = pool_add(&f->names, name), .rank = sym_rank(&s, name),
		};
	}
}

/* Symbols of e's tables of type want (SHT_SYMTAB, SHT_DYNSYM). */
static size_t read_syms(Elf *e, struct elf_file *f, size_t *cap, unsigned int want)
{
	Elf_Scn *scn = NULL;
	size_t before = f->nsyms;

	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == want)
			read_symtab(e, scn, &sh, f, cap);
	}
	return f->nsyms - before;
}

static int read_segs(Elf *e, struct elf_file *f)
{
	size_t n;

	if (elf_getphdrnum(e, &n))
		return -EINVAL;
	f->segs = xcalloc(n ? n : 1, sizeof(*f->segs));
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		f->segs[f->nsegs++] = (struct seg){ ph.p_offset, ph.p_filesz,
						    ph.p_memsz, ph.p_vaddr };
	}
	return 0;
}

/* The GNU build id as hex into out (2 * BUILD_ID_MAX + 1); 0 or -ENOENT. */
static int build_id(Elf *e, char *out)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, next, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		while ((next = gelf_getnote(data, off, &nh, &name_off, &desc_off))) {
			const unsigned char *d = (unsigned char *)data->d_buf + desc_off;

			off = next;
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)data->d_buf + name_off, "GNU", 4) ||
			    !nh.n_descsz || nh.n_descsz > BUILD_ID_MAX)
				continue;
			for (size_t i = 0; i < nh.n_descsz; i++)
				sprintf(out + 2 * i, "%02x", d[i]);
			return 0;
		}
	}
	return -ENOENT;
}

static Elf *elf_open_fd(int fd)
{
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);

	if (e && elf_kind(e) != ELF_K_ELF) {
		elf_end(e);
		return NULL;
	}
	return e;
}

/* The separate debug file's .symtab, when the debug package is installed. */
static void read_debug_file(const char *bid, struct elf_file *f, size_t *cap)
{
	char path[sizeof(DEBUG_DIR) + 2 * BUILD_ID_MAX + 16];
	int fd;
	Elf *e;

	snprintf(path, sizeof(path), DEBUG_DIR "/%.2s/%s.debug", bid, bid + 2);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	e = elf_open_fd(fd);
	if (e) {
		read_syms(e, f, cap, SHT_SYMTAB);
		elf_end(e);
	}
	close(fd);
}

static struct elf_file *cache_find(const char *key)
{
	for (struct elf_file *f = cache; f; f = f->next) {
		if (!strcmp(f->key, key)) {
			f->refs++;
			return f;
		}
	}
	return NULL;
}

static void elf_file_free(struct elf_file *f)
{
	free(f->key);
	free(f->syms);
	free(f->segs);
	free(f->names.buf);
	free(f);
}

static struct elf_file *elf_file_parse(Elf *e, char *key, const char *bid)
{
	struct elf_file *f = xcalloc(1, sizeof(*f));
	size_t cap = 0;

	f->key = key;
	f->refs = 1;
	if (read_segs(e, f)) {
		elf_file_free(f);
		return NULL;
	}
	if (!read_syms(e, f, &cap, SHT_SYMTAB) && bid)
		read_debug_file(bid, f, &cap);
	read_syms(e, f, &cap, SHT_DYNSYM);
	for (size_t i = 0; i < f->nsyms; i++)
		f->syms[i].name = f->names.buf + f->syms[i].off;
	if (f->nsyms)
		qsort(f->syms, f->nsyms, sizeof(*f->syms), esym_cmp);
	return f;
}

/*
 * The symbols of the ELF file open at fd, from the cache when a file of
 * the same build id (or, without one, the same dev, inode and path) was
 * read already.
 */
static struct elf_file *elf_file_get(int fd, const struct stat *st,
				     const char *path)
{
	char bid[2 * BUILD_ID_MAX + 1];
	struct elf_file *f;
	bool have_bid;
	char *key;
	Elf *e;

	e = elf_open_fd(fd);
	if (!e)
		return NULL;
	have_bid = !build_id(e, bid);
	if (have_bid)
		key = xasprintf("b:%s", bid);
	else
		key = xasprintf("i:%ju:%ju:%s", (uintmax_t)st->st_dev,
				(uintmax_t)st->st_ino, path);
	pthread_mutex_lock(&cache_lock);
	f = cache_find(key);
	if (f) {
		free(key);
	} else {
		f = elf_file_parse(e, key, have_bid ? bid : NULL);
		if (f) {
			f->next = cache;
			cache = f;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	elf_end(e);
	return f;
}

static void elf_file_put(struct elf_file *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&cache_lock);
	if (--f->refs == 0) {
		for (struct elf_file **p = &cache; *p; p = &(*p)->next) {
			if (*p == f) {
				*p = f->next;
				break;
			}
		}
		elf_file_free(f);
	}
	pthread_mutex_unlock(&cache_lock);
}

/* ---- a process's mappings ---- */

/*
 * The file mapped at [start, end): map_files/ names the very file mapped,
 * even replaced or deleted since; without it (not root), the path under
 * the process's root, if its inode is still the mapped one.
 */
static int open_mapped(pid_t pid, const struct map *m, unsigned long ino,
		       struct stat *st)
{
	char p[PATH_MAX + 64];
	int fd;

	snprintf(p, sizeof(p), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64,
		 (int)pid, m->start, m->end);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(p, sizeof(p), "/proc/%d/root%s", (int)pid, m->path);
		fd = open(p, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) || st->st_ino != ino || !S_ISREG(st->st_mode)) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

/* A mapping of the same file seen earlier in this table, to share its ELF. */
static struct elf_file *same_file(const struct syms *s, const char *path,
				  unsigned long ino, unsigned long *last_ino)
{
	if (!s->nmaps || *last_ino != ino)
		return NULL;
	for (size_t i = s->nmaps; i-- > 0;) {
		const struct map *m = &s->maps[i];

		if (strcmp(m->path, path))
			return NULL;
		if (m->f) {
			pthread_mutex_lock(&cache_lock);
			m->f->refs++;
			pthread_mutex_unlock(&cache_lock);
			return m->f;
		}
	}
	return NULL;
}

static void add_map(struct syms *s, size_t *cap, pid_t pid, const char *line,
		    unsigned long *last_ino)
{
	uint64_t start, end, pgoff;
	unsigned long ino;
	char perms[8];
	int path_at = 0;
	struct map *m;
	const char *path;

	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*x:%*x %lu %n",
		   &start, &end, perms, &pgoff, &ino, &path_at) < 5 || !path_at)
		return;
	path = line + path_at;
	if (!*path)
		return;		/* anonymous */
	if (s->nmaps == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		s->maps = xreallocarray(s->maps, *cap, sizeof(*s->maps));
	}
	m = &s->maps[s->nmaps];
	*m = (struct map){ start, end, pgoff, xstrdup(path), NULL };
	if (ino && *path == '/') {
		m->f = same_file(s, path, ino, last_ino);
		if (!m->f) {
			struct stat st;
			int fd = open_mapped(pid, m, ino, &st);

			if (fd >= 0) {
				m->f = elf_file_get(fd, &st, path);
				close(fd);
			}
		}
	}
	*last_ino = ino;
	s->nmaps++;
}

struct syms *syms_load_pid(pid_t pid)
{
	char path[64], *line = NULL;
	unsigned long last_ino = 0;
	size_t cap = 0, lcap = 0;
	struct syms *s;
	ssize_t n;
	FILE *fp;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		errno = EINVAL;
		return NULL;
	}
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fp = fopen(path, "re");
	if (!fp)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	while ((n = getline(&line, &lcap, fp)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		add_map(s, &cap, pid, line, &last_ino);
	}
	free(line);
	fclose(fp);
	if (!s->nmaps) {
		/* a kernel thread, or a process gone while reading */
		syms_free(s);
		errno = ENOENT;
		return NULL;
	}
	return s;
}

/* ---- the kernel ---- */

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

/* Text symbols only: stacks hold return addresses into code. */
static void add_ksym(struct syms *s, size_t *cap, const char *line,
		     bool *nonzero)
{
	char type, name[256], mod[128];
	uint64_t addr;
	int n;

	mod[0] = '\0';
	n = sscanf(line, "%" SCNx64 " %c %255s [%127[^]]]", &addr, &type, name, mod);
	if (n < 3 || !strchr("tTwW", type))
		return;
	if (addr)
		*nonzero = true;
	if (s->nksyms == *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		s->ksyms = xreallocarray(s->ksyms, *cap, sizeof(*s->ksyms));
	}
	s->ksyms[s->nksyms].addr = addr;
	s->ksyms[s->nksyms].name_off = pool_add(&s->kpool, name);
	s->ksyms[s->nksyms].mod_off = mod[0] ? pool_add(&s->kpool, mod) : 0;
	s->nksyms++;
}

struct syms *syms_load_kernel(void)
{
	char line[512];
	bool nonzero = false;
	size_t cap = 0;
	struct syms *s;
	FILE *fp;

	fp = fopen("/proc/kallsyms", "re");
	if (!fp)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	pool_add(&s->kpool, "kernel");	/* offset 0: the kernel's own */
	while (fgets(line, sizeof(line), fp))
		add_ksym(s, &cap, line, &nonzero);
	fclose(fp);
	if (!nonzero) {
		/* kernel.kptr_restrict hides the addresses from us */
		syms_free(s);
		errno = EPERM;
		return NULL;
	}
	for (size_t i = 0; i < s->nksyms; i++) {
		struct ksym *k = &s->ksyms[i];

		k->name = s->kpool.buf + k->name_off;
		k->module = s->kpool.buf + k->mod_off;
	}
	qsort(s->ksyms, s->nksyms, sizeof(*s->ksyms), ksym_cmp);
	return s;
}

/* ---- lookups ---- */

/* The address addr of a file mapped at m, in the ELF's own addresses. */
static bool elf_vaddr(const struct map *m, uint64_t addr, uint64_t *vaddr)
{
	uint64_t off = addr - m->start + m->pgoff;

	for (size_t i = 0; i < m->f->nsegs; i++) {
		const struct seg *g = &m->f->segs[i];

		if (off >= g->off && off < g->off + g->memsz) {
			*vaddr = off - g->off + g->vaddr;
			return true;
		}
	}
	return false;
}

static const struct esym *elf_find(const struct elf_file *f, uint64_t vaddr)
{
	size_t lo = 0, hi = f->nsyms;

	/* the first symbol above vaddr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	/* back to the first (best ranked) symbol at that address */
	while (lo > 1 && f->syms[lo - 2].addr == f->syms[lo - 1].addr)
		lo--;
	for (size_t i = lo - 1; i < f->nsyms && f->syms[i].addr == f->syms[lo - 1].addr; i++) {
		const struct esym *e = &f->syms[i];

		if (!e->size || vaddr < e->addr + e->size)
			return e;
	}
	return NULL;
}

static int user_lookup(const struct syms *s, uint64_t addr, struct sym *out)
{
	size_t lo = 0, hi = s->nmaps;
	const struct map *m = NULL;
	const struct esym *e;
	uint64_t vaddr;

	/* mappings are in address order in /proc/PID/maps */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr < s->maps[mid].start) {
			hi = mid;
		} else if (addr >= s->maps[mid].end) {
			lo = mid + 1;
		} else {
			m = &s->maps[mid];
			break;
		}
	}
	if (!m)
		return -ENOENT;
	*out = (struct sym){ NULL, addr - m->start + m->pgoff, m->path };
	if (!m->f || !elf_vaddr(m, addr, &vaddr))
		return 0;
	e = elf_find(m->f, vaddr);
	if (e) {
		out->name = e->name;
		out->offset = vaddr - e->addr;
	}
	return 0;
}

static int kernel_lookup(const struct syms *s, uint64_t addr, struct sym *out)
{
	size_t lo = 0, hi = s->nksyms;
	const struct ksym *k;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -ENOENT;
	k = &s->ksyms[lo - 1];
	*out = (struct sym){ k->name, addr - k->addr, k->module };
	return 0;
}

int syms_lookup(const struct syms *s, uint64_t addr, struct sym *out)
{
	if (s->ksyms)
		return kernel_lookup(s, addr, out);
	return user_lookup(s, addr, out);
}

const char *syms_format(const struct syms *s, uint64_t addr, char *buf,
			size_t len)
{
	struct sym y;

	if (!s || syms_lookup(s, addr, &y))
		snprintf(buf, len, "0x%" PRIx64, addr);
	else if (y.name)
		snprintf(buf, len, "%s+0x%" PRIx64 " [%s]", y.name, y.offset, y.module);
	else
		snprintf(buf, len, "0x%" PRIx64 " [%s]", addr, y.module);
	return buf;
}

size_t syms_count(const struct syms *s)
{
	return s->ksyms ? s->nksyms : s->nmaps;
}

void syms_free(struct syms *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nmaps; i++) {
		free(s->maps[i].path);
		elf_file_put(s->maps[i].f);
	}
	free(s->maps);
	free(s->ksyms);
	free(s->kpool.buf);
	free(s);
}
