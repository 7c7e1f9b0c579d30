#!/usr/bin/env bash
# Builds what the sysql launcher runs (the cli module and the modules it depends on, native parts included)
# unless the last successful build is newer than every source. Nothing is installed into ~/.m2.
# The stamp is written only after a build succeeded and removed before one starts, so a failed or
# interrupted build never looks fresh.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=cli/target/sysql-build.ok
jsa=cli/target/sysql.jsa
root="$(pwd)"

# A class-data-sharing archive (the JDK's AppCDS, scripts/cds-archive.sh) of the classes a query loads: later
# starts map them instead of loading and verifying them again (a one-shot query starts in about two thirds of
# the time; BENCHMARKS.md). The launcher uses it when it is there. Made again whenever the jar is newer: CDS
# refuses an archive of an older jar, and mvn package (./run-tests) remakes the jar.
archive() {
  scripts/cds-archive.sh "$root/$jsa" || true
}

if [ -f "$stamp" ] && [ -f cli/target/sysql-cli.jar ] && [ -z "$(find pom.xml */pom.xml scripts/build.sh \
      scripts/cds-archive.sh driver-kmod/include driver-kmod/bpf driver-kmod/lib driver-kmod/tools driver-kmod/Makefile \
      sql-examples/chisels */src/main calcite-adapter/src/codegen -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  if [ ! -f "$jsa" ] || [ cli/target/sysql-cli.jar -nt "$jsa" ]; then
    archive
  fi
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
archive
touch "$stamp"
