package sysql.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmarks report about this JVM's memory: the collections so far, the process's resident set. */
final class JvmMemory {
    /** Collections of every collector since the JVM started, and the time they took. */
    record Gc(long count, long millis) {
        static Gc sinceStart() {
            long count = 0;
            long millis = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                count += Math.max(0, gc.getCollectionCount());
                millis += Math.max(0, gc.getCollectionTime());
            }
            return new Gc(count, millis);
        }
    }

    private JvmMemory() {}

    /** A size line of /proc/self/status ({@code VmRSS:}, {@code VmHWM:} the peak...), in bytes; -1 if unknown. */
    static long procStatus(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(key)) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return -1;
    }
}
