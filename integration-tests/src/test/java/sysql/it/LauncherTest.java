// SPDX-License-Identifier: Apache-2.0
package sysql.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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
        copyLauncher(root, clone);
        script(clone.resolve("scripts/install-deps.sh"), "cat >/dev/null");
        script(clone.resolve("scripts/build.sh"), "cat >/dev/null");
        Path bin = tmp.resolve("bin");
        script(bin.resolve("java"), "cat");
        ProcessBuilder pb = new ProcessBuilder("bash", clone.resolve("sysql").toString()).redirectErrorStream(true);
        pb.environment().put("SYSQL_JAVA", bin.resolve("java").toString());
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write("SELECT 1 AS x;\n".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher did not end");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertEquals("SELECT 1 AS x;\n", out, "what reached the shell");
    }

    /** The launcher and the script it sources to choose its Java runtime. */
    private static void copyLauncher(Path root, Path clone) throws Exception {
        Files.createDirectories(clone.resolve("scripts"));
        Files.copy(root.resolve("sysql"), clone.resolve("sysql"));
        Files.copy(root.resolve("scripts/runtime-java.sh"), clone.resolve("scripts/runtime-java.sh"));
    }

    /** The launcher with stand-in set-up steps and a java that prints its arguments, one a line. */
    private String javaArguments(boolean withArchive) throws Exception {
        return javaArguments(withArchive, tmp.resolve("no-daemon.sock"), "query", "SELECT 1");
    }

    /** The same, with {@code socket} as the daemon's socket ($SYSQL_SOCKET) and these arguments. */
    private String javaArguments(boolean withArchive, Path socket, String... args) throws Exception {
        return launch(withArchive ? "sysql.jsa" : null, null, socket, args);
    }

    /**
     * The launcher with stand-in set-up steps, {@code archive} (if not null) made in its cli/target, and as
     * SYSQL_JAVA a java that prints its arguments, one a line, in a JDK home whose release file says
     * {@code javaVersion} (none if null); what it printed.
     */
    private String launch(String archive, String javaVersion, Path socket, String... args) throws Exception {
        Path clone = clone(archive);
        Path printer = jdk(tmp.resolve("jdk-" + clones), javaVersion, "printf '%s\\n' \"$@\"");
        return run(clone, java.util.Map.of("SYSQL_JAVA", printer.toString(), "SYSQL_SOCKET", socket.toString()), args)
                .out;
    }

    /** A copy of the launcher with stand-in set-up steps, and {@code archive} (if not null) in its cli/target. */
    private Path clone(String archive) throws Exception {
        Path clone = tmp.resolve("clone-" + clones++);
        copyLauncher(Readme.ofThisClone().root, clone);
        script(clone.resolve("scripts/install-deps.sh"), "true");
        script(clone.resolve("scripts/build.sh"), "true");
        if (archive != null) {
            Files.createDirectories(clone.resolve("cli/target"));
            Files.writeString(clone.resolve("cli/target").resolve(archive), "");
        }
        return clone;
    }

    /** A stand-in JDK home: bin/java runs {@code body}; a release file says {@code version} (none if null). */
    private static Path jdk(Path home, String version, String body) throws Exception {
        script(home.resolve("bin/java"), body);
        if (version != null) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
        }
        return home.resolve("bin/java");
    }

    private record Launched(int exit, String out) {}

    private Launched run(Path clone, java.util.Map<String, String> env, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(
                java.util.List.of("bash", clone.resolve("sysql").toString()));
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().remove("SYSQL_JAVA");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher did not end");
        return new Launched(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
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
     * On a JDK 25 or later the launcher maps the build's AOT cache (not a JDK 17 archive, which that JDK cannot
     * use) and allows JNA's native calls and Arrow's Unsafe memory access, which JDK 24+ would warn about on
     * stderr; a JDK 17 gets neither option (it does not know them) and maps its class-data-sharing archive. Both
     * open java.nio to Arrow.
     */
    @Test
    void aJdk25MapsTheAotCacheAndAJdk17ItsClassArchive() throws Exception {
        Path none = tmp.resolve("none.sock");
        String on25 = launch("sysql.aot", "25.0.3", none, "query", "SELECT 1");
        assertTrue(
                on25.lines().anyMatch(l -> l.startsWith("-XX:AOTCache=") && l.endsWith("/cli/target/sysql.aot")), on25);
        assertTrue(
                on25.lines()
                        .toList()
                        .containsAll(java.util.List.of(
                                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow")),
                on25);
        assertTrue(on25.lines().noneMatch(l -> l.startsWith("-XX:SharedArchiveFile")), on25);
        String only17sArchive = launch("sysql.jsa", "26", none, "query", "SELECT 1");
        assertTrue(only17sArchive.lines().noneMatch(l -> l.startsWith("-XX:AOTCache")), only17sArchive);
        assertTrue(only17sArchive.lines().noneMatch(l -> l.startsWith("-XX:SharedArchiveFile")), only17sArchive);
        assertTrue(only17sArchive.contains("--enable-native-access=ALL-UNNAMED"), only17sArchive);
        String on17 = launch("sysql.aot", "17.0.15", none, "query", "SELECT 1");
        assertTrue(on17.lines().noneMatch(l -> l.startsWith("-XX:AOTCache")), on17);
        // every JDK opens java.nio to Arrow (its IPC writer), the AOT cache's dump too
        assertEquals(
                List.of("--add-opens=java.base/java.nio=ALL-UNNAMED"),
                on17.lines().filter(l -> l.startsWith("--")).toList(),
                on17);
        assertTrue(on25.contains("--add-opens=java.base/java.nio=ALL-UNNAMED"), on25);
    }

    /**
     * Without SYSQL_JAVA a command that computes in its own process and ends runs on the newest JDK of version 25
     * or later in the JVM directory (symbolic links skipped), else on the java on PATH; a client of the daemon,
     * the daemon and the server run on the java on PATH. A SYSQL_JAVA that is no command is one line naming it.
     */
    @Test
    void theNewestJdk25OrLaterIsChosenElseTheJavaOnPath() throws Exception {
        Path clone = clone(null);
        Path jvms = tmp.resolve("jvm");
        jdk(jvms.resolve("jdk-17"), "17.0.15", "echo jdk-17");
        jdk(jvms.resolve("jdk-25"), "25.0.3", "echo jdk-25");
        jdk(jvms.resolve("jdk-26"), "26", "echo jdk-26");
        jdk(jvms.resolve("jdk-27-no-release"), null, "echo jdk-27-no-release");
        Files.createSymbolicLink(jvms.resolve("jdk-99-link"), jvms.resolve("jdk-26"));
        Path bin = tmp.resolve("path-bin");
        script(bin.resolve("java"), "echo path-java");
        String path = bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        java.util.Map<String, String> env =
                java.util.Map.of("SYSQL_JVM_DIR", jvms.toString(), "PATH", path, "SYSQL_SOCKET", tmp + "/none.sock");
        assertEquals(new Launched(0, "jdk-26\n"), run(clone, env, "--version"));
        assertEquals(new Launched(0, "jdk-26\n"), run(clone, env, "query", "SELECT 1"));
        // the daemon, the server and a client of the daemon run on the JDK the tests run (17, on PATH)
        assertEquals(new Launched(0, "path-java\n"), run(clone, env, "daemon"));
        assertEquals(new Launched(0, "path-java\n"), run(clone, env, "serve", "--port", "0"));
        Path socket = tmp.resolve("daemon.sock");
        try (java.nio.channels.ServerSocketChannel daemon =
                java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            daemon.bind(java.net.UnixDomainSocketAddress.of(socket));
            java.util.Map<String, String> withDaemon = new java.util.HashMap<>(env);
            withDaemon.put("SYSQL_SOCKET", socket.toString());
            assertEquals(new Launched(0, "path-java\n"), run(clone, withDaemon, "query", "SELECT 1"));
            assertEquals(new Launched(0, "jdk-26\n"), run(clone, withDaemon, "query", "-r", "f.scap", "SELECT 1"));
        }
        Path old = tmp.resolve("jvm-old");
        jdk(old.resolve("jdk-17"), "17.0.15", "echo jdk-17");
        Launched onPath = run(clone, java.util.Map.of("SYSQL_JVM_DIR", old.toString(), "PATH", path), "--version");
        assertEquals(new Launched(0, "path-java\n"), onPath);
        Launched chosen = run(
                clone,
                java.util.Map.of(
                        "SYSQL_JVM_DIR", jvms.toString(), "PATH", path, "SYSQL_JAVA", jvms + "/jdk-25/bin/java"),
                "--version");
        assertEquals(new Launched(0, "jdk-25\n"), chosen);
        Launched bad = run(clone, java.util.Map.of("SYSQL_JAVA", tmp + "/no/such/java"), "--version");
        assertEquals(2, bad.exit, bad.out);
        assertEquals(1, bad.out.lines().count(), bad.out);
        assertTrue(bad.out.startsWith("sysql: SYSQL_JAVA=" + tmp + "/no/such/java is not a java command"), bad.out);
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
        // the JDK on PATH (17), which runs the checks below
        Path jsa = archive(root, "sysql.jsa", "java", 120);
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
        assertLoadedFromTheArchive(log, "picocli.CommandLine ", "org.codehaus.janino.SimpleCompiler ");
    }

    /**
     * {@code tmp/name} made by scripts/cds-archive.sh for the runtime {@code java} (SYSQL_JAVA) within {@code seconds};
     * fails if not.
     */
    private Path archive(Path root, String name, String java, int seconds) throws Exception {
        Path out = tmp.resolve(name);
        ProcessBuilder makeIt = new ProcessBuilder(
                        root.resolve("scripts/cds-archive.sh").toString(), out.toString())
                .redirectErrorStream(true);
        makeIt.environment().put("SYSQL_JAVA", java);
        Process make = makeIt.start();
        assertTrue(make.waitFor(seconds, TimeUnit.SECONDS), "cds-archive.sh did not end");
        String made = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, make.exitValue(), made);
        assertTrue(Files.size(out) > 1_000_000, name + " of " + Files.size(out) + " bytes");
        return out;
    }

    /** Each class (its name and a space) was loaded from the archive, by the JVM's class+load log. */
    private static void assertLoadedFromTheArchive(String log, String... classes) {
        for (String cls : classes) {
            assertTrue(
                    log.lines().anyMatch(l -> l.contains(" " + cls + "source: shared objects file")),
                    cls + "is not in the archive: "
                            + log.lines()
                                    .filter(l -> l.contains(cls))
                                    .findFirst()
                                    .orElse("not loaded"));
        }
    }

    /** The newest JDK of version 25 or later in /usr/lib/jvm, as the launcher chooses it, or null. */
    private static Path jdk25OrLater() throws Exception {
        Path best = null;
        int bestMajor = 0;
        try (var homes = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path home : homes.toList()) {
                Path release = home.resolve("release");
                if (Files.isSymbolicLink(home) || !Files.isReadable(release)) {
                    continue;
                }
                for (String line : Files.readAllLines(release)) {
                    var m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+).*")
                            .matcher(line);
                    if (m.matches() && Integer.parseInt(m.group(1)) >= 25 && Integer.parseInt(m.group(1)) > bestMajor) {
                        bestMajor = Integer.parseInt(m.group(1));
                        best = home.resolve("bin/java");
                    }
                }
            }
        }
        return best;
    }

    /**
     * On a JDK 25 or later, scripts/cds-archive.sh makes an AOT cache the JDK maps for the launcher's class path
     * (-XX:AOTMode=on refuses to start where it could not), with Calcite's planner and Janino in it, and sysql
     * runs on that JDK with the launcher's options without a word on stderr (no warning about native access or
     * sun.misc.Unsafe). Where no such JDK is installed the launcher runs the JDK 17 archive tested above.
     */
    @Test
    void onAJdk25TheAotCacheServesTheLaunchersClassPathQuietly() throws Exception {
        Path java25 = jdk25OrLater();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java25 != null, "no JDK 25 or later in /usr/lib/jvm: the launcher runs the JDK 17 archive");
        Path root = Readme.ofThisClone().root;
        Path aot = archive(root, "sysql.aot", java25.toString(), 180);
        Process p = new ProcessBuilder(
                        java25.toString(),
                        "--add-opens=java.base/java.nio=ALL-UNNAMED",
                        "--enable-native-access=ALL-UNNAMED",
                        "--sun-misc-unsafe-memory-access=allow",
                        "-XX:AOTCache=" + aot,
                        "-XX:AOTMode=on",
                        "-Xlog:class+load=info:file=" + tmp.resolve("classes.log"),
                        "-cp",
                        root + "/cli/target/sysql-cli.jar:" + root + "/cli/target/lib/*",
                        "sysql.cli.Sysql",
                        "query",
                        "-r",
                        root + "/testdata/scap/falco_cat_write.scap",
                        "SELECT COUNT(*) AS n FROM events")
                .redirectError(tmp.resolve("stderr").toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java did not end");
        String err = Files.readString(tmp.resolve("stderr"));
        assertEquals(0, p.exitValue(), out + err);
        assertTrue(out.contains("345") && out.contains("(1 row)"), out);
        assertEquals("", err, "stderr");
        String log = Files.readString(tmp.resolve("classes.log"));
        assertLoadedFromTheArchive(
                log, "org.apache.calcite.plan.volcano.VolcanoPlanner ", "org.codehaus.janino.SimpleCompiler ");
    }
}
