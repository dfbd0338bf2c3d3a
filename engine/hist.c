// SPDX-License-Identifier: GPL-2.0
/* log2 histograms for the summary tracers (tcprtt, ...). */
#include "hist.h"

static void slot_range(int i, unsigned long long *low, unsigned long long *high)
{
	*high = (1ULL << (i + 1)) - 1;
	*low = i ? 1ULL << i : 0;
}

/* width characters: '*' in proportion to val of max, '+' past it */
static void stars(FILE *out, uint32_t val, uint32_t max, int width)
{
	int n = (int)((uint64_t)(val < max ? val : max) * width / max);

	for (int i = 0; i < width; i++)
		fputc(i < n ? '*' : ' ', out);
	if (val > max)
		fputc('+', out);
}

void log2_hist_print(FILE *out, const uint32_t *slots, int n, const char *unit)
{
	int last = -1, wide;
	uint32_t max = 0;

	for (int i = 0; i < n; i++) {
		if (slots[i])
			last = i;
		if (slots[i] > max)
			max = slots[i];
	}
	if (last < 0)
		return;
	/* past 2^33 the bounds need 20 columns, and the stars make room */
	wide = last > 32;
	fprintf(out, "%*s%-*s : count    distribution\n", wide ? 15 : 5, "",
		wide ? 29 : 19, unit);
	for (int i = 0; i <= last; i++) {
		unsigned long long low, high;

		slot_range(i, &low, &high);
		fprintf(out, "%*llu -> %-*llu : %-8u |", wide ? 20 : 10, low,
			wide ? 20 : 10, high, slots[i]);
		stars(out, slots[i], max, wide ? 20 : 40);
		fputs("|\n", out);
	}
}

void log2_hist_json(struct json *j, const uint32_t *slots, int n)
{
	json_arr_begin(j);
	for (int i = 0; i < n; i++) {
		unsigned long long low, high;

		if (!slots[i])
			continue;
		slot_range(i, &low, &high);
		json_obj_begin(j);
		json_ku64(j, "low", low);
		json_ku64(j, "high", high);
		json_ku64(j, "count", slots[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
}
