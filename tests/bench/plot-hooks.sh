#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/bench/plot-hooks.sh DATA OUT.svg [TITLE]: a grouped bar plot of the
# hook benchmark's ratios (tests/bench/run.sh writes DATA), in plain awk:
# no python, no gnuplot.  DATA has one line per bar,
#   OP CONFIG MEDIAN MIN MAX [OP_LABEL [CONFIG_LABEL]]
# (ratios to no engine; labels with ~ for spaces; an operation's label is
# drawn as its first word, bold, over the rest), in the order to draw:
# operations are the groups, configurations the bars within a group.  The
# y axis is logarithmic; a bar goes from 1 to the median, the whisker
# from the minimum to the maximum of the runs.
set -eu
data=${1:?usage: plot-hooks.sh DATA OUT.svg [TITLE]}
out=${2:?usage: plot-hooks.sh DATA OUT.svg [TITLE]}
title=${3:-Time per operation as a ratio to no engine}

awk -v title="$title" '
function lg(x) { return log(x) / log(10) }
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
function clip(v) { return v < ymin ? ymin : v > ymax ? ymax : v }
function ypos(v) { return y1 - (lg(clip(v)) - lg(ymin)) / (lg(ymax) - lg(ymin)) * (y1 - y0) }
function label(s) { gsub(/~/, " ", s); return s }
NF >= 5 {
	if (!($1 in oi)) { oi[$1] = ++no; ops[no] = $1; olab[$1] = NF >= 6 ? label($6) : $1 }
	if (!($2 in ci)) { ci[$2] = ++nc; cfgs[nc] = $2; clab[$2] = NF >= 7 ? label($7) : $2 }
	med[$1, $2] = $3; mn[$1, $2] = $4; mx[$1, $2] = $5
	if ($5 > top) top = $5
	if ($4 > 0 && (low == "" || $4 < low)) low = $4
}
END {
	if (!no) { print "plot-hooks.sh: no data" > "/dev/stderr"; exit 1 }
	split("#4e79a7 #f28e2b #e15759 #76b7b2 #59a14f #edc948 #b07aa1 #ff9da7 #9c755f #bab0ac", col, " ")
	nt = split("0.2 0.5 1 2 5 10 20 50 100 200 500 1000", ticks, " ")
	ymin = 0.5
	if (low != "" && low < 0.5) ymin = 0.2
	ymax = 2
	for (t = 1; t <= nt; t++) if (ticks[t] + 0 >= top) { ymax = ticks[t]; break }
	if (top > ymax) ymax = top
	W = 80 + no * (nc * 11 + 26); if (W < 760) W = 760
	H = 480
	x0 = 64; x1 = W - 16; y0 = 92; y1 = H - 72
	gw = (x1 - x0) / no; bw = gw * 0.8 / nc
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H, W, H
	printf "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H
	printf "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>\n", x0, esc(title)
	# legend, two rows at most
	per = int((nc + 1) / 2); if (nc <= 4) per = nc
	lw = (x1 - x0) / per
	for (c = 1; c <= nc; c++) {
		lx = x0 + ((c - 1) % per) * lw; ly = 40 + int((c - 1) / per) * 20
		printf "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>", lx, ly, col[(c - 1) % 10 + 1]
		printf "<text x=\"%.1f\" y=\"%d\">%s</text>\n", lx + 17, ly + 11, esc(clab[cfgs[c]])
	}
	# grid and y labels
	for (t = 1; t <= nt; t++) {
		v = ticks[t] + 0
		if (v < ymin || v > ymax) continue
		y = ypos(v)
		printf "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%s\"/>", x0, x1, y, y, v == 1 ? "#000" : "#ddd", v == 1 ? "1.5" : "1"
		printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s&#215;</text>\n", x0 - 6, y + 4, ticks[t]
	}
	printf "<text transform=\"translate(16,%d) rotate(-90)\" text-anchor=\"middle\">ratio to no engine (log scale)</text>\n", (y0 + y1) / 2
	for (o = 1; o <= no; o++) {
		op = ops[o]; gx = x0 + (o - 1) * gw + gw * 0.1
		if (o % 2 == 0)
			printf "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#000\" fill-opacity=\"0.03\"/>\n", x0 + (o - 1) * gw, y0, gw, y1 - y0
		for (c = 1; c <= nc; c++) {
			cf = cfgs[c]
			if (!((op, cf) in med)) continue
			bx = gx + (c - 1) * bw
			ya = ypos(1); yb = ypos(med[op, cf])
			top_y = ya < yb ? ya : yb; h = ya < yb ? yb - ya : ya - yb
			printf "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s, %s: %.2f (%.2f-%.2f)</title></rect>\n", bx, top_y, bw * 0.9, h < 1 ? 1 : h, col[(c - 1) % 10 + 1], esc(olab[op]), esc(clab[cf]), med[op, cf], mn[op, cf], mx[op, cf]
			cx = bx + bw * 0.45
			printf "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>", cx, cx, ypos(mn[op, cf]), ypos(mx[op, cf])
			printf "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>", cx - bw * 0.25, cx + bw * 0.25, ypos(mn[op, cf]), ypos(mn[op, cf])
			printf "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", cx - bw * 0.25, cx + bw * 0.25, ypos(mx[op, cf]), ypos(mx[op, cf])
		}
		n = split(olab[op], w, " ")
		line1 = w[1]; line2 = ""
		for (k = 2; k <= n; k++) line2 = line2 (line2 == "" ? "" : " ") w[k]
		printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-weight=\"bold\">%s</text>", x0 + (o - 0.5) * gw, y1 + 18, esc(line1)
		printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">%s</text>\n", x0 + (o - 0.5) * gw, y1 + 32, esc(line2)
	}
	printf "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n", x0, x0, y0, y1
	printf "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#555\">bars: median of the runs; whiskers: their minimum and maximum; against the no-engine runs just before and after, in the same boot</text>\n", x0, H - 12
	print "</svg>"
}' "$data" >"$out.tmp"
mv "$out.tmp" "$out"
