// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"
#include "rules.h"
#include "util.h"

void metrics_add(struct metrics *m, int cls, uint32_t decision, const char *rule,
		 uint64_t n)
{
	if (cls < 0 || cls >= BW_NCLASS || decision >= BW_NDECISION)
		return;
	m->by_class[cls][decision] += n;
	if (!rule)
		return;
	/* a storm is mostly one rule: the last entry counted first */
	if (m->last < m->n && m->rules[m->last].decision == decision &&
	    !strcmp(m->rules[m->last].rule, rule)) {
		m->rules[m->last].count += n;
		return;
	}
	/* then a linear scan: one entry per (rule, decision) seen */
	for (size_t i = 0; i < m->n; i++) {
		if (m->rules[i].decision == decision && !strcmp(m->rules[i].rule, rule)) {
			m->rules[i].count += n;
			m->last = i;
			return;
		}
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->rules = xreallocarray(m->rules, m->cap, sizeof(*m->rules));
	}
	m->rules[m->n].rule = xstrdup(rule);
	m->rules[m->n].decision = decision;
	m->rules[m->n].count = n;
	m->last = m->n++;
}

/* A label value: backslash, quote and newline escaped. */
static void label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
}

static void header(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
}

int metrics_write(const struct metrics *m, const struct metrics_extra *x,
		  const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err;

	if (!f)
		return -errno;
	header(f, "bulwark_decisions_total", "Decisions, by event class and decision (folded ones too).");
	for (int c = 0; c < BW_NCLASS; c++)
		for (int d = 0; d < BW_NDECISION; d++)
			fprintf(f, "bulwark_decisions_total{event=\"%s\",decision=\"%s\"} %llu\n",
				bw_class_name(c), bw_decision_name(d),
				(unsigned long long)m->by_class[c][d]);
	header(f, "bulwark_rule_decisions_total", "Decisions, by rule and decision (folded ones too).");
	for (size_t i = 0; i < m->n; i++) {
		fputs("bulwark_rule_decisions_total{rule=\"", f);
		label(f, m->rules[i].rule);
		fprintf(f, "\",decision=\"%s\"} %llu\n", bw_decision_name(m->rules[i].decision),
			(unsigned long long)m->rules[i].count);
	}
	header(f, "bulwark_lost_records_total", "Records lost in the kernel (ring buffer full).");
	for (int c = 0; c < BW_NCLASS; c++)
		fprintf(f, "bulwark_lost_records_total{event=\"%s\"} %llu\n", bw_class_name(c),
			(unsigned long long)(x->lost ? x->lost[c] : 0));
	header(f, "bulwark_log_bytes_total", "Bytes written to the audit log.");
	fprintf(f, "bulwark_log_bytes_total %llu\n", (unsigned long long)x->log_bytes);
	header(f, "bulwark_log_records_total", "Records written to the audit log.");
	fprintf(f, "bulwark_log_records_total %llu\n", (unsigned long long)x->log_records);
	header(f, "bulwark_log_write_errors_total", "Records the audit log could not take.");
	fprintf(f, "bulwark_log_write_errors_total %llu\n", (unsigned long long)x->log_errors);
	fprintf(f, "# HELP bulwark_policy_generation The live policy's generation.\n"
		   "# TYPE bulwark_policy_generation gauge\nbulwark_policy_generation %llu\n",
		(unsigned long long)x->generation);
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	/* readable by all, as a scraper expects, whatever the umask */
	err = write_file_replace(path, buf, len, 0644);
	free(buf);
	return err;
}

void metrics_free(struct metrics *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->rules[i].rule);
	free(m->rules);
	memset(m, 0, sizeof(*m));
}
