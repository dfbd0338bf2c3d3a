#!/bin/sh
# make bench: the cost of bulwark's hooks, measured in Debian's stock
# kernel under QEMU (tests/vm/bench.sh, one boot).  Under TCG absolute
# times are those of an emulated CPU: read the ratios, which are measured
# against no engine in the same boot.  docs/bench-hooks.md explains the
# rows and columns.
#   tests/bench/run.sh BULWARK BWTEST     boot, measure, report
#   tests/bench/run.sh --report LOG       report from a console log again
# Environment: BENCH_SVG, the plot of the ratios (default
# .output/bench-hooks.svg); BW_VM_LOG, the console log (default
# /tmp/bulwark-bench-console.log); the settings of tests/vm/run.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
svg=${BENCH_SVG:-.output/bench-hooks.svg}
out=$(mktemp)
data=$(mktemp)
trap 'rm -f "$out" "$data"' EXIT
status=0
if [ "${1:-}" = --report ]; then
	[ -r "${2:-}" ] || { echo "usage: $0 --report CONSOLE_LOG" >&2; exit 2; }
	tr -d '\r' <"$2" | grep -E '^(BENCH:|PASS: vm/|FAIL: vm/|INFO: bench)' >"$out"
else
	[ $# -eq 2 ] || { echo "usage: $0 BULWARK BWTEST | --report CONSOLE_LOG" >&2; exit 2; }
	# the matrix takes 10-15 minutes of TCG time on an idle host
	BW_VM_TIMEOUT=${BW_VM_TIMEOUT:-1800} \
	BW_VM_SCENARIOS=bench BW_VM_LOG=${BW_VM_LOG:-/tmp/bulwark-bench-console.log} \
		tests/vm/run.sh "$1" "$2" | tee "$out"
fi
grep -q '^PASS: vm/bench' "$out" || status=1
grep -q '^BENCH: ' "$out" || exit 1

# ---- the capable hook alone and fork+exec, as before
awk '
	/^BENCH: / {
		for (i = 2; i <= NF; i++) { split($i, kv, /[=:]/); v[$2, kv[1]] = kv[2] }
		label[$2] = 1
		if (match($0, /"runs":[0-9]+/)) runs[$2] = substr($0, RSTART + 7, RLENGTH - 7)
		if (match($0, /"run_ns":[0-9]+/)) rns[$2] = substr($0, RSTART + 9, RLENGTH - 9)
		if (match($0, /"insns":[0-9]+/)) ins[$2] = substr($0, RSTART + 8, RLENGTH - 8)
		if (match($0, /ns_per_call=[0-9]+/)) call[$2] = substr($0, RSTART + 12, RLENGTH - 12)
	}
	END {
		b = call["baseline"]; o = call["one"]; m = call["many"]
		if (b && o && m) {
			printf "\nsocket(SOCK_RAW) per call: no engine %d ns, 1 rule %d ns, 4096 rules %d ns\n", b, o, m
			printf "ratio 1 rule / no engine:     %.2f\n", o / b
			printf "ratio 4096 rules / 1 rule:    %.2f\n", m / o
		}
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

# ---- the hook matrix: markdown tables, and the plot's data
awk -v data="$data" '
function kv(s,   i, k) {
	for (k in f) delete f[k]
	for (i = 2; i <= NF; i++) {
		k = $i; sub(/=.*/, "", k)
		f[k] = substr($i, length(k) + 2)
	}
}
# median of the comma-separated lists a and b together
function pooled(a, b,   v, n, i, j, t) {
	n = split(a (b == "" ? "" : "," b), v, ",")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function cell(r, lo, hi) { return sprintf("%.2f (%.2f–%.2f)", r, lo, hi) }
function ns(x) { x += 0; return x >= 1e6 ? sprintf("%.1f ms", x / 1e6) : x >= 1e4 ? sprintf("%.1f µs", x / 1e3) : sprintf("%d ns", x) }
function jnum(t, k) {
	if (match(t, "\"" k "\":[0-9]+")) return substr(t, RSTART + length(k) + 3, RLENGTH - length(k) - 3) + 0
	return 0
}
function tilde(s) { gsub(/ /, "~", s); return s }
BEGIN {
	split("setuid chown raw shmget kill0 mount open getppid exec", opo, " ")
	lab["setuid"] = "setuid(0) as root"; hook["setuid"] = "capable (CAP_SETUID)"
	lab["chown"] = "chown to the owner"; hook["chown"] = "capable (CAP_CHOWN)"
	lab["raw"] = "socket(SOCK_RAW)"; hook["raw"] = "capable (CAP_NET_RAW), socket_create"
	lab["shmget"] = "shmget, existing key"; hook["shmget"] = "ipc_permission"
	lab["kill0"] = "kill(pid, 0)"; hook["kill0"] = "task_kill"
	lab["mount"] = "mount + umount tmpfs"; hook["mount"] = "sb_mount, sb_umount, capable (CAP_SYS_ADMIN) ×3"
	lab["open"] = "open + close"; hook["open"] = "none (control)"
	lab["getppid"] = "getppid()"; hook["getppid"] = "sys_enter (with syscall rules)"
	lab["exec"] = "fork + exec"; hook["exec"] = "bprm_check, mmap_file, file_mprotect, exec/fork/exit tracepoints"
	plab["setuid"] = "setuid(0) capable"; plab["chown"] = "chown capable"
	plab["raw"] = "socket(RAW) capable"; plab["shmget"] = "shmget ipc_permission"
	plab["kill0"] = "kill(pid,0) task_kill"; plab["mount"] = "mount+umount sb_(u)mount"
	plab["open"] = "open+close (control)"; plab["getppid"] = "getppid() sys_enter"
	plab["exec"] = "fork+exec bprm_check, mmap"
	ncfo = split("floor r10 r1000 r4096 sysu10 sys10 sys4096 audit10 audit10r tracer auditd-nomatch auditd-match opensnoop execsnoop", cfo, " ")
	cl["floor"] = "rules of another class only"
	cl["auditd-nomatch"] = "auditd, rule matching nothing"; cl["auditd-match"] = "auditd, rule matching bwtest"
	cl["opensnoop"] = "libbpf-tools opensnoop (filtered)"; cl["execsnoop"] = "libbpf-tools execsnoop (filtered)"
	# not bulwark engines: no BPF programs or stop record of ours
	split("tracer auditd-nomatch auditd-match opensnoop execsnoop", peers, " ")
	for (i in peers) noeng[peers[i]] = 1
	cl["r10"] = "10 rules/class"; cl["r1000"] = "1,000 rules/class"; cl["r4096"] = "4,096 rules/class"
	cl["sysu10"] = "10 syscall rules (uname)"; cl["sys10"] = "10 syscall rules (getppid)"
	cl["sys4096"] = "4,096 syscall rules (getppid)"; cl["audit10"] = "10 matching audit rules/class"
	cl["audit10r"] = "10 matching audit rules/class, repeat = 1s"
	cl["tracer"] = "syscall tracer"
}
/^BENCH: op=/ {
	kv()
	o = f["op"]; c = f["cfg"]
	have[o] = 1
	if (!(c in hc)) { hc[c] = 1; seq[++nseq] = c }
	med[o, c] = f["median"]; mn[o, c] = f["min"]; mx[o, c] = f["max"]; runs[o, c] = f["runs"]
	n[o, c] = f["n"]; progs[o, c] = f["progs"]
	if ("records" in f) { rec[o, c] = f["records"]; lost[o, c] = f["lost"] }
	next
}
/^BENCH: cfg=/ {
	kv()
	c = f["cfg"]
	crules[c] = f["rules"]; cstart[c] = f["start_s"]; crss[c] = f["rss_kb"]
	cdec[c] = f["decisions"]; clost[c] = f["lost"]; cunw[c] = f["unwritten"]
	st = f["stop"]
	while (match(st, /"bw_[a-z0-9_]+":\{[^}]*\}/)) {
		t = substr(st, RSTART, RLENGTH); st = substr(st, RSTART + RLENGTH)
		p = substr(t, 2); p = substr(p, 1, index(p, "\"") - 1)
		if (!(p in sp)) { sp[p] = 1; spl[++nsp] = p }
		sruns[c, p] = jnum(t, "runs"); sns[c, p] = jnum(t, "run_ns")
	}
	next
}
/^INFO: bench: runs/ { sub(/^INFO: bench: /, ""); nline = $0 }
END {
	for (i = 1; i <= 9; i++) if (opo[i] in have) ops[++no] = opo[i]
	for (i = 1; i <= ncfo; i++) if (cfo[i] in hc) cfgs[++nc] = cfo[i]
	if (!no) exit
	# the no-engine rounds (none-K) before and after each configuration
	# (older logs: none at the start, none2 at the end)
	for (k = 1; k <= nseq; k++) if (seq[k] ~ /^none/) nonelist = nonelist (nonelist == "" ? "" : " ") seq[k]
	for (k = 1; k <= nseq; k++) {
		c = seq[k]
		if (c ~ /^none/) continue
		for (j = k - 1; j >= 1 && seq[j] !~ /^none/; j--) ;
		for (m = k + 1; m <= nseq && seq[m] !~ /^none/; m++) ;
		before[c] = j >= 1 ? seq[j] : ""; after[c] = m <= nseq ? seq[m] : ""
	}
	nn = split(nonelist, nr, " ")
	for (i = 1; i <= no; i++) {
		o = ops[i]
		all = ""
		for (k = 1; k <= nn; k++) all = all (all == "" ? "" : ",") runs[o, nr[k]]
		base[o] = pooled(all, "")
		for (j = 1; j <= nc; j++) {
			c = cfgs[j]
			b[o, c] = pooled(runs[o, before[c]], runs[o, after[c]])
		}
	}
	printf "\n## Hooks: time per operation as a ratio to no engine (one boot)\n\n"
	if (nline != "") printf "%s.\n\n", nline
	printf "Each cell: median of the runs / median of the no-engine runs just before and after that\n"
	printf "configuration (pooled), and in brackets the fastest and slowest run on the same scale.\n"
	printf "No engine: the median of all no-engine runs of the boot.\n\n"
	printf "| operation | hook | no engine |"
	for (j = 1; j <= nc; j++) printf " %s |", cl[cfgs[j]]
	printf "\n|---|---|---|"
	for (j = 1; j <= nc; j++) printf "---|"
	printf "\n"
	for (i = 1; i <= no; i++) {
		o = ops[i]
		printf "| %s | %s | %s |", lab[o], hook[o], ns(base[o])
		for (j = 1; j <= nc; j++) {
			c = cfgs[j]
			if ((o, c) in med) {
				bb = b[o, c]
				printf " %s |", cell(med[o, c] / bb, mn[o, c] / bb, mx[o, c] / bb)
				printf "%s %s %.3f %.3f %.3f %s %s\n", o, c, med[o, c] / bb, mn[o, c] / bb, mx[o, c] / bb, tilde(plab[o]), tilde(cl[c]) >data
			} else
				printf " – |"
		}
		printf "\n"
	}
	printf "\nThe no-engine rounds themselves (the host'"'"'s drift and noise): the median of each round as a\n"
	printf "ratio to the median of all of them, and the fastest and slowest single run on that scale.\n\n"
	printf "| operation | N per run | all rounds |"
	for (k = 1; k <= nn; k++) printf " %s |", nr[k]
	printf " fastest–slowest run |\n|---|---|---|"
	for (k = 1; k <= nn; k++) printf "---|"
	printf "---|\n"
	for (i = 1; i <= no; i++) {
		o = ops[i]
		lo = ""; hi = ""
		printf "| %s | %s | %s |", lab[o], n[o, nr[1]], ns(base[o])
		for (k = 1; k <= nn; k++) {
			printf " %s |", ((o, nr[k]) in med) ? sprintf("%.2f", med[o, nr[k]] / base[o]) : "–"
			m = split(runs[o, nr[k]], v, ",")
			for (q = 1; q <= m; q++) { if (lo == "" || v[q] + 0 < lo) lo = v[q] + 0; if (hi == "" || v[q] + 0 > hi) hi = v[q] + 0 }
		}
		printf " %.2f–%.2f |\n", lo / base[o], hi / base[o]
	}

	# the programs that ran for each operation
	printf "\n## BPF programs per operation (kernel.bpf_stats_enabled=1)\n\n"
	printf "Each cell: ns per run of the program, × runs per operation, over the measured runs; programs\n"
	printf "that ran at least once per two operations.\n\n"
	printf "| operation | program |"
	for (j = 1; j <= nc; j++) if (!(cfgs[j] in noeng)) printf " %s |", cl[cfgs[j]]
	printf "\n|---|---|"
	for (j = 1; j <= nc; j++) if (!(cfgs[j] in noeng)) printf "---|"
	printf "\n"
	for (i = 1; i <= no; i++) {
		o = ops[i]
		np = 0
		for (k in pseen) delete pseen[k]
		for (j = 1; j <= nc; j++) {
			c = cfgs[j]
			m = split(progs[o, c], pl, ",")
			for (k = 1; k <= m; k++) {
				split(pl[k], pf, ":")
				p = pf[1]
				if (!(p in pseen)) { pseen[p] = 1; plist[++np] = p }
				prpc[o, c, p] = pf[2]; pns[o, c, p] = pf[3]
				if (pf[4] != "" && pf[4] != 0) pins[p] = pf[4]
				if (pf[5] != "") pver[p] = pf[5]
				bpf[o, c] += pf[2] * pf[3]
			}
		}
		for (k = 1; k <= np; k++) {
			p = plist[k]
			printf "| %s | %s |", lab[o], p
			for (j = 1; j <= nc; j++) {
				c = cfgs[j]
				if ((c in noeng)) continue
				if ((o, c, p) in pns) printf " %s ×%s |", ns(pns[o, c, p]), prpc[o, c, p]
				else printf " – |"
			}
			printf "\n"
		}
	}
	printf "\nBPF time per operation: the sum of runs × ns over those programs, and in brackets that time as a\n"
	printf "share of the operation without an engine (the part of the ratio the programs themselves account for).\n\n"
	printf "| operation |"
	for (j = 1; j <= nc; j++) if (!(cfgs[j] in noeng)) printf " %s |", cl[cfgs[j]]
	printf "\n|---|"
	for (j = 1; j <= nc; j++) if (!(cfgs[j] in noeng)) printf "---|"
	printf "\n"
	for (i = 1; i <= no; i++) {
		o = ops[i]
		printf "| %s |", lab[o]
		for (j = 1; j <= nc; j++) {
			c = cfgs[j]
			if ((c in noeng)) continue
			if ((o, c) in med) printf " %s (%+.0f%%) |", ns(bpf[o, c]), 100 * bpf[o, c] / b[o, c]
			else printf " – |"
		}
		printf "\n"
	}
	printf "\nProgram sizes: translated instructions (stop record) and instructions the verifier processed\n(fdinfo verified_insns).\n\n| program | translated | verified |\n|---|---|---|\n"
	for (p in pver) printf "| %s | %s | %s |\n", p, (p in pins) ? pins[p] : "–", pver[p] | "sort"
	close("sort")

	printf "\nThe stop record of each engine: runs and ns per run of every program that ran, over the engine'"'"'s\n"
	printf "whole life (all the operations above, the warm-up runs, the shell and the engine itself).\n\n"
	printf "| program |"
	for (j = 1; j <= nc; j++) if (!(cfgs[j] in noeng)) printf " %s |", cl[cfgs[j]]
	printf "\n|---|"
	for (j = 1; j <= nc; j++) if (!(cfgs[j] in noeng)) printf "---|"
	printf "\n"
	for (k = 1; k <= nsp; k++) {
		p = spl[k]
		any = 0
		for (j = 1; j <= nc; j++) if (sruns[cfgs[j], p] > 0) any = 1
		if (!any) continue
		printf "| %s |", p
		for (j = 1; j <= nc; j++) {
			c = cfgs[j]
			if ((c in noeng)) continue
			if (sruns[c, p] > 0) printf " %d × %s |", sruns[c, p], ns(sns[c, p] / sruns[c, p])
			else printf " – |"
		}
		printf "\n"
	}

	printf "\n## Configurations\n\n| configuration | rules | start to ready | peak RSS | decision records | lost |\n|---|---|---|---|---|---|\n"
	for (j = 1; j <= nc; j++) {
		c = cfgs[j]
		if ((c in noeng)) continue
		printf "| %s | %s | %s s | %.1f MiB | %s | %s |\n", cl[c], crules[c], cstart[c], crss[c] / 1024, cdec[c], clost[c] == "" ? "–" : clost[c]
	}
	split("audit10 audit10r", acfg, " ")
	for (k = 1; k <= 2; k++) {
		a = acfg[k]
		if (!(("setuid", a) in rec)) continue
		if (a == "audit10")
			printf "\nWith the matching audit rules (one record per operation; mount + umount: two), during the measured runs:\n\n"
		else
			printf "\nThe same with `[log] repeat = 1s` (decisions counted, folded ones too; lost: records):\n\n"
		printf "| operation | operations | %s | lost | lost share |\n|---|---|---|---|---|\n",
			a == "audit10" ? "records written" : "decisions counted"
		for (i = 1; i <= no; i++) {
			o = ops[i]
			if (!((o, a) in rec)) continue
			t = rec[o, a] + lost[o, a]
			printf "| %s | %d | %s | %s | %s |\n", lab[o], n[o, a] * 5, rec[o, a], lost[o, a],
				t ? sprintf("%.0f%%", 100 * lost[o, a] / t) : "–"
		}
	}
}' "$out"

if [ -s "$data" ]; then
	mkdir -p "$(dirname "$svg")"
	if sh "$here/plot-hooks.sh" "$data" "$svg" \
		"bulwark's hooks in Debian 6.1 under QEMU: time per operation / no engine"; then
		echo
		echo "plot: $svg"
	else
		status=1
	fi
fi
exit $status
