// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of any program at sys_enter: attaches a raw tracepoint program
 * that returns at once (r0 = 0; exit) and holds it until killed, so that
 * the syscall bench can measure what attaching there costs before a
 * program does anything.
 *   sysfloor
 * Prints "attached" once the program runs on every syscall.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

int main(void)
{
	const struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd, link;

	fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "bw_floor", "GPL", prog,
			   sizeof(prog) / sizeof(prog[0]), NULL);
	if (fd < 0) {
		fprintf(stderr, "sysfloor: loading the program failed: %s\n", strerror(-fd));
		return 1;
	}
	link = bpf_raw_tracepoint_open("sys_enter", fd);
	if (link < 0) {
		fprintf(stderr, "sysfloor: attaching at sys_enter failed: %s\n", strerror(-link));
		return 1;
	}
	printf("attached\n");
	if (fflush(stdout) != 0)
		return 1;
	for (;;)
		pause();
}
