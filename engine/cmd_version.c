// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli.h"
#include "engine.h"
#include "json.h"
#include "kernel.h"
#include "protect.h"

/* What this kernel supports, as found by really loading when root. */
struct support {
	char release[128];
	bool btf;
	bool ia32;		/* the kernel runs i386 code */
	int lsm_active;
	char lsm_list[256];
	bool tried_load;
	bool lsm_loads;
	char why[1024];
	struct prog_status progs[ENGINE_MAX_PROGS];
	int nprogs;
};

static void probe(struct support *s, bool verbose)
{
	struct utsname u;
	struct bw_engine e;
	int err;

	memset(s, 0, sizeof(*s));
	if (!uname(&u))
		snprintf(s->release, sizeof(s->release), "%s", u.release);
	s->btf = kernel_has_btf();
	s->ia32 = kernel_runs_ia32();
	s->lsm_active = kernel_bpf_lsm_active(s->lsm_list, sizeof(s->lsm_list));
	if (geteuid() != 0) {
		snprintf(s->why, sizeof(s->why),
			 "not root: LSM program loading not tried");
		return;
	}
	s->tried_load = true;
	err = engine_load(&e, true, verbose);
	if (!err)
		err = engine_attach(&e);
	s->lsm_loads = !err;
	if (err)
		snprintf(s->why, sizeof(s->why), "%s", e.why[0] ? e.why : strerror(-err));
	memcpy(s->progs, e.progs, sizeof(s->progs));
	s->nprogs = e.nprogs;
	engine_close(&e);
}

/* What protect = yes can guard on this kernel, hook by hook. */
static void print_protection(const struct protect_support *p)
{
	unsigned int have = 0;

	for (unsigned int i = 0; i < p->nhooks; i++)
		have += !!(p->hooks & (1u << i));
	if (!p->lsm_loads)
		printf("Protection      unavailable: protect = yes needs LSM programs, which "
		       "cannot load here (%u of %u hooks in BTF)\n", have, p->nhooks);
	else
		printf("Protection      %s (%u of %u hooks)%s\n",
		       have == p->nhooks ? "complete" : have ? "partial" : "none", have,
		       p->nhooks, p->lsm_loads < 0 ? ", if LSM programs load (not tried)" : "");
	printf("  bpf hook      %s\n", p->bpf_args == 3 ? "3 arguments (cmd, attr, size)" :
	       p->bpf_args == 4 ? "4 arguments (cmd, attr, size, kernel: 6.18 and later)" :
	       "absent: bpf() is not guarded");
	for (unsigned int i = 0; i < p->nhooks; i++)
		printf("  guard %-22s %s\n", protect_hook_name(i),
		       p->hooks & (1u << i) ? "yes" : "no (hook not in this kernel)");
}

int do_version(int argc, char **argv, struct bw_opts *o)
{
	struct support s;
	struct protect_support prot;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: bulwark version [--json]\n\n"
		       "Print the version and what this kernel supports: BTF, whether\n"
		       "BPF LSM is active, and (as root) whether the LSM programs\n"
		       "really load and which hooks attach.\n");
		return 0;
	}
	if (argc > 1 && (!strcmp(argv[1], "--json") || !strcmp(argv[1], "-j"))) {
		o->json = true;
		out_json_errors(true);
	}
	probe(&s, o->verbose);
	protect_probe(&prot);
	prot.lsm_loads = s.tried_load ? s.lsm_loads : -1;
	if (o->json) {
		struct json j;

		json_init(&j);
		json_obj_begin(&j);
		json_kstr(&j, "version", BW_VERSION);
		json_kstr(&j, "kernel", s.release);
		json_kbool(&j, "btf", s.btf);
		json_kbool(&j, "ia32", s.ia32);
		json_kstr(&j, "lsm_list", s.lsm_list);
		json_kbool(&j, "bpf_lsm_active", s.lsm_active == 1);
		json_key(&j, "lsm_programs_load");
		if (s.tried_load)
			json_boolean(&j, s.lsm_loads);
		else
			json_null(&j);
		if (!s.lsm_loads)
			json_kstr(&j, "reason", s.why);
		json_key(&j, "hooks");
		json_obj_begin(&j);
		for (int i = 0; i < s.nprogs; i++)
			if (s.progs[i].role == ROLE_LSM)
				json_kstr_rt(&j, s.progs[i].hook,
					  prog_state_name(s.progs[i].state));
		json_obj_end(&j);
		json_key(&j, "protection");
		protect_support_json(&prot, &j);
		json_obj_end(&j);
		json_write_line(&j, stdout);
		json_free(&j);
		return 0;
	}
	printf("bulwark %s\n", BW_VERSION);
	printf("kernel          %s\n", s.release);
	printf("BTF             %s\n", s.btf ? "yes" : "no (CONFIG_DEBUG_INFO_BTF needed)");
	printf("i386 calls      %s\n", s.ia32 ?
	       "run (audit-only mode decides their IPC and mount calls at sys_enter)" :
	       "not run by this kernel (int $0x80 faults)");
	printf("LSM list        %s\n", s.lsm_list[0] ? s.lsm_list : "(unreadable)");
	printf("BPF LSM active  %s\n", s.lsm_active == 1 ? "yes" : "no");
	printf("LSM programs    %s\n", !s.tried_load ? "not tried (needs root)" :
	       s.lsm_loads ? "load and attach" : "cannot enforce");
	if (!s.lsm_loads)
		printf("                %s\n", s.why);
	for (int i = 0; i < s.nprogs; i++)
		if (s.progs[i].role == ROLE_LSM)
			printf("  hook %-22s %s\n", s.progs[i].hook,
			       prog_state_name(s.progs[i].state));
	print_protection(&prot);
	return 0;
}
