/* SPDX-License-Identifier: GPL-2.0 */
/* Folded stacks ("a;b;c N") and an SVG flame graph of them. */
#ifndef BULWARK_FLAMEGRAPH_H
#define BULWARK_FLAMEGRAPH_H

#include <stdint.h>
#include <stdio.h>

/* One folded stack: frames outermost first, ';' between; its count. */
struct folded {
	char *stack;
	uint64_t count;
};

struct fold_set {
	struct folded *v;
	size_t n, cap;
	uint64_t total;
};

/* Add count to stack (copied); equal stacks are merged by fold_finish. */
void fold_add(struct fold_set *s, const char *stack, uint64_t count);
/* Merge equal stacks, then order by count, largest first. */
void fold_finish(struct fold_set *s);
void fold_free(struct fold_set *s);

/*
 * The flame graph of s as a standalone SVG document: a frame's width is
 * its share of the samples; hovering shows its name, samples and share,
 * a click zooms into it.  0 or -EIO.
 */
int flamegraph_svg(const struct fold_set *s, const char *title, FILE *out);

#endif
