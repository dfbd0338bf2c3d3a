// SPDX-License-Identifier: GPL-2.0
/*
 * One operation N times, for tests/bench/classify.sh: each passes one of
 * the audit-only programs that run the decision path where LSM programs
 * are refused.
 *   classloop setuid N    setuid(0) as root (raw_tp/cap_capable)
 *   classloop kill N      kill(self, SIGURG) (raw_tp/signal_generate)
 *   classloop shmat N     shmat + shmdt of a private segment
 *                         (tp/syscalls/sys_enter_shmat)
 * Exits 0 when every call succeeded.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/shm.h>

static int one(const char *op, pid_t me, int id)
{
	void *p;

	if (!strcmp(op, "setuid"))
		return setuid(0);
	if (!strcmp(op, "kill"))
		return kill(me, SIGURG);
	p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		return -1;
	return shmdt(p);
}

int main(int argc, char **argv)
{
	long n = argc == 3 ? atol(argv[2]) : 0;
	pid_t me = getpid();
	int id = -1, r = 0;

	if (argc != 3 || n <= 0 || (strcmp(argv[1], "setuid") && strcmp(argv[1], "kill") &&
		       strcmp(argv[1], "shmat"))) {
		fprintf(stderr, "usage: classloop setuid|kill|shmat N\n");
		return 2;
	}
	if (signal(SIGURG, SIG_IGN) == SIG_ERR) {
		perror("signal");
		return 1;
	}
	if (!strcmp(argv[1], "shmat")) {
		id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		if (id < 0) {
			perror("shmget");
			return 1;
		}
	}
	for (long i = 0; i < n && !r; i++)
		r = one(argv[1], me, id);
	if (r)
		perror(argv[1]);
	if (id >= 0 && shmctl(id, IPC_RMID, NULL) < 0) {
		perror("shmctl");
		r = -1;
	}
	return r ? 1 : 0;
}
