#!/usr/bin/env bash
# Builds sysql (native parts and Java) unless the build is already newer than every source.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=jdbc/target/sysql-jdbc.jar
if [ -f "$jar" ] && [ -z "$(find pom.xml */pom.xml driver-kmod/include driver-kmod/bpf driver-kmod/lib \
      driver-kmod/tools driver-kmod/Makefile */src/main -newer "$jar" -print -quit 2>/dev/null)" ]; then
  exit 0
fi
echo "sysql: building (first run or sources changed)..." >&2
mvn -B -q -ntp -DskipTests install >&2
