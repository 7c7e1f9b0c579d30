#!/usr/bin/env bash
# Builds sysql.ko against Debian 12's current kernel headers and tests it in that kernel, booted under qemu
# (this host's kernel loads no module: see driver-kmod/kmod/README.md). In the guest: load the
# module, run tools/sysql-kmod-read (a capture of a known workload, checked), unload, then 100 load, capture,
# unload cycles while a shell loop makes syscalls, with the kernel's vmalloc use before and after. Every result
# is a console line starting with "SQKMOD"; the last one is "SQKMOD done". The guest panics on any oops or
# WARN (oops=panic panic_on_warn=1), which ends the run without that line.
#
#   qemu-test.sh OUT_DIR [CALLS]     (root; needs linux-headers-amd64, qemu-system-x86, busybox-static, cpio,
#                                     gcc; downloads Debian's kernel image package once into OUT_DIR/cache)
# Prints the guest's SQKMOD lines; exits 0 when the marker line came, 1 when not, 2 when it could not run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
calls="${2:-10000}"

kver="$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null | sed -nE 's/^linux-headers-([^ ,]+).*/\1/p')"
if [ -z "$kver" ] || [ ! -d "/usr/src/linux-headers-$kver" ]; then
  echo "qemu-test: no Debian kernel headers (apt-get install linux-headers-amd64)" >&2
  exit 2
fi
for tool in qemu-system-x86_64 cpio gcc; do
  command -v "$tool" >/dev/null || { echo "qemu-test: $tool is missing" >&2; exit 2; }
done
[ -x /bin/busybox ] || { echo "qemu-test: /bin/busybox is missing (apt-get install busybox-static)" >&2; exit 2; }

# Debian's kernel image, unpacked (not installed: no initrd, no dkms)
image="$out/cache/linux-image-$kver"
if [ ! -f "$image/boot/vmlinuz-$kver" ]; then
  mkdir -p "$out/cache"
  (cd "$out/cache" && rm -f linux-image-"$kver"_*.deb && apt-get download -q "linux-image-$kver" >/dev/null)
  rm -rf "$image.tmp" && dpkg-deb -x "$out"/cache/linux-image-"$kver"_*.deb "$image.tmp" && mv "$image.tmp" "$image"
fi

# the module, built from a copy (the source folder stays clean)
build="$out/build"
rm -rf "$build" && mkdir -p "$build/kmod" && cp "$here"/Kbuild "$here"/*.c "$build/kmod/" && cp -r "$here/../include" "$build/"
make -s -C "/usr/src/linux-headers-$kver" M="$build/kmod" modules >"$out/build.log" 2>&1 \
  || { cat "$out/build.log" >&2; echo "qemu-test: the module does not build against $kver" >&2; exit 1; }
gcc -O2 -Wall -Wextra -Werror -static -I"$here/../include" -o "$build/sysql-kmod-read" "$here/../tools/sysql-kmod-read.c"

root="$out/initramfs"
rm -rf "$root" && mkdir -p "$root/bin"
cp /bin/busybox "$root/bin/busybox"
cp "$build/kmod/sysql.ko" "$build/sysql-kmod-read" "$root/"
cat >"$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "SQKMOD kernel \$(uname -r) cpus \$(grep -c ^processor /proc/cpuinfo)"
insmod /sysql.ko && echo "SQKMOD loaded: \$(dmesg | grep -o 'events for [0-9]* syscalls' | tail -n 1)"
/sysql-kmod-read $calls; echo "SQKMOD reader rc=\$?"
rmmod sysql && echo "SQKMOD unloaded"
(while true; do cat /proc/self/stat >/dev/null; done) &
load=\$!
before=\$(awk '/^VmallocUsed/ {print \$2}' /proc/meminfo)
ok=0
i=0
while [ \$i -lt 100 ]; do
  fail=0
  insmod /sysql.ko || { echo "SQKMOD cycle \$i: insmod failed"; fail=1; }
  /sysql-kmod-read 100 >/tmp/read.out 2>&1 || { echo "SQKMOD cycle \$i: the reader failed:"; sed 's/^/SQKMOD   /' /tmp/read.out; fail=1; }
  rmmod sysql || { echo "SQKMOD cycle \$i: rmmod failed"; fail=1; }
  [ \$fail = 0 ] && ok=\$((ok + 1))
  i=\$((i + 1))
done
kill \$load
after=\$(awk '/^VmallocUsed/ {print \$2}' /proc/meminfo)
echo "SQKMOD cycles=\$ok vmalloc_kb_before=\$before vmalloc_kb_after=\$after"
echo "SQKMOD tainted=\$(cat /proc/sys/kernel/tainted)"
echo "SQKMOD done"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initrd.gz"

console="$out/console.log"
# Single-threaded TCG: with one host thread per vCPU, a syscall loop on one vCPU while the other patches the
# tracepoints' jump labels (registering the probes) left both spinning at the patched site (soft lockups, measured
# here); one thread for both vCPUs keeps the guest's code consistent. KVM is no use: /dev/kvm here runs PVM guests.
rm -f "$console"
timeout --kill-after=10 300 qemu-system-x86_64 -accel tcg,thread=single -nodefaults -no-user-config -display none \
  -serial "file:$console" -smp 2 -m 1024 -no-reboot -kernel "$image/boot/vmlinuz-$kver" -initrd "$out/initrd.gz" \
  -append "console=ttyS0 quiet panic=-1 oops=panic panic_on_warn=1 softlockup_panic=1 loglevel=7" </dev/null || true
grep -a '^SQKMOD\|^sysql-kmod-read' "$console" || true
if grep -aq '^SQKMOD done' "$console"; then
  exit 0
fi
echo "qemu-test: the guest did not finish; its console: $console" >&2
tail -n 40 "$console" >&2
exit 1
