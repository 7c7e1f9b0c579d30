#!/usr/bin/env bash
# Start-up benchmark (issue 11): wall time of whole `./sysql …` commands as a user runs them (the launcher, its
# set-up checks, the JVM with the build's CDS archive), RUNS times each, medians, with and without a running
# `sysql daemon`; sysdig on the same file in the same run as the reference. The first live event is measured as
# the wall time of `SELECT STREAM … LIMIT 1` over a ticker that opens a file every 10 ms (an upper bound: the
# time to the first row plus the process's exit). Writes bench/results/startup-<date>.md and prints it. Not part
# of the test suite. Run as root: bench/startup-bench.sh      RUNS=5
set -euo pipefail
trap 'echo "startup-bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
. bench/bench-lib.sh
bench_start_sysql startup-bench

RUNS=${RUNS:-5}
FILE=testdata/scap/falco_cat_write.scap
tmp=$(mktemp -d /var/tmp/sysql-startup-bench.XXXXXX)
SOCK=$tmp/run/sysql.sock
daemon=; ticker=
cleanup() {
  for p in $ticker $daemon; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# a process named tick2 opening a file every 10 ms (the stream's events)
cp "$(command -v bash)" "$tmp/tick2"
"$tmp/tick2" -c 'while :; do : < /etc/hostname; sleep 0.01; done' &
ticker=$!

# wall CMD...: median wall seconds of RUNS runs of CMD (output discarded; a failing run stops the bench)
wall() {
  local i
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -f '%e' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" </dev/null || { cat "$tmp/err" >&2; return 1; }
    cat "$tmp/t"
  done | median
}

STREAM_SQL="SELECT STREAM evt.rawtime FROM events WHERE proc.name = 'tick2' AND evt.type = 'openat' AND evt.dir = '<' LIMIT 1"
COUNT_FILE_SQL="SELECT COUNT(*) FROM events"
PROCS_SQL="SELECT COUNT(*) FROM processes"

echo "startup-bench: without the daemon..." >&2
export SYSQL_SOCKET=$SOCK # no daemon there yet: the commands capture themselves
# the launcher's runtime for commands computing in their own process (scripts/runtime-java.sh: a JDK 25+ with its
# AOT cache where there is one), and the java on PATH (JDK 17 with its class-data-sharing archive, which the daemon
# and its clients run) as the same run's baseline
. scripts/runtime-java.sh
sysql_choose_java oneshot
runtime="$sysql_java_version ($sysql_java, archive $sysql_archive; the daemon and its clients on the java on PATH)"
SYSQL_JAVA=java ./sysql --version >/dev/null </dev/null
./sysql --version >/dev/null </dev/null
j17_file=$(SYSQL_JAVA=java wall ./sysql query -r "$FILE" "$COUNT_FILE_SQL")
j17_stream=$(SYSQL_JAVA=java wall ./sysql query "$STREAM_SQL")
j17_procs=$(SYSQL_JAVA=java wall ./sysql query "$PROCS_SQL")
e_file=$(wall ./sysql query -r "$FILE" "$COUNT_FILE_SQL")
e_procs=$(wall ./sysql query "$PROCS_SQL")
e_stream=$(wall ./sysql query "$STREAM_SQL")
e_version=$(wall ./sysql --version)
sysdig_file=$(wall sysdig -r "$FILE")

echo "startup-bench: with the daemon..." >&2
./sysql daemon --socket "$SOCK" >"$tmp/daemon.out" 2>&1 &
daemon=$!
for ((i = 0; i < 600; i++)); do
  grep -q "local clients on" "$tmp/daemon.out" && break
  sleep 0.1
done
grep -q "local clients on" "$tmp/daemon.out" || { cat "$tmp/daemon.out" >&2; exit 1; }
# a daemon runs for days: measure it warm (its first queries compile the planner's hot code, competing with the
# client for the cores)
for ((i = 0; i < 5; i++)); do
  ./sysql query "$PROCS_SQL" >/dev/null </dev/null
  ./sysql query "$STREAM_SQL" >/dev/null </dev/null
  ./sysql query "SELECT COUNT(*) FROM events WHERE proc.name = 'tick2'" >/dev/null </dev/null
done
d_procs=$(wall ./sysql query "$PROCS_SQL")
d_stream=$(wall ./sysql query "$STREAM_SQL")
d_history=$(wall ./sysql query "SELECT COUNT(*) FROM events WHERE proc.name = 'tick2'")
# the same client without the launcher's set-up checks: what the JVM itself takes
here=$(pwd)
java_client=(java -XX:SharedArchiveFile="$here/cli/target/sysql.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off
  -cp "$here/cli/target/sysql-cli.jar:$here/cli/target/lib/*" sysql.cli.Sysql)
d_procs_java=$(wall "${java_client[@]}" query "$PROCS_SQL")
d_procs_c1=$(wall "${java_client[@]:0:1}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "${java_client[@]:1}" query "$PROCS_SQL")
launcher=$(wall bash -c 'scripts/install-deps.sh && scripts/build.sh')

mkdir -p bench/results
out=bench/results/startup-$(date -u +%Y-%m-%dT%H%M).md
{
  echo "### Run, $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) CPUs (load average $(cut -d' ' -f1-3 /proc/loadavg)), kernel $(uname -r), the launcher's runtime $runtime, medians of $RUNS"
  echo
  echo "| command (whole process, through ./sysql) | without the daemon | with the daemon | without, on the JDK on PATH ($(java -version 2>&1 | head -1), \`SYSQL_JAVA=java\`) | target |"
  echo "|---|---|---|---|---|"
  echo "| \`sysql query \"$PROCS_SQL\"\` | $e_procs s | $d_procs s | $j17_procs s | ≤ 0.5 s with the daemon |"
  echo "| first live event: \`sysql query \"SELECT STREAM … LIMIT 1\"\` (ticker every 10 ms) | $e_stream s | $d_stream s | $j17_stream s | ≤ 1.5 s without, ≤ 0.5 s with |"
  echo "| \`sysql query -r falco_cat_write.scap \"$COUNT_FILE_SQL\"\` (a file: always in the process) | $e_file s | | $j17_file s | ≤ 1.0 s |"
  echo "| \`sysql query\` over the history (\`COUNT(*) … WHERE proc.name = 'tick2'\`) | | $d_history s | | |"
  echo "| \`sysql --version\` (JVM + the command line's parser) | $e_version s | | | |"
  echo "| the launcher's set-up checks alone (install-deps.sh, build.sh) | $launcher s | | | |"
  echo "| \`java … sysql.cli.Sysql query \"$PROCS_SQL\"\` (no launcher, JDK 17 and its archive) | | $d_procs_java s | | |"
  echo "| the same with \`-XX:TieredStopAtLevel=1 -XX:+UseSerialGC\` | | $d_procs_c1 s | | |"
  echo "| \`sysdig -r falco_cat_write.scap\` (reference) | $sysdig_file s | | | |"
} >"$out"
cat "$out"
