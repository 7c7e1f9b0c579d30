# Sourced by ./sysql, scripts/build.sh and scripts/cds-archive.sh: the Java runtime sysql runs on, and the start-up
# archive that goes with it. `sysql_choose_java oneshot|default` sets:
#   sysql_java        the java command
#   sysql_java_major  its feature version (0 when its release file does not say)
#   sysql_java_id     what identifies that runtime (its release's JAVA_RUNTIME_VERSION and its path): an archive
#                     made by another runtime is made again
#   sysql_archive     cli/target/sysql.aot (a JDK 25+ AOT cache: classes loaded and linked, method profiles) or
#                     cli/target/sysql.jsa (a JDK 17+ class-data-sharing archive: classes loaded)
#   sysql_java_opts   (array) what that runtime needs to run sysql quietly: java.nio opened to Arrow (its IPC
#                     writer); from JDK 24 on, JNA's native calls and Arrow's and protobuf's sun.misc.Unsafe memory
#                     access are allowed instead of warned about
# The choice: SYSQL_JAVA when set, for every command. Else a command that computes in its own process and ends
# (oneshot: a query, the shell, a capture, print, a chisel) runs on the newest JDK of version 25 or later in
# /usr/lib/jvm (or SYSQL_JVM_DIR; symbolic links, Debian's alternative names, skipped) when there is one: with its AOT
# cache a file query starts in about four fifths of the time JDK 17 with its archive takes. The rest (default: a
# client of the daemon, the daemon, the server) run on the java on PATH (Debian 12's JDK 17, which the build and
# the tests use) with its archive: a client loads few classes, and a JDK 25 loads every class of its AOT cache at
# start, which made a client 0.1 s slower; a server runs for days, on the JDK the tests run (BENCHMARKS.md,
# start-up). The bytecode is the same for both: the build compiles for Java 17. Only bash is run to choose: it
# runs at every start.
sysql_release_of() { # JDK_HOME: sets sysql_release_major, sysql_release_version ("" when unknown)
  sysql_release_major=0
  sysql_release_version=
  local line
  [ -r "$1/release" ] || return 0
  while IFS= read -r line; do
    case "$line" in
      JAVA_RUNTIME_VERSION=*) sysql_release_version="${line#*=}" ;;
      JAVA_VERSION=*)
        line="${line#*=}"
        line="${line//\"/}"
        line="${line%%.*}"
        [[ "$line" =~ ^[0-9]+$ ]] && sysql_release_major="$line"
        ;;
    esac
  done <"$1/release"
}

# sysql_command_java NAME: sysql_java, sysql_java_major, sysql_java_version for a java command (a path or a name
# on PATH); fails when it is none
sysql_command_java() {
  local path
  sysql_java="$1"
  sysql_java_major=0
  sysql_java_version=
  if [ ! -x "$sysql_java" ] || [ -d "$sysql_java" ]; then
    sysql_java="$(command -v -- "$1")" || return 1
    [ -x "$sysql_java" ] || return 1
  fi
  path="$(readlink -f -- "$sysql_java")"
  sysql_release_of "${path%/*/*}"
  sysql_java_major=$sysql_release_major
  sysql_java_version=$sysql_release_version
}

sysql_choose_java() { # oneshot|default
  local home
  sysql_java=
  sysql_java_major=0
  sysql_java_version=
  if [ -n "${SYSQL_JAVA:-}" ]; then
    if ! sysql_command_java "$SYSQL_JAVA"; then
      echo "sysql: SYSQL_JAVA=$SYSQL_JAVA is not a java command; set it to a JDK's bin/java, or unset it" >&2
      exit 2
    fi
  else
    if [ "$1" = oneshot ]; then
      for home in "${SYSQL_JVM_DIR:-/usr/lib/jvm}"/*; do
        [ -L "$home" ] && continue
        [ -x "$home/bin/java" ] || continue
        sysql_release_of "$home"
        if [ "$sysql_release_major" -ge 25 ] && [ "$sysql_release_major" -gt "$sysql_java_major" ]; then
          sysql_java="$home/bin/java"
          sysql_java_major=$sysql_release_major
          sysql_java_version=$sysql_release_version
        fi
      done
    fi
    # the java on PATH; a missing one is the JDK's own error when the launcher runs it
    [ -n "$sysql_java" ] || sysql_command_java java || sysql_java=java
  fi
  # Arrow's IPC writer (query --format arrow) makes direct ByteBuffers over its own memory
  sysql_java_opts=(--add-opens=java.base/java.nio=ALL-UNNAMED)
  [ "$sysql_java_major" -lt 24 ] ||
    sysql_java_opts+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
  # an archive made with other options is made again
  sysql_java_id="$sysql_java_version $sysql_java ${sysql_java_opts[*]}"
  if [ "$sysql_java_major" -ge 25 ]; then
    sysql_archive=cli/target/sysql.aot
  else
    sysql_archive=cli/target/sysql.jsa
  fi
}
