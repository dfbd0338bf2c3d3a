// SPDX-License-Identifier: GPL-2.0
/* ipc: System V IPC permission checks, or the IPC calls with their result. */
#include <string.h>

#include "names.h"
#include "tracers.h"
#include "ipc.skel.h"
#include "util.h"

_Static_assert(sizeof(struct tr_ipc) == sizeof(struct tr_ident) + 72,
	       "struct tr_ipc: padding changed");

static const char *const objs[] = {
	[TR_IPC_SHM] = "shm", [TR_IPC_MSG] = "msg", [TR_IPC_SEM] = "sem",
};

static const char *const calls[] = {
	[TR_IPC_SHMGET] = "shmget", [TR_IPC_SHMAT] = "shmat", [TR_IPC_SHMCTL] = "shmctl",
	[TR_IPC_SHMDT] = "shmdt", [TR_IPC_MSGGET] = "msgget", [TR_IPC_MSGSND] = "msgsnd",
	[TR_IPC_MSGRCV] = "msgrcv", [TR_IPC_MSGCTL] = "msgctl", [TR_IPC_SEMGET] = "semget",
	[TR_IPC_SEMOP] = "semop", [TR_IPC_SEMTIMEDOP] = "semtimedop",
	[TR_IPC_SEMCTL] = "semctl",
};

static const char *const accesses[] = { "", "r", "w", "rw" };

/* include/uapi/linux/{ipc,shm,msg,sem}.h */
static const char *ctl_name(unsigned int obj, int cmd)
{
	static const char *const common[] = { "IPC_RMID", "IPC_SET", "IPC_STAT", "IPC_INFO" };
	static const char *const shm[] = {
		[11] = "SHM_LOCK", "SHM_UNLOCK", "SHM_STAT", "SHM_INFO", "SHM_STAT_ANY",
	};
	static const char *const msg[] = { [11] = "MSG_STAT", "MSG_INFO", "MSG_STAT_ANY" };
	static const char *const sem[] = {
		[11] = "GETPID", "GETVAL", "GETALL", "GETNCNT", "GETZCNT", "SETVAL",
		"SETALL", "SEM_STAT", "SEM_INFO", "SEM_STAT_ANY",
	};

	if (cmd >= 0 && (size_t)cmd < ARRAY_SIZE(common))
		return common[cmd];
	if (obj == TR_IPC_SHM && cmd > 0 && (size_t)cmd < ARRAY_SIZE(shm))
		return shm[cmd];
	if (obj == TR_IPC_MSG && cmd > 0 && (size_t)cmd < ARRAY_SIZE(msg))
		return msg[cmd];
	if (obj == TR_IPC_SEM && cmd > 0 && (size_t)cmd < ARRAY_SIZE(sem))
		return sem[cmd];
	return NULL;
}

static const char *name_of(const char *const *names, size_t n, unsigned int i)
{
	return i < n ? names[i] : NULL;
}

static bool is_ctl(unsigned int call)
{
	return call == TR_IPC_SHMCTL || call == TR_IPC_MSGCTL || call == TR_IPC_SEMCTL;
}

static bool has_flags(unsigned int call)
{
	return call == TR_IPC_SHMGET || call == TR_IPC_MSGGET || call == TR_IPC_SEMGET ||
	       call == TR_IPC_SHMAT || call == TR_IPC_MSGSND || call == TR_IPC_MSGRCV;
}

static bool knows_mode(const struct tr_ipc *e)
{
	return e->have_perm || (e->via == TR_IPC_VIA_SYSCALL &&
		(e->call == TR_IPC_SHMGET || e->call == TR_IPC_MSGGET ||
		 e->call == TR_IPC_SEMGET));
}

static void kstr_or_null(struct json *j, const char *key, const char *s)
{
	json_key_rt(j, key);
	if (s)
		json_str(j, s);
	else
		json_null(j);
}

static void ipc_json(struct json *j, const void *rec)
{
	const struct tr_ipc *e = rec;
	const char *call = name_of(calls, ARRAY_SIZE(calls), e->call);
	char buf[32];

	kstr_or_null(j, "obj", name_of(objs, ARRAY_SIZE(objs), e->obj));
	json_key(j, "key");
	if (e->have_key)
		json_i64(j, e->key);
	else
		json_null(j);
	json_key(j, "id");
	if (e->have_id)
		json_i64(j, e->id);
	else
		json_null(j);
	kstr_or_null(j, "access", e->access ? accesses[e->access & 3] : NULL);
	if (e->have_perm) {
		json_ku64(j, "cuid", e->cuid);
		json_ku64(j, "cgid", e->cgid);
		json_ku64(j, "ouid", e->ouid);
		json_ku64(j, "ogid", e->ogid);
	}
	if (knows_mode(e)) {
		snprintf(buf, sizeof(buf), "%04o", e->mode & 07777);
		json_kstr(j, "mode", buf);
	}
	json_kstr(j, "via", e->via == TR_IPC_VIA_LSM ? "lsm" : "syscall");
	if (call)
		json_kstr(j, "call", call);
	if (is_ctl(e->call))
		kstr_or_null(j, "cmd", ctl_name(e->obj, e->cmd));
	if (e->via == TR_IPC_VIA_SYSCALL && has_flags(e->call))
		json_ku64(j, "flags", e->flags);
	if (e->call == TR_IPC_SHMAT && e->ret > 0) {
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)e->ret);
		json_kstr(j, "addr", buf);
	} else if (e->call == TR_IPC_SHMDT) {
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)e->addr);
		json_kstr(j, "addr", buf);
	}
	if (e->via == TR_IPC_VIA_SYSCALL || e->have_ret) {
		json_ki64(j, "ret", e->ret);
		if (e->ret < 0 && e->ret > -4096 && errno_symbol(-e->ret))
			json_kstr(j, "errno", errno_symbol(-e->ret));
	}
}

static void ipc_row(FILE *out, const void *rec)
{
	const struct tr_ipc *e = rec;
	const char *obj = name_of(objs, ARRAY_SIZE(objs), e->obj);
	const char *call = name_of(calls, ARRAY_SIZE(calls), e->call);
	char key[16] = "-", id[16] = "-", mode[8] = "-", cuid[16] = "-", ret[24] = "-";

	if (e->have_key)
		snprintf(key, sizeof(key), "0x%08x", (unsigned int)e->key);
	if (e->have_id)
		snprintf(id, sizeof(id), "%d", e->id);
	if (knows_mode(e))
		snprintf(mode, sizeof(mode), "%04o", e->mode & 07777);
	if (e->have_perm)
		snprintf(cuid, sizeof(cuid), "%u", e->cuid);
	if (e->via == TR_IPC_VIA_SYSCALL || e->have_ret)
		snprintf(ret, sizeof(ret), e->ret > 4096 ? "0x%llx" : "%lld",
			 (long long)e->ret);
	fprintf(out, "%-3s %-10s %-8s %-6s %-4s %-6s %-10s %s", obj ? obj : "?", key, id,
		e->access ? accesses[e->access & 3] : "-", mode, cuid, call ? call : "-", ret);
}

static const struct tr_variant variants[] = {
	{ "lsm ipc_permission (every permission check)", "lsm_ipc_permission" },
	{ "tracepoint syscalls:sys_{enter,exit}_{shm,msg,sem}* (64-bit calls)",
	  "shmget_enter shmat_enter shmctl_enter shmdt_enter msgget_enter msgsnd_enter "
	  "msgrcv_enter msgctl_enter semget_enter semop_enter semtimedop_enter "
	  "semctl_enter shmget_exit shmat_exit shmctl_exit shmdt_exit msgget_exit "
	  "msgsnd_exit msgrcv_exit msgctl_exit semget_exit semop_exit "
	  "semtimedop_exit semctl_exit" },
	{ NULL },
};

TRACER_SKEL(ipc)

const struct tracer_desc ipc_tracer = {
	.name = "ipc",
	.summary = "System V IPC: shared memory, message queues and semaphores, "
		   "with the object, its creator and the access asked for",
	.variants = variants,
	.rec_size = sizeof(struct tr_ipc),
	TRACER_SKEL_OPS(ipc),
	.json = ipc_json,
	.columns = "OBJ KEY        ID       ACCESS MODE CUID   CALL       RET",
	.row = ipc_row,
	.has_result = true,
	.notes =
	"lsm: one record per permission check (opening an existing key, shmat,\n"
	"msgsnd, msgrcv, semop, the *ctl commands that read or set values);\n"
	"creating an object, shmdt and IPC_RMID/IPC_SET (owner checks) are not\n"
	"permission checks and do not show.  -x: checks an earlier BPF LSM\n"
	"program refused.  Needs bpf in /sys/kernel/security/lsm.\n"
	"tracepoint: one record per call with its result (-x: failed calls);\n"
	"the object's creator and mode are read while the call runs.\n",
};
