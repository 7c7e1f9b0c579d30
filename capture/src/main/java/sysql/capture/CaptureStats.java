// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import java.util.List;

/**
 * Capture counters, with the driver that captures ({@code bpf} or {@code kmod}): per CPU from the driver (events and bytes written to the ring, events dropped because the
 * ring was full or could not be built, syscalls skipped by the kernel filters) and, for the whole capture,
 * what libsysqlcap handed to Java.
 */
public record CaptureStats(
        List<Cpu> cpus,
        long deliveredEvents,
        long deliveredBytes,
        long invalidEvents,
        int ringBytesPerCpu,
        LiveCapture.Driver driver) {

    /** One CPU's driver counters. */
    public record Cpu(int cpu, long events, long bytes, long dropsFull, long dropsInvalid, long filtered) {
        public long drops() {
            return dropsFull + dropsInvalid;
        }
    }

    public long events() {
        return cpus.stream().mapToLong(Cpu::events).sum();
    }

    public long drops() {
        return cpus.stream().mapToLong(Cpu::drops).sum();
    }

    public long dropsFull() {
        return cpus.stream().mapToLong(Cpu::dropsFull).sum();
    }

    public long filtered() {
        return cpus.stream().mapToLong(Cpu::filtered).sum();
    }
}
