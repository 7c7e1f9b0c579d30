#!/usr/bin/env bash
# SQL benchmark: SELECT proc.name, COUNT(*) FROM events WHERE fd.type = 'file' GROUP BY proc.name over
# >= 5M recorded events, against sysdig doing the same work over the same events as a .scap file, in one run.
#   1. A live jdbc:sysql: connection records a `sysql-storm mixed` storm in its history while `sysql capture -w`
#      (a second probe) writes the same syscalls to a .scap file; then the query runs over the history, in that
#      JVM, pinned to one core. 1b: the same recording in a second JVM (no file), its queries on both cores.
#   2. The same SQL over the file (jdbc:sysql:file=), a fresh JVM per run, pinned to the same core; also three
#      queries in one JVM, one run on both cores and one with an AppCDS class archive (not what sysql ships).
#   3. sysdig over the file: its own GROUP BY, the table_generator chisel counting evt.count (always 1) by
#      proc.name over fd.type=file (the same query, the same counts); `sysdig -r F -p '*%proc.name' fd.type=file
#      | sort | uniq -c`; that filter alone to /dev/null; the topprocs_file chisel (bytes, not events). Pinned.
# Writes bench/results/sql-<date>.md and prints it. Not part of the test suite (minutes long). Run as root,
# under the build lock: flock /tmp/sysql-mvn.lock bench/sql-bench.sh
#   STORM_CALLS=1000000 (iterations of `sysql-storm mixed`: openat, read, write, close = 8 events each), REPS=3,
#   CORE=1 (the core every timed reader is pinned to), XMX=1g (heap of the JVMs), RING_MIB=64 (ring per CPU of
#   both probes), HISTORY_MIB=2048 (the recorder's limit), BENCH_DIR=/var/tmp (the capture file; removed at the
#   end unless KEEP=1)
set -euo pipefail
trap 'echo "sql-bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
. bench/bench-lib.sh
bench_start sql-bench

STORM_CALLS=${STORM_CALLS:-1000000}
REPS=${REPS:-3}
CORE=${CORE:-1}
XMX=${XMX:-1g}
RING_MIB=${RING_MIB:-64}
HISTORY_MIB=${HISTORY_MIB:-2048}
MIN_EVENTS=${MIN_EVENTS:-5000000}   # the issue asks for 5M; lower only to try the script out
SQL="SELECT proc.name, COUNT(*) FROM events WHERE fd.type = 'file' GROUP BY proc.name"
STORM=driver-kmod/target/native/sysql-storm
SYSQL="java -cp cli/target/sysql-cli.jar:cli/target/lib/* sysql.cli.Sysql"
# The recorder's segments are direct buffers: allow them beyond the heap.
BENCH=(java -Xmx"$XMX" -XX:MaxDirectMemorySize=$((HISTORY_MIB + 512))m
       -cp "bench/target/sysql-bench.jar:bench/target/lib/*" sysql.bench.SqlQueryBench)
tmp=$(mktemp -d "${BENCH_DIR:-/var/tmp}/sysql-sql-bench.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT
need_mib=$(( (STORM_CALLS * 8 * 70 >> 20) * 3 / 2 ))
avail_mib=$(df -Pm "$tmp" | awk 'NR == 2 {print $4}')
[ "$avail_mib" -gt "$need_mib" ] || { echo "sql-bench: $tmp has $avail_mib MiB free, needs ~$need_mib" >&2; exit 1; }

# counts FILE: "count name" lines, sorted by name (uniq -c's padding dropped), for comparing results
counts() { awk '{n = $1; $1 = ""; sub(/^ /, ""); print n " " $0}' "$1" | LC_ALL=C sort -k2; }

file=$tmp/storm.scap
echo "== 1. recording: a live connection's history and sysql capture -w, during sysql-storm mixed $STORM_CALLS"
/usr/bin/time -f '%e %M' -o "$tmp/h.time" "${BENCH[@]}" \
  --url "jdbc:sysql:historySeconds=3600;historyMegabytes=$HISTORY_MIB;ringSize=$RING_MIB" \
  --capture "$SYSQL capture --ring-size $RING_MIB -w $file" --storm "$STORM mixed $STORM_CALLS" \
  --pin "$CORE" --reps "$REPS" --min-events "$MIN_EVENTS" --result "$tmp/history.txt" | tee "$tmp/h.out"
h_rss=$(awk '{printf "%.1f", $2 / 1024}' "$tmp/h.time")
cap_line=$(sed -n 's/^capture: //p' "$tmp/h.out")
rec_line=$(sed -n 's/^recorded: //p' "$tmp/h.out")
storm_line=$(sed -n 's/^storm: //p' "$tmp/h.out")
mem_line=$(sed -n 's/^memory: //p' "$tmp/h.out")
events=$(echo "$cap_line" | sed -n 's/.*: \([0-9]*\) events written.*/\1/p')
h_events=$(echo "$rec_line" | field history_events)
bytes=$(stat -c %s "$file")
[ "$events" -ge "$MIN_EVENTS" ] || { echo "sql-bench: the file has only $events events (< $MIN_EVENTS): raise STORM_CALLS" >&2; exit 1; }
grep '^rep=' "$tmp/h.out" >"$tmp/h.reps"
h_first=$(head -1 "$tmp/h.reps" | field seconds)
h_first_events=$(head -1 "$tmp/h.reps" | field events)
h_warm=$(tail -n +2 "$tmp/h.reps" | field seconds | median)
h_warm_events=$(tail -1 "$tmp/h.reps" | field events)
h_heap=$(field heap_used_peak_mib <"$tmp/h.reps" | sort -g | tail -1)

echo "== 1b. the same recording in a second JVM, without the file, its queries not pinned (2 cores: the JIT has its own)"
"${BENCH[@]}" --url "jdbc:sysql:historySeconds=3600;historyMegabytes=$HISTORY_MIB;ringSize=$RING_MIB" \
  --storm "$STORM mixed $STORM_CALLS" --reps 2 --min-events "$MIN_EVENTS" | tee "$tmp/u.out"
u_first=$(grep '^rep=1' "$tmp/u.out" | field seconds); u_first_events=$(grep '^rep=1' "$tmp/u.out" | field events)
u_later=$(grep '^rep=2' "$tmp/u.out" | field seconds); u_later_events=$(grep '^rep=2' "$tmp/u.out" | field events)
cat "$file" >/dev/null   # the file readers read from the page cache

echo "== 2./3. the file: sysql (file=) and sysdig, $REPS repetitions, interleaved, each pinned to core $CORE"
FORMAT='*%proc.name'   # '*': every matching event is printed, also one whose proc.name were missing (<NA>)
TG_ARGS="proc.name Process evt.count Events fd.type=file 100000 none"   # keys, their titles, value, its title, filter, top, units
for v in f s a g c; do : >"$tmp/$v.walls"; done
: >"$tmp/f.inproc"
rows=""
for rep in $(seq 1 "$REPS"); do
  timed "$tmp/f.out" "${BENCH[@]}" --url "jdbc:sysql:file=$file" --events "$events" --result "$tmp/file.txt"
  f_wall=$wall; f_rss=$rss; f_in=$(grep '^rep=1' "$tmp/f.out" | field seconds)
  timed "$tmp/tg.txt" sysdig -r "$file" -c table_generator "$TG_ARGS"
  g_wall=$wall; g_rss=$rss
  timed "$tmp/sysdig.txt" bash -c "sysdig -r '$file' -p '$FORMAT' fd.type=file | LC_ALL=C sort | uniq -c"
  s_wall=$wall; s_rss=$rss
  timed /dev/null sysdig -r "$file" -p "$FORMAT" fd.type=file
  a_wall=$wall
  timed "$tmp/chisel.txt" sysdig -r "$file" -c topprocs_file
  c_wall=$wall
  echo "$f_wall" >>"$tmp/f.walls"; echo "$f_in" >>"$tmp/f.inproc"; echo "$s_wall" >>"$tmp/s.walls"
  echo "$a_wall" >>"$tmp/a.walls"; echo "$c_wall" >>"$tmp/c.walls"; echo "$g_wall" >>"$tmp/g.walls"
  rows+="| $rep | $f_wall s ($f_in s in the query), $f_rss MiB | $g_wall s, $g_rss MiB | $s_wall s, $s_rss MiB | $a_wall s | $c_wall s |"$'\n'
  echo "rep $rep: sysql file= $f_wall s (query $f_in s, $f_rss MiB); sysdig table_generator $g_wall s; | sort | uniq -c $s_wall s; -p alone $a_wall s; topprocs_file $c_wall s"
done
f_wall=$(median <"$tmp/f.walls"); f_in=$(median <"$tmp/f.inproc"); s_wall=$(median <"$tmp/s.walls")
a_wall=$(median <"$tmp/a.walls"); c_wall=$(median <"$tmp/c.walls"); g_wall=$(median <"$tmp/g.walls")
f_heap=$(field heap_used_peak_mib <"$tmp/f.out")
echo "== the same file in one JVM, $REPS queries (warm figures)"
taskset -c "$CORE" "${BENCH[@]}" --url "jdbc:sysql:file=$file" --events "$events" --reps "$REPS" | tee "$tmp/fw.out"
fw_warm=$(grep '^rep=' "$tmp/fw.out" | tail -n +2 | field seconds | median)
echo "== the file, one query, not pinned (2 cores); and pinned with an AppCDS archive of the classes (not what sysql ships)"
/usr/bin/time -f '%e' -o "$tmp/u.time" "${BENCH[@]}" --url "jdbc:sysql:file=$file" --events "$events" >"$tmp/fu.out"
fu_wall=$(cat "$tmp/u.time"); fu_in=$(grep '^rep=1' "$tmp/fu.out" | field seconds)
"${BENCH[@]:0:3}" -XX:ArchiveClassesAtExit="$tmp/classes.jsa" "${BENCH[@]:3}" --url "jdbc:sysql:file=$file" \
  --events "$events" >/dev/null 2>&1   # the training run: the archive holds every class it loaded
timed "$tmp/fc.out" "${BENCH[@]:0:3}" -XX:SharedArchiveFile="$tmp/classes.jsa" "${BENCH[@]:3}" --url "jdbc:sysql:file=$file" \
  --events "$events"
fc_wall=$wall; fc_in=$(grep '^rep=1' "$tmp/fc.out" | field seconds)
echo "2 cores: $fu_wall s (query $fu_in s); AppCDS, 1 core: $fc_wall s (query $fc_in s)"

echo "== same results?"
# table_generator prints "count<padding to 20 columns>name" under a header and a line of dashes
awk 'seen {n = $1; print n " " substr($0, 21)} /^-----/ {seen = 1}' "$tmp/tg.txt" | sed 's/ *$//' >"$tmp/tg.raw"
counts "$tmp/tg.raw" >"$tmp/tg.counts"; counts "$tmp/sysdig.txt" >"$tmp/sysdig.counts"
counts "$tmp/file.txt" >"$tmp/file.counts"; counts "$tmp/history.txt" >"$tmp/history.counts"
differ() { diff "$1" "$2" | grep -c '^<' || true; }
file_vs_tg=$(differ "$tmp/file.counts" "$tmp/tg.counts")
file_vs_pipe=$(differ "$tmp/file.counts" "$tmp/sysdig.counts")
storm_row() { awk '$2 == "sysql-storm" {print $1}' "$1"; }
total() { awk '{n += $1} END {print n + 0}' "$1"; }
echo "file= vs table_generator: $file_vs_tg rows differ; vs the -p pipeline: $file_vs_pipe; sysql-storm: history" \
  "$(storm_row "$tmp/history.counts"), file $(storm_row "$tmp/file.counts"), table_generator $(storm_row "$tmp/tg.counts")"

# rates: events of the source / seconds
h_first_rate=$(rate "$h_first_events" "$h_first"); h_warm_rate=$(rate "$h_warm_events" "$h_warm")
f_rate=$(rate "$events" "$f_wall"); f_in_rate=$(rate "$events" "$f_in"); fw_rate=$(rate "$events" "$fw_warm")
u_first_rate=$(rate "$u_first_events" "$u_first"); u_later_rate=$(rate "$u_later_events" "$u_later")
fu_rate=$(rate "$events" "$fu_wall"); fc_rate=$(rate "$events" "$fc_wall")
g_rate=$(rate "$events" "$g_wall"); s_rate=$(rate "$events" "$s_wall"); a_rate=$(rate "$events" "$a_wall")
c_rate=$(rate "$events" "$c_wall")
row() { echo "| $1 | $2 | $3 | **$(ratio "$3" "$g_rate")×** | $(ratio "$3" "$s_rate")× |"; }

mkdir -p bench/results
report=bench/results/sql-$(date +%Y-%m-%d).md
{
  echo "## SQL benchmark, $(date -u +'%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r), $(java -version 2>&1 | head -1), $(sysdig --version)"
  echo
  echo "Query: \`$SQL\`."
  echo
  echo "Recording: a \`jdbc:sysql:historySeconds=3600;historyMegabytes=$HISTORY_MIB;ringSize=$RING_MIB\` connection (its recorder"
  echo "holds every event from the connection on) and, started after it, \`sysql capture --ring-size $RING_MIB -w FILE\` (a second"
  echo "probe on the same syscalls), during \`sysql-storm mixed $STORM_CALLS\` (openat, read, write, close of /dev/zero and"
  echo "/dev/null: 8 events an iteration, 7 of them on a file descriptor of type file) and whatever else the host did."
  echo "- storm: \`$storm_line\`"
  echo "- history: **$h_events events** held after the storm; \`$rec_line\`"
  echo "- file: **$events events**, $((bytes >> 20)) MiB; \`$cap_line\`"
  echo
  echo "Every timed reader is pinned to core $CORE with \`taskset\` unless a row says 2 cores (sysql: every thread of the"
  echo "JVM — the JIT compilers, the GC and, for the history, the live capture thread, which goes on recording what the"
  echo "host does; sysdig: the whole pipeline, sort and uniq included). sysdig's side of the same query is its own GROUP"
  echo "BY: \`sysdig -r F -c table_generator '$TG_ARGS'\` (the chisel behind topprocs_*, here summing evt.count, 1 for"
  echo "every event, per proc.name over the events that pass fd.type=file): the same counts, in one process. events/s ="
  echo "events of the source / seconds; history and file= rows: from prepareStatement to the last row, or the whole"
  echo "process where they say so; sysdig: the whole process. Medians of $REPS (the file runs interleaved); \"later\" ="
  echo "the median of the runs after the first in the same JVM."
  echo
  echo "| reader | seconds | events/s | vs sysdig table_generator | vs sysdig -p \\| sort \\| uniq -c |"
  echo "|---|---|---|---|---|"
  row "1. sysql, history: the first query of the connection (prepare + execute + read)" "$h_first" "$h_first_rate"
  row "1. sysql, history: the later queries" "$h_warm" "$h_warm_rate"
  row "1b. sysql, history, 2 cores: the first query" "$u_first" "$u_first_rate"
  row "1b. sysql, history, 2 cores: the second query" "$u_later" "$u_later_rate"
  row "2. sysql, \`jdbc:sysql:file=\`: whole process (JVM start-up and first query)" "$f_wall" "$f_rate"
  row "2. sysql, \`file=\`: the first query of the JVM alone" "$f_in" "$f_in_rate"
  row "2. sysql, \`file=\`: the later queries in the same JVM" "$fw_warm" "$fw_rate"
  row "2. sysql, \`file=\`, 2 cores: whole process" "$fu_wall" "$fu_rate"
  row "2. sysql, \`file=\`, whole process with an AppCDS class archive (not shipped)" "$fc_wall" "$fc_rate"
  row "3. \`sysdig -r F -c table_generator '$TG_ARGS'\`" "$g_wall" "$g_rate"
  row "3. \`sysdig -r F -p '$FORMAT' fd.type=file \\| sort \\| uniq -c\`" "$s_wall" "$s_rate"
  row "3. \`sysdig -r F -p '$FORMAT' fd.type=file > /dev/null\` (no counting)" "$a_wall" "$a_rate"
  row "3. \`sysdig -r F -c topprocs_file\` (bytes per process, fd.type=file and evt.is_io=true)" "$c_wall" "$c_rate"
  echo
  echo "| file rep | sysql file= | sysdig table_generator | sysdig -p \\| sort \\| uniq -c | sysdig -p alone | topprocs_file |"
  echo "|---|---|---|---|---|---|"
  printf "%s" "$rows"
  echo
  echo "History queries (one JVM, after the recording; prepare = parse, plan and compile):"
  echo
  echo '```'
  cat "$tmp/h.reps"
  echo '```'
  echo
  echo "The second recording (1b: same storm, no file written, queries on 2 cores):"
  echo
  echo '```'
  grep -E '^(recorded|rep)' "$tmp/u.out"
  echo '```'
  echo
  echo "The file, in one JVM:"
  echo
  echo '```'
  grep '^rep=' "$tmp/fw.out"
  echo '```'
  echo
  echo "Memory: history JVM peak RSS $h_rss MiB (\`$mem_line\`; the recorder's segments are the direct memory); heap"
  echo "used at most $h_heap MiB during a history query. file= JVM: heap used at most $f_heap MiB, peak RSS $f_rss MiB."
  echo "sysdig: table_generator peak RSS $g_rss MiB, the pipeline $s_rss MiB (its largest process)."
  echo
  echo "Same results: sysql over the file and sysdig's table_generator: $file_vs_tg of $(wc -l <"$tmp/file.counts") rows differ"
  echo "(totals $(total "$tmp/file.counts") and $(total "$tmp/tg.counts") events); the -p pipeline: $file_vs_pipe rows differ (total"
  echo "$(total "$tmp/sysdig.counts")). The history and the file hold different windows of the host (the recorder starts"
  echo "before the file and ends after it), so only the storm's row is comparable between them."
  echo
  echo "| proc.name | sysql history | sysql file= | sysdig table_generator | sysdig -p \\| sort \\| uniq -c |"
  echo "|---|---|---|---|---|"
  awk 'FNR == 1 {f++} {n = $1; $1 = ""; sub(/^ /, ""); v[$0, f] = n; k[$0] = 1}
       function at(x, i) { return ((x, i) in v) ? v[x, i] : "-" }
       END {for (x in k) printf "| %s | %s | %s | %s | %s |\n", x, at(x, 1), at(x, 2), at(x, 3), at(x, 4)}' \
      "$tmp/history.counts" "$tmp/file.counts" "$tmp/tg.counts" "$tmp/sysdig.counts" | LC_ALL=C sort
  echo
  echo "topprocs_file (bytes read and written on files, per process — another measure):"
  echo
  echo '```'
  head -8 "$tmp/chisel.txt"
  echo '```'
} >"$report"
echo
cat "$report"
