// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.util.List;
import picocli.CommandLine.Option;
import sysql.capture.CaptureException;
import sysql.capture.LiveCapture;

/** Capture options shared by the commands that capture live: ring size, snaplen, kernel-side filters. */
final class CaptureOptions {
    @Option(
            names = "--snaplen",
            paramLabel = "BYTES",
            description = "Data bytes kept per I/O buffer, 1..65536 (default 80).")
    int snaplen = 80;

    @Option(
            names = "--ring-size",
            paramLabel = "MiB",
            description = "Ring buffer per CPU in MiB, a power of two (default 8).")
    int ringMiB = 8;

    @Option(
            names = "--driver",
            paramLabel = "auto|bpf|kmod",
            description = "The capture driver: sysql's kernel module where /dev/sysql exists, else the eBPF probe "
                    + "(auto, the default), the eBPF probe (bpf) or the kernel module (kmod).")
    String driver = "auto";

    @Option(
            names = {"-s", "--syscalls"},
            split = ",",
            paramLabel = "NAME",
            description =
                    "Capture only these syscalls (x86_64 names, comma separated); the others are filtered in the kernel.")
    List<String> syscalls = List.of();

    @Option(
            names = {"-x", "--exclude-syscalls"},
            split = ",",
            paramLabel = "NAME",
            description = "Capture every syscall but these (filtered in the kernel).")
    List<String> excludeSyscalls = List.of();

    @Option(
            names = {"-p", "--pid"},
            split = ",",
            paramLabel = "PID",
            description = "Capture only these pids/tids.")
    List<Integer> pids = List.of();

    /** Opens a capture configured by these options (not started). */
    LiveCapture open() throws CaptureException {
        if (ringMiB <= 0 || Integer.bitCount(ringMiB) != 1 || ringMiB > 1024) {
            throw new CaptureException(
                    CaptureException.Reason.INVALID_ARGUMENT,
                    "--ring-size " + ringMiB + " is invalid: use a power of two from 1 to 1024 (MiB)");
        }
        if (!syscalls.isEmpty() && !excludeSyscalls.isEmpty()) {
            throw new CaptureException(
                    CaptureException.Reason.INVALID_ARGUMENT,
                    "--syscalls and --exclude-syscalls exclude each other: give one of them");
        }
        LiveCapture capture = LiveCapture.open(LiveCapture.Options.defaults()
                .withRingBytes(ringMiB << 20)
                .withSnaplen(snaplen)
                .withDriver(LiveCapture.Driver.parse(driver)));
        try {
            if (!syscalls.isEmpty()) {
                capture.captureOnlySyscalls(syscalls);
            }
            if (!excludeSyscalls.isEmpty()) {
                java.util.BitSet on = new java.util.BitSet();
                on.set(0, sysql.driver.EventTables.SYSCALL_TABLE_SIZE);
                on.andNot(LiveCapture.syscallNumbers(excludeSyscalls));
                capture.captureOnlySyscallNumbers(on);
            }
            if (!pids.isEmpty()) {
                capture.setPidFilter(
                        LiveCapture.PidFilter.INCLUDE,
                        pids.stream().mapToInt(Integer::intValue).toArray());
            }
            return capture;
        } catch (CaptureException e) {
            capture.close();
            throw e;
        }
    }
}
