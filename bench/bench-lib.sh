# Shared by the benchmark scripts (source it, after `cd` to the repository root): the checks and build every
# run starts with, and the helpers their figures go through.

# bench_start NAME: root (the live capture loads the eBPF probe), packages, sysql and the bench module built.
bench_start() {
  [ "$(id -u)" = 0 ] || { echo "$1: run as root (the live capture loads the eBPF probe)" >&2; exit 1; }
  scripts/install-deps.sh
  bench_build
}

# bench_start_sysql NAME: root, packages and what ./sysql runs built (for benchmarks of the sysql command itself,
# which need no bench module).
bench_start_sysql() {
  [ "$(id -u)" = 0 ] || { echo "$1: run as root (the live capture loads the eBPF probe)" >&2; exit 1; }
  scripts/install-deps.sh </dev/null
  scripts/build.sh </dev/null
}

# bench_build: packages the bench module and what it depends on in one reactor build (cli/target/sysql-cli.jar
# and its lib/, driver-kmod/target/native/ included) when a source is newer than the bench jar. `package`, not
# `install`: nothing goes into ~/.m2, where other checkouts' SNAPSHOTs live. Offline first.
bench_build() {
  local jar=bench/target/sysql-bench.jar
  if [ -f "$jar" ] && [ -z "$(find pom.xml */pom.xml driver-kmod/include driver-kmod/bpf driver-kmod/lib \
        driver-kmod/tools driver-kmod/Makefile */src/main -newer "$jar" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  echo "bench: building sysql and the bench module (mvn package -pl bench -am)..." >&2
  mvn -o -B -q -ntp -DskipTests package -pl bench -am >&2 || mvn -B -q -ntp -DskipTests package -pl bench -am >&2
}

# field KEY: the number after KEY= in the line on stdin (a leading minus sign kept)
field() { sed -n "s/.*\b$1=\(-\?[0-9.]*\).*/\1/p"; }
# median: of the numbers on stdin, one a line
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# rate EVENTS SECONDS: events/s, whole
rate() { awk -v e="$1" -v s="$2" 'BEGIN { printf "%.0f", e / s }'; }
# ratio A B: A/B, two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# timed OUT CMD...: runs CMD pinned to $CORE with stdout to OUT; sets $wall (s) and $rss (MiB, peak of the
# largest process). Uses $tmp for the timing file.
timed() {
  local out=$1; shift
  /usr/bin/time -f '%e %M' -o "$tmp/time" taskset -c "$CORE" "$@" >"$out"
  wall=$(awk '{print $1}' "$tmp/time"); rss=$(awk '{printf "%.1f", $2 / 1024}' "$tmp/time")
}
