#!/usr/bin/env bash
# Makes the class-data-sharing archive (the JDK's AppCDS) the launcher maps at start: the classes a query loads,
# recorded by running one over a capture file the repository ships, in the process and as a client of a daemon
# (sysql.cli.CdsTraining). Usage: scripts/cds-archive.sh OUT.jsa
# The class path is the launcher's, absolute, as CDS checks it. Exits non-zero (and leaves no file) on failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$1"
rm -f "$out"
if ! java -XX:ArchiveClassesAtExit="$out" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -cp "$root/jdbc/target/sysql-jdbc.jar:$root/jdbc/target/lib/*" sysql.cli.CdsTraining \
    "$root/testdata/scap/falco_cat_write.scap" </dev/null >/dev/null 2>&1 || [ ! -s "$out" ]; then
  rm -f "$out"
  exit 1
fi
