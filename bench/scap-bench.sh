#!/usr/bin/env bash
# Read benchmark: decode + state + extraction of 10 common fields from a .scap file that sysql's live
# capture wrote during a syscall storm, on one core, against `sysdig -r FILE -p '<the same fields>' > /dev/null` on
# the same file in the same run; then the same reader on a file several times larger with a small heap, to show
# that memory does not grow with the file. Writes bench/results/scap-<date>.md and prints it. Not part of the test
# suite (minutes long). Run as root, under the build lock: flock /tmp/sysql-mvn.lock bench/scap-bench.sh
#   STORM_CALLS=1000000 (iterations of `sysql-storm mixed`: openat, read, write, close = 8 events each),
#   LARGE_FACTOR=4 (the large file's storm, in multiples of STORM_CALLS; 0 skips it), REPS=3, CORE=1 (the core
#   both readers are pinned to), XMX=256m (heap of the timed runs), XMX_SMALL=32m (heap of the large-file run),
#   BENCH_DIR=/var/tmp (where the capture files go; removed at the end unless KEEP=1)
set -euo pipefail
trap 'echo "scap-bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
. bench/bench-lib.sh
bench_start scap-bench

STORM_CALLS=${STORM_CALLS:-1000000}
LARGE_FACTOR=${LARGE_FACTOR:-4}
REPS=${REPS:-3}
CORE=${CORE:-1}
XMX=${XMX:-256m}
XMX_SMALL=${XMX_SMALL:-32m}
MIN_EVENTS=5000000
FIELDS="evt.num evt.rawtime evt.type evt.dir proc.name proc.pid thread.tid fd.num fd.name evt.res"
FIELD_LIST=${FIELDS// /,}
FORMAT="*%${FIELDS// / %}"   # '*': sysdig prints every event, also those where a field is missing (<NA>)
STORM=driver-kmod/target/native/sysql-storm
SYSQL=(java -cp "cli/target/sysql-cli.jar:cli/target/lib/*" sysql.cli.Sysql)
READER=(-cp "bench/target/sysql-bench.jar:bench/target/lib/*" sysql.bench.ScapReadBench)   # after java -XmxN
tmp=$(mktemp -d "${BENCH_DIR:-/var/tmp}/sysql-scap-bench.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT
need_mib=$(( (STORM_CALLS * (1 + LARGE_FACTOR) * 8 * 70 >> 20) * 3 / 2 ))
avail_mib=$(df -Pm "$tmp" | awk 'NR == 2 {print $4}')
[ "$avail_mib" -gt "$need_mib" ] || { echo "scap-bench: $tmp has $avail_mib MiB free, needs ~$need_mib" >&2; exit 1; }

# capture FILE CALLS: `sysql capture -w FILE` during `sysql-storm mixed CALLS`; sets $cap_line (its summary).
capture() {
  "${SYSQL[@]}" capture -w "$1" 2>"$tmp/capture.err" &
  local pid=$!
  for _ in $(seq 1 300); do grep -q "sysql capture: writing" "$tmp/capture.err" && break; sleep 0.1; done
  grep -q "sysql capture: writing" "$tmp/capture.err" || { echo "sysql capture did not start:"; cat "$tmp/capture.err"; exit 1; }
  "$STORM" mixed "$2" >"$tmp/storm.out"
  kill -TERM "$pid"; wait "$pid" || true
  cap_line=$(grep 'events written' "$tmp/capture.err") || { echo "sysql capture printed no summary:"; cat "$tmp/capture.err"; exit 1; }
}

echo "== writing the capture files (sysql capture -w during sysql-storm mixed)"
file=$tmp/storm.scap
capture "$file" "$STORM_CALLS"; line_main=$cap_line
echo "$line_main"
events=$(echo "$line_main" | sed -n 's/.*: \([0-9]*\) events written.*/\1/p')
bytes=$(stat -c %s "$file")
[ "$events" -ge "$MIN_EVENTS" ] || { echo "scap-bench: only $events events (< $MIN_EVENTS): raise STORM_CALLS" >&2; exit 1; }
if [ "$LARGE_FACTOR" -gt 0 ]; then
  large=$tmp/large.scap
  capture "$large" $((STORM_CALLS * LARGE_FACTOR)); line_large=$cap_line
  echo "$line_large"
  large_events=$(echo "$line_large" | sed -n 's/.*: \([0-9]*\) events written.*/\1/p')
  large_bytes=$(stat -c %s "$large")
fi
cat "$tmp"/*.scap >/dev/null   # both readers read from the page cache

echo "== same output? sysql renders the fields as sysdig prints them (not timed)"
java -Xmx"$XMX" "${READER[@]}" --fields "$FIELD_LIST" --print --out "$tmp/sysql.txt" "$file" >/dev/null
sysdig -r "$file" -p "$FORMAT" >"$tmp/sysdig.txt"
sysql_lines=$(wc -l <"$tmp/sysql.txt"); sysdig_lines=$(wc -l <"$tmp/sysdig.txt")
differ=$(paste -d '\t' "$tmp/sysql.txt" "$tmp/sysdig.txt" | awk -F '\t' '$1 != $2 {n++} END {print n + 0}')
examples=$(paste -d '\t' "$tmp/sysql.txt" "$tmp/sysdig.txt" | awk -F '\t' '$1 != $2 && n++ < 5 {print "    sysql:  " $1 "\n    sysdig: " $2}')
rm -f "$tmp/sysql.txt" "$tmp/sysdig.txt"
echo "sysql $sysql_lines lines, sysdig $sysdig_lines lines, $differ differ"

echo "== timed runs on one core (core $CORE), $REPS repetitions, interleaved"
: >"$tmp/x.walls"; : >"$tmp/x.rates"; : >"$tmp/p.walls"; : >"$tmp/p.rates"; : >"$tmp/s.walls"
rows=""
for rep in $(seq 1 "$REPS"); do
  timed "$tmp/x.out" java -Xmx"$XMX" "${READER[@]}" --fields "$FIELD_LIST" "$file"
  x_line=$(cat "$tmp/x.out"); x_wall=$wall; x_rss=$rss
  timed "$tmp/p.out" java -Xmx"$XMX" "${READER[@]}" --fields "$FIELD_LIST" --print "$file"
  p_line=$(cat "$tmp/p.out"); p_wall=$wall; p_rss=$rss
  timed /dev/null sysdig -r "$file" -p "$FORMAT"
  s_wall=$wall; s_rss=$rss
  echo "$x_wall" >>"$tmp/x.walls"; echo "$p_wall" >>"$tmp/p.walls"; echo "$s_wall" >>"$tmp/s.walls"
  echo "$x_line" | field events_per_sec >>"$tmp/x.rates"; echo "$p_line" | field events_per_sec >>"$tmp/p.rates"
  rows+="| $rep | $x_wall s, $(rate "$events" "$x_wall") ev/s ($(echo "$x_line" | field events_per_sec) in-process), $x_rss MiB"
  rows+=" | $p_wall s, $(rate "$events" "$p_wall") ev/s ($(echo "$p_line" | field events_per_sec) in-process), $p_rss MiB"
  rows+=" | $s_wall s, $(rate "$events" "$s_wall") ev/s, $s_rss MiB |"$'\n'
  echo "rep $rep: sysql $x_wall s (print $p_wall s), sysdig $s_wall s; $x_line"
done
x_wall=$(median <"$tmp/x.walls"); p_wall=$(median <"$tmp/p.walls"); s_wall=$(median <"$tmp/s.walls")
x_rate=$(rate "$events" "$x_wall"); p_rate=$(rate "$events" "$p_wall"); s_rate=$(rate "$events" "$s_wall")
x_inproc=$(median <"$tmp/x.rates"); p_inproc=$(median <"$tmp/p.rates")

echo "== where the time goes (one run per stage, in-process)"
stages=""
for st in read decode state fields; do
  l=$(taskset -c "$CORE" java -Xmx"$XMX" "${READER[@]}" --fields "$FIELD_LIST" --stage "$st" "$file")
  stages+="| $st | $(echo "$l" | field seconds) | $(echo "$l" | field events_per_sec) | $(echo "$l" | field alloc_bytes_per_event) |"$'\n'
  echo "$st: $l"
done

echo "== JIT warm-up: the extract run with the rate of every million events; and without tiered compilation"
taskset -c "$CORE" java -Xmx"$XMX" -Dsysql.bench.progress=true "${READER[@]}" --fields "$FIELD_LIST" "$file" \
  >"$tmp/w.out" 2>"$tmp/w.err"
w_first=$(head -1 "$tmp/w.err" | awk '{print $1}')
w_total=$(field seconds <"$tmp/w.out")
w_rest=$(awk -v e="$events" -v t="$w_total" -v f="$w_first" 'BEGIN { printf "%.0f", (e - 1000000) / (t - f) }')
echo "first million events in $w_first s (file opened at 0), then $w_rest events/s"
timed "$tmp/t.out" java -Xmx"$XMX" -XX:-TieredCompilation "${READER[@]}" --fields "$FIELD_LIST" "$file"
t_wall=$wall; t_inproc=$(field events_per_sec <"$tmp/t.out")
echo "-XX:-TieredCompilation: $t_wall s, $(cat "$tmp/t.out")"

if [ "$LARGE_FACTOR" -gt 0 ]; then
  echo "== memory: the same reader on the ${LARGE_FACTOR}x file with -Xmx$XMX_SMALL"
  timed "$tmp/l.out" java -Xmx"$XMX_SMALL" "${READER[@]}" --fields "$FIELD_LIST" "$large"
  l_line=$(cat "$tmp/l.out"); l_wall=$wall; l_rss=$rss
  timed "$tmp/m.out" java -Xmx"$XMX_SMALL" "${READER[@]}" --fields "$FIELD_LIST" "$file"
  m_line=$(cat "$tmp/m.out"); m_rss=$rss
  echo "large: $l_line (wall $l_wall s, rss $l_rss MiB)"
  echo "main:  $m_line (rss $m_rss MiB)"
fi

mkdir -p bench/results
report=bench/results/scap-$(date +%Y-%m-%d).md
mem_row() { # LABEL EVENTS BYTES LINE RSS
  echo "| $1 | $2 | $(( $3 >> 20 )) | $(echo "$4" | field heap_used_max_mib) | $(echo "$4" | field heap_live_end_mib) | $(echo "$4" | field gc_count) | $(echo "$4" | field alloc_bytes_per_event) | $5 |"
}
{
  echo "## Read benchmark, $(date -u +'%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r), $(java -version 2>&1 | head -1), $(sysdig --version)"
  echo
  echo "File: \`sysql capture -w\` during \`sysql-storm mixed $STORM_CALLS\` (openat, read, write, close of /dev/zero and /dev/null"
  echo "in a loop) and whatever else the host did: **$events events**, $((bytes >> 20)) MiB. Capture summary: \`$line_main\`"
  echo
  echo "Fields: \`$FIELDS\`. sysdig: \`taskset -c $CORE sysdig -r FILE -p '$FORMAT' > /dev/null\`."
  echo "sysql: \`taskset -c $CORE java -Xmx$XMX ScapReadBench --fields ... FILE\` (ScapFileSource → StateTracker → the 10"
  echo "extractors, values folded into a checksum), and with \`--print\` (each event also rendered as sysdig's text line into"
  echo "a reused buffer written to /dev/null). Whole-process wall time (JVM start-up and JIT warm-up included), median of"
  echo "$REPS interleaved repetitions; events/s = events in the file / wall time."
  echo
  echo "| rep | sysql, extract | sysql, extract + print | sysdig -r -p |"
  echo "|---|---|---|---|"
  printf "%s" "$rows"
  echo
  echo "| reader (median) | wall s | events/s | vs sysdig |"
  echo "|---|---|---|---|"
  echo "| sysql, extract | $x_wall | $x_rate | **$(ratio "$x_rate" "$s_rate")×** |"
  echo "| sysql, extract + print like sysdig | $p_wall | $p_rate | **$(ratio "$p_rate" "$s_rate")×** |"
  echo "| sysdig 0.29.3 | $s_wall | $s_rate | 1.00× |"
  echo
  echo "In-process (file open to last event, no JVM start-up): extract $x_inproc events/s ($(ratio "$x_inproc" "$s_rate")× sysdig's"
  echo "whole-process rate), extract + print $p_inproc events/s."
  echo
  echo "JIT warm-up (one core compiles and runs): the first million events take $w_first s, the rest run at"
  echo "$w_rest events/s ($(ratio "$w_rest" "$s_rate")× sysdig). With \`-XX:-TieredCompilation\` (C2 only, less compiling on the one"
  echo "core): $t_wall s wall, $(rate "$events" "$t_wall") events/s ($(ratio "$(rate "$events" "$t_wall")" "$s_rate")× sysdig), $t_inproc in-process."
  echo
  echo "Same values: sysql's \`--print\` output and sysdig's, line by line: $sysql_lines and $sysdig_lines lines, $differ differ."
  if [ "$differ" -gt 0 ]; then echo; echo "First differences:"; echo; echo '```'; echo "$examples"; echo '```'; fi
  echo
  echo "Where sysql's time goes (cumulative stages, one in-process run each):"
  echo
  echo "| stage | seconds | events/s | bytes allocated per event |"
  echo "|---|---|---|---|"
  printf "%s" "$stages"
  if [ "$LARGE_FACTOR" -gt 0 ]; then
    echo
    echo "Memory: the extract run with -Xmx$XMX_SMALL on this file and on a file ${LARGE_FACTOR}× larger (\`sysql-storm mixed"
    echo "$((STORM_CALLS * LARGE_FACTOR))\`; in-process: \`$l_line\`):"
    echo
    echo "| file | events | MiB | heap used max MiB | heap live at end MiB | GCs | bytes allocated per event | peak RSS MiB |"
    echo "|---|---|---|---|---|---|---|---|"
    mem_row "storm" "$events" "$bytes" "$m_line" "$m_rss"
    mem_row "${LARGE_FACTOR}× storm" "$large_events" "$large_bytes" "$l_line" "$l_rss"
  fi
} >"$report"
echo
cat "$report"
