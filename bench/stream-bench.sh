#!/usr/bin/env bash
# Streaming benchmark: a 1-second TUMBLE GROUP BY proc.name, evt.type over the live stream while a paced
# getppid storm makes RATE events/s, on this machine's 2 cores; next to it the same aggregate counted in the kernel
# by bpftrace; and the traced workload's slowdown under each.
#   1. untraced: the storm as fast as it goes (2 threads; calls/s, the slowdown baseline) and paced at RATE.
#   2. sysql, jdbc:sysql:history=off: the query (sysql.bench.StreamQueryBench) during a paced storm of SECONDS s:
#      per window the emission delay (arrival - window end, and arrival - the moment the capture's watermark passed
#      the end), rows, counts vs the storm's own calls; ring drops and rows dropped by the query; CPU; heap; RSS.
#   3. the same with history on (jdbc:sysql:, the default: the recorder keeps every event too).
#   4. paced rates of LADDER events/s, LADDER_SECONDS each (history off): the highest without drops.
#   5. the unpaced storm under the query (history off): the workload's slowdown.
#   6. bpftrace: the reference program (@[comm, probe] = count() on every tracepoint:syscalls:sys_enter_* and
#      sys_exit_*, interval:s:1 print and clear) and a raw_syscalls variant (@[comm, args->id] on sys_enter and
#      sys_exit): the unpaced storm's slowdown, the paced storm's counts; and a program that does nothing on
#      raw_syscalls sys_enter and sys_exit (what tracing syscalls at all costs the workload on this kernel).
# Writes bench/results/stream-<date>.md and prints it. Not part of the test suite (minutes long). Run as root,
# under the build lock: flock /tmp/sysql-mvn.lock bench/stream-bench.sh
#   RATE=1000000 (events/s of the paced storm: RATE/2 getppid calls/s, each an enter and an exit event),
#   DURATION=30 (the paced storm under the query), THREADS=2 (storm threads), XMX=512m (the query JVM's heap:
#   the target's limit), LADDER="50000 100000 250000 500000 750000", LADDER_SECONDS=8, REPS=3 (unpaced storms per
#   setup), UNPACED_CALLS=8000000 (getppid calls of an unpaced storm), WARMUP=5 (s of the paced storm that every
#   query JVM runs first, not measured: the JIT compiles the capture's and the query's paths), HISTORY=1 (0 skips step 3),
#   BPFTRACE=1 (0 skips step 6), JFR=1 (a flight recording of step 2, kept in bench/results/)
set -euo pipefail
trap 'echo "stream-bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "stream-bench: run as root (the live capture loads the eBPF probe, bpftrace attaches)" >&2; exit 1; }
. bench/bench-lib.sh
bench_start stream-bench
if [ "${BPFTRACE:-1}" = 1 ] && ! command -v bpftrace >/dev/null; then
  echo "stream-bench: installing bpftrace" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bpftrace >/dev/null
fi
# bpftrace finds tracepoints through tracefs (under debugfs for bpftrace 0.17); mount them if missing.
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
mountpoint -q /sys/kernel/tracing || mount -t tracefs none /sys/kernel/tracing

RATE=${RATE:-1000000}
DURATION=${DURATION:-30}
THREADS=${THREADS:-2}
XMX=${XMX:-512m}
LADDER=${LADDER:-"50000 100000 250000 500000 750000"}
LADDER_SECONDS=${LADDER_SECONDS:-8}
REPS=${REPS:-3}
UNPACED_CALLS=${UNPACED_CALLS:-8000000}
WARMUP=${WARMUP:-5}
STORM=driver-kmod/target/native/sysql-storm
SQL="SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS w, proc.name, evt.type, COUNT(*) AS n FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name, evt.type"
BT_PROBE='tracepoint:syscalls:sys_enter_*, tracepoint:syscalls:sys_exit_* { @[comm, probe] = count(); } interval:s:1 { print(@); clear(@); }'
BT_RAW='tracepoint:raw_syscalls:sys_enter { @[comm, args->id] = count(); } tracepoint:raw_syscalls:sys_exit { @[comm, args->id] = count(); } interval:s:1 { print(@); clear(@); }'
BT_EMPTY='tracepoint:raw_syscalls:sys_enter, tracepoint:raw_syscalls:sys_exit { } interval:s:1 { printf("@[tick]\n"); }'
mkdir -p bench/results
stamp=$(date +%Y-%m-%d)
tmp=$(mktemp -d /tmp/sysql-stream-bench.XXXXXX)

# Every child this script starts, and theirs (the storms the JVM starts), ends with it.
kill_tree() {
  local p
  for p in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$p"; done
  kill -TERM "$1" 2>/dev/null || true
}
cleanup() {
  local p
  for p in $(jobs -p); do kill_tree "$p"; done
  [ -n "${bt_pid:-}" ] && kill -INT "$bt_pid" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# calls_per_sec OUTPUT_LINE: the storm's calls/s from "getppid N calls in T ns = ..."
calls_per_sec() { awk '{printf "%.0f", $2 / ($5 / 1e9)}' <<<"$1"; }
# unpaced CALLS: runs the storm as fast as it goes; prints its calls/s
unpaced() { calls_per_sec "$("$STORM" -t "$THREADS" getppid "$1")"; }
# foreign: how many BPF tracing programs are attached now (called while this script traces nothing itself, they are
# other sessions'). Any program on a syscall tracepoint — even one that counts nothing of ours — sends every syscall
# of the host through the kernel's slow syscall path, so an "untraced" run next to one is not untraced.
foreign() {
  bpftool prog show 2>/dev/null | awk '$1 ~ /^[0-9]+:$/ && $2 ~ /^(tracepoint|raw_tracepoint|tracing|kprobe|perf_event)$/ {n++}
    END {print n + 0}'
}
# settle N: waits (up to 2 s) until at most N such programs are attached: a probe of ours that has just been closed
# stays listed for a moment (its sys_enter and sys_exit programs, ~0.5 s here) before the kernel frees it.
settle() { local i; for i in $(seq 1 20); do [ "$(foreign)" -le "$1" ] && return 0; sleep 0.1; done; }
# untraced_run FILE: an unpaced storm with nothing of ours attached; appends "calls/s foreign_before foreign_after"
untraced_run() { local a b r; settle 0; a=$(foreign); r=$(unpaced "$UNPACED_CALLS"); b=$(foreign); echo "$r $a $b" >>"$1"; }

# bench_query NAME URL STORM_CMD [JVM options...]: StreamQueryBench over URL during STORM_CMD, after WARMUP s of the
# paced storm; output in $tmp/NAME.out, windows in $tmp/NAME.tsv. Run in the background and waited for, so that
# the EXIT trap can end it.
bench_query() {
  local name=$1 url=$2 storm=$3 warm=(); shift 3
  [ "$WARMUP" -gt 0 ] && warm=(--warmup "$paced $((RATE / 2 * WARMUP))")
  settle 0
  foreign >"$tmp/$name.foreign"
  java -Xmx"$XMX" -Duser.timezone=UTC "$@" -cp "bench/target/sysql-bench.jar:bench/target/lib/*" \
    sysql.bench.StreamQueryBench --url "$url" "${warm[@]}" --storm "$storm" --windows "$tmp/$name.tsv" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" &
  local pid=$!
  wait "$pid" || { echo "stream-bench: the $name run failed:" >&2; cat "$tmp/$name.err" "$tmp/$name.out" >&2; exit 1; }
  settle "$(cat "$tmp/$name.foreign")"
  echo "foreign: before=$(cat "$tmp/$name.foreign") after=$(foreign)" >>"$tmp/$name.out"
  grep -v '^first_row' "$tmp/$name.out" | sed "s/^/  $name: /"
}
# q NAME LINE KEY: KEY's value in the LINE: line of run NAME
q() { grep "^$2:" "$tmp/$1.out" | field "$3"; }
# storm_rate NAME: the storm's calls/s in run NAME, by its own clock
storm_rate() { calls_per_sec "$(sed -n 's/^storm: //p' "$tmp/$1.out")"; }

# start_bpftrace PROGRAM: starts bpftrace, waits until every probe is attached (the interval probe, attached last,
# has printed once and a storm's getppid exits are counted)
start_bpftrace() {
  BPFTRACE_MAX_PROBES=1000 BPFTRACE_MAX_BPF_PROGS=1000 bpftrace -B line -e "$1" >"$tmp/bt.out" 2>"$tmp/bt.err" &
  bt_pid=$!
  local t0=$SECONDS
  until grep -q '^@\[' "$tmp/bt.out" 2>/dev/null; do
    kill -0 "$bt_pid" 2>/dev/null || { echo "stream-bench: bpftrace did not start:" >&2; cat "$tmp/bt.err" >&2; exit 1; }
    [ $((SECONDS - t0)) -lt 300 ] || { echo "stream-bench: bpftrace did not attach within 300 s" >&2; exit 1; }
    sleep 1
  done
  bt_attach=$((SECONDS - t0))
  sleep 2
}
stop_bpftrace() { kill -INT "$bt_pid"; wait "$bt_pid" || true; bt_pid=; }
# bt_rss: bpftrace's resident set now, MiB
bt_rss() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$bt_pid/status"; }
# bt_counted: the paced storm's getppid events (enter and exit) in all that bpftrace printed, once it has exited (its
# output to a file is block-buffered: a line count taken while it runs is not where its prints stand). The paced storm
# runs as a copy of sysql-storm named bt-storm, a comm of its own.
bt_counted() { awk -F': ' '/^@\[bt-storm, / && /getppid|, 110\]/ {n += $2} END {print n + 0}' "$tmp/bt.out"; }

echo "== 0. the machine"
load=$(cut -d' ' -f1-3 /proc/loadavg)
others_sysql=$(bpftool prog show 2>/dev/null | grep -c 'name sq_sys_enter' || true)
others_all=$(foreign)
echo "load $load; other BPF tracing programs attached: $others_all ($others_sysql sysql probes of other processes)"

echo "== 1. untraced"
unpaced 1000000 >/dev/null   # pages in, CPUs up to speed
: >"$tmp/base.rates"
base_rates() { for _ in $(seq 1 "$REPS"); do untraced_run "$tmp/base.rates"; done; }
base_rates
PACED_CALLS=$(( RATE / 2 * DURATION ))
paced="$STORM -t $THREADS -r $((RATE / 2)) -s getppid"
base_paced=$(calls_per_sec "$($paced $((RATE / 2 * 5)))")
echo "unpaced: $UNPACED_CALLS calls, $(cut -d' ' -f1 "$tmp/base.rates" | tr '\n' ' ')calls/s; paced at $((RATE / 2)) calls/s: $base_paced"

JFR_OPT=()
[ "${JFR:-0}" = 1 ] && JFR_OPT=(-XX:StartFlightRecording=filename=bench/results/stream-$stamp.jfr,settings=profile)
echo "== 2. sysql, history off: the query during $DURATION s of $RATE events/s"
bench_query off "jdbc:sysql:history=off" "$paced $PACED_CALLS" "${JFR_OPT[@]}"
if [ "${HISTORY:-1}" = 1 ]; then
  echo "== 3. sysql, history on (the default)"
  bench_query on "jdbc:sysql:" "$paced $PACED_CALLS"
fi

echo "== 4. paced rates, $LADDER_SECONDS s each, history off"
ladder_rows=""
best=0
best_query=0
for r in $LADDER $RATE; do
  if [ "$r" = "$RATE" ]; then n=off; else
    n=ladder$r
    bench_query "$n" "jdbc:sysql:history=off" "$STORM -t $THREADS -r $((r / 2)) -s getppid $((r / 2 * LADDER_SECONDS))" >/dev/null
  fi
  drops=$(q "$n" counted drops); qdrops=$(q "$n" counted query_rows_dropped)
  achieved=$(( 2 * $(storm_rate "$n") ))
  ladder_rows+="| $r | $achieved | $(q "$n" counted driver_events_per_sec) | $(q "$n" window_events p50) | $drops | $qdrops | $(q "$n" delay_first_row_ms p50) / $(q "$n" delay_first_row_ms p99) | $(q "$n" last_row_after_watermark_ms p50) / $(q "$n" last_row_after_watermark_ms p99) | $(q "$n" cpu capture_thread_cores) | $(q "$n" cpu query_thread_cores) | $(q "$n" foreign before) / $(q "$n" foreign after) |"$'\n'
  if [ "$qdrops" = 0 ] && [ "$achieved" -gt "$best_query" ]; then best_query=$achieved; fi
  echo "  $r events/s: achieved $achieved, ring drops $drops, query rows dropped $qdrops"
  if [ "$drops" = 0 ] && [ "$qdrops" = 0 ] && [ "$achieved" -gt "$best" ]; then best=$achieved; fi
done

echo "== 5. the unpaced storm under the query (history off), $REPS runs"
: >"$tmp/sysql.rates"
for i in $(seq 1 "$REPS"); do
  bench_query "unpaced$i" "jdbc:sysql:history=off" "$STORM -t $THREADS getppid $UNPACED_CALLS" >/dev/null
  echo "$(storm_rate "unpaced$i") $(q "unpaced$i" foreign before) $(q "unpaced$i" foreign after)" >>"$tmp/sysql.rates"
done
base_rates
echo "  sysql: $(cut -d' ' -f1 "$tmp/sysql.rates" | tr '\n' ' ')calls/s"

bt_rows=""
if [ "${BPFTRACE:-1}" = 1 ]; then
  echo "== 6. bpftrace"
  cp "$STORM" "$tmp/bt-storm"
  for v in probe raw empty; do
    case $v in probe) prog=$BT_PROBE ;; raw) prog=$BT_RAW ;; *) prog=$BT_EMPTY ;; esac
    settle 0
    f0=$(foreign)
    start_bpftrace "$prog"
    : >"$tmp/bt-$v.runs"
    for _ in $(seq 1 "$REPS"); do unpaced "$UNPACED_CALLS" >>"$tmp/bt-$v.runs"; echo >>"$tmp/bt-$v.runs"; done
    bt_paced=$(calls_per_sec "$("$tmp/bt-storm" -t "$THREADS" -r $((RATE / 2)) -s getppid $((RATE / 2 * 10)))")
    sleep 2   # the last second's counts are printed
    rss=$(bt_rss); attach=$bt_attach
    stop_bpftrace
    counted=$(bt_counted)
    probes=$(grep -o 'Attaching [0-9]* probes' "$tmp/bt.out" | grep -o '[0-9]*' || echo '?')
    settle "$f0"
    f1=$(foreign)
    awk -v a="$f0" -v b="$f1" 'NF {print $1, a, b}' "$tmp/bt-$v.runs" >"$tmp/bt-$v.rates"
    echo "  $v ($probes probes, attached in $attach s): unpaced $(cut -d' ' -f1 "$tmp/bt-$v.rates" | tr '\n' ' ')calls/s; paced $bt_paced calls/s, counted $counted of $((RATE / 2 * 10 * 2)) events; RSS $rss MiB"
    declare -g "bt_${v}_paced=$bt_paced" "bt_${v}_counted=$counted"
    eval "bt_${v}_line=\"\$probes probes (attached in \$attach s); paced: \$bt_paced calls/s, the storm's getppid counted \$counted of \$((RATE / 2 * 10 * 2)) events; bpftrace RSS \$rss MiB\""
    base_rates
  done
fi

load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the report
# clean_median FILE: the median calls/s of the runs with no foreign tracer before or after (of all runs if none was)
clean_median() {
  if awk '$2 == 0 && $3 == 0 {found = 1} END {exit !found}' "$1"; then awk '$2 == 0 && $3 == 0 {print $1}' "$1" | median
  else cut -d' ' -f1 "$1" | median; fi
}
base=$(clean_median "$tmp/base.rates")
slow() { awk -v b="$base" -v r="$1" 'BEGIN {printf "%.2f", b / r}'; }
# srow FILE LABEL: the runs (with * when a foreign tracer was attached before or after), their clean median, slowdown
srow() {
  local m runs
  m=$(clean_median "$1")
  runs=$(awk '{printf "%s%s%s", (NR > 1 ? " " : ""), $1, (($2 || $3) ? "*" : "")}' "$1")
  echo "| $2 | $runs | $m | $(slow "$m")× |"
}
runrow() {
  local n=$1 label=$2
  echo "| $label (foreign tracers $(q "$n" foreign before) / $(q "$n" foreign after)) | $(storm_rate "$n") | $(q "$n" counted driver_events_per_sec) | $(q "$n" window_events p50) | $(q "$n" counted storm_events_counted) / $(q "$n" counted storm_events_expected) | $(q "$n" counted drops) | $(q "$n" counted query_rows_dropped) | $(q "$n" delay_first_row_ms p50) / $(q "$n" delay_first_row_ms p99) / $(q "$n" delay_first_row_ms max) | $(q "$n" delay_last_row_ms p50) / $(q "$n" delay_last_row_ms p99) | $(q "$n" watermark_after_end_ms p50) / $(q "$n" watermark_after_end_ms p99) | $(q "$n" last_row_after_watermark_ms p50) / $(q "$n" last_row_after_watermark_ms p99) | $(q "$n" memory heap_used_max_mib) / $(q "$n" memory old_gen_after_gc_mib) | $(q "$n" memory rss_peak_mib) | $(q "$n" cpu process_cores) ($(q "$n" cpu capture_thread_cores) + $(q "$n" cpu query_thread_cores)) |"
}
report=bench/results/stream-$stamp.md
{
  echo "## Streaming benchmark, $(date -u +'%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r), $(java -version 2>&1 | head -1)$(command -v bpftrace >/dev/null && echo ", $(bpftrace --version)")"
  echo
  echo "Query: \`$SQL\`, read through JDBC (\`sysql.bench.StreamQueryBench\`, -Xmx$XMX). Storm: \`$paced N\` ($((RATE / 2))"
  echo "getppid calls/s in $THREADS threads, each call an enter and an exit event: $RATE events/s; \`-s\` paces by sleeping,"
  echo "so the storm leaves the CPU it does not use to the rest). Load average at the start $load, at the end $load_end;"
  echo "other sessions' BPF tracing programs attached at the start: $others_all ($others_sysql of them sysql probes)."
  echo
  echo "Delays are per window (the windows that lie wholly within the storm): arrival of its first (last) row at the JDBC"
  echo "reader minus the window's end; \"watermark\" = when the capture's watermark passed the window's end, minus the"
  echo "end; \"after watermark\" = last row's arrival minus that moment. ms, p50 / p99 / max (nearest rank: with ~$DURATION"
  echo "windows, p99 is the largest but none). Ring drops: the kernel found the CPU's ring full (\`capture_stats.drops\`);"
  echo "rows dropped: the capture thread found all of the query's batches still with the query"
  echo "(\`capture_subscriptions.dropped_rows\`), the query's own fault. CPU in cores: the whole JVM (the capture thread +"
  echo "the query's reading thread). Heap: the largest used heap sampled every 50 ms / the old generation after its"
  echo "last collection. Every query JVM first runs $WARMUP s of the paced storm, not measured (a fresh JVM compiles the"
  echo "capture's and the query's paths meanwhile); what that warm-up dropped:"
  echo
  echo '```'
  for n in off on; do [ -f "$tmp/$n.out" ] && grep '^warmup:' "$tmp/$n.out" | sed "s/^/history $n: /"; done
  echo '```'
  echo
  echo "| run | storm calls/s | driver events/s | events/s the query counted (median window) | storm events counted / made | ring drops | rows dropped by the query | delay first row p50/p99/max ms | delay last row p50/p99 | watermark after end p50/p99 | last row after watermark p50/p99 | heap used max / live MiB | RSS peak MiB | CPU cores |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  runrow off "history off, $DURATION s"
  [ "${HISTORY:-1}" = 1 ] && runrow on "history on, $DURATION s"
  echo
  echo "Paced rates (history off; $LADDER_SECONDS s each, the $RATE row is the run above):"
  echo
  echo "| target events/s | storm's events/s | driver events/s | query counted per window (median) | ring drops | rows dropped by the query | delay first row p50 / p99 ms | last row after watermark p50 / p99 ms | capture thread cores | query thread cores | foreign tracers before / after |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  printf "%s" "$ladder_rows" | sort -t'|' -k2 -g
  echo
  echo "Highest paced rate without rows dropped by the query: **$best_query events/s**; with neither ring drops nor rows"
  echo "dropped by the query: **$best events/s** (0: none of the rates)."
  echo
  echo "The traced workload's slowdown: \`$STORM -t $THREADS getppid $UNPACED_CALLS\` as fast as it goes, calls/s by the storm's"
  echo "own clock (baseline: the untraced runs before, between and after the traced ones). Medians of the runs with no"
  echo "foreign BPF tracing program attached just before and after (\`bpftool prog show\`: other sessions' probes; any program"
  echo "on a syscall tracepoint puts every syscall of the host on the kernel's slow path); * marks a run with one:"
  echo
  echo "| setup | runs calls/s | median | slowdown |"
  echo "|---|---|---|---|"
  srow "$tmp/base.rates" "untraced"
  srow "$tmp/sysql.rates" "sysql, the query running (history off)"
  if [ "${BPFTRACE:-1}" = 1 ]; then
    srow "$tmp/bt-probe.rates" "bpftrace, the reference @[comm, probe] over sys_enter_* and sys_exit_*"
    srow "$tmp/bt-raw.rates" "bpftrace, @[comm, args->id] over raw_syscalls sys_enter and sys_exit"
    srow "$tmp/bt-empty.rates" "bpftrace, an empty program on raw_syscalls sys_enter and sys_exit (tracing at all)"
  fi
  echo
  echo "The paced storm ($RATE events/s asked) under each tracer: the rate it kept, by its own clock, and how many of its"
  echo "events the tracer counted (sysql: the query's windows that the storm touched; bpftrace: its printed maps):"
  echo
  echo "| setup | storm events/s | storm events counted / made |"
  echo "|---|---|---|"
  echo "| untraced (5 s) | $((2 * base_paced)) | - |"
  echo "| sysql, history off ($DURATION s) | $((2 * $(storm_rate off))) | $(q off counted storm_events_counted) / $(q off counted storm_events_expected) |"
  [ "${HISTORY:-1}" = 1 ] && echo "| sysql, history on ($DURATION s) | $((2 * $(storm_rate on))) | $(q on counted storm_events_counted) / $(q on counted storm_events_expected) |"
  if [ "${BPFTRACE:-1}" = 1 ]; then
    echo "| bpftrace, the reference program (10 s) | $((2 * bt_probe_paced)) | $bt_probe_counted / $((RATE * 10)) |"
    echo "| bpftrace, raw_syscalls (10 s) | $((2 * bt_raw_paced)) | $bt_raw_counted / $((RATE * 10)) |"
    echo "| bpftrace, empty program (10 s) | $((2 * bt_empty_paced)) | - |"
  fi
  echo
  echo "Under the unpaced storm the query's figures (the workload makes as many events as it can):"
  echo
  echo '```'
  for i in $(seq 1 "$REPS"); do grep -E '^(counted|delay_first_row_ms|cpu)' "$tmp/unpaced$i.out" | sed "s/^/run $i: /"; done
  echo '```'
  if [ "${BPFTRACE:-1}" = 1 ]; then
    echo
    echo "bpftrace: the reference program \`$BT_PROBE\`: ${bt_probe_line}."
    echo "The raw_syscalls variant \`$BT_RAW\`: ${bt_raw_line}. (The first"
    echo "counts per syscall and direction, the second per syscall number, both enter and exit events like the query.)"
    echo "The empty program \`$BT_EMPTY\`: ${bt_empty_line%%; the storm*}."
  fi
  for n in off on; do
    [ -f "$tmp/$n.out" ] || continue
    echo
    echo "Run \"history $n\", every line of the benchmark and every window:"
    echo
    echo '```'
    cat "$tmp/$n.out"
    echo
    column -t "$tmp/$n.tsv"
    echo '```'
  done
} >"$report"
echo
cat "$report"
