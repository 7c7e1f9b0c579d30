// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Live capture through libsysqlcap and one of its drivers (the eBPF probe or sysql's kernel module): an
 * {@link EventSource} over the running host.
 *
 * <pre>{@code
 * try (LiveCapture capture = LiveCapture.open(LiveCapture.Options.defaults());
 *      EventBatch batch = new EventBatch()) {
 *     capture.start();
 *     Event e = new Event();
 *     while (capture.fill(batch, 100)) {
 *         while (batch.next(e)) { ... }
 *     }
 * }
 * }</pre>
 *
 * Thread-safe: configuration calls may come from any thread while one thread fills batches.
 */
public final class LiveCapture implements EventSource {
    /** Longest single wait inside the native library, so other threads can configure or close in between. */
    private static final int NATIVE_WAIT_SLICE_MS = 100;

    private static final int STATS_FIELDS = 5;

    /** Pid filter modes, as in sysql_probe.h. */
    public enum PidFilter {
        OFF,
        INCLUDE,
        EXCLUDE
    }

    /** The capture drivers of libsysqlcap (sysqlcap.h's enum sq_driver). */
    public enum Driver {
        /** The kernel module where its device /dev/sysql exists, else the eBPF probe. */
        AUTO,
        /** The CO-RE eBPF probe (Linux 5.8 or newer with BTF). */
        BPF,
        /** sysql's kernel module, sysql.ko (driver-kmod/kmod). */
        KMOD;

        /** The name users give and see: auto, bpf, kmod. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The driver named {@code name} (any case), or a one-line error listing the names. */
        public static Driver parse(String name) throws CaptureException {
            for (Driver d : values()) {
                if (d.label().equalsIgnoreCase(name.trim())) {
                    return d;
                }
            }
            throw new CaptureException(
                    CaptureException.Reason.INVALID_ARGUMENT,
                    "unknown driver '" + name + "': use auto, bpf (the eBPF probe) or kmod (sysql's kernel module)");
        }
    }

    /**
     * @param ringBytesPerCpu per-CPU ring size, a power of two from 64 KiB to 1 GiB; 0 for 8 MiB (the kernel
     *     module's rings are 8 MiB, and it takes no other size)
     * @param snaplen data bytes kept per I/O buffer, 1..65536; 0 for 80
     * @param btfPath kernel BTF to use, null for /sys/kernel/btf/vmlinux (eBPF only)
     * @param driver which driver captures
     */
    public record Options(int ringBytesPerCpu, int snaplen, String btfPath, Driver driver) {
        public static Options defaults() {
            return new Options(0, 0, null, Driver.AUTO);
        }

        public Options withRingBytes(int bytes) {
            return new Options(bytes, snaplen, btfPath, driver);
        }

        public Options withSnaplen(int n) {
            return new Options(ringBytesPerCpu, n, btfPath, driver);
        }

        public Options withBtfPath(String path) {
            return new Options(ringBytesPerCpu, snaplen, path, driver);
        }

        public Options withDriver(Driver d) {
            return new Options(ringBytesPerCpu, snaplen, btfPath, d);
        }
    }

    private Pointer handle;
    private final int ncpus;
    private final Driver driver;
    private final IntByReference outBytes = new IntByReference();

    private LiveCapture(Pointer handle) {
        this.handle = handle;
        this.ncpus = CaptureLibrary.sq_ncpus(handle);
        this.driver = CaptureLibrary.sq_driver(handle) == 2 ? Driver.KMOD : Driver.BPF;
    }

    /**
     * Whether the syscall set is caught by the syscalls' own kernel functions (a small set: the eBPF probe's
     * fentry/fexit programs or the module's kretprobes; every other syscall of the host then runs untraced) rather
     * than by the raw syscall tracepoints.
     */
    public synchronized boolean catchesBySyscallFunctions() throws CaptureException {
        return CaptureLibrary.sq_narrow(live()) == 1;
    }

    /** The driver that captures: {@link Driver#BPF} or {@link Driver#KMOD}. */
    public Driver driver() {
        return driver;
    }

    /** Opens the driver (capture stays off until {@link #start()}). */
    public static LiveCapture open(Options options) throws CaptureException {
        CaptureLibrary.ensureLoaded();
        IntByReference code = new IntByReference();
        byte[] err = new byte[512];
        Pointer h = CaptureLibrary.sq_open(
                options.driver().ordinal(),
                options.ringBytesPerCpu(),
                options.snaplen(),
                options.btfPath(),
                code,
                err,
                err.length);
        if (h == null) {
            throw new CaptureException(CaptureException.Reason.ofCode(code.getValue()), cString(err));
        }
        return new LiveCapture(h);
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    private Pointer live() throws CaptureException {
        if (handle == null) {
            throw new CaptureException(CaptureException.Reason.STATE, "the capture is closed");
        }
        return handle;
    }

    private void check(int rc) throws CaptureException {
        if (rc < 0) {
            throw new CaptureException(CaptureException.Reason.ofCode(-rc), CaptureLibrary.sq_last_error(handle));
        }
    }

    /** Attaches the probe and turns capture on. */
    public synchronized void start() throws CaptureException {
        check(CaptureLibrary.sq_start(live()));
    }

    /** Turns capture off and detaches the probe; events already captured stay readable. */
    public synchronized void stop() throws CaptureException {
        check(CaptureLibrary.sq_stop(live()));
    }

    public synchronized void setSnaplen(int snaplen) throws CaptureException {
        check(CaptureLibrary.sq_set_snaplen(live(), snaplen));
    }

    /** Captures every syscall (the default). */
    public synchronized void captureAllSyscalls() throws CaptureException {
        check(CaptureLibrary.sq_set_all_syscalls(live(), 1));
    }

    /**
     * Captures only the named syscalls (x86_64 names, e.g. {@code openat}); every other syscall produces no
     * event.
     *
     * @throws CaptureException INVALID_ARGUMENT naming the first unknown syscall; the previous set stays
     */
    public synchronized void captureOnlySyscalls(Collection<String> names) throws CaptureException {
        live();
        captureOnlySyscallNumbers(syscallNumbers(names));
    }

    /**
     * The x86_64 numbers of the named syscalls.
     *
     * @throws CaptureException INVALID_ARGUMENT naming the first unknown syscall
     */
    public static java.util.BitSet syscallNumbers(Collection<String> names) throws CaptureException {
        java.util.BitSet numbers = new java.util.BitSet();
        for (String name : names) {
            int nr = EventTypes.syscallNumber(name);
            if (nr < 0) {
                throw new CaptureException(
                        CaptureException.Reason.INVALID_ARGUMENT,
                        "unknown syscall '" + name + "': use an x86_64 syscall name such as openat, read or connect");
            }
            numbers.set(nr);
        }
        return numbers;
    }

    /**
     * Captures only the syscalls whose x86_64 numbers are set in {@code numbers}, set whole in one call (a small
     * set lets the eBPF probe catch those syscalls by their own functions, so that the others cost nothing).
     */
    public synchronized void captureOnlySyscallNumbers(java.util.BitSet numbers) throws CaptureException {
        byte[] interest = new byte[sysql.driver.EventTables.SYSCALL_TABLE_SIZE];
        for (int nr = numbers.nextSetBit(0); nr >= 0 && nr < interest.length; nr = numbers.nextSetBit(nr + 1)) {
            interest[nr] = 1;
        }
        check(CaptureLibrary.sq_set_syscalls(live(), interest, interest.length));
    }

    /** Turns one syscall (by x86_64 number) on or off. */
    public synchronized void setSyscall(int nr, boolean on) throws CaptureException {
        check(CaptureLibrary.sq_set_syscall(live(), nr, on ? 1 : 0));
    }

    /** Sets the kernel-side pid filter; pids are thread or process ids. The capturing process is always excluded. */
    public synchronized void setPidFilter(PidFilter mode, int... pids) throws CaptureException {
        check(CaptureLibrary.sq_set_pid_filter(live(), mode.ordinal(), pids, pids.length));
    }

    /**
     * Sets the kernel-side comm filter: with names, threads whose comm is one of them are captured (together with
     * those an include pid filter names: the two filters are a union); empty switches it off. Names longer than
     * the kernel's 15 characters are cut to 15.
     */
    public synchronized void setCommFilter(java.util.Collection<String> comms) throws CaptureException {
        Pointer h = live();
        if (comms.isEmpty()) {
            check(CaptureLibrary.sq_set_comm_filter(h, null, 0));
            return;
        }
        String[] names = comms.toArray(String[]::new);
        try (com.sun.jna.StringArray array = new com.sun.jna.StringArray(names, "UTF-8")) {
            check(CaptureLibrary.sq_set_comm_filter(h, array, names.length));
        }
    }

    /** Process lifecycle events from the sched tracepoints (on by default). */
    public synchronized void setSchedEvents(boolean on) throws CaptureException {
        check(CaptureLibrary.sq_set_sched_events(live(), on ? 1 : 0));
    }

    /**
     * The stream's watermark after the last {@link #fill}: every event still to come is at least this old (ns
     * since the epoch). It advances on an idle host too (see sq_watermark in sysqlcap.h).
     */
    public synchronized long watermark() throws CaptureException {
        return CaptureLibrary.sq_watermark(live());
    }

    public int cpuCount() {
        return ncpus;
    }

    @Override
    public boolean fill(EventBatch batch, long timeoutMillis) throws CaptureException {
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
        for (; ; ) {
            long left = deadline == Long.MAX_VALUE
                    ? NATIVE_WAIT_SLICE_MS
                    : Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
            int slice = (int) Math.min(left, NATIVE_WAIT_SLICE_MS);
            synchronized (this) {
                int n = CaptureLibrary.sq_next_batch(live(), batch.pointer(), batch.capacity(), slice, outBytes);
                check(n);
                batch.filled(n, n > 0 ? outBytes.getValue() : 0);
                if (n > 0 || left <= slice) {
                    return true;
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                return true;
            }
        }
    }

    /** Driver and delivery counters. */
    public synchronized CaptureStats stats() throws CaptureException {
        Pointer h = live();
        long[] raw = new long[ncpus * STATS_FIELDS];
        check(CaptureLibrary.sq_get_stats(h, raw, ncpus));
        List<CaptureStats.Cpu> cpus = new ArrayList<>(ncpus);
        for (int c = 0; c < ncpus; c++) {
            int o = c * STATS_FIELDS;
            cpus.add(new CaptureStats.Cpu(c, raw[o], raw[o + 1], raw[o + 2], raw[o + 3], raw[o + 4]));
        }
        LongByReference ev = new LongByReference();
        LongByReference by = new LongByReference();
        LongByReference inv = new LongByReference();
        check(CaptureLibrary.sq_get_delivered(h, ev, by, inv));
        return new CaptureStats(
                List.copyOf(cpus),
                ev.getValue(),
                by.getValue(),
                inv.getValue(),
                CaptureLibrary.sq_ring_bytes(h),
                driver);
    }

    @Override
    public synchronized void close() {
        if (handle != null) {
            CaptureLibrary.sq_close(handle);
            handle = null;
        }
    }
}
