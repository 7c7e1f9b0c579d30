#!/usr/bin/env bash
# A fleet through Kafka and Flink (issue 16), on this machine, every part real and on loopback: a Kafka broker
# (KRaft, Apache Kafka's own server: sysql.bench.KafkaBroker), `sysql export` / `sysql agent` as the hosts and Flink
# SQL on Flink's local MiniCluster (sysql.bench.FlinkTopicRead, and `sysql fleet`). Measures:
#  1. rows/s from one agent into Kafka (`sysql export -r FILE`, the capture read as fast as it goes) and from the
#     topic through Flink's global per-second windows (a bounded job, 'scan.bounded.mode' = 'latest-offset'), raw
#     rows vs the host's per-second partial counts;
#  2. bytes per event on the wire, Arrow vs JSON: uncompressed (the export's summary) and as the broker keeps them
#     (lz4 from the producer: the topic's log segments on disk);
#  3. the delay from a window's end to its global row printed by `sysql fleet` (one live agent, one replaying the
#     file at 0.1x), with --lateness 5 (the default) and 1;
#  4. the CPU (user + system, /proc/PID/stat) of a live `sysql export` of a paced getppid storm of RATE events/s,
#     raw rows vs partial counts;
#  5. what a 100-host fleet would need, extrapolated from 1-4.
# Writes bench/results/fleet-<date>.md and prints it. Not part of the test suite. Run as root (the live capture),
# under the build lock: flock /tmp/sysql-mvn.lock bench/fleet-bench.sh
#   FILE=testdata/scap/sysdig_live_storm.scap.gz, RATE=100000 (events/s of the storm: RATE/2 getppid calls/s, 2
#   threads), DURATION=15 (s of storm measured), FLEET_SECONDS=40 (s of each `sysql fleet` run for the delay)
set -euo pipefail
trap 'echo "fleet-bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
. bench/bench-lib.sh
[ "$(id -u)" = 0 ] || { echo "fleet-bench: run as root (the live capture loads the eBPF probe)" >&2; exit 1; }
for f in cli/target/sysql-cli.jar bench/target/sysql-bench.jar driver-kmod/target/native/sysql-storm; do
  [ -e "$f" ] || { echo "fleet-bench: $f is missing: build first (mvn package -pl bench -am)" >&2; exit 1; }
done

FILE=${FILE:-testdata/scap/sysdig_live_storm.scap.gz}
RATE=${RATE:-100000}
DURATION=${DURATION:-15}
FLEET_SECONDS=${FLEET_SECONDS:-40}
STORM=driver-kmod/target/native/sysql-storm
JVM=(--add-opens=java.base/java.nio=ALL-UNNAMED)
SYSQL=(java -cp "cli/target/sysql-cli.jar:cli/target/lib/*" "${JVM[@]}" sysql.cli.Sysql)
BENCH=(java -cp "bench/target/sysql-bench.jar:bench/target/lib/*" "${JVM[@]}")
# Flink on the class path `sysql fleet` runs with (the bench module's has the broker's and the Flight SQL driver's jars)
FLINK=(java -cp "bench/target/sysql-bench.jar:cli/target/lib/*" "${JVM[@]}" sysql.bench.FlinkTopicRead)
RAW="SELECT STREAM evt.time, evt.type, proc.name FROM events"
PARTIAL="SELECT STREAM TUMBLE_START(evt.time, INTERVAL '1' SECOND) AS host_window_start, evt.type, COUNT(*) AS c FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), evt.type"
hz=$(getconf CLK_TCK)
tmp=$(mktemp -d /var/tmp/sysql-fleet-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# the broker
"${BENCH[@]}" sysql.bench.KafkaBroker "$tmp/kafka" >"$tmp/broker.log" 2>&1 &
broker=$!; pids+=("$broker")
for _ in $(seq 600); do
  [ -s "$tmp/kafka/bootstrap" ] && break
  kill -0 "$broker" 2>/dev/null || { tail -20 "$tmp/broker.log" >&2; exit 1; }
  sleep 0.1
done
B=$(cat "$tmp/kafka/bootstrap")
echo "fleet-bench: broker at $B" >&2

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# topic_bytes TOPIC: the bytes of the topic's log segments on the broker's disk
topic_bytes() { cat "$tmp/kafka/logs/$1"-*/*.log | wc -c; }
# summary FILE: "read delivered records bytes notdelivered" from an export's stderr summary line
summary() {
  sed -n 's/.*sysql export: \([0-9]*\) rows read, \([0-9]*\) delivered in \([0-9]*\) records (\([0-9]*\) bytes), \([0-9]*\) not delivered.*/\1 \2 \3 \4 \5/p' "$1" | tail -1
}

# 1 and 2: the capture file exported as fast as it goes, four ways; then Flink over the Arrow topics
/usr/bin/time -f '%e %U %S' -o "$tmp/time" "${SYSQL[@]}" query -r "$FILE" --format csv "SELECT COUNT(*) FROM events" >"$tmp/count"
events=$(tail -1 "$tmp/count" | tr -d '\r"')
base_wall=$(awk '{print $1}' "$tmp/time"); base_cpu=$(awk '{print $2 + $3}' "$tmp/time")
echo "fleet-bench: $FILE holds $events events" >&2
declare -A wall cpu sum disk flink
for kind in raw partial; do
  for fmt in arrow json; do
    topic=$kind-$fmt
    q=$RAW; [ "$kind" = partial ] && q=$PARTIAL
    /usr/bin/time -f '%e %U %S' -o "$tmp/time" "${SYSQL[@]}" export -r "$FILE" -b "$B" -t "$topic" --format "$fmt" \
      --host-name h1 --host-id i1 "$q" >/dev/null 2>"$tmp/export-$topic.err" || { cat "$tmp/export-$topic.err" >&2; exit 1; }
    wall[$topic]=$(awk '{print $1}' "$tmp/time"); cpu[$topic]=$(awk '{print $2 + $3}' "$tmp/time")
    sum[$topic]=$(summary "$tmp/export-$topic.err")
    sleep 1
    disk[$topic]=$(topic_bytes "$topic")
    echo "fleet-bench: export $topic: ${wall[$topic]} s, ${cpu[$topic]} CPU s, summary ${sum[$topic]}, ${disk[$topic]} bytes on disk" >&2
  done
done
# the raw Arrow rows again with zstd instead of lz4 (the producer's compression.type)
topic=raw-arrow-zstd
"${SYSQL[@]}" export -r "$FILE" -b "$B" -t "$topic" -X compression.type=zstd --host-name h1 --host-id i1 "$RAW" \
  >/dev/null 2>"$tmp/export-$topic.err" || { cat "$tmp/export-$topic.err" >&2; exit 1; }
sleep 1
zstd_disk=$(topic_bytes "$topic")
for topic in raw-arrow partial-arrow raw-json; do
  kind=raw; [ "${topic%%-*}" = partial ] && kind=partials
  "${FLINK[@]}" "$B" "$topic" "${topic#*-}" "$kind" 3 >"$tmp/flink-$topic.out" 2>"$tmp/flink-$topic.err" \
    || { tail -30 "$tmp/flink-$topic.err" >&2; exit 1; }
  # the fastest of the runs after the first (which starts the MiniCluster)
  flink[$topic]=$(grep '^run=' "$tmp/flink-$topic.out" | tail -n +2 | sort -t= -k3 -g | head -1)
  echo "fleet-bench: flink $topic: ${flink[$topic]}" >&2
done

# 3: sysql fleet with a live agent and a replaying one; each printed row's arrival minus its window's end
FLEET_SQL="SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS window_end, COUNT(*) AS c FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND)"
declare -A delays
for lateness in 5 1; do
  "${SYSQL[@]}" agent -b "$B" --engine embedded --no-history --host-name live --host-id live >"$tmp/agent-live.out" 2>&1 &
  pids+=($!)
  "${SYSQL[@]}" agent -b "$B" -r "$FILE" --replay --speed 0.1 --host-name replay --host-id replay >"$tmp/agent-replay.out" 2>&1 &
  pids+=($!)
  sleep 3
  ( "${SYSQL[@]}" fleet -b "$B" --format csv --lateness "$lateness" "$FLEET_SQL" 2>"$tmp/fleet.err" \
      | while IFS= read -r line; do printf '%s,%s\n' "$EPOCHREALTIME" "$line"; done >"$tmp/fleet-$lateness.out" ) &
  fleet=$!; pids+=("$fleet")
  sleep "$FLEET_SECONDS"
  pkill -TERM -P "$fleet" >/dev/null 2>&1 || true   # the pipeline's children (the fleet JVM first): by parent id
  wait "$fleet" 2>/dev/null || true
  kill "${pids[@]:1}" 2>/dev/null || true
  wait "${pids[@]:1}" 2>/dev/null || true
  pids=("$broker")
  delays[$lateness]=$(python3 - "$tmp/fleet-$lateness.out" <<'PY'
import sys, datetime
d = []
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split(",")
    if len(f) < 3 or not f[1][:1].isdigit():
        continue
    end = datetime.datetime.fromisoformat(f[1].strip('"').replace(" ", "T")).replace(tzinfo=datetime.timezone.utc)
    d.append(float(f[0].replace(",", ".")) - end.timestamp())
d.sort()
if not d:
    print("0 0 0 0 0"); sys.exit()
p = lambda q: d[min(len(d) - 1, int(q * len(d)))]
print(len(d), "%.2f" % p(0.5), "%.2f" % p(0.99), "%.2f" % d[-1], "%.2f" % d[0])
PY
)
  echo "fleet-bench: fleet --lateness $lateness: rows, p50, p99, max, min delay: ${delays[$lateness]}" >&2
done

# 4: a live export of a paced storm, raw rows and partial counts; its CPU over DURATION s of storm
storm() { "$STORM" -r "$((RATE / 2))" -s -t 2 getppid "$1" >/dev/null; }
declare -A live
for kind in raw partial; do
  topic=live-$kind
  q="$RAW WHERE evt.type = 'getppid'"
  [ "$kind" = partial ] && q="SELECT STREAM TUMBLE_START(evt.time, INTERVAL '1' SECOND) AS host_window_start, evt.type, COUNT(*) AS c FROM events WHERE evt.type = 'getppid' GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), evt.type"
  "${SYSQL[@]}" export -b "$B" -t "$topic" --engine embedded --no-history --host-name live --host-id live "$q" \
    >/dev/null 2>"$tmp/export-$topic.err" &
  exp=$!; pids+=("$exp")
  probes=0   # small storms until the export delivers (its capture is up)
  until [ -d "$tmp/kafka/logs/$topic-0" ] && [ "$(topic_bytes "$topic")" -gt 0 ]; do
    kill -0 "$exp" 2>/dev/null || { cat "$tmp/export-$topic.err" >&2; exit 1; }
    storm 100; probes=$((probes + 1)); sleep 0.5
  done
  storm "$((RATE / 2 * 3))"   # warm-up, not measured
  c0=$(cpu_ticks "$exp"); t0=$EPOCHREALTIME
  storm "$((RATE / 2 * DURATION))"
  c1=$(cpu_ticks "$exp"); t1=$EPOCHREALTIME
  sleep 3   # the last window closes
  kill "$exp"; wait "$exp" 2>/dev/null || true
  unset 'pids[-1]'
  s=$(summary "$tmp/export-$topic.err")
  represented=$(awk '{print $2}' <<<"$s")
  if [ "$kind" = partial ]; then
    "${FLINK[@]}" "$B" "$topic" arrow partials 1 >"$tmp/flink-$topic.out" 2>"$tmp/flink-$topic.err"
    represented=$(sed -n 's/.*events=\([0-9]*\).*/\1/p' "$tmp/flink-$topic.out")
  fi
  sent=$((probes * 200 + RATE / 2 * 2 * (3 + DURATION)))
  live[$topic]="$(awk -v c0="$c0" -v c1="$c1" -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.3f %.2f", (c1 - c0) / hz, t1 - t0 }') $s $represented $sent $(topic_bytes "$topic")"
  echo "fleet-bench: live $topic: cpu_s storm_s read delivered records bytes notdelivered represented sent disk = ${live[$topic]}" >&2
done
kill "$broker"; wait "$broker" 2>/dev/null || true; pids=()

# the report
f() { awk -v n="$2" "{print \$$1}" <<<"$3"; }   # f N _ STRING: the Nth word
mkdir -p bench/results
out=bench/results/fleet-$(date +%Y-%m-%d).md
{
  echo "### Run, $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) CPUs (load average $(cut -d' ' -f1-3 /proc/loadavg)), kernel $(uname -r | cut -d- -f1), $(java -version 2>&1 | head -1 | tr -d '"')"
  echo
  echo "Broker, agents and Flink on this one machine, on loopback. Capture file $FILE: $events events."
  echo
  echo "#### 1-2. One agent into Kafka (\`sysql export -r FILE\`, as fast as it reads), bytes on the wire"
  echo
  echo "| export | wall s | CPU s | events/s represented | rows | records | bytes (uncompressed) | bytes/event | on the broker's disk (lz4) | disk bytes/event |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  echo "| baseline: \`sysql query -r FILE\` COUNT(*), no export | $base_wall | $base_cpu | $(rate "$events" "$base_wall") | | | | | | |"
  for topic in raw-arrow raw-json partial-arrow partial-json; do
    s=${sum[$topic]}
    echo "| $topic | ${wall[$topic]} | ${cpu[$topic]} | $(rate "$events" "${wall[$topic]}") | $(f 2 _ "$s") | $(f 3 _ "$s") | $(f 4 _ "$s") | $(awk -v b="$(f 4 _ "$s")" -v e="$events" 'BEGIN{printf "%.4g", b / e}') | ${disk[$topic]} | $(awk -v b="${disk[$topic]}" -v e="$events" 'BEGIN{printf "%.4g", b / e}') |"
  done
  echo
  echo "The raw Arrow rows with \`-X compression.type=zstd\`: $zstd_disk bytes on the broker's disk, $(awk -v b="$zstd_disk" -v e="$events" 'BEGIN{printf "%.2f", b / e}') bytes/event."
  echo
  echo "Undelivered rows: $(for t in raw-arrow raw-json partial-arrow partial-json; do printf '%s %s; ' "$t" "$(f 5 _ "${sum[$t]}")"; done)"
  echo
  echo "Flink (MiniCluster, parallelism 1) over the topic: the global per-second windows by evt.type, a bounded job (fastest of runs 2-3 in one JVM; run 1 starts the cluster):"
  echo
  echo "| topic | job s | rows read | rows/s | events counted | events/s represented | run 1 s |"
  echo "|---|---|---|---|---|---|---|"
  for topic in raw-arrow raw-json partial-arrow; do
    r=${flink[$topic]}
    secs=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$r"); ev=$(sed -n 's/.*events=\([0-9]*\).*/\1/p' <<<"$r")
    rows=$(f 2 _ "${sum[$topic]}")
    echo "| $topic | $secs | $rows | $(rate "$rows" "$secs") | $ev | $(rate "$ev" "$secs") | $(grep '^run=1 ' "$tmp/flink-$topic.out" | sed 's/.*seconds=\([0-9.]*\).*/\1/') |"
  done
  echo
  echo "#### 3. Window end to global row (\`sysql fleet\`, one live agent + one replaying the file at 0.1×, ${FLEET_SECONDS} s a run)"
  echo
  echo "Each printed row's arrival (wall clock) minus its TUMBLE_END; the first rows come some 15 s after the start."
  echo
  echo "| --lateness s | global rows | p50 s | p99 s | max s | min s |"
  echo "|---|---|---|---|---|---|"
  for lateness in 5 1; do d=${delays[$lateness]}; echo "| $lateness | ${d// / | } |"; done
  echo
  echo "#### 4. Live \`sysql export\` (--engine embedded --no-history) of a getppid storm at $RATE events/s, $DURATION s measured"
  echo
  echo "| export | CPU s | storm s | CPU s per s | CPU s per 1M events | rows read | records | bytes | not delivered | events represented | events of the storm (incl. probes) | disk bytes |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for topic in live-raw live-partial; do
    l=${live[$topic]}
    echo "| $topic | $(f 1 _ "$l") | $(f 2 _ "$l") | $(awk -v c="$(f 1 _ "$l")" -v s="$(f 2 _ "$l")" 'BEGIN{printf "%.3f", c / s}') | $(awk -v c="$(f 1 _ "$l")" -v s="$(f 2 _ "$l")" -v r="$RATE" 'BEGIN{printf "%.3f", c / (s * r) * 1e6}') | $(f 3 _ "$l") | $(f 5 _ "$l") | $(f 6 _ "$l") | $(f 7 _ "$l") | $(f 8 _ "$l") | $(f 9 _ "$l") | $(f 10 _ "$l") |"
  done
  echo
  echo "#### 5. A 100-host fleet at $RATE events/s a host (estimates from the figures above)"
  echo
  lr=${live[live-raw]}; lp=${live[live-partial]}
  awk -v rate="$RATE" -v hosts=100 \
      -v rawcpu="$(f 1 _ "$lr")" -v rawsec="$(f 2 _ "$lr")" -v rawev="$(f 8 _ "$lr")" -v rawbytes="$(f 6 _ "$lr")" -v rawdisk="$(f 10 _ "$lr")" \
      -v pcpu="$(f 1 _ "$lp")" -v psec="$(f 2 _ "$lp")" -v pev="$(f 8 _ "$lp")" -v prec="$(f 5 _ "$lp")" -v pdisk="$(f 10 _ "$lp")" -v frec="$(f 3 _ "${sum[partial-arrow]}")" -v fdisk="${disk[partial-arrow]}" \
      -v flinkraw="$(rate "$(f 2 _ "${sum[raw-arrow]}")" "$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"${flink[raw-arrow]}")")" \
      -v fgroups="$(f 2 _ "${sum[partial-arrow]}")" -v fwindows="$(sed -n 's/.*windows=\([0-9]*\).*/\1/p' <<<"${flink[partial-arrow]}")" 'BEGIN {
    ev = rate * hosts
    printf "| | raw rows (Arrow, lz4) | per-second partial counts |\n|---|---|---|\n"
    printf "| CPU of each host'"'"'s export (kernel-filtered storm) | %.2f cores | %.2f cores |\n", rawcpu / rawsec, pcpu / psec
    printf "| into the broker (as stored) | %.0f MB/s (%.1f B/event), %.1f TB/day | %.0f kB/s (a record a window a host: %.0f B stored for the file'"'"'s %d groups a window, %.0f B for the live storm'"'"'s 1) |\n", ev * rawdisk / rawev / 1e6, rawdisk / rawev, ev * rawdisk / rawev * 86400 / 1e12, hosts * fdisk / frec / 1e3, fdisk / frec, fgroups / fwindows, pdisk / prec
    printf "| producer side, uncompressed | %.0f MB/s | |\n", ev * rawbytes / rawev / 1e6
    printf "| rows/s into Flink | %.0f | %.0f |\n", ev, hosts * fgroups / fwindows
    printf "| Flink slots (one measured here: %d rows/s raw Arrow) | %.0f | < 1 |\n", flinkraw, ev / flinkraw
  }'
} | tee "$out"
