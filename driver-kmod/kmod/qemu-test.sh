#!/usr/bin/env bash
# Tests sysql.ko in Debian 12's own kernel under qemu (guest.sh): load the module, run tools/sysql-kmod-read (a
# capture of a known workload, checked), unload, then 100 load, capture, unload cycles while a shell loop makes
# syscalls, with the kernel's vmalloc use before and after; then one workload captured through libsysqlcap
# (tools/sysql-capture) by each driver, the module and the eBPF probe, into OUT/auto.scap and OUT/bpf.scap for
# the host to compare, and by each driver for a small syscall set caught on the syscalls' own functions
# (OUT/narrow-bpf.scap, OUT/narrow-kmod.scap). Every result is a console line starting with
# "SQKMOD"; the last one is "SQKMOD done". The guest panics on any oops, WARN or soft lockup, which ends the run
# without that line.
#
#   qemu-test.sh OUT_DIR [CALLS]     (root; see guest.sh for what it needs)
# Prints the guest's result lines; exits 0 when the marker line came, 1 when not, 2 when it could not run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
calls="${2:-10000}"
# the workload both drivers capture (sysql-workload: opens, stats, writes, TCP connects to busybox's httpd, in a
# thread that renames itself)
workload="/sysql-workload -o 3 /init -s 2 /bin -w 2 -c 2 8080 -T sqworker"
# shellcheck source=guest.sh
. "$here/guest.sh"
guest_prepare "$out"
guest_run "$out" "$(cat <<INIT
insmod /sysql.ko && echo "SQKMOD loaded: \$(dmesg | grep -o 'events for [0-9]* syscalls' | tail -n 1)"
/sysql-kmod-read $calls; echo "SQKMOD reader rc=\$?"
rmmod sysql && echo "SQKMOD unloaded"
(while true; do cat /proc/self/stat >/dev/null; done) &
load=\$!
meminfo() { awk -v k="\$1:" '\$1 == k {print \$2}' /proc/meminfo; }
before=\$(meminfo VmallocUsed)
slab_before=\$(meminfo Slab)
percpu_before=\$(meminfo Percpu)
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
sleep 1
after=\$(meminfo VmallocUsed)
echo "SQKMOD cycles=\$ok vmalloc_kb_before=\$before vmalloc_kb_after=\$after slab_kb_before=\$slab_before slab_kb_after=\$(meminfo Slab) percpu_kb_before=\$percpu_before percpu_kb_after=\$(meminfo Percpu)"
echo "SQKMOD tainted=\$(cat /proc/sys/kernel/tainted)"
# one workload captured through libsysqlcap by each driver, without address randomization, into .scap files the
# host reads: auto (the module, whose device is there), then the eBPF probe
echo 0 >/proc/sys/kernel/randomize_va_space
ip link set lo up
mkdir -p /tmp/www && httpd -p 127.0.0.1:8080 -h /tmp/www
insmod /sysql.ko
for driver in auto bpf; do
  /sysql-capture --driver \$driver -o /tmp/\$driver.scap -- $workload >/dev/null 2>/tmp/capture.err
  echo "SQKMOD capture \$driver rc=\$? \$(tail -n 1 /tmp/capture.err)"
done
rmmod sysql
# a small set (clone 56, execve 59, clone3 435, openat 257, close 3, socket 41, connect 42) by each driver: caught
# by those syscalls' own functions (the eBPF probe: fentry/fexit; the module: kretprobes); the same workload, and
# then a getppid storm, whose calls never reach the driver; then the same storm with getppid left out of every
# syscall (the tracepoints: each call filtered, enter and exit)
for driver in bpf kmod; do
  [ \$driver = kmod ] && insmod /sysql.ko
  /sysql-capture --driver \$driver -s 56 -s 59 -s 435 -s 257 -s 3 -s 41 -s 42 -o /tmp/narrow-\$driver.scap -- $workload >/dev/null 2>/tmp/capture.err
  echo "SQKMOD capture \$driver-narrow rc=\$? \$(tail -n 1 /tmp/capture.err)"
  /sysql-capture --driver \$driver -s 257 -s 3 -o /tmp/storm.scap -- /sysql-storm getppid 20000 >/dev/null 2>/tmp/capture.err
  echo "SQKMOD capture \$driver-narrow-storm rc=\$? \$(tail -n 1 /tmp/capture.err)"
  /sysql-capture --driver \$driver -x 110 -o /tmp/storm.scap -- /sysql-storm getppid 20000 >/dev/null 2>/tmp/capture.err
  echo "SQKMOD capture \$driver-wide-storm rc=\$? \$(tail -n 1 /tmp/capture.err)"
  [ \$driver = kmod ] && rmmod sysql
done
stty -F /dev/ttyS1 raw -echo
tar -c -f /dev/ttyS1 -C /tmp auto.scap bpf.scap narrow-bpf.scap narrow-kmod.scap && echo "SQKMOD captures sent"
echo "SQKMOD done"
INIT
)"
rm -f "$out/auto.scap" "$out/bpf.scap" "$out/narrow-bpf.scap" "$out/narrow-kmod.scap"
tar -x -f "$out/ttyS1.bin" -C "$out" auto.scap bpf.scap narrow-bpf.scap narrow-kmod.scap
