/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_INI_SCAN_H
#define BULWARK_INI_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/*
 * A hash index from byte strings (names; numbers as their bytes) to
 * positions below 2^32, so that finding a name costs the same however
 * many there are.  The keys are not copied: they must stay in place while
 * the index lives.  A zeroed index is empty.
 */
struct key_slot {
	const void *key;	/* NULL: free */
	uint32_t len;
	uint32_t val;
};

struct key_index {
	struct key_slot *slots;
	size_t cap, n;
};

/* The value stored under key, if any. */
bool key_index_get(const struct key_index *t, const void *key, size_t len,
		   size_t *val);
/* Store val under key, replacing what was there. */
void key_index_put(struct key_index *t, const void *key, size_t len,
		   size_t val);
void key_index_free(struct key_index *t);

/*
 * Debian's inih silently cuts long section names, merges repeated
 * sections, splits long lines, continues values on indented lines, cuts
 * values at " ;", and gives its handler no line numbers.  A file is
 * therefore pre-scanned here, each trap reported as an error with its
 * line, and only a clean file is handed to inih; its k-th handler call is
 * then the k-th key line found here (checked by section and key name).
 */
#define INI_SECTION_MAX 49	/* longest section name inih keeps */
#define INI_LINE_MAX 198	/* longest line inih reads whole */
#define INI_FILE_MAX (1 << 20)
/* Above the 24,576 rules the kernel holds (rules.c checks): ends a runaway scan. */
#define INI_SECTIONS_MAX 32768
/* A rule has 26 keys at most, a policy section fewer. */
#define INI_KEYS_MAX 256

struct ini_section {
	char *name;
	int line;
	int nkeys;
};

struct ini_key {
	char *name;		/* as inih will pass it: trimmed */
	int line;
	int section;		/* index in sections */
};

struct ini_file {
	const char *path;
	char *text;
	struct ini_section *sections;
	size_t nsections, sections_cap;
	struct ini_key *keys;
	size_t nkeys, keys_cap;
	struct key_index names;	/* section name -> index in sections */
};

typedef void (*ini_key_fn)(void *user, const struct ini_file *f,
			   const struct ini_key *k, const char *name,
			   const char *value);

/*
 * Read and pre-scan a file.  `what` names a section in messages ("rule
 * name", "section").  Returns 0 when clean, -1 with errors in d.
 */
int ini_scan(struct ini_file *f, const char *path, const char *what,
	     struct diag *d);
/* Parse a scanned file with inih; fn gets every key with its line. */
int ini_parse_scanned(struct ini_file *f, ini_key_fn fn, void *user,
		      struct diag *d);
void ini_file_free(struct ini_file *f);

/* Split a list value on commas and white space; returns the count. */
size_t split_list(char *value, char **out, size_t max);

#endif
