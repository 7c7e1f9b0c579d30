#!/usr/bin/env bash
# The wire benchmark (issue 15): one large result, all events of a capture file (sysdig_live_storm.scap.gz,
# 1.17 M events) with 10 columns, fetched whole by one client over Avatica protobuf, Avatica JSON (sysql serve's
# HTTP endpoint) and Arrow Flight SQL (sysql serve --flight-sql, when the server has it: through Arrow's Flight SQL JDBC
# driver, and through Arrow's FlightSqlClient reading the batches' vectors as a columnar client does), each through the same
# byte-counting TCP relay (sysql.bench.WireBench): rows/s and bytes on the wire per row. A warm-up run of each is
# not reported. Writes bench/results/wire-<date>.md and prints it. Not part of the test suite. Run as root, under
# the build lock: flock /tmp/sysql-mvn.lock bench/wire-bench.sh
#   FILE=testdata/scap/sysdig_live_storm.scap.gz, RUNS=2 (per protocol, the first a warm-up)
set -euo pipefail
trap 'echo "wire-bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
. bench/bench-lib.sh
bench_start wire-bench

FILE=${FILE:-testdata/scap/sysdig_live_storm.scap.gz}
RUNS=${RUNS:-2}
SQL="SELECT evt.num, evt.time, evt.type, evt.dir, proc.pid, thread.tid, proc.name, fd.num, fd.name, evt.rawres FROM events"
SYSQL=(java --add-opens=java.base/java.nio=ALL-UNNAMED -cp "cli/target/sysql-cli.jar:cli/target/lib/*" sysql.cli.Sysql)
WIRE=(java --add-opens=java.base/java.nio=ALL-UNNAMED -cp "bench/target/sysql-bench.jar:bench/target/lib/*" sysql.bench.WireBench)
tmp=$(mktemp -d /var/tmp/sysql-wire-bench.XXXXXX)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

flight=()
if "${SYSQL[@]}" serve --help | grep -q -- --flight-sql; then
  flight=(--flight-sql 0)
fi
"${SYSQL[@]}" serve --port 0 --socket "$tmp/sysql.sock" -r "$FILE" "${flight[@]}" >"$tmp/serve.out" 2>"$tmp/serve.err" &
server=$!
for _ in $(seq 600); do
  grep -q "listening on" "$tmp/serve.out" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$tmp/serve.err" >&2; exit 1; }
  sleep 0.1
done
sleep 1
http=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$tmp/serve.out" | head -1)
args=(--url "protobuf=jdbc:avatica:remote:url=http://127.0.0.1:PORT;serialization=PROTOBUF" --target "$http"
      --url "json=jdbc:avatica:remote:url=http://127.0.0.1:PORT;serialization=JSON" --target "$http")
if [ ${#flight[@]} -gt 0 ]; then
  fport=$(sed -n 's|.*jdbc:arrow-flight-sql://127.0.0.1:\([0-9]*\).*|\1|p' "$tmp/serve.out" | head -1)
  args+=(--url "flight-sql=jdbc:arrow-flight-sql://127.0.0.1:PORT/?useEncryption=false" --target "$fport")
  args+=(--url "flight-sql-native=flight-native://" --target "$fport")
fi
"${WIRE[@]}" "${args[@]}" --runs "$RUNS" --sql "$SQL" | tee "$tmp/wire"
mkdir -p bench/results
out=bench/results/wire-$(date +%Y-%m-%d).md
pb=$(grep 'protocol=protobuf ' "$tmp/wire" | field rows_per_s)
{
  echo "### Run, $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) CPUs (load average $(cut -d' ' -f1-3 /proc/loadavg)), kernel $(uname -r | cut -d- -f1), $(java -version 2>&1 | head -1 | tr -d '"')"
  echo
  echo "\`$SQL\` over \`$FILE\`, one client, the whole result; sysql serve and the client on this machine, through a loopback relay."
  echo
  echo "| protocol | rows | seconds | rows/s | × protobuf | bytes to the client | bytes per row |"
  echo "|---|---|---|---|---|---|---|"
  while read -r line; do
    p=$(sed -n 's/.*protocol=\([^ ]*\).*/\1/p' <<<"$line")
    r=$(field rows_per_s <<<"$line")
    echo "| $p | $(field rows <<<"$line") | $(field seconds <<<"$line") | $r | $(ratio "$r" "$pb") | $(field bytes_to_client <<<"$line") | $(field bytes_per_row <<<"$line") |"
  done < <(grep '^wire:' "$tmp/wire")
} | tee "$out"
