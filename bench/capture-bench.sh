#!/usr/bin/env bash
# Capture benchmark: syscall storms untraced, under sysql full capture into Java, under sysql with
# the storm's syscall filtered out in the kernel, under sysql capturing a small set without the storm's syscalls
# (caught by those syscalls' own functions: the storm's run untraced), and under bpftrace counting in the kernel; then the highest
# paced event rate that reaches Java with zero drops. Writes a report to bench/results/capture-<date>.md and
# prints it. Not part of the test suite (minutes long). Run as root: bench/capture-bench.sh
#   N=5000000 (getppid calls), DD_COUNT=2000000 (dd 1-byte copies), RATES="250000 500000 ..." (paced
#   getppid calls/s, each = 2 events), STORM_THREADS=2 (threads of the paced generator)
set -euo pipefail
trap 'echo "capture-bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
scripts/install-deps.sh
command -v bpftrace >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bpftrace >/dev/null; }
scripts/build.sh
# bpftrace finds tracepoints through tracefs (under debugfs for bpftrace 0.17); mount them if missing.
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
mountpoint -q /sys/kernel/tracing || mount -t tracefs none /sys/kernel/tracing

N=${N:-5000000}
DD_COUNT=${DD_COUNT:-2000000}
RATES=${RATES:-"250000 500000 750000 1000000 1250000 1500000"}
STORM_THREADS=${STORM_THREADS:-2}
STORM=driver-kmod/target/native/sysql-storm
SYSQL=(java -cp "cli/target/sysql-cli.jar:cli/target/lib/*" sysql.cli.Sysql)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

storm_ns() { "$STORM" "$@" | awk '{print $(NF-1)}'; }
dd_ns() {
  local t0 t1
  t0=$(date +%s%N)
  dd if=/dev/zero of=/dev/null bs=1 count="$DD_COUNT" status=none
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / (2 * DD_COUNT) ))   # ns per syscall (one read + one write per byte)
}

# Starts `sysql count` with the given options; waits until it captures.
start_sysql() {
  "${SYSQL[@]}" count --top 3 "$@" >"$tmp/count.out" 2>&1 &
  sysql_pid=$!
  for _ in $(seq 1 300); do grep -q "capturing" "$tmp/count.out" 2>/dev/null && return 0; sleep 0.1; done
  echo "sysql count did not start:"; cat "$tmp/count.out"; exit 1
}
# Stops `sysql count` and sets $sysql_line to its summary (not in a $(...) subshell: wait needs the parent).
stop_sysql() {
  kill -TERM "$sysql_pid"; wait "$sysql_pid" || true   # TERM: background jobs ignore INT
  sysql_line=$(grep '^events=' "$tmp/count.out") || { echo "sysql count printed no summary:" >&2; cat "$tmp/count.out" >&2; return 1; }
}
field() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p"; }

start_bpftrace() {
  bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm, args->id] = count(); } interval:s:1 { clear(@); }' \
    >"$tmp/bt.out" 2>&1 &
  bt_pid=$!
  for _ in $(seq 1 300); do grep -q "Attaching" "$tmp/bt.out" 2>/dev/null && { sleep 0.5; return 0; }; sleep 0.1; done
  echo "bpftrace did not start:"; cat "$tmp/bt.out"; exit 1
}
stop_bpftrace() { kill -INT "$bt_pid"; wait "$bt_pid" || true; }

echo "== untraced"
base_storm=$(storm_ns getppid "$N"); base_dd=$(dd_ns)
echo "getppid $base_storm ns/call, dd $base_dd ns/syscall"

echo "== sysql, every event into Java"
start_sysql
full_storm=$(storm_ns getppid "$N"); full_dd=$(dd_ns)
stop_sysql; full_line=$sysql_line
echo "getppid $full_storm ns/call, dd $full_dd ns/syscall; $full_line"

echo "== sysql, storm syscalls filtered out in the kernel"
start_sysql -x getppid
filt_storm=$(storm_ns getppid "$N")
stop_sysql; filt_line1=$sysql_line
start_sysql -x read,write
filt_dd=$(dd_ns)
stop_sysql; filt_line2=$sysql_line
echo "getppid $filt_storm ns/call ($filt_line1), dd $filt_dd ns/syscall ($filt_line2)"

echo "== sysql capturing only openat and close: a small set, caught by those syscalls' own functions"
start_sysql -s openat,close
narrow_storm=$(storm_ns getppid "$N"); narrow_dd=$(dd_ns)
stop_sysql; narrow_line=$sysql_line
echo "getppid $narrow_storm ns/call, dd $narrow_dd ns/syscall ($narrow_line)"

echo "== bpftrace counting in the kernel"
start_bpftrace
bt_storm=$(storm_ns getppid "$N"); bt_dd=$(dd_ns)
stop_bpftrace
echo "getppid $bt_storm ns/call, dd $bt_dd ns/syscall"

echo "== paced getppid storms: highest rate with zero drops into Java"
paced_rows=""
best_rate=0
for rate in $RATES; do
  calls=$((rate * 3))
  start_sysql
  out=$("$STORM" -t "$STORM_THREADS" -r "$rate" getppid "$calls")
  stop_sysql; line=$sysql_line
  ns=$(echo "$out" | awk '{print $5}')
  achieved=$(awk -v c="$calls" -v ns="$ns" 'BEGIN { printf "%.0f", 2 * c / (ns / 1e9) }')
  drops=$(echo "$line" | field drops)
  events=$(echo "$line" | field events)
  paced_rows+="| $rate | $achieved | $events | $drops |"$'\n'
  echo "target $rate calls/s: achieved $achieved events/s, $events events into Java, $drops drops"
  if [ "$drops" = "0" ] && [ "$events" -ge $((2 * calls)) ] && [ "$achieved" -gt "$best_rate" ]; then best_rate=$achieved; fi
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mkdir -p bench/results
report=bench/results/capture-$(date +%Y-%m-%d).md
{
  echo "## Capture benchmark, $(date -u +'%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r)"
  echo
  echo "Storm: $N getppid calls (sysql-storm), and dd if=/dev/zero of=/dev/null bs=1 count=$DD_COUNT (a read and a write per byte)."
  echo
  echo "| setup | getppid ns/call | slowdown | dd ns/syscall | slowdown |"
  echo "|---|---|---|---|---|"
  echo "| untraced | $base_storm | 1.00 | $base_dd | 1.00 |"
  echo "| sysql, every event into Java | $full_storm | $(ratio "$full_storm" "$base_storm") | $full_dd | $(ratio "$full_dd" "$base_dd") |"
  echo "| sysql, storm syscall filtered in the kernel | $filt_storm | $(ratio "$filt_storm" "$base_storm") | $filt_dd | $(ratio "$filt_dd" "$base_dd") |"
  echo "| sysql capturing only openat and close (fentry/fexit on their functions: getppid, read, write outside) | $narrow_storm | $(ratio "$narrow_storm" "$base_storm") | $narrow_dd | $(ratio "$narrow_dd" "$base_dd") |"
  echo "| bpftrace counting in the kernel | $bt_storm | $(ratio "$bt_storm" "$base_storm") | $bt_dd | $(ratio "$bt_dd" "$base_dd") |"
  echo
  echo "sysql full capture, consumer summary: \`$full_line\`"
  echo
  echo "Paced getppid storms (3 s each, $STORM_THREADS generator threads) under full capture:"
  echo
  echo "| target calls/s | achieved events/s | events into Java | drops |"
  echo "|---|---|---|---|"
  printf "%s" "$paced_rows"
  echo
  echo "Highest paced rate delivered whole into Java with zero drops: **$best_rate events/s**."
} >"$report"
echo
cat "$report"
