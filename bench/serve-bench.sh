#!/usr/bin/env bash
# Load benchmark of sysql serve: CLIENTS short-query clients (each its own connection, one query after
# the other: state tables, catalogs, capture stats, a GROUP BY over the history) plus STREAMS clients each reading
# a 1-second TUMBLE count by proc.name, for SECONDS, over Avatica's own driver (protobuf) on loopback, while a
# paced `sysql-storm mixed` runs. Baseline in the same run: the same clients on the embedded driver (jdbc:sysql:,
# one JVM, no HTTP). The server's heap is sampled every second from outside (jstat), then measured after a full
# collection (jcmd GC.run). Writes bench/results/serve-<date>.md and prints it. Not part of the test suite (ServeLoadIT
# is its short version there). Run as root, under the build lock: flock /tmp/sysql-mvn.lock bench/serve-bench.sh
#   CLIENTS=100 STREAMS=10 DURATION=60 (seconds) PORT=18765 STORM_RATE=2000 (calls/s of the background storm: 4000 events/s, 240k in the 60-s history)
set -euo pipefail
trap 'echo "serve-bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
. bench/bench-lib.sh
bench_start serve-bench

CLIENTS=${CLIENTS:-100}
STREAMS=${STREAMS:-10}
SECONDS_=${DURATION:-60}
PORT=${PORT:-18765}
STORM_RATE=${STORM_RATE:-2000}
STORM=driver-kmod/target/native/sysql-storm
SYSQL=(java -cp "cli/target/sysql-cli.jar:cli/target/lib/*" sysql.cli.Sysql)
LOAD=(java -cp "bench/target/sysql-bench.jar:bench/target/lib/*" sysql.bench.ServeLoadBench)
tmp=$(mktemp -d /var/tmp/sysql-serve-bench.XXXXXX)
server=; storm=; jstat_pid=
cleanup() {
  for p in $jstat_pid $storm $server; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

start_storm() {
  "$STORM" -r "$STORM_RATE" mixed $((STORM_RATE * (SECONDS_ + 120))) >/dev/null &
  storm=$!
}
stop_storm() { kill "$storm" 2>/dev/null || true; wait "$storm" 2>/dev/null || true; storm=; }

# 1. baseline: the same load on the embedded driver, in one JVM
start_storm
"${LOAD[@]}" --url "jdbc:sysql:" --clients "$CLIENTS" --streams "$STREAMS" --seconds "$SECONDS_" \
  >"$tmp/embedded.txt" 2>"$tmp/embedded.err" || true
stop_storm

# 2. the server, as `sysql serve` runs it (the JVM's default heap settings), and the load over HTTP
# one local user runs every client from one address: the per-user and per-address caps are raised past them
"${SYSQL[@]}" serve --port "$PORT" --max-connections-per-user 256 --max-statements-per-user 256 \
  --max-http-connections-per-address 512 >"$tmp/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -s -o /dev/null -d '{"request":"openConnection","connectionId":"bench-probe"}' "http://127.0.0.1:$PORT" && break
  sleep 0.5
done
curl -s -o /dev/null -d '{"request":"closeConnection","connectionId":"bench-probe"}' "http://127.0.0.1:$PORT"
jcmd "$server" GC.run >/dev/null
start_heap=$(jcmd "$server" GC.heap_info | awk '/used/ {for (i = 1; i <= NF; i++) if ($i == "used") {print int($(i+1)); exit}}')
jstat -gc "$server" 1000 >"$tmp/jstat.txt" &
jstat_pid=$!
start_storm
"${LOAD[@]}" --url "jdbc:avatica:remote:url=http://127.0.0.1:$PORT;serialization=PROTOBUF" --clients "$CLIENTS" \
  --streams "$STREAMS" --seconds "$SECONDS_" >"$tmp/remote.txt" 2>"$tmp/remote.err" || true
stop_storm
kill "$jstat_pid"; wait "$jstat_pid" 2>/dev/null || true; jstat_pid=
# every stream was cancelled: the server frees them within its statement idle timeout (30 s)
sleep 35
subs=$(curl -s -d '{"request":"openConnection","connectionId":"bench-stats"}' "http://127.0.0.1:$PORT" >/dev/null;
  sid=$(curl -s -d '{"request":"createStatement","connectionId":"bench-stats"}' "http://127.0.0.1:$PORT" \
        | sed -n 's/.*"statementId":\([0-9]*\).*/\1/p');
  curl -s -d "{\"request\":\"prepareAndExecute\",\"connectionId\":\"bench-stats\",\"statementId\":$sid,\"sql\":\"SELECT subscriptions FROM capture_stats WHERE cpu IS NULL\",\"maxRowCount\":-1,\"maxRowsInFirstFrame\":10}" \
    "http://127.0.0.1:$PORT" | sed -n 's/.*"rows":\[\[\([0-9]*\)\]\].*/\1/p')
jcmd "$server" GC.run >/dev/null
end_heap=$(jcmd "$server" GC.heap_info | awk '/used/ {for (i = 1; i <= NF; i++) if ($i == "used") {print int($(i+1)); exit}}')
rss_peak=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$server/status")
# jstat -gc: S0U S1U EU OU are columns 3 4 6 8 (KiB); peak of their sum while the load ran
heap_peak=$(awk 'NR > 1 && $1 ~ /^[0-9.]+$/ {u = ($3 + $4 + $6 + $8) / 1024; if (u > m) m = u} END {printf "%.0f", m}' "$tmp/jstat.txt")
old_peak=$(awk 'NR > 1 && $1 ~ /^[0-9.]+$/ {u = $8 / 1024; if (u > m) m = u} END {printf "%.0f", m}' "$tmp/jstat.txt")

r=$(grep '^load:' "$tmp/remote.txt" || echo "load: failed")
e=$(grep '^load:' "$tmp/embedded.txt" || echo "load: failed")
out=bench/results/serve-$(date -u +%Y%m%d-%H%M).md
mkdir -p bench/results
{
  echo "# sysql serve load, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
  echo
  echo "$CLIENTS short-query clients + $STREAMS streaming clients for ${SECONDS_} s; background storm ${STORM_RATE} calls/s."
  echo
  echo "| | queries | queries/s | p50 ms | p99 ms | max ms | errors | stream rows | streams with rows |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for kind in remote embedded; do
    l=$([ $kind = remote ] && echo "$r" || echo "$e")
    echo "| $kind | $(echo "$l" | field queries) | $(echo "$l" | field qps) | $(echo "$l" | field p50_ms) |" \
      "$(echo "$l" | field p99_ms) | $(echo "$l" | field max_ms) | $(echo "$l" | field errors) |" \
      "$(echo "$l" | field stream_rows) | $(echo "$l" | field streams_with_rows) |"
  done
  echo
  echo "remote/embedded queries/s: $(ratio "$(echo "$r" | field qps)" "$(echo "$e" | field qps)")"
  echo
  echo "Server heap: ${start_heap} KiB used after a full GC before the load, ${end_heap} KiB after it;"
  echo "peak used while loaded ${heap_peak} MiB (old generation peak ${old_peak} MiB); RSS peak ${rss_peak} MiB."
  echo "Subscriptions left 35 s after the streams were cancelled: ${subs:-unknown}."
  echo
  echo "Per query (remote):"
  echo
  grep '^query:' "$tmp/remote.txt" | sed 's/^/    /'
  echo
  echo "Per query (embedded):"
  echo
  grep '^query:' "$tmp/embedded.txt" | sed 's/^/    /'
  if grep -q '^error:' "$tmp/remote.txt" "$tmp/embedded.txt"; then
    echo; echo "Errors:"; grep -h '^error:' "$tmp/remote.txt" "$tmp/embedded.txt" | head -10 | sed 's/^/    /'
  fi
} >"$out"
cat "$out"
