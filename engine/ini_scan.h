/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_INI_SCAN_H
#define BULWARK_INI_SCAN_H

#include <stddef.h>

#include "diag.h"

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

struct ini_section {
	char *name;
	int line;
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
	size_t nsections;
	struct ini_key *keys;
	size_t nkeys;
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
