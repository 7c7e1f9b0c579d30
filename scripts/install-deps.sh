#!/usr/bin/env bash
# Installs what sysql needs on Debian 12 and is missing: the C toolchain for the eBPF probe and
# libsysqlcap, the JDK and Maven, sysdig for the differential tests, memcached for the sql-examples
# tests and curl for the README's curl session (integration-tests). Quiet when everything is there.
# Needs root only when it installs. --no-install-recommends keeps apt from pulling sysdig's DKMS kernel
# module package (which would try to build a module for this kernel).
set -euo pipefail

packages=(clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool make gcc pkg-config
          openjdk-17-jdk-headless maven util-linux
          clang-format   # the C sources' format, checked by the build
          curl      # integration-tests' ReadmeIT runs the README's curl session against sysql serve
          systemd   # systemd-analyze verify checks the daemon's unit (scripts/install-daemon.sh)
          sysdig    # sysdig 0.29.3: the differential tests' oracle (reads .scap files; never captures here)
          memcached)  # sql-examples' MemcachelogIT (chisels/memcachelog.sql) starts its own on a free loopback port
# --tests: also what the tests need (./run-tests): Debian's kernel headers, qemu, a static busybox and cpio, with
# which KmodQemuIT builds sysql's kernel module and boots Debian's kernel (driver-kmod/kmod/qemu-test.sh)
# and Node.js, whose npm installs the real clients integration-tests' DataOutIT reads sysql's Arrow and Parquet files
# with (integration-tests/node: Apache Arrow's JavaScript library, DuckDB), and Prometheus, which PrometheusIT starts
# on a loopback port to scrape sysql serve --metrics
tests=false
if [ "${1:-}" = "--tests" ]; then
  tests=true
  packages+=(linux-headers-amd64 qemu-system-x86 busybox-static cpio nodejs prometheus)
fi

# integration-tests/node's packages, as its package-lock.json pins them: installed again when the lock changes
node_clients() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/integration-tests/node"
  cmp -s "$dir/package-lock.json" "$dir/node_modules/.sysql-installed" 2>/dev/null && return 0
  if ! command -v npm >/dev/null; then
    echo "sysql: installing npm" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  echo "sysql: installing the test clients in $dir (npm ci)" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
    || { echo "sysql: npm ci failed in $dir" >&2; return 1; }
  cp "$dir/package-lock.json" "$dir/node_modules/.sysql-installed"
}
# one dpkg-query for all of them: the launcher runs this before every command, so it must cost milliseconds
installed="$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null | awk '/install ok installed/ {print $1}' || true)"
missing=()
for p in "${packages[@]}"; do
  grep -qxF "$p" <<<"$installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  if $tests; then node_clients; fi
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "sysql: missing packages: ${missing[*]}; run as root (sudo) so they can be installed" >&2
  exit 1
fi
echo "sysql: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the prometheus service it installs (on every address, port 9090): the tests start their own, so one
# installed here for them is stopped and not started at boot
if printf '%s\n' "${missing[@]}" | grep -qxF prometheus && [ -d /run/systemd/system ]; then
  systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
if $tests; then node_clients; fi
