// SPDX-License-Identifier: Apache-2.0
package sysql.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code sysql} launcher keeps its standard input for the shell: its set-up steps (installing packages, the
 * first build) read none of it, so {@code echo "SELECT 1;" | ./sysql} answers on the first run too. Run on a
 * copy of the launcher whose set-up steps and {@code java} are stand-ins: the set-up steps read all of their
 * standard input, the stand-in java prints what reaches it.
 */
class LauncherTest {
    @TempDir
    Path tmp;

    private int clones;

    private static void script(Path p, String body) throws Exception {
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/usr/bin/env bash\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void statementsPipedIntoTheFirstRunReachTheShell() throws Exception {
        Path root = Readme.ofThisClone().root;
        Path clone = tmp.resolve("clone");
        Files.createDirectories(clone);
        Files.copy(root.resolve("sysql"), clone.resolve("sysql"));
        script(clone.resolve("scripts/install-deps.sh"), "cat >/dev/null");
        script(clone.resolve("scripts/build.sh"), "cat >/dev/null");
        Path bin = tmp.resolve("bin");
        script(bin.resolve("java"), "cat");
        ProcessBuilder pb = new ProcessBuilder("bash", clone.resolve("sysql").toString()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write("SELECT 1 AS x;\n".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher did not end");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertEquals("SELECT 1 AS x;\n", out, "what reached the shell");
    }

    /** The launcher with stand-in set-up steps and a java that prints its arguments, one a line. */
    private String javaArguments(boolean withArchive) throws Exception {
        return javaArguments(withArchive, tmp.resolve("no-daemon.sock"), "query", "SELECT 1");
    }

    /** The same, with {@code socket} as the daemon's socket ($SYSQL_SOCKET) and these arguments. */
    private String javaArguments(boolean withArchive, Path socket, String... args) throws Exception {
        Path root = Readme.ofThisClone().root;
        Path clone = tmp.resolve((withArchive ? "with" : "without") + "-" + clones++);
        Files.createDirectories(clone);
        Files.copy(root.resolve("sysql"), clone.resolve("sysql"));
        script(clone.resolve("scripts/install-deps.sh"), "true");
        script(clone.resolve("scripts/build.sh"), "true");
        if (withArchive) {
            Files.createDirectories(clone.resolve("cli/target"));
            Files.writeString(clone.resolve("cli/target/sysql.jsa"), "");
        }
        Path bin = tmp.resolve("bin-args");
        script(bin.resolve("java"), "printf '%s\\n' \"$@\"");
        java.util.List<String> cmd = new java.util.ArrayList<>(
                java.util.List.of("bash", clone.resolve("sysql").toString()));
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("SYSQL_SOCKET", socket.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher did not end");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void theLauncherMapsTheBuildsClassArchiveWhenThereIsOne() throws Exception {
        String with = javaArguments(true);
        assertTrue(
                with.lines()
                        .anyMatch(l -> l.startsWith("-XX:SharedArchiveFile=") && l.endsWith("cli/target/sysql.jsa")),
                with);
        assertTrue(with.lines().toList().containsAll(java.util.List.of("sysql.cli.Sysql", "query", "SELECT 1")), with);
        String without = javaArguments(false);
        assertTrue(without.lines().noneMatch(l -> l.startsWith("-XX:SharedArchiveFile")), without);
    }

    /**
     * A client of a running daemon starts with C1 only and the serial collector (it computes nothing): when the
     * daemon's socket is there and no option asks for a capture or a file of its own.
     */
    @Test
    void aClientOfTheDaemonStartsWithTheQuickCompilerOnly() throws Exception {
        Path socket = tmp.resolve("sysql.sock");
        try (java.nio.channels.ServerSocketChannel daemon =
                java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            daemon.bind(java.net.UnixDomainSocketAddress.of(socket));
            for (String[] client : new String[][] {
                {"query", "SELECT 1"},
                {},
                {"shell"},
                {"dump", "--since", "2m", "-w", "x.scap"},
                {"--engine=daemon"},
                {"query", "-f", "x.sql"},
                {"query", "--file", "x.sql"},
                {"query", "--engine", "DAEMON", "SELECT 1"}
            }) {
                String args = javaArguments(false, socket, client);
                assertTrue(
                        args.lines().anyMatch(l -> l.equals("-XX:TieredStopAtLevel=1")),
                        String.join(" ", client) + ": " + args);
                assertTrue(args.lines().anyMatch(l -> l.equals("-XX:+UseSerialGC")), args);
            }
            for (String[] own : new String[][] {
                {"query", "-r", "f.scap", "SELECT 1"},
                {"query", "--read=f.scap", "SELECT 1"},
                {"query", "--engine", "embedded", "SELECT 1"},
                {"query", "--engine", "EMBEDDED", "SELECT 1"},
                {"query", "--engine=Embedded", "SELECT 1"},
                {"query", "--socket", tmp.resolve("elsewhere.sock").toString(), "SELECT 1"},
                {"query", "--socket=" + tmp.resolve("elsewhere.sock"), "SELECT 1"},
                {"query", "--snaplen", "256", "SELECT 1"},
                {"query", "--url", "http://h:8765", "SELECT 1"},
                {"shell", "--no-history"},
                {"capture", "-w", "x.scap"},
                {"daemon"},
                {"serve"}
            }) {
                String args = javaArguments(false, socket, own);
                assertTrue(
                        args.lines().noneMatch(l -> l.startsWith("-XX:TieredStopAtLevel")),
                        String.join(" ", own) + ": " + args);
            }
        }
        String noDaemon = javaArguments(false, tmp.resolve("none.sock"), "query", "SELECT 1");
        assertTrue(noDaemon.lines().noneMatch(l -> l.startsWith("-XX:TieredStopAtLevel")), noDaemon);
        // --socket names the daemon's socket, whatever $SYSQL_SOCKET says
        Path other = tmp.resolve("other.sock");
        try (java.nio.channels.ServerSocketChannel daemon =
                java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            daemon.bind(java.net.UnixDomainSocketAddress.of(other));
            String named =
                    javaArguments(false, tmp.resolve("none.sock"), "query", "--socket", other.toString(), "SELECT 1");
            assertTrue(named.lines().anyMatch(l -> l.equals("-XX:TieredStopAtLevel=1")), named);
        }
    }

    /**
     * A query or shell over small capture files only starts with C1 and the serial collector too (it runs for a
     * moment); a larger file, a live capture and the long-running commands keep C2, which compiles only what stays
     * hot (raised tier-4 thresholds).
     */
    @Test
    void smallFilesAreReadWithTheQuickCompilerAndTheRestWithC2ForWhatStaysHot() throws Exception {
        Path small = tmp.resolve("small.scap");
        Files.write(small, new byte[4096]);
        Path large = tmp.resolve("large.scap");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(large.toFile(), "rw")) {
            f.setLength((16L << 20) + 1); // sparse: its size is what counts
        }
        Path none = tmp.resolve("none.sock");
        for (String[] quick : new String[][] {
            {"query", "-r", small.toString(), "SELECT 1"},
            {"query", "-r" + small, "SELECT 1"},
            {"query", "--read=" + small, "SELECT 1"},
            {"shell", "--read", small.toString()},
            {"query", "-r", small.toString(), "-r", small.toString(), "SELECT 1"}
        }) {
            String args = javaArguments(false, none, quick);
            assertTrue(args.lines().anyMatch(l -> l.equals("-XX:TieredStopAtLevel=1")), String.join(" ", quick) + args);
            assertTrue(args.lines().anyMatch(l -> l.equals("-XX:+UseSerialGC")), args);
        }
        for (String[] hot : new String[][] {
            {"query", "-r", large.toString(), "SELECT 1"},
            {"query", "-r", small.toString(), "-r", large.toString(), "SELECT 1"},
            {"query", "-r", tmp.resolve("missing.scap").toString(), "SELECT 1"},
            {"print", "-r", small.toString()},
            {"query", "SELECT 1"},
            {"capture", "-w", "x.scap"},
            {"daemon"}
        }) {
            String args = javaArguments(false, none, hot);
            assertTrue(
                    args.lines().noneMatch(l -> l.startsWith("-XX:TieredStopAtLevel")), String.join(" ", hot) + args);
            assertTrue(
                    args.lines().anyMatch(l -> l.equals("-XX:Tier4InvocationThreshold=50000")),
                    String.join(" ", hot) + args);
        }
    }

    /** A server shrinks its heap to what is live plus 30% once idle (HeapRelease collects; HeapReleaseIT). */
    @Test
    void aServerGivesBackItsHeapAndAOneShotCommandDoesNotBother() throws Exception {
        Path none = tmp.resolve("none.sock");
        for (String command : java.util.List.of("serve", "daemon")) {
            String args = javaArguments(false, none, command);
            assertTrue(args.lines().anyMatch(l -> l.equals("-XX:MaxHeapFreeRatio=30")), args);
            assertTrue(args.lines().anyMatch(l -> l.equals("-XX:MinHeapFreeRatio=10")), args);
        }
        String query = javaArguments(false, none, "query", "SELECT 1");
        assertTrue(query.lines().noneMatch(l -> l.startsWith("-XX:MaxHeapFreeRatio")), query);
    }

    /**
     * scripts/cds-archive.sh makes an archive the JDK maps for the launcher's class path: with -Xshare:on a JDK
     * that cannot use an archive refuses to start, where the launcher's -Xshare:auto would ignore it silently.
     */
    @Test
    void theClassArchiveServesTheLaunchersClassPath() throws Exception {
        Path root = Readme.ofThisClone().root;
        Path jsa = tmp.resolve("sysql.jsa");
        Process make = new ProcessBuilder(root.resolve("scripts/cds-archive.sh").toString(), jsa.toString())
                .redirectErrorStream(true)
                .start();
        assertTrue(make.waitFor(120, TimeUnit.SECONDS), "cds-archive.sh did not end");
        String made = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, make.exitValue(), made);
        assertTrue(Files.size(jsa) > 1_000_000, "archive of " + Files.size(jsa) + " bytes");
        Process p = new ProcessBuilder(
                        "java",
                        "-XX:SharedArchiveFile=" + jsa,
                        "-Xshare:on",
                        "-cp",
                        root + "/cli/target/sysql-cli.jar:" + root + "/cli/target/lib/*",
                        "sysql.cli.Sysql",
                        "query",
                        "SELECT 1 AS x")
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java did not end");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("(1 row)"), out);
        // the command line's parser (Java 5 bytecode: a static archive keeps it) and Janino (a signed jar, unsigned
        // for the launcher) come from the archive too
        Process shared = new ProcessBuilder(
                        "java",
                        "-XX:SharedArchiveFile=" + jsa,
                        "-Xshare:on",
                        "-Xlog:class+load=info",
                        "-cp",
                        root + "/cli/target/sysql-cli.jar:" + root + "/cli/target/lib/*",
                        "sysql.cli.Sysql",
                        "query",
                        "-r",
                        root + "/testdata/scap/falco_cat_write.scap",
                        "SELECT COUNT(*) AS n FROM events")
                .redirectErrorStream(true)
                .start();
        String log = new String(shared.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(shared.waitFor(60, TimeUnit.SECONDS), "java did not end");
        assertEquals(0, shared.exitValue(), log);
        for (String cls : java.util.List.of("picocli.CommandLine ", "org.codehaus.janino.SimpleCompiler ")) {
            assertTrue(
                    log.lines().anyMatch(l -> l.contains(" " + cls + "source: shared objects file")),
                    cls + "is not in the archive: "
                            + log.lines()
                                    .filter(l -> l.contains(cls))
                                    .findFirst()
                                    .orElse("not loaded"));
        }
    }
}
