// SPDX-License-Identifier: GPL-2.0
/* sigsnoop: signals generated, or sent with kill, tkill and tgkill (-k). */
#include <string.h>

#include "names.h"
#include "tracers.h"
#include "sigsnoop.skel.h"
#include "util.h"

_Static_assert(sizeof(struct tr_signal) == sizeof(struct tr_ident) + 32 + TR_COMM_LEN,
	       "struct tr_signal: padding changed");

static const char *const calls[] = {
	[TR_SIG_GENERATE] = "signal_generate", [TR_SIG_KILL] = "kill",
	[TR_SIG_TKILL] = "tkill", [TR_SIG_TGKILL] = "tgkill",
};

/* enum trace_signal_result (include/trace/events/signal.h) */
static const char *const results[] = {
	[TR_SIG_DELIVERED] = "delivered", [TR_SIG_IGNORED] = "ignored",
	[TR_SIG_ALREADY_PENDING] = "already_pending",
	[TR_SIG_OVERFLOW_FAIL] = "overflow_fail", [TR_SIG_LOSE_INFO] = "lose_info",
};

static const char *pick(const char *const *names, size_t n, long i)
{
	return i >= 0 && (size_t)i < n && names[i] ? names[i] : "?";
}

/* si_code values every signal shares (include/uapi/asm-generic/siginfo.h) */
static const char *code_name(int code)
{
	switch (code) {
	case 0: return "SI_USER";
	case 0x80: return "SI_KERNEL";
	case -1: return "SI_QUEUE";
	case -2: return "SI_TIMER";
	case -3: return "SI_MESGQ";
	case -4: return "SI_ASYNCIO";
	case -5: return "SI_SIGIO";
	case -6: return "SI_TKILL";
	case -7: return "SI_DETHREAD";
	case -60: return "SI_ASYNCNL";
	}
	return NULL;	/* > 0: the signal's own codes (SEGV_MAPERR, CLD_EXITED...) */
}

/* "SIGUSR1"; 0 (kill's existence check, no signal) as "0" */
static const char *sig_str(int sig, char *buf, size_t len)
{
	if (sig <= 0) {
		snprintf(buf, len, "%d", sig);
		return buf;
	}
	return signal_name(sig, buf, len);
}

static void signal_json(struct json *j, const void *rec)
{
	const struct tr_signal *e = rec;
	char sb[32];

	json_kstr(j, "call", pick(calls, ARRAY_SIZE(calls), e->call));
	json_ki64(j, "sig", e->sig);
	json_key(j, "signal");
	json_str(j, e->sig > 0 ? signal_name(e->sig, sb, sizeof(sb)) : NULL);
	json_ki64(j, "target_pid", e->target_pid);
	if (e->call == TR_SIG_TGKILL)
		json_ki64(j, "target_tgid", e->target_tgid);
	if (e->have_comm) {
		json_key(j, "target_comm");
		json_strn(j, e->target_comm, sizeof(e->target_comm));
	}
	if (e->call == TR_SIG_GENERATE) {
		json_kbool(j, "group", e->group);
		json_ki64(j, "code", e->code);
		if (code_name(e->code))
			json_kstr(j, "code_str", code_name(e->code));
	}
	if (e->have_result)
		json_kstr(j, "result", pick(results, ARRAY_SIZE(results), e->result));
	json_ki64(j, "ret", e->ret);
	if (e->ret < 0 && errno_symbol(-e->ret))
		json_kstr(j, "errno", errno_symbol(-e->ret));
}

static void signal_row(FILE *out, const void *rec)
{
	const struct tr_signal *e = rec;
	char sb[32];
	const char *res;

	if (e->ret < 0)
		res = errno_symbol(-e->ret) ? errno_symbol(-e->ret) : "error";
	else
		res = e->have_result ? pick(results, ARRAY_SIZE(results), e->result) : "0";
	fprintf(out, "%-7u %-15s %-3d %-9s %-7d %-16.*s %s", e->h.tid,
		pick(calls, ARRAY_SIZE(calls), e->call), e->sig,
		sig_str(e->sig, sb, sizeof(sb)), e->target_pid, TR_COMM_LEN,
		e->have_comm ? e->target_comm : "-", res);
}

static const struct tr_variant variants[] = {
	{ "tracepoint signal:signal_generate", "tp_generate" },
	{ "raw_tp signal:signal_generate", "raw_generate" },
	{ "tracepoint syscalls:sys_{enter,exit}_{kill,tkill,tgkill} + signal:signal_generate",
	  "kill_enter tkill_enter tgkill_enter kill_exit tkill_exit tgkill_exit "
	  "tp_generate_in_call", .alt = true },
	{ "raw_tp raw_syscalls:sys_enter/sys_exit (64-bit calls) + signal:signal_generate",
	  "raw_enter raw_exit raw_generate_in_call", .alt = true },
	{ NULL },
};

TRACER_SKEL(sigsnoop)

const struct tracer_desc sigsnoop_tracer = {
	.name = "sigsnoop",
	.summary = "Signals as they are generated: sender, signal, target and what "
		   "became of it; with -k the kill, tkill and tgkill calls and their result",
	.variants = variants,
	.rec_size = sizeof(struct tr_signal),
	TRACER_SKEL_OPS(sigsnoop),
	.json = signal_json,
	.columns = "TID     CALL            SIG NAME      TPID    TCOMM            RESULT",
	.row = signal_row,
	.has_result = true,
	.mode_opt = 'k',
	.mode_long = "kill",
	.mode_help = "the kill, tkill and tgkill calls (with their errors)",
	.notes =
	"signal_generate sees every signal that reaches a task, also those the\n"
	"kernel sends (SIGCHLD, SIGSEGV, timers); PID/COMM are the task running\n"
	"when it was generated.  It does not see calls refused before that (EPERM,\n"
	"ESRCH): -k does.  With -k, TCOMM and RESULT come from the signal_generate\n"
	"inside the call, when it got that far and named one target (pid > 0).\n"
	"-x: without -k, signals not delivered as sent (ignored, already pending,\n"
	"queue overflow, info lost); with -k, calls that failed.\n",
};
