#!/usr/bin/env bash
# Kernel module benchmark, in Debian 12's own kernel under qemu (driver-kmod/kmod/guest.sh; this host's kernel
# loads no module): the per-call cost of a getppid storm untraced, with sysql.ko loaded and no consumer, under
# the module capturing every syscall (a consumer draining the rings every millisecond), and with getppid left
# out by the module's syscall set; the events the consumer got and the drops; then paced storms, for the highest
# rate without a drop. TCG runs every syscall some 8-10x slower than the host, and both vCPUs on one host thread
# (guest.sh says why): compare the ratios, all measured in one boot, each the best of three storms. Writes
# bench/results/kmod-<date>.md and prints it. Not part of the tests. Run as root: bench/kmod-bench.sh
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
guest_run "$out" "$(cat <<INIT
# the best of three storms (TCG's first run of any code translates it: a warm-up storm comes first)
storm() {
  for k in 1 2 3; do /sysql-storm "\$@" | awk '{print \$(NF-1)}'; done | sort -n | head -n 1
}
/sysql-storm getppid $N >/dev/null
# a consumer in the background; the storm; the consumer's line
consumed() {
  /sysql-kmod-read --consume \$1 >/tmp/c.out 2>&1 &
  c=\$!
  until grep -q consuming /tmp/c.out; do usleep 100000; done
  shift
  ns=\$(storm "\$@")
  kill -INT \$c
  wait \$c
  echo "\$ns \$(tail -n 1 /tmp/c.out)"
}
echo "SQBENCH untraced \$(storm getppid $N)"
insmod /sysql.ko
echo "SQBENCH loaded-idle \$(storm getppid $N)"
echo "SQBENCH capture-all \$(consumed all getppid $N)"
echo "SQBENCH getppid-filtered-out \$(consumed no-getppid getppid $N)"
for rate in $RATES; do
  echo "SQBENCH paced-\$rate \$(consumed all -r \$rate -s getppid \$((rate * 2)))"
done
rmmod sysql
echo "SQKMOD done"
INIT
)" >"$out/guest.out"

value() { awk -v k="$1" '{for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) print substr($i, length(k) + 2)}'; }
line() { grep -a "^SQBENCH $1 " "$out/guest.out" | head -n 1; }
base=$(line untraced | awk '{print $3}')
report="bench/results/kmod-$(date -u +%Y-%m-%dT%H%M).md"
{
  echo "# kmod-bench $(date -u '+%Y-%m-%d %H:%M') UTC: guest kernel $guest_kver under qemu TCG (-smp 2, one host thread)"
  echo
  echo "getppid, $N calls per unpaced storm; ns/call is the storm's wall time per call in the guest, the best of"
  echo "three storms (the consumer's count is of all three)."
  echo
  echo "| run | ns/call | × untraced | events delivered | drops |"
  echo "|---|---:|---:|---:|---:|"
  for run in untraced loaded-idle capture-all getppid-filtered-out; do
    l=$(line "$run")
    ns=$(awk '{print $3}' <<<"$l")
    echo "| $run | $ns | $(awk -v a="$ns" -v b="$base" 'BEGIN {printf "%.2f", a / b}') | $(value events <<<"$l") | $(value drops <<<"$l") |"
  done
  echo
  echo "Paced under capture-all (2 s each):"
  echo
  echo "| calls/s | ns/call | events delivered | drops |"
  echo "|---:|---:|---:|---:|"
  for rate in $RATES; do
    l=$(line "paced-$rate")
    echo "| $rate | $(awk '{print $3}' <<<"$l") | $(value events <<<"$l") | $(value drops <<<"$l") |"
  done
} >"$report"
cat "$report"
