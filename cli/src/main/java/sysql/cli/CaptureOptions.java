// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;
import sysql.capture.CaptureException;
import sysql.capture.EventTypes;
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

    /** The first problem with these options, as a message that says what to do; null when they are fine. */
    String problem() {
        if (ringMiB <= 0 || Integer.bitCount(ringMiB) != 1 || ringMiB > 1024) {
            return "--ring-size " + ringMiB + " is invalid: use a power of two from 1 to 1024 (MiB)";
        }
        if (snaplen < 1 || snaplen > 65536) {
            return "--snaplen " + snaplen + " is invalid: give the data bytes kept per I/O buffer, 1 to 65536";
        }
        if (!syscalls.isEmpty() && !excludeSyscalls.isEmpty()) {
            return "--syscalls and --exclude-syscalls exclude each other: give one of them";
        }
        try {
            LiveCapture.Driver.parse(driver);
            LiveCapture.syscallNumbers(syscalls);
            LiveCapture.syscallNumbers(excludeSyscalls);
        } catch (CaptureException e) {
            return e.getMessage();
        }
        return null;
    }

    /** Opens a capture configured by these options (not started). */
    LiveCapture open() throws CaptureException {
        String problem = problem();
        if (problem != null) {
            throw new CaptureException(CaptureException.Reason.INVALID_ARGUMENT, problem);
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

    /**
     * The SQL connection that captures as these options say: a capture of the process's own (not the daemon's,
     * whose settings are its own), with this snaplen, ring size and driver, and no history (so that the kernel
     * probe captures only what the query asks for: {@link #eventsPredicate}).
     */
    ConnectOptions connectOptions() {
        ConnectOptions c = new ConnectOptions();
        c.engine = "embedded";
        c.noHistory = true;
        c.snaplen = snaplen;
        c.ringMiB = ringMiB;
        c.driver = driver;
        return c;
    }

    /**
     * The condition on {@code events} that selects what these options capture, or null for every event, in the
     * forms the engine pushes into the kernel probe: {@code -s} as {@code evt.type IN (…)} and {@code -x} as
     * {@code evt.type NOT IN (…)}, the syscalls' names as {@code evt.type} shows them ({@code pread64} is {@code
     * pread}; a few syscalls share one: {@code -s accept4} also keeps {@code accept}), and {@code -p} as {@code
     * proc.pid IN (…)}, every thread of those processes. {@code -s} keeps the stream's {@code sysql.drops} notices
     * ({@code evt.type = 'notification'}, made in user space: the kernel's syscall set is unchanged) as
     * {@code -x} does; {@code -p} does not (a notice belongs to no process). The names must be known syscalls
     * ({@link #problem}).
     */
    String eventsPredicate() throws CaptureException {
        List<String> conditions = new ArrayList<>();
        if (!syscalls.isEmpty()) {
            Set<String> types = eventTypes(syscalls);
            types.add("notification");
            conditions.add("evt.type IN (" + quoted(types) + ")");
        }
        Set<String> excluded = eventTypes(excludeSyscalls);
        if (!excluded.isEmpty()) {
            conditions.add("evt.type NOT IN (" + quoted(excluded) + ")");
        }
        if (!pids.isEmpty()) {
            conditions.add("proc.pid IN ("
                    + pids.stream().map(String::valueOf).distinct().collect(Collectors.joining(", ")) + ")");
        }
        return conditions.isEmpty() ? null : String.join(" AND ", conditions);
    }

    /** The evt.type of the named syscalls' events, in the order given. */
    private static Set<String> eventTypes(List<String> names) throws CaptureException {
        LiveCapture.syscallNumbers(names); // an unknown name is refused as the scap format refuses it
        Set<String> types = new LinkedHashSet<>();
        for (String name : names) {
            String type = EventTypes.syscallEventName(EventTypes.syscallNumber(name));
            if (type != null) { // every syscall of the table has one
                types.add(type);
            }
        }
        return types;
    }

    private static String quoted(Set<String> values) {
        return values.stream().map(v -> "'" + v.replace("'", "''") + "'").collect(Collectors.joining(", "));
    }

    /**
     * The first of the {@code -p} ids that is a thread of another process, with that process's id, or null: the
     * SQL route selects by process ({@code proc.pid}), not by thread. An id with no such thread now is not
     * checked.
     */
    int[] threadOfAnotherProcess() {
        for (int id : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(id), "status"))) {
                    if (line.startsWith("Tgid:")) {
                        int tgid = Integer.parseInt(
                                line.substring("Tgid:".length()).trim());
                        if (tgid != id) {
                            return new int[] {id, tgid};
                        }
                        break;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // no such thread now (or it just ended): nothing to say of it
            }
        }
        return null;
    }
}
