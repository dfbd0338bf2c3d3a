// SPDX-License-Identifier: GPL-2.0
/*
 * Folded stacks and the flame graph drawn from them: the stacks, sorted
 * by name, make a tree whose nodes are frames; each node is a box as wide
 * as its samples, above its caller.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flamegraph.h"
#include "util.h"

#define FG_WIDTH	1200	/* px */
#define FG_FRAME_H	16
#define FG_PAD		10
#define FG_TOP		40	/* title and details line */
#define FG_CHAR_W	6.5	/* px per character at font-size 11 */

void fold_add(struct fold_set *s, const char *stack, uint64_t count)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n++] = (struct folded){ xstrdup(stack), count };
	s->total += count;
}

static int by_stack(const void *a, const void *b)
{
	return strcmp(((const struct folded *)a)->stack, ((const struct folded *)b)->stack);
}

static int by_count(const void *a, const void *b)
{
	const struct folded *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->stack, y->stack);
}

void fold_finish(struct fold_set *s)
{
	size_t out = 0;

	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), by_stack);
	for (size_t i = 1; i < s->n; i++) {
		if (!strcmp(s->v[i].stack, s->v[out].stack)) {
			s->v[out].count += s->v[i].count;
			free(s->v[i].stack);
		} else {
			s->v[++out] = s->v[i];
		}
	}
	s->n = out + 1;
	qsort(s->v, s->n, sizeof(*s->v), by_count);
}

void fold_free(struct fold_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].stack);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ---- the tree ---- */

struct node {
	char *name;
	uint64_t count;
	struct node **kids;
	size_t nkids;
};

static struct node *node_kid(struct node *n, const char *name, size_t len)
{
	struct node *k;

	/* stacks come sorted: a frame seen again is the last child */
	if (n->nkids) {
		k = n->kids[n->nkids - 1];
		if (strlen(k->name) == len && !memcmp(k->name, name, len))
			return k;
	}
	k = xcalloc(1, sizeof(*k));
	k->name = xstrndup(name, len);
	n->kids = xreallocarray(n->kids, n->nkids + 1, sizeof(*n->kids));
	n->kids[n->nkids++] = k;
	return k;
}

static void node_free(struct node *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n);
}

static size_t tree_add(struct node *root, const struct folded *f)
{
	struct node *n = root;
	const char *p = f->stack;
	size_t depth = 0;

	root->count += f->count;
	while (*p) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		n = node_kid(n, p, len);
		n->count += f->count;
		depth++;
		p += len + (end != NULL);
	}
	return depth;
}

/* ---- SVG ---- */

/* Text as XML character data or attribute: markup escaped, bytes that
 * are not printable ASCII (invalid XML or invalid UTF-8) replaced. */
static void xml_text(FILE *out, const char *s, size_t max)
{
	for (size_t i = 0; s[i] && i < max; i++) {
		unsigned char c = s[i];

		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default: fputc(c >= 0x20 && c < 0x7f ? c : '?', out);
		}
	}
}

/* A warm colour from the name, the same for the same frame everywhere. */
static void colour(const char *name, unsigned int rgb[3])
{
	uint32_t h = 2166136261u;

	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	rgb[0] = 205 + h % 50;
	rgb[1] = (h >> 8) % 180;
	rgb[2] = (h >> 16) % 55;
}

struct svg {
	FILE *out;
	uint64_t total;
	size_t height;	/* px */
};

static void svg_frame(struct svg *g, const struct node *n, uint64_t x, size_t depth)
{
	double px = FG_PAD + (double)x * (FG_WIDTH - 2 * FG_PAD) / g->total;
	double w = (double)n->count * (FG_WIDTH - 2 * FG_PAD) / g->total;
	double y = g->height - FG_PAD - (depth + 1) * FG_FRAME_H;
	size_t chars = w > 3 * FG_CHAR_W ? (size_t)(w / FG_CHAR_W) - 2 : 0;
	unsigned int rgb[3];

	colour(n->name, rgb);
	fprintf(g->out, "<g class=\"f\" data-x=\"%llu\" data-w=\"%llu\" data-d=\"%zu\">"
		"<title>", (unsigned long long)x, (unsigned long long)n->count, depth);
	xml_text(g->out, n->name, SIZE_MAX);
	fprintf(g->out, " (%llu samples, %.2f%%)</title>"
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"2\" "
		"fill=\"rgb(%u,%u,%u)\"/><text x=\"%.1f\" y=\"%.1f\">",
		(unsigned long long)n->count, 100.0 * n->count / g->total,
		px, y, w, FG_FRAME_H - 1, rgb[0], rgb[1], rgb[2], px + 3, y + 11.5);
	if (chars) {
		size_t len = strlen(n->name);

		xml_text(g->out, n->name, chars < len ? chars - 2 : len);
		if (chars < len)
			fputs("..", g->out);
	}
	fputs("</text></g>\n", g->out);
}

static void svg_tree(struct svg *g, const struct node *n, uint64_t x, size_t depth)
{
	for (size_t i = 0; i < n->nkids; i++) {
		svg_frame(g, n->kids[i], x, depth);
		svg_tree(g, n->kids[i], x, depth + 1);
		x += n->kids[i]->count;
	}
}

/*
 * Zoom: the clicked frame fills the width, its callees scale with it, its
 * callers stay full width, the rest is hidden; a click on the background
 * (or on "all") resets.  Hover text comes from each frame's <title>.
 */
static const char svg_script[] =
"<script type=\"text/ecmascript\"><![CDATA[\n"
"var W = %d, P = %d, CW = %.1f;\n"
"function fit(g, x0, w0) {\n"
"  var x = +g.dataset.x, w = +g.dataset.w, r = g.querySelector('rect');\n"
"  var t = g.querySelector('text'), s = (W - 2 * P) / w0;\n"
"  var px = P + Math.max(0, x - x0) * s, pw = Math.min(w, w0) * s;\n"
"  r.setAttribute('x', px); r.setAttribute('width', pw);\n"
"  t.setAttribute('x', px + 3);\n"
"  var name = g.querySelector('title').textContent.replace(/ \\([0-9]+ samples.*$/, '');\n"
"  var n = Math.floor(pw / CW) - 2;\n"
"  t.textContent = n < 3 ? '' : (n < name.length ? name.substr(0, n - 2) + '..' : name);\n"
"}\n"
"function zoom(z) {\n"
"  var x0 = +z.dataset.x, w0 = +z.dataset.w, d0 = +z.dataset.d;\n"
"  document.querySelectorAll('g.f').forEach(function (g) {\n"
"    var x = +g.dataset.x, w = +g.dataset.w, d = +g.dataset.d;\n"
"    var inside = x >= x0 && x + w <= x0 + w0 && d >= d0;\n"
"    var above = d < d0 && x <= x0 && x + w >= x0 + w0;\n"
"    g.style.display = inside || above ? '' : 'none';\n"
"    if (inside || above) fit(g, inside ? x0 : x, inside ? w0 : w);\n"
"  });\n"
"}\n"
"function reset() {\n"
"  document.querySelectorAll('g.f').forEach(function (g) {\n"
"    g.style.display = ''; fit(g, 0, TOTAL);\n"
"  });\n"
"}\n"
"document.addEventListener('click', function (e) {\n"
"  var g = e.target.closest ? e.target.closest('g.f') : null;\n"
"  if (g) zoom(g); else reset();\n"
"});\n"
"]]></script>\n";

int flamegraph_svg(const struct fold_set *s, const char *title, FILE *out)
{
	struct node *root = xcalloc(1, sizeof(*root));
	struct svg g = { .out = out };
	size_t depth = 0;

	for (size_t i = 0; i < s->n; i++) {
		size_t d = tree_add(root, &s->v[i]);

		depth = d > depth ? d : depth;
	}
	root->name = xstrdup("all");
	g.total = root->count ? root->count : 1;
	g.height = FG_TOP + (depth + 1) * FG_FRAME_H + 2 * FG_PAD;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%zu\" viewBox=\"0 0 %d %zu\">\n"
		"<style>text { font-family: monospace; font-size: 11px; "
		"pointer-events: none; } g.f:hover rect { stroke: black; "
		"stroke-width: 0.5; } g.f { cursor: pointer; }</style>\n",
		FG_WIDTH, g.height, FG_WIDTH, g.height);
	fprintf(out, "<script type=\"text/ecmascript\">var TOTAL = %llu;</script>\n",
		(unsigned long long)g.total);
	fprintf(out, svg_script, FG_WIDTH, FG_PAD, FG_CHAR_W);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%zu\" fill=\"#f8f8f0\"/>\n"
		"<text x=\"%d\" y=\"24\" text-anchor=\"middle\" style=\"font-size: 16px\">",
		FG_WIDTH, g.height, FG_WIDTH / 2);
	xml_text(out, title, SIZE_MAX);
	fprintf(out, " (%llu samples)</text>\n", (unsigned long long)root->count);
	svg_frame(&g, root, 0, 0);
	svg_tree(&g, root, 0, 1);
	fputs("</svg>\n", out);
	node_free(root);
	return fflush(out) || ferror(out) ? -EIO : 0;
}
