# shellcheck shell=bash
# Debian 12's own kernel under qemu, for sysql's kernel module (this host's kernel loads no module): sourced by
# qemu-test.sh (the tests) and bench/kmod-bench.sh. Needs root, linux-headers-amd64, qemu-system-x86,
# busybox-static, cpio and gcc (scripts/install-deps.sh --tests).
#
#   guest_prepare OUT       builds sysql.ko against the current headers and the static tools the guest runs
#                           (sysql-kmod-read, sysql-storm into OUT/build; sysql-capture, libsysqlcap's .scap writer,
#                           and sysql-workload into ../target/native); unpacks Debian's kernel image package
#                           (downloaded once into OUT/cache). Sets guest_kver, guest_build, guest_native,
#                           guest_vmlinuz.
#   guest_add_sysdig OUT    builds sysdig's scap.ko (Debian's falcosecurity-scap-dkms) for the same kernel and
#                           adds it, sysdig and sysdig's libraries to what guest_run puts in the initramfs.
#   guest_run OUT BODY      boots that kernel (guest_mem_mb MiB, 1024 unless set) with an initramfs of busybox, the module and the tools, whose /init
#                           mounts /proc, /sys, /dev, runs BODY (shell, PATH=/bin; the files are in /) and powers
#                           off; the console is OUT/console.log, and what BODY writes to /dev/ttyS1 (raw) is
#                           OUT/ttyS1.bin. Returns 1 when the guest did not end with a line
#                           "SQKMOD done" (BODY prints it last), 2 when it could not run.
guest_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

guest_prepare() {
  local out="$1"
  guest_kver="$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null | sed -nE 's/^linux-headers-([^ ,]+).*/\1/p')"
  if [ -z "$guest_kver" ] || [ ! -d "/usr/src/linux-headers-$guest_kver" ]; then
    echo "guest: no Debian kernel headers (scripts/install-deps.sh --tests installs them)" >&2
    return 2
  fi
  local tool
  for tool in qemu-system-x86_64 cpio gcc; do
    command -v "$tool" >/dev/null || { echo "guest: $tool is missing (scripts/install-deps.sh --tests)" >&2; return 2; }
  done
  [ -x /bin/busybox ] || { echo "guest: /bin/busybox is missing (apt-get install busybox-static)" >&2; return 2; }

  # Debian's kernel image, unpacked (not installed: no initrd, no dkms)
  local image="$out/cache/linux-image-$guest_kver"
  if [ ! -f "$image/boot/vmlinuz-$guest_kver" ]; then
    mkdir -p "$out/cache"
    (cd "$out/cache" && rm -f linux-image-"$guest_kver"_*.deb && apt-get download -q -o APT::Sandbox::User=root "linux-image-$guest_kver" >/dev/null)
    rm -rf "$image.tmp" && dpkg-deb -x "$out"/cache/linux-image-"$guest_kver"_*.deb "$image.tmp" && mv "$image.tmp" "$image"
  fi
  guest_vmlinuz="$image/boot/vmlinuz-$guest_kver"

  # the module, built from a copy (the source folder stays clean), and the static tools
  guest_build="$out/build"
  rm -rf "$guest_build" && mkdir -p "$guest_build/kmod"
  cp "$guest_here"/Kbuild "$guest_here"/*.[ch] "$guest_build/kmod/" && cp -r "$guest_here/../include" "$guest_here/../bpf" "$guest_build/"
  make -s -C "/usr/src/linux-headers-$guest_kver" M="$guest_build/kmod" modules >"$out/build.log" 2>&1 \
    || { cat "$out/build.log" >&2; echo "guest: the module does not build against $guest_kver" >&2; return 1; }
  # libsysqlcap's static .scap writer and the scripted workload, from the driver's own build (make is incremental)
  guest_native="$guest_here/../target/native"
  make -s -C "$guest_here/.." OUT=target/native target/native/sysql-capture target/native/sysql-workload \
    >"$out/native.log" 2>&1 || { cat "$out/native.log" >&2; echo "guest: the static tools do not build" >&2; return 1; }
  local cflags=(-O2 -Wall -Wextra -Werror -static -I"$guest_here/../include")
  gcc "${cflags[@]}" -o "$guest_build/sysql-kmod-read" "$guest_here/../tools/sysql-kmod-read.c"
  gcc "${cflags[@]}" -o "$guest_build/sysql-storm" "$guest_here/../tools/sysql-storm.c" -lpthread
}

# sysdig 0.29.3 (Debian's sysdig) and its own kernel module, scap.ko, built from Debian's falcosecurity-scap-dkms
# source against the same headers: the benchmark's live peer. Puts scap.ko, sysdig and its shared libraries into
# OUT/extra, which guest_run adds to the initramfs (guest_extra).
guest_add_sysdig() {
  local out="$1"
  command -v sysdig >/dev/null || { echo "guest: sysdig is missing (apt-get install sysdig)" >&2; return 2; }
  local cache="$out/cache/scap-dkms"
  if ! ls "$cache"/x/usr/src/scap-*/Makefile >/dev/null 2>&1; then
    rm -rf "$cache" && mkdir -p "$cache"
    (cd "$cache" && apt-get download -q -o APT::Sandbox::User=root falcosecurity-scap-dkms >/dev/null)
    dpkg-deb -x "$cache"/falcosecurity-scap-dkms_*.deb "$cache/x"
  fi
  local src
  src="$(ls -d "$cache"/x/usr/src/scap-* | head -n 1)"
  rm -rf "$out/build/scap" && cp -r "$src" "$out/build/scap"
  make -s -C "/usr/src/linux-headers-$guest_kver" M="$out/build/scap" modules >"$out/scap-build.log" 2>&1 \
    || { cat "$out/scap-build.log" >&2; echo "guest: scap.ko does not build against $guest_kver" >&2; return 1; }
  guest_extra="$out/extra"
  rm -rf "$guest_extra" && mkdir -p "$guest_extra/usr/bin"
  cp "$out/build/scap/scap.ko" "$guest_extra/"
  cp -L /usr/bin/sysdig "$guest_extra/usr/bin/"
  local lib
  for lib in $(ldd /usr/bin/sysdig | awk '/=>/ {print $3} /ld-linux/ {print $1}'); do
    mkdir -p "$guest_extra$(dirname "$lib")" && cp -L "$lib" "$guest_extra$lib"
  done
}

guest_run() {
  local out="$1" body="$2"
  local root="$out/initramfs"
  rm -rf "$root" && mkdir -p "$root/bin"
  cp /bin/busybox "$root/bin/busybox"
  if [ -n "${guest_extra:-}" ]; then cp -a "$guest_extra/." "$root/"; fi
  cp "$guest_build/kmod/sysql.ko" "$guest_build/sysql-kmod-read" "$guest_build/sysql-storm" "$root/"
  cp "$guest_native/sysql-capture" "$guest_native/sysql-workload" "$root/"
  {
    printf '%s\n' '#!/bin/busybox sh' '/bin/busybox --install -s /bin' 'export PATH=/bin' \
      'mkdir -p /proc /sys /dev /tmp' 'mount -t proc proc /proc' 'mount -t sysfs sys /sys' \
      'mount -t devtmpfs dev /dev' 'echo "SQKMOD kernel $(uname -r) cpus $(grep -c ^processor /proc/cpuinfo)"'
    printf '%s\n' "$body"
    printf '%s\n' 'poweroff -f'
  } >"$root/init"
  chmod +x "$root/init"
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initrd.gz"

  local console="$out/console.log"
  rm -f "$console" "$out/ttyS1.bin"
  # Single-threaded TCG: with one host thread per vCPU, a syscall loop on one vCPU while the other patches the
  # tracepoints' jump labels (registering the probes) left both spinning at the patched site (soft lockups,
  # measured here); one thread for both vCPUs keeps the guest's code consistent. KVM is no use: /dev/kvm here
  # runs PVM guests only.
  timeout --kill-after=10 600 qemu-system-x86_64 -accel tcg,thread=single -nodefaults -no-user-config \
    -display none -serial "file:$console" -serial "file:$out/ttyS1.bin" -smp 2 -m "${guest_mem_mb:-1024}" -no-reboot -kernel "$guest_vmlinuz" \
    -initrd "$out/initrd.gz" \
    -append "console=ttyS0 quiet panic=-1 oops=panic panic_on_warn=1 softlockup_panic=1 loglevel=7" \
    </dev/null || true
  grep -a '^SQ\|^sysql-kmod-read\|^getppid ' "$console" || true
  if grep -aq '^SQKMOD done' "$console"; then
    return 0
  fi
  echo "guest: the guest did not finish; its console: $console" >&2
  tail -n 40 "$console" >&2
  return 1
}
