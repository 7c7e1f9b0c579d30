#!/usr/bin/env bash
# Builds what the sysql launcher runs (the cli module and the modules it depends on, native parts included)
# unless the last successful build is newer than every source. Nothing is installed into ~/.m2.
# The stamp is written only after a build succeeded and removed before one starts, so a failed or
# interrupted build never looks fresh.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=cli/target/sysql-build.ok
root="$(pwd)"
. scripts/runtime-java.sh

# The start-up archives of the runtimes the launcher runs (scripts/runtime-java.sh: one for commands computing in
# their own process and ending, one for the rest; the same one when they are the same runtime), each of what a
# query loads (scripts/cds-archive.sh: a JDK 25 AOT cache or a JDK 17 class-data-sharing archive): later starts map
# it instead of loading and verifying the classes again (BENCHMARKS.md, start-up). The launcher uses one when it is
# there. Made again whenever the jar is newer (the JDK refuses an archive of an older jar, and mvn package,
# ./run-tests, remakes the jar) or another runtime made it. The file beside it (.jdk) records the attempt: the
# runtime's id, written also when the archive could not be made, so that a failure costs one attempt per jar, not
# one per start.
archives() {
  local kind made=
  for kind in oneshot default; do
    sysql_choose_java "$kind"
    [ "$sysql_archive" != "$made" ] || continue
    made=$sysql_archive
    if [ "${1:-}" = all ] || [ ! -f "$sysql_archive.jdk" ] || [ cli/target/sysql-cli.jar -nt "$sysql_archive.jdk" ] ||
      [ "$(<"$sysql_archive.jdk")" != "$sysql_java_id" ]; then
      SYSQL_JAVA="$sysql_java" scripts/cds-archive.sh "$root/$sysql_archive" || true
      printf '%s\n' "$sysql_java_id" >"$sysql_archive.jdk"
    fi
  done
}

if [ -f "$stamp" ] && [ -f cli/target/sysql-cli.jar ] && [ -z "$(find pom.xml */pom.xml scripts/build.sh \
      scripts/cds-archive.sh scripts/runtime-java.sh driver-kmod/include driver-kmod/bpf driver-kmod/lib driver-kmod/tools driver-kmod/Makefile \
      sql-examples/chisels */src/main calcite-adapter/src/codegen -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  archives
  exit 0
fi
rm -f "$stamp"
echo "sysql: building (first run or sources changed)..." >&2
log="$(mktemp -t sysql-build.XXXXXX.log)"
if ! mvn -B -q -ntp -pl cli -am -Dmaven.test.skip=true package >"$log" 2>&1; then
  cat "$log" >&2
  echo "sysql: the build failed (output above, also in $log)" >&2
  exit 1
fi
rm -f "$log"
archives all
touch "$stamp"
