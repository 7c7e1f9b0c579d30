// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sysql.jdbc.DaemonSocket;
import sysql.jdbc.RemoteDriver;

/**
 * {@code sysql dump --since 2m -w incident.scap}: a window of the {@code sysql daemon}'s history as a sysdig
 * capture file, after the fact. It runs {@code SELECT chunk, events FROM TABLE(history_scap(FROM, TO))} on the
 * daemon and writes the chunks in order (to a temporary name, renamed when complete).
 */
@Command(
        name = "dump",
        mixinStandardHelpOptions = true,
        description = {
            "Write a window of the sysql daemon's history as a sysdig .scap file: capture after the fact.",
            "SQL: SELECT chunk, events FROM TABLE(history_scap(from_rawtime, to_rawtime))"
        })
final class DumpCommand implements Callable<Integer> {
    @Option(
            names = "--since",
            required = true,
            paramLabel = "WHEN",
            description = "Start of the window: an age (90s, 2m, 1h) or a time (2026-12-02T16:00:00Z, or ns since the "
                    + "epoch).")
    String since;

    @Option(names = "--until", paramLabel = "WHEN", description = "End of the window, as --since (default: now).")
    String until;

    @Option(
            names = {"-w", "--write"},
            required = true,
            paramLabel = "FILE.scap",
            description = "The capture file to write.")
    Path file;

    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description = "The sysql daemon's socket (default $SYSQL_SOCKET, else /run/sysql/sysql.sock).")
    Path socket;

    private static final Pattern AGE = Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m|h|d)");

    @Override
    public Integer call() {
        long now = nowNanos();
        long from;
        long to;
        try {
            from = when(since, now, "--since");
            to = until == null ? now : when(until, now, "--until");
        } catch (IllegalArgumentException e) {
            System.err.println("sysql dump: " + e.getMessage());
            return 2;
        }
        if (from > to) {
            System.err.println("sysql dump: the window starts after it ends: --since must be before --until");
            return 2;
        }
        java.util.Properties p = new java.util.Properties();
        if (socket != null) {
            p.setProperty("socket", socket.toString());
        }
        Path tmp;
        try {
            // a new file of a random name beside the target (never one a link points at), gone if interrupted
            Path dir = file.toAbsolutePath().getParent();
            tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".part");
        } catch (IOException e) {
            System.err.println("sysql dump: cannot write in the folder of " + file + ": " + e.getMessage());
            return 1;
        }
        Path part = tmp;
        Thread cleanup = new Thread(() -> deleteQuietly(part), "sysql-dump-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return dump(from, to, p, tmp);
        } finally {
            deleteQuietly(tmp);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs
            }
        }
    }

    private int dump(long from, long to, java.util.Properties p, Path tmp) {
        long events = -1;
        try (Connection c = RemoteDriver.connectDaemon(daemonSocket(p), p);
                Statement st = fewRowsAtATime(c.createStatement());
                ResultSet rs =
                        st.executeQuery("SELECT chunk, events FROM TABLE(history_scap(" + from + ", " + to + "))");
                OutputStream out = Files.newOutputStream(tmp)) {
            while (rs.next()) {
                byte[] chunk = rs.getBytes(1);
                if (chunk != null) {
                    out.write(chunk);
                } else {
                    events = rs.getLong(2);
                }
            }
        } catch (SQLException | IOException | RuntimeException e) {
            deleteQuietly(tmp);
            System.err.println("sysql dump: " + message(e));
            return 1;
        }
        if (events < 0) {
            deleteQuietly(tmp);
            System.err.println("sysql dump: the daemon's answer ended early: nothing written");
            return 1;
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            System.err.println("sysql dump: cannot write " + file + ": " + e.getMessage());
            return 1;
        }
        System.out.println("sysql dump: " + events + " events from " + Instant.ofEpochSecond(0, from) + " to "
                + Instant.ofEpochSecond(0, to) + " written to " + file);
        return 0;
    }

    /** Chunks are a MiB each: a few per fetch keep each answer small. */
    private static Statement fewRowsAtATime(Statement st) throws SQLException {
        st.setFetchSize(4);
        return st;
    }

    /** The daemon's socket: one must answer (the history is the daemon's). */
    private static Path daemonSocket(java.util.Properties p) throws SQLException {
        p.setProperty("engine", "daemon");
        DaemonSocket.useDaemon(p); // a one-line error when none answers or access is denied
        return DaemonSocket.path(p);
    }

    private String message(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException || e instanceof java.nio.file.NoSuchFileException) {
            return "cannot write " + file + ": " + e.getMessage();
        }
        return e.getMessage();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // nothing more to do
        }
    }

    private static long nowNanos() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** An age before {@code now}, an ISO-8601 instant, or ns since the epoch, as ns since the epoch. */
    static long when(String text, long now, String option) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = AGE.matcher(s);
        if (m.matches()) {
            try {
                return Math.subtractExact(now, age(m).toNanos());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(option + " " + text + " is longer ago than a time can say");
            }
        }
        if (s.matches("\\d{15,19}")) {
            return Long.parseLong(s);
        }
        try {
            Instant t = Instant.parse(text.trim());
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException(option + " " + text + " is not an age (90s, 2m, 1h), a time "
                    + "(2026-12-02T16:00:00Z) or ns since the epoch");
        }
    }

    /** The age an {@link #AGE} match says (ArithmeticException when it does not fit). */
    private static Duration age(Matcher m) {
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new ArithmeticException("too long");
        }
        return switch (m.group(2)) {
            case "ns" -> Duration.ofNanos(n);
            case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
