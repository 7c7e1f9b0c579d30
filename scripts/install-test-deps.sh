#!/usr/bin/env bash
# Installs what the tests need beyond what sysql itself needs (scripts/install-deps.sh): Debian's kernel headers,
# qemu, a static busybox and cpio, with which KmodQemuIT builds sysql's kernel module and boots Debian's kernel
# (driver-kmod/kmod/qemu-test.sh). Quiet when everything is there. Needs root only when it installs.
set -euo pipefail
packages=(linux-headers-amd64 qemu-system-x86 busybox-static cpio)
installed="$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null | awk '/install ok installed/ {print $1}' || true)"
missing=()
for p in "${packages[@]}"; do
  grep -qxF "$p" <<<"$installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "sysql: the tests need ${missing[*]}; run as root (sudo) so they can be installed" >&2
  exit 1
fi
echo "sysql: installing ${missing[*]} (for the kernel module's tests under qemu)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
