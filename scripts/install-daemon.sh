#!/usr/bin/env bash
# Installs `sysql daemon` as the systemd service `sysql`: builds sysql if needed, copies its jars to
# /opt/sysql/lib (root-owned: the service never runs what a user of this clone could change), makes the group
# `sysql` (its members may query the daemon), writes /etc/systemd/system/sysql.service from
# scripts/sysql.service.in, checks it with systemd-analyze verify, then enables and (re)starts it.
# Run it again after pulling changes to install the new build.
#   sudo scripts/install-daemon.sh             # install and start
#   scripts/install-daemon.sh --check DIR      # only write the unit into DIR and verify it (tests)
# Remove: systemctl disable --now sysql; rm /etc/systemd/system/sysql.service
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
check=""
if [ "${1:-}" = "--check" ]; then
  check="${2:?--check needs a directory}"
elif [ $# -gt 0 ]; then
  echo "usage: scripts/install-daemon.sh [--check DIR]" >&2
  exit 2
fi

unit_text() {
  cat "$root/scripts/sysql.service.in"
}

if [ -n "$check" ]; then
  mkdir -p "$check"
  unit_text >"$check/sysql.service"
  systemd-analyze verify "$check/sysql.service"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "sysql: installing the daemon needs root: sudo $0" >&2
  exit 1
fi
"$root/scripts/install-deps.sh" </dev/null
"$root/scripts/build.sh" </dev/null
getent group sysql >/dev/null || groupadd --system sysql
install -d -m 0755 -o root -g root /opt/sysql /opt/sysql/lib
rm -f /opt/sysql/lib/*.jar
install -m 0644 -o root -g root "$root/cli/target/sysql-cli.jar" "$root"/cli/target/lib/*.jar /opt/sysql/lib/
install -m 0644 -o root -g root "$root/README.md" /opt/sysql/README.md
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
unit_text >"$tmp/sysql.service"
systemd-analyze verify "$tmp/sysql.service"
install -m 0644 "$tmp/sysql.service" /etc/systemd/system/sysql.service
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable sysql
  systemctl restart sysql
  echo "sysql: the daemon runs (systemctl status sysql); members of the group sysql may query it:" \
       "sudo usermod -aG sysql USER" >&2
else
  echo "sysql: installed /opt/sysql and /etc/systemd/system/sysql.service, but systemd does not run on this" \
       "machine: run $root/sysql daemon in the foreground instead" >&2
fi
