// SPDX-License-Identifier: GPL-2.0
/* capable: capability checks with the capability, the options and who said no. */
#include <ctype.h>
#include <string.h>

#include "names.h"
#include "tracers.h"
#include "capable.skel.h"
#include "util.h"

_Static_assert(sizeof(struct tr_capable) == sizeof(struct tr_ident) + 24,
	       "struct tr_capable: padding changed");

#define CAP_OPT_NOAUDIT	(1 << 1)	/* include/linux/security.h */

static const char *const verdicts[] = {
	[TR_CAP_ALLOWED] = "allowed", [TR_CAP_DENIED_KERNEL] = "denied-kernel",
	[TR_CAP_DENIED_LSM] = "denied-lsm", [TR_CAP_DENIED] = "denied",
};

static const char *const vias[] = {
	[TR_CAP_VIA_FEXIT] = "fexit", [TR_CAP_VIA_TP_BTF] = "tp_btf",
	[TR_CAP_VIA_RAW_TP] = "raw_tp", [TR_CAP_VIA_TRACEPOINT] = "tracepoint",
	[TR_CAP_VIA_KPROBE] = "kprobe",
};

static const char *pick(const char *const *names, size_t n, unsigned int i)
{
	return i < n && names[i] ? names[i] : "?";
}

/* "CAP_SYS_ADMIN", as capabilities(7) spells it */
static const char *cap_upper(int cap, char *buf, size_t len)
{
	if (cap < 0) {
		snprintf(buf, len, "%d", cap);
		return buf;
	}
	cap_name(cap, buf, len);
	for (char *p = buf; *p; p++)
		*p = toupper((unsigned char)*p);
	return buf;
}

static void capable_json(struct json *j, const void *rec)
{
	const struct tr_capable *e = rec;
	char nb[32];

	json_ki64(j, "cap", e->cap);
	json_kstr(j, "cap_name", cap_upper(e->cap, nb, sizeof(nb)));
	json_key(j, "audit");
	if (e->have_opts)
		json_boolean(j, !(e->opts & CAP_OPT_NOAUDIT));
	else
		json_null(j);
	json_kstr(j, "verdict", pick(verdicts, ARRAY_SIZE(verdicts), e->verdict));
	json_ki64(j, "ret", e->ret);
	json_kstr(j, "via", pick(vias, ARRAY_SIZE(vias), e->via));
	json_ku64(j, "target_userns", e->target_userns);
}

static void capable_row(FILE *out, const void *rec)
{
	const struct tr_capable *e = rec;
	char nb[32];

	fprintf(out, "%-6u %-4d %-20s %-5s %s", e->h.uid, e->cap,
		cap_upper(e->cap, nb, sizeof(nb)),
		!e->have_opts ? "-" : (e->opts & CAP_OPT_NOAUDIT) ? "0" : "1",
		pick(verdicts, ARRAY_SIZE(verdicts), e->verdict));
}

static const struct tr_variant variants[] = {
	{ "fexit security_capable + cap_capable (kernel and LSM verdicts)",
	  "fe_security_capable fx_security_capable fx_cap_capable" },
	{ "tp_btf capability:cap_capable (kernel verdict only)", "btf_cap_capable" },
	{ "raw_tp capability:cap_capable (kernel verdict only)", "raw_cap_capable" },
	{ "tracepoint capability:cap_capable (kernel verdict only)", "tp_cap_capable" },
	{ "kprobe security_capable + cap_capable (kernel and LSM verdicts)",
	  "kp_security_capable kr_security_capable kp_cap_capable kr_cap_capable" },
	{ NULL },
};

TRACER_SKEL(capable)

const struct tracer_desc capable_tracer = {
	.name = "capable",
	.summary = "Capability checks: the capability, whether they are audited, "
		   "and who refused (the kernel or an LSM)",
	.variants = variants,
	.rec_size = sizeof(struct tr_capable),
	TRACER_SKEL_OPS(capable),
	.json = capable_json,
	.columns = "UID    CAP  NAME                 AUDIT VERDICT",
	.row = capable_row,
	.has_result = true,
	.notes =
	"Verdicts: allowed; denied-kernel (commoncap: the task lacks the capability);\n"
	"denied-lsm (commoncap allowed it, a later LSM such as a bulwark deny rule\n"
	"refused); denied (refused, but the tracer lost track of the call).\n"
	"The tracepoint methods see commoncap's answer only: a check an LSM refuses\n"
	"after commoncap allowed it shows as allowed, and AUDIT is unknown (-).\n"
	"-x shows refused checks only.\n",
};
