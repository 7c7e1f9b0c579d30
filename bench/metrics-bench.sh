#!/usr/bin/env bash
# What a metrics file costs `sysql serve` on a live capture (issue 15): the server's CPU (user + system, from
# /proc/PID/stat) during a paced getppid storm of RATE events/s for DURATION s, without --metrics and with ten
# windowed statements over every event (the four files of sql-examples/metrics/ and bench/metrics-more.sql), per
# million events the capture saw (capture_stats, asked through the server's socket); the difference is the metrics'
# cost. Both servers keep the default history (the recorder's cost is in both). REPS runs of each, alternating,
# medians. Writes bench/results/metrics-<date>.md and prints it. Not part of the test suite. Run as root, under the
# build lock: flock /tmp/sysql-mvn.lock bench/metrics-bench.sh
#   RATE=200000 (events/s: RATE/2 getppid calls/s, 2 storm threads), DURATION=20, WARMUP=5 (s of the storm each
#   server runs first, not measured), REPS=3
set -euo pipefail
trap 'echo "metrics-bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
. bench/bench-lib.sh
bench_start_sysql metrics-bench

RATE=${RATE:-200000}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
REPS=${REPS:-3}
STORM=driver-kmod/target/native/sysql-storm
METRICS=(sql-examples/metrics/*.sql bench/metrics-more.sql)
metrics_args=()
for f in "${METRICS[@]}"; do metrics_args+=(--metrics "$f"); done
statements=$(cat "${METRICS[@]}" | grep -c '^SELECT STREAM')
SYSQL=(java -cp "cli/target/sysql-cli.jar:cli/target/lib/*" sysql.cli.Sysql)
tmp=$(mktemp -d /var/tmp/sysql-metrics-bench.XXXXXX)
SOCK=$tmp/sysql.sock
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# hub_stats: events,drops of the server's capture (its capture_stats total row, through its socket)
hub_stats() {
  "${SYSQL[@]}" query --socket "$SOCK" --format csv "SELECT events, drops FROM capture_stats WHERE cpu IS NULL" \
    | tail -1 | tr -d "\r \""
}
storm() { "$STORM" -r "$((RATE / 2))" -s -t 2 getppid "$((RATE / 2 * $1))" >/dev/null; }

# run ARGS...: one server with these extra arguments; prints "cpu_s events drops"
run() {
  "${SYSQL[@]}" serve --port 0 --socket "$SOCK" "$@" >"$tmp/serve.out" 2>"$tmp/serve.err" &
  server=$!
  for _ in $(seq 600); do
    grep -q "listening on" "$tmp/serve.out" 2>/dev/null && [ -S "$SOCK" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$tmp/serve.err" >&2; exit 1; }
    sleep 0.1
  done
  storm "$WARMUP"
  local c0 c1 s0 s1
  s0=$(hub_stats); c0=$(cpu_ticks "$server")
  storm "$DURATION"
  c1=$(cpu_ticks "$server"); s1=$(hub_stats)
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  awk -v c0="$c0" -v c1="$c1" -v hz="$hz" -v s0="$s0" -v s1="$s1" 'BEGIN {
    split(s0, a, ","); split(s1, b, ",");
    printf "%.2f %d %d\n", (c1 - c0) / hz, b[1] - a[1], b[2] - a[2] }'
}

for i in $(seq "$REPS"); do
  run >>"$tmp/plain"
  run "${metrics_args[@]}" >>"$tmp/metrics"
done
# per1m FILE: the median CPU seconds per million events of the runs in FILE
per1m() { awk '{printf "%.4f\n", $1 / $2 * 1e6}' "$1" | median; }
plain=$(per1m "$tmp/plain"); metrics=$(per1m "$tmp/metrics")
mkdir -p bench/results
out=bench/results/metrics-$(date +%Y-%m-%d).md
{
  echo "### Run, $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) CPUs (load average $(cut -d' ' -f1-3 /proc/loadavg)), kernel $(uname -r | cut -d- -f1), $(java -version 2>&1 | head -1 | tr -d '"')"
  echo
  echo "Paced getppid storm of $RATE events/s for $DURATION s per run, $REPS runs each, alternating; $statements statements in ${METRICS[*]}."
  echo
  echo "| sysql serve | CPU s per run (each run) | events per run (each run) | drops | CPU s per 1M events (median) |"
  echo "|---|---|---|---|---|"
  for setup in plain metrics; do
    f=$tmp/$setup
    echo "| $([ $setup = plain ] && echo 'without --metrics' || echo "with the $statements statements") | $(awk '{print $1}' "$f" | paste -sd' ') | $(awk '{print $2}' "$f" | paste -sd' ') | $(awk '{print $3}' "$f" | paste -sd' ') | $([ $setup = plain ] && echo "$plain" || echo "$metrics") |"
  done
  echo
  echo "The $statements statements cost $(awk -v a="$metrics" -v b="$plain" 'BEGIN {printf "%.3f", a - b}') CPU s per million events ($(ratio "$metrics" "$plain")× the server without them)."
} | tee "$out"
