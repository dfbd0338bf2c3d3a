// SPDX-License-Identifier: GPL-2.0
/* The status file: one writer, one reader, one format (status.h). */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "json.h"
#include "logread.h"
#include "rules.h"
#include "status.h"
#include "util.h"

static void log_json(struct json *j, const struct bw_status *s)
{
	json_key(j, "log");
	json_obj_begin(j);
	json_kstr(j, "path", s->log.path);
	json_ku64(j, "records", s->log.records);
	json_ku64(j, "bytes", s->log.bytes);
	json_ku64(j, "write_errors", s->log.write_errors);
	json_ku64(j, "unwritten", s->log.unwritten);
	json_kstr(j, "state", s->log.state);
	json_ku64(j, "rotations", s->log.rotations);
	json_obj_end(j);
}

static void lost_json(struct json *j, const struct bw_status *s)
{
	json_key(j, "lost");
	json_obj_begin(j);
	for (int c = 0; c < BW_NCLASS; c++) {
		if (!s->lost[c].present)
			continue;
		json_key_rt(j, bw_class_name(c));
		json_obj_begin(j);
		json_ku64(j, "total", s->lost[c].total);
		json_key(j, "per_cpu");
		json_arr_begin(j);
		for (size_t i = 0; i < s->lost[c].ncpu; i++)
			json_u64(j, s->lost[c].per_cpu[i]);
		json_arr_end(j);
		json_obj_end(j);
	}
	json_obj_end(j);
}

/* The tracers of the policy: attached (how, records lost) or failed (why). */
static void tracers_json(struct json *j, const struct bw_status *s)
{
	json_key(j, "tracers");
	json_obj_begin(j);
	for (size_t i = 0; i < s->ntracers; i++) {
		const struct bw_status_tracer *t = &s->tracers[i];

		json_key_rt(j, t->name);
		json_obj_begin(j);
		json_kstr(j, "state", t->attached ? "attached" : "failed");
		if (t->attached) {
			json_kstr(j, "mechanism", t->mechanism);
			json_ku64(j, "lost", t->lost);
		} else {
			json_kstr(j, "error", t->error);
		}
		json_obj_end(j);
	}
	json_obj_end(j);
}

void status_json_fields(struct json *j, const struct bw_status *s)
{
	json_ku64(j, "pid", (uint64_t)s->pid);
	json_ki64(j, "updated", s->updated);
	json_kbool(j, "enforcing", s->enforcing);
	if (!s->enforcing)
		json_kstr(j, "reason", s->reason);
	json_ku64(j, "generation", s->generation);
	if (s->has_policy) {
		json_kstr(j, "policy_hash", s->policy_hash);
		json_ku64(j, "rules", s->rules);
		json_kstr(j, "mode", s->mode);
	}
	json_ku64(j, "decisions", s->decisions);
	log_json(j, s);
	lost_json(j, s);
	tracers_json(j, s);
	json_key(j, "programs");
	json_obj_begin(j);
	for (size_t i = 0; i < s->nprogs; i++)
		json_kstr_rt(j, s->progs[i].prog, s->progs[i].state);
	json_obj_end(j);
}

int status_write(const char *path, const struct bw_status *s)
{
	struct json j;
	int err;

	json_init(&j);
	json_obj_begin(&j);
	status_json_fields(&j, s);
	json_obj_end(&j);
	json_newline(&j);
	err = write_file_replace(path, j.buf, j.len, 0644);
	json_free(&j);
	return err;
}

static int status_from(struct json_object *o, struct bw_status *s);

static uint64_t get_u64(struct json_object *o, const char *path)
{
	return (uint64_t)json_get_int(o, path, 0);
}

static void lost_read(struct bw_status *s, struct json_object *lost)
{
	if (!lost || !json_object_is_type(lost, json_type_object))
		return;
	for (int c = 0; c < BW_NCLASS; c++) {
		struct json_object *v = json_get(lost, bw_class_name(c)), *pc;

		if (!v)
			continue;
		s->lost[c].present = true;
		s->lost[c].total = get_u64(v, "total");
		pc = json_get(v, "per_cpu");
		if (!pc || !json_object_is_type(pc, json_type_array))
			continue;
		s->lost[c].ncpu = json_object_array_length(pc);
		s->lost[c].per_cpu = xcalloc(s->lost[c].ncpu + 1, sizeof(uint64_t));
		for (size_t i = 0; i < s->lost[c].ncpu; i++)
			s->lost[c].per_cpu[i] =
				(uint64_t)json_object_get_int64(json_object_array_get_idx(pc, i));
	}
}

static void tracers_read(struct bw_status *s, struct json_object *tr)
{
	if (!tr || !json_object_is_type(tr, json_type_object))
		return;
	s->tracers = xcalloc(json_object_object_length(tr) + 1, sizeof(*s->tracers));
	json_object_object_foreach(tr, name, v) {
		struct bw_status_tracer *t = &s->tracers[s->ntracers++];
		const char *state = json_get_str(v, "state");

		t->name = name;
		t->attached = state && !strcmp(state, "attached");
		t->mechanism = json_get_str(v, "mechanism");
		t->lost = get_u64(v, "lost");
		t->error = json_get_str(v, "error");
	}
}

static void progs_read(struct bw_status *s, struct json_object *pr)
{
	if (!pr || !json_object_is_type(pr, json_type_object))
		return;
	s->progs = xcalloc(json_object_object_length(pr) + 1, sizeof(*s->progs));
	json_object_object_foreach(pr, name, v) {
		s->progs[s->nprogs].prog = name;
		s->progs[s->nprogs++].state = json_object_get_string(v);
	}
}

int status_read(const char *path, struct bw_status *s)
{
	struct json_object *o = json_object_from_file(path);

	memset(s, 0, sizeof(*s));
	if (!o)
		return -1;
	return status_from(o, s);
}

int status_parse(struct json_object *o, struct bw_status *s)
{
	memset(s, 0, sizeof(*s));
	if (!o || !json_object_is_type(o, json_type_object))
		return -1;
	return status_from(json_object_get(o), s);
}

/* s from the object o, which it keeps (s->raw). */
static int status_from(struct json_object *o, struct bw_status *s)
{
	s->raw = o;
	s->pid = json_get_int(o, "pid", -1);
	s->updated = json_get_int(o, "updated", 0);
	s->enforcing = json_object_get_boolean(json_get(o, "enforcing"));
	s->reason = json_get_str(o, "reason");
	s->generation = get_u64(o, "generation");
	s->policy_hash = json_get_str(o, "policy_hash");
	s->rules = get_u64(o, "rules");
	s->mode = json_get_str(o, "mode");
	s->has_policy = s->policy_hash != NULL;
	s->decisions = get_u64(o, "decisions");
	s->log.path = json_get_str(o, "log.path");
	s->log.state = json_get_str(o, "log.state");
	s->log.records = get_u64(o, "log.records");
	s->log.bytes = get_u64(o, "log.bytes");
	s->log.write_errors = get_u64(o, "log.write_errors");
	s->log.unwritten = get_u64(o, "log.unwritten");
	s->log.rotations = get_u64(o, "log.rotations");
	lost_read(s, json_get(o, "lost"));
	tracers_read(s, json_get(o, "tracers"));
	progs_read(s, json_get(o, "programs"));
	return 0;
}

void status_free(struct bw_status *s)
{
	for (int c = 0; c < BW_NCLASS; c++)
		free(s->lost[c].per_cpu);
	free(s->tracers);
	free(s->progs);
	if (s->raw)
		json_object_put(s->raw);
	memset(s, 0, sizeof(*s));
}
