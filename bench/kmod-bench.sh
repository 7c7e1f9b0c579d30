#!/usr/bin/env bash
# Kernel module benchmark, in Debian 12's own kernel under qemu (driver-kmod/kmod/guest.sh; this host's kernel
# loads no module), with sysdig's own module, scap.ko (Debian's falcosecurity-scap-dkms, built for the same
# kernel), in the same boot: the per-call cost of a getppid storm untraced, with sysql.ko loaded and no consumer,
# and under four captures that each write a .scap of every syscall of the host to the guest's memory:
# libsysqlcap with sysql's module (tools/sysql-capture --driver kmod), libsysqlcap with sysql's eBPF probe
# (--driver bpf), and `sysdig -w` with scap.ko; then each of sysql's drivers with getppid left out by the kernel
# filter (what a syscall outside the filter costs), and each driver capturing only openat and close (a small
# set, caught by those syscalls' own functions, the probe's fentry/fexit and the module's kretprobes: getppid runs
# untraced). The events each capture got and its drops (sysql's from its
# counters and the drop notices in its file, sysdig's from its own count: its file records none); then paced
# storms under each capture, for the highest rate without a drop. TCG runs every syscall some 8-10x slower than
# the host, and both vCPUs on one host thread (guest.sh says why): compare the ratios, all measured in one boot,
# each unpaced figure the best of three storms. Writes bench/results/kmod-<date>.md and prints it. Not part of
# the tests. Run as root: bench/kmod-bench.sh
#   N=1000000 (getppid calls per unpaced storm), RATES="25000 50000 100000 200000" (paced calls/s, 2 s each)
set -euo pipefail
trap 'echo "kmod-bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
N=${N:-1000000}
RATES=${RATES:-"25000 50000 100000 200000"}
out="$(pwd)/bench/results/kmod-guest"
# shellcheck source=../driver-kmod/kmod/guest.sh
. driver-kmod/kmod/guest.sh
guest_prepare "$out"
guest_add_sysdig "$out"
guest_mem_mb=3072
guest_run "$out" "$(cat <<INIT
getppid_nr=110
best() { sort -n | head -n 1; }
# a storm's ns/call: the last but one word of sysql-storm's line
ns() { awk '{print \$(NF-1)}' | best; }
storms() { for k in 1 2 3; do /sysql-storm "\$@"; done | ns; }
# sysql-capture (libsysqlcap) around a command: the best storm, then sysql-capture's line and its file's drop notices
sq() {
  name=\$1 driver=\$2 off=\$3 cmd=\$4
  /sysql-capture --driver \$driver \$off -o /tmp/c.scap -- /bin/sh -c "\$cmd" >/tmp/s.out 2>/tmp/c.err
  echo "SQBENCH \$name \$(ns </tmp/s.out) \$(tail -n 1 /tmp/c.err) notices=\$(grep -a -o sysql.drops /tmp/c.scap | wc -l) bytes=\$(stat -c %s /tmp/c.scap)"
  rm -f /tmp/c.scap
}
# sysdig -w with scap.ko around a command: the best storm, then sysdig's own counts (its file records no drop)
sd() {
  name=\$1 cmd=\$2
  /usr/bin/sysdig -v -w /tmp/sd.scap >/tmp/sd.out 2>&1 &
  p=\$!
  until [ -s /tmp/sd.scap ]; do usleep 100000; done
  /bin/sh -c "\$cmd" >/tmp/s.out
  kill -INT \$p
  wait \$p
  echo "SQBENCH \$name \$(ns </tmp/s.out) sysdig events=\$(sed -n 's/^Driver Events://p' /tmp/sd.out) drops=\$(sed -n 's/^Driver Drops://p' /tmp/sd.out) bytes=\$(stat -c %s /tmp/sd.scap)"
  rm -f /tmp/sd.scap
}
three="for k in 1 2 3; do /sysql-storm getppid $N; done"
# the best of three storms (TCG's first run of any code translates it: a warm-up storm comes first)
/sysql-storm getppid $N >/dev/null
echo "SQBENCH untraced \$(storms getppid $N)"
insmod /sysql.ko
echo "SQBENCH loaded-idle \$(storms getppid $N)"
sq kmod kmod "" "\$three"
sq bpf bpf "" "\$three"
sq kmod-getppid-out kmod "-x \$getppid_nr" "\$three"
sq bpf-getppid-out bpf "-x \$getppid_nr" "\$three"
# a small set without getppid (openat 257, close 3): each driver catches it by those syscalls' own functions
sq kmod-small-set kmod "-s 257 -s 3" "\$three"
sq bpf-small-set bpf "-s 257 -s 3" "\$three"
for rate in $RATES; do
  sq paced-kmod-\$rate kmod "" "/sysql-storm -r \$rate -s getppid \$((rate * 2))"
  sq paced-bpf-\$rate bpf "" "/sysql-storm -r \$rate -s getppid \$((rate * 2))"
done
rmmod sysql
insmod /scap.ko
sd sysdig "\$three"
for rate in $RATES; do
  sd paced-sysdig-\$rate "/sysql-storm -r \$rate -s getppid \$((rate * 2))"
done
rmmod scap
# untraced again: the guest's speed drifts over a boot (the baseline is the faster of the two)
echo "SQBENCH untraced-end \$(storms getppid $N)"
echo "SQKMOD done"
INIT
)" >"$out/guest.out"

value() { awk -v k="$1" '{for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) print substr($i, length(k) + 2)}'; }
line() { grep -a "^SQBENCH $1 " "$out/guest.out" | head -n 1; }
base=$( (line untraced; line untraced-end) | awk '{print $3}' | sort -n | head -n 1)
report="bench/results/kmod-$(date -u +%Y-%m-%dT%H%M).md"
ratio() { awk -v a="$1" -v b="$base" 'BEGIN {printf "%.2f", a / b}'; }
{
  echo "# kmod-bench $(date -u '+%Y-%m-%d %H:%M') UTC: guest kernel $guest_kver under qemu TCG (-smp 2, one host thread)"
  echo
  echo "getppid, $N calls per unpaced storm; ns/call is the storm's wall time per call in the guest, the best of"
  echo "three storms (a capture's counts are of all three). Every capture writes a .scap of every syscall of the"
  echo "guest to its memory; sysql's drops are its driver's counters (its file says the same in drop notices: the"
  echo "notices column), sysdig's are the ones it prints (its file records none; its \"Driver Events\" count the"
  echo "dropped ones too: delivered here is that less the drops)."
  echo
  echo "| run | ns/call | × untraced | events delivered | drops | drops % | drop notices in the file | file bytes |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for run in untraced untraced-end loaded-idle kmod bpf sysdig kmod-getppid-out bpf-getppid-out kmod-small-set bpf-small-set; do
    l=$(line "$run")
    ns=$(awk '{print $3}' <<<"$l")
    ev=$(value events <<<"$l"); dr=$(value drops <<<"$l")
    # sysdig's "Driver Events" counts the events its driver dropped too
    if [[ "$l" == *" sysdig "* ]]; then ev=$((ev - dr)); fi
    pct=""
    if [ -n "$ev" ]; then pct=$(awk -v e="$ev" -v d="$dr" 'BEGIN {printf "%.1f", ((e + d) > 0 ? 100 * d / (e + d) : 0)}'); fi
    echo "| $run | $ns | $(ratio "$ns") | $ev | $dr | $pct | $(value notices <<<"$l") | $(value bytes <<<"$l") |"
  done
  echo
  echo "Paced (2 s each): events delivered, drops"
  echo
  echo "| calls/s | sysql kmod | sysql bpf | sysdig scap.ko |"
  echo "|---:|---|---|---|"
  for rate in $RATES; do
    row="| $rate"
    for who in kmod bpf sysdig; do
      l=$(line "paced-$who-$rate")
      ev=$(value events <<<"$l"); dr=$(value drops <<<"$l")
      if [[ "$l" == *" sysdig "* ]]; then ev=$((ev - dr)); fi
      row="$row | $ev events, $dr drops"
    done
    echo "$row |"
  done
} >"$report"
cat "$report"
