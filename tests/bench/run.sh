#!/bin/sh
# make bench: the cost of a decision against the number of rules, measured
# in Debian's stock kernel under QEMU (tests/vm/bench.sh).  Under TCG
# absolute times are those of an emulated CPU: read the ratios, which are
# measured against a baseline in the same run.
#   tests/bench/run.sh BULWARK BWTEST
set -u
out=$(mktemp)
BW_VM_SCENARIOS=bench BW_VM_LOG=${BW_VM_LOG:-/tmp/bulwark-bench-console.log} \
	tests/vm/run.sh "$1" "$2" | tee "$out"
grep -q '^PASS: vm/bench' "$out" || { rm -f "$out"; exit 1; }
awk '
	/^BENCH: / {
		for (i = 2; i <= NF; i++) { split($i, kv, /[=:]/); v[$2, kv[1]] = kv[2] }
		for (i = 2; i <= NF; i++) if ($i ~ /^"runs"/) { split($i, a, ":"); runs[$2] = a[2] }
		label[$2] = 1
		if (match($0, /"runs":[0-9]+/)) runs[$2] = substr($0, RSTART + 7, RLENGTH - 7)
		if (match($0, /"run_ns":[0-9]+/)) rns[$2] = substr($0, RSTART + 9, RLENGTH - 9)
		if (match($0, /"insns":[0-9]+/)) ins[$2] = substr($0, RSTART + 8, RLENGTH - 8)
		if (match($0, /ns_per_call=[0-9]+/)) call[$2] = substr($0, RSTART + 12, RLENGTH - 12)
	}
	END {
		b = call["baseline"]; o = call["one"]; m = call["many"]
		printf "\nsocket(SOCK_RAW) per call: no engine %d ns, 1 rule %d ns, 4096 rules %d ns\n", b, o, m
		printf "ratio 1 rule / no engine:     %.2f\n", o / b
		printf "ratio 4096 rules / 1 rule:    %.2f\n", m / o
		if (runs["one"] && runs["many"]) {
			p1 = rns["one"] / runs["one"]; p2 = rns["many"] / runs["many"]
			printf "capable hook per run: 1 rule %.0f ns, 4096 rules %.0f ns (ratio %.2f); program %d and %d instructions\n",
				p1, p2, p2 / p1, ins["one"], ins["many"]
		}
		be = call["exec-baseline"]; bx = call["exec-bprm"]
		if (be && bx)
			printf "\nfork+exec of a dynamic program: no engine %d ns, 10 exec rules %d ns, ratio %.2f\n",
				be, bx, bx / be
		if (runs["exec-bprm"] && runs["exec-mmap"])
			printf "bprm_check_security per run %.0f ns (%d instructions); mmap_file per run %.0f ns (%d instructions), %.1f runs per exec\n",
				rns["exec-bprm"] / runs["exec-bprm"], ins["exec-bprm"],
				rns["exec-mmap"] / runs["exec-mmap"], ins["exec-mmap"],
				runs["exec-mmap"] / runs["exec-bprm"]
	}' "$out"
rm -f "$out"
