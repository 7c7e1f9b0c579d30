#!/usr/bin/env bash
# Makes the class-data-sharing archive (the JDK's AppCDS) the launcher maps at start: the classes a query loads,
# listed by running one over a capture file the repository ships, in the process and as a client of a daemon
# (sysql.cli.CdsTraining), then dumped as a static archive. A static archive, not a dynamic one
# (-XX:ArchiveClassesAtExit): JDK 17 leaves classes of Java 5 bytecode (picocli's, the command line's parser) out
# of a dynamic archive and keeps them in a static one. Usage: scripts/cds-archive.sh OUT.jsa
# The class path is the launcher's, absolute, as CDS checks it. Exits non-zero (and leaves no file) on failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$1"
cp="$root/cli/target/sysql-cli.jar:$root/cli/target/lib/*"
list="$(mktemp -t sysql-cds.XXXXXX.classlist)"
trap 'rm -f "$list"' EXIT
rm -f "$out"
# class-data sharing skips signed jars (Janino's): the launcher's copies go unsigned first
java "$root/scripts/UnsignJars.java" "$root/cli/target/lib" </dev/null >/dev/null 2>&1 || exit 1
if ! java -XX:DumpLoadedClassList="$list" -cp "$cp" sysql.cli.CdsTraining \
    "$root/testdata/scap/falco_cat_write.scap" </dev/null >/dev/null 2>&1 \
    || ! java -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$out" -Xlog:cds=off \
      -cp "$cp" </dev/null >/dev/null 2>&1 \
    || [ ! -s "$out" ]; then
  rm -f "$out"
  exit 1
fi
