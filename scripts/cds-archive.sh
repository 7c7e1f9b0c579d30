#!/usr/bin/env bash
# Makes a start-up archive the launcher maps, for the Java runtime SYSQL_JAVA names (scripts/build.sh makes one for
# each runtime scripts/runtime-java.sh chooses; unset, a JDK 25+ under /usr/lib/jvm, or the java on PATH). Both kinds record what one query over a capture
# file the repository ships, one over the live host and one as a client of a daemon load (sysql.cli.CdsTraining):
# - on JDK 25 and later, an AOT cache (-XX:AOTCacheOutput, JEPs 483/514/515): the classes loaded and linked,
#   their lambdas resolved, and the training's method profiles;
# - before, a static class-data-sharing archive (AppCDS: -XX:DumpLoadedClassList, then -Xshare:dump). Static, not
#   dynamic (-XX:ArchiveClassesAtExit): JDK 17 leaves classes of Java 5 bytecode (picocli's, the command line's
#   parser) out of a dynamic archive and keeps them in a static one.
# Usage: scripts/cds-archive.sh OUT (the launcher's is cli/target/sysql.aot or .jsa, as runtime-java.sh says).
# The class path is the launcher's, absolute, as the JDK checks it. Exits non-zero (and leaves no file) on failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/runtime-java.sh"
sysql_choose_java oneshot
out="$1"
cp="$root/cli/target/sysql-cli.jar:$root/cli/target/lib/*"
list="$(mktemp -t sysql-cds.XXXXXX.classlist)"
trap 'rm -f "$list" "$out.config"' EXIT
rm -f "$out"
fail() {
  rm -f "$out"
  exit 1
}
# class-data sharing skips signed jars (Janino's): the launcher's copies go unsigned first
"$sysql_java" "$root/scripts/UnsignJars.java" "$root/cli/target/lib" </dev/null >/dev/null 2>&1 || fail
training=(-cp "$cp" sysql.cli.CdsTraining "$root/testdata/scap/falco_cat_write.scap")
if [ "$sysql_java_major" -ge 25 ]; then
  # one step: the JDK runs the training, then assembles the cache in a child JVM
  env -u JAVA_TOOL_OPTIONS "$sysql_java" -XX:AOTCacheOutput="$out" "${sysql_java_opts[@]}" "${training[@]}" \
    </dev/null >/dev/null 2>&1 || fail
else
  "$sysql_java" -XX:DumpLoadedClassList="$list" "${training[@]}" </dev/null >/dev/null 2>&1 || fail
  "$sysql_java" -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$out" -Xlog:cds=off \
    -cp "$cp" </dev/null >/dev/null 2>&1 || fail
fi
[ -s "$out" ] || fail
