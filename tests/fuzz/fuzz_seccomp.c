// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp profile export (engine/sc_profile.c): the input is a rule
 * file; when it is valid, the profile of its syscall rules is built (for
 * no program, or for /bin/sh, as `bulwark seccomp export --for`) and
 * written in every format.  Checked beyond the sanitizers: the OCI JSON
 * parses and gives each call the action the profile gives it; a profile
 * that builds can always be made into a filter (the bpf format).
 */
#include <json-c/json.h>
#include <seccomp.h>
#include <stdint.h>

#include "cli.h"
#include "fuzz.h"
#include "sc_profile.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	return 0;
}

/* An action as the OCI profile writes it: its name, and for errno its number. */
static uint32_t oci_action(json_object *o, const char *akey, const char *ekey)
{
	const char *name;
	json_object *v;

	if (!json_object_object_get_ex(o, akey, &v))
		fuzz_fail("oci: no %s", akey);
	name = json_object_get_string(v);
	if (!strcmp(name, "SCMP_ACT_ERRNO")) {
		if (!json_object_object_get_ex(o, ekey, &v))
			fuzz_fail("oci: errno without %s", ekey);
		return SCMP_ACT_ERRNO(json_object_get_int(v));
	}
	if (!strcmp(name, "SCMP_ACT_ALLOW"))
		return SCMP_ACT_ALLOW;
	if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
		return SCMP_ACT_KILL_PROCESS;
	if (!strcmp(name, "SCMP_ACT_LOG"))
		return SCMP_ACT_LOG;
	fuzz_fail("oci: action '%s'", name);
}

/* The OCI profile, read back: the same action for every call and the default. */
static void check_oci(const struct bw_sc_profile *p, const char *text)
{
	json_object *o = json_tokener_parse(text), *list, *names;
	size_t listed = 0;

	if (!o)
		fuzz_fail("oci: not JSON: %s", text);
	if (oci_action(o, "defaultAction", "defaultErrnoRet") != p->default_action)
		fuzz_fail("oci: the default action differs from the profile's");
	if (!json_object_object_get_ex(o, "syscalls", &list))
		fuzz_fail("oci: no syscalls");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *e = json_object_array_get_idx(list, i);
		uint32_t a = oci_action(e, "action", "errnoRet");

		if (!json_object_object_get_ex(e, "names", &names))
			fuzz_fail("oci: an entry without names");
		for (size_t k = 0; k < json_object_array_length(names); k++) {
			const char *n = json_object_get_string(json_object_array_get_idx(names, k));

			if (profile_action(p, n, NULL) != a)
				fuzz_fail("oci: %s has another action than the profile's", n);
			listed++;
		}
	}
	if (listed != p->n)
		fuzz_fail("oci: %zu calls listed, the profile has %zu", listed, p->n);
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size);
	struct bw_ruleset rs = { 0 };
	struct bw_sc_profile p;
	struct diag d = { 0 };
	char err[256], *text = NULL;
	size_t len = 0;
	FILE *mem;

	if (rules_load_path(&rs, path, &d) || rules_finish(&rs, &d))
		goto out;
	if (profile_build(&p, &rs, size && (data[0] & 1) ? "/bin/sh" : NULL, err,
			  sizeof(err)))
		goto out;
	mem = open_memstream(&text, &len);
	if (!mem)
		abort();
	if (profile_export(&p, "oci", mem, err, sizeof(err)))
		fuzz_fail("oci export failed: %s", err);
	fclose(mem);
	check_oci(&p, text);
	free(text);
	profile_export(&p, "systemd", devnull, err, sizeof(err));
	if (profile_export(&p, "bpf", devnull, err, sizeof(err)))
		fuzz_fail("a profile that builds cannot be made a filter: %s", err);
	profile_free(&p);
out:
	rules_free(&rs);
	diag_free(&d);
	return 0;
}
