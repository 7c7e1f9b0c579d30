#!/usr/bin/env bash
# The daemon's cost and limits (issue 11): a getppid storm untraced, under `sysql daemon` (history in memory and
# on disk) and under a full capture to a file (`sysql capture -w`, what `sysdig -w` does); the daemon's CPU on an
# idle-ish host; the highest paced rate it records with zero drops while its history spills to disk, and the disk
# bytes per event; then a soak: SOAK_SECONDS under a paced storm with the daemon's RSS sampled every 10 s, its
# history bounded by the memory and disk budgets. Writes bench/results/daemon-<date>.md and prints it. Not part
# of the test suite. Run as root: bench/daemon-bench.sh
#   N=2000000 (getppid calls), IDLE_SECONDS=30, RATES="100000 250000 500000" (paced calls/s, 2 events each, 5 s),
#   SOAK_SECONDS=600, SOAK_RATE=100000, DISK_MB=512 (the disk budget, small so the soak reaches it)
set -euo pipefail
trap 'echo "daemon-bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
. bench/bench-lib.sh
bench_start_sysql daemon-bench

N=${N:-2000000}
IDLE_SECONDS=${IDLE_SECONDS:-30}
RATES=${RATES:-"100000 250000 500000"}
SOAK_SECONDS=${SOAK_SECONDS:-600}
SOAK_RATE=${SOAK_RATE:-100000}
DISK_MB=${DISK_MB:-512}
STORM=driver-kmod/target/native/sysql-storm
SYSQL=(java -cp "cli/target/sysql-cli.jar:cli/target/lib/*" sysql.cli.Sysql)
tmp=$(mktemp -d /var/tmp/sysql-daemon-bench.XXXXXX)
SOCK=$tmp/run/sysql.sock
daemon=; capture=
cleanup() {
  for p in $capture $daemon; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

storm_ns() { "$STORM" "$@" | awk '{print $(NF-1)}'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
# hub_stats COLS: columns of the daemon's capture_stats total row, comma-separated (one client run)
hub_stats() {
  "${SYSQL[@]}" query --socket "$SOCK" --format csv "SELECT $1 FROM capture_stats WHERE cpu IS NULL" | tail -1 | tr -d "\r \""
}

echo "daemon-bench: untraced storm..." >&2
untraced=$(storm_ns getppid "$N")

echo "daemon-bench: under a full capture to a file..." >&2
"${SYSQL[@]}" capture -w "$tmp/full.scap" >"$tmp/capture.out" 2>&1 &
capture=$!
for _ in $(seq 1 300); do [ -s "$tmp/full.scap" ] && break; sleep 0.1; done
sleep 1
captured=$(storm_ns getppid "$N")
kill -TERM "$capture"; wait "$capture" 2>/dev/null || true; capture= # (a background job ignores SIGINT)
rm -f "$tmp/full.scap"

echo "daemon-bench: the daemon..." >&2
"${SYSQL[@]}" daemon --socket "$SOCK" --history-dir "$tmp/history" --history-disk-mb "$DISK_MB" \
  >"$tmp/daemon.out" 2>&1 &
daemon=$!
for _ in $(seq 1 600); do grep -q "local clients on" "$tmp/daemon.out" && break; sleep 0.1; done
grep -q "local clients on" "$tmp/daemon.out" || { cat "$tmp/daemon.out" >&2; exit 1; }
hz=$(getconf CLK_TCK)
t0=$(cpu_ticks "$daemon"); sleep "$IDLE_SECONDS"; t1=$(cpu_ticks "$daemon")
idle_cpu=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.1f", 100 * d / hz / s }')
under_daemon=$(storm_ns getppid "$N")

rate_rows=""
for rate in $RATES; do
  IFS=, read -r d0 h0 <<<"$(hub_stats "drops, history_disk_dropped_events")"
  out=$("$STORM" -t 2 -r "$rate" getppid $((rate * 5)))
  sleep 2 # the ring drains, the writer catches up
  IFS=, read -r d1 h1 <<<"$(hub_stats "drops, history_disk_dropped_events")"
  rate_rows+="| $rate calls/s ($((2 * rate)) events/s) | $(echo "$out" | awk '{print $(NF-1)}') | $((d1 - d0)) | $((h1 - h0)) |"$'\n'
done
IFS=, read -r disk_bytes disk_events <<<"$(hub_stats "history_disk_bytes, history_disk_events")"
bytes_per_event=$(awk -v b="$disk_bytes" -v e="$disk_events" 'BEGIN { printf "%.1f", (e > 0 ? b / e : 0) }')

echo "daemon-bench: soak, $SOAK_SECONDS s at $SOAK_RATE calls/s..." >&2
"$STORM" -t 1 -r "$SOAK_RATE" getppid $((SOAK_RATE * SOAK_SECONDS)) >/dev/null &
storm=$!
soak_rows=""
start=$(date +%s)
while kill -0 "$storm" 2>/dev/null; do
  now=$(($(date +%s) - start))
  IFS=, read -r hb db del dr hd <<<"$(hub_stats "history_bytes, history_disk_bytes, history_disk_deleted_segments, drops, history_disk_dropped_events")"
  soak_rows+="| $now | $(rss_mib "$daemon") | $((hb >> 20)) | $((db >> 20)) | $del | $dr | $hd |"$'\n'
  sleep 10
done
wait "$storm" || true

mkdir -p bench/results
out=bench/results/daemon-$(date -u +%Y-%m-%dT%H%M).md
{
  echo "### Run, $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) CPUs (load average $(cut -d' ' -f1-3 /proc/loadavg)), kernel $(uname -r)"
  echo
  echo "getppid storm, $N calls, ns per call:"
  echo
  echo "| | ns/call | ratio to untraced |"
  echo "|---|---|---|"
  echo "| untraced | $untraced | 1.00 |"
  echo "| sysql daemon (history in memory, then on disk) | $under_daemon | $(ratio "$under_daemon" "$untraced") |"
  echo "| sysql capture -w FILE (full capture to a file, as sysdig -w) | $captured | $(ratio "$captured" "$untraced") |"
  echo
  echo "The daemon's CPU over $IDLE_SECONDS s without a storm (the host's own activity recorded): $idle_cpu % of one CPU."
  echo
  echo "Paced storms (5 s each) while the history spills to disk:"
  echo
  echo "| rate | storm's ns/call | driver drops | history events not written |"
  echo "|---|---|---|---|"
  printf '%s' "$rate_rows"
  echo
  echo "Disk: $disk_bytes bytes for $disk_events events on disk, $bytes_per_event bytes per event (uncompressed .scap)."
  echo
  echo "Soak: $SOAK_SECONDS s of getppid at $SOAK_RATE calls/s ($((2 * SOAK_RATE)) events/s), memory history 256 MiB, disk $DISK_MB MiB:"
  echo
  echo "| s | daemon RSS MiB | history in memory MiB | on disk MiB | segments deleted | driver drops | history events not written |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s' "$soak_rows"
} >"$out"
cat "$out"
