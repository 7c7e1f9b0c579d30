// SPDX-License-Identifier: Apache-2.0
package sysql.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.Child;
import sysql.testing.RequiresBpf;

/**
 * The README's own examples, run as a user runs them, so the README cannot rot: the shell's example queries
 * typed into {@code sysql} on a terminal (and the stream's as a {@code sysql query} that SIGTERM ends), the JDBC
 * program compiled and run with the classpath the README gives, and the {@code sysql serve} curl session with the
 * real curl. Each example is read from README.md at test time; a changed example fails here until this test
 * knows what it must print. Needs root (every example runs the live capture).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // a hung child fails the test, it does not hang the suite
@RequiresBpf
class ReadmeIT {
    static Readme readme;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() throws IOException {
        readme = Readme.ofThisClone();
    }

    /** The Quick start's shell examples: one statement per line, each ending with ';'. */
    static List<String> shellExamples() {
        List<String> block = readme.blockAfter("In the shell (");
        assertTrue(
                block.stream().allMatch(s -> s.startsWith("SELECT ") && s.endsWith(";")),
                "README's shell examples are no longer one SELECT per line: " + block);
        assertEquals(
                4, block.size(), "README's shell examples changed; teach ReadmeIT what the new ones print: " + block);
        return block;
    }

    static String example(List<String> examples, String containing) {
        List<String> found =
                examples.stream().filter(s -> s.contains(containing)).toList();
        assertEquals(1, found.size(), "README's shell examples should have one with [" + containing + "]: " + examples);
        return found.get(0);
    }

    /** The rows of a sqlline table (the first is its header), each as its cells. */
    static List<List<String>> table(String screen) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : screen.split("\n")) {
            line = line.strip();
            if (line.startsWith("| ") && line.endsWith(" |")) {
                List<String> cells = new ArrayList<>();
                for (String cell : line.substring(2, line.length() - 2).split(" \\| ", -1)) {
                    cells.add(cell.strip());
                }
                rows.add(cells);
            }
        }
        return rows;
    }

    /**
     * Opens {@code file} every 200 ms until {@code child} (a stream of opens) prints a line that {@code isRow}
     * accepts; that line, or null when none came within {@code seconds} or the child ended.
     */
    static String openUntilRow(Child child, Path file, Predicate<String> isRow, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String row = null;
        while (row == null && System.nanoTime() < deadline && child.process.isAlive()) {
            Files.readString(file);
            Thread.sleep(200);
            row = child.unseen().lines().filter(isRow).findFirst().orElse(null);
        }
        return row;
    }

    /** The name of the calling thread as the kernel (and so proc.name) knows it. */
    static String threadComm() throws IOException {
        return Files.readString(Path.of("/proc/thread-self/comm")).strip();
    }

    @Test
    @SuppressWarnings("try") // the accepted peer is held open for the fds example to find, not used
    void theShellsExampleQueriesAsTypedAtTheTerminal() throws Exception {
        List<String> examples = shellExamples();
        String top = example(examples, "GROUP BY");
        String stream = example(examples, "SELECT STREAM");
        String ipv4 = example(examples, "FROM fds");
        String stats = example(examples, "FROM capture_stats");
        long me = ProcessHandle.current().pid();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
                Child shell = Child.terminal(readme.root, "shell")) {
            // An IPv4 connection of this JVM, for the fds example to find: a loopback listener, a client, its peer.
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            shell.await("sysql> ", 120);
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET);
                    SocketChannel accepted = connect(client, server)) {
                // 1. The busiest processes and syscalls of the history: ten rows, counts descending.
                shell.type(top + "\n");
                List<List<String>> rows = table(shell.await("sysql> ", 120));
                assertEquals(List.of("proc.name", "evt.type", "count"), rows.get(0), top + " → " + rows);
                Matcher limit = Pattern.compile("LIMIT (\\d+)").matcher(top);
                assertTrue(limit.find(), top);
                assertEquals(Integer.parseInt(limit.group(1)), rows.size() - 1, "rows of " + top + ": " + rows);
                long previous = Long.MAX_VALUE;
                for (List<String> row : rows.subList(1, rows.size())) {
                    long n = Long.parseLong(row.get(2));
                    assertTrue(n > 0 && n <= previous, "counts should be positive and descending: " + rows);
                    previous = n;
                }

                // 2. The IPv4 sockets now: this JVM's connection is among them.
                shell.type(ipv4 + "\n");
                rows = table(shell.await("sysql> ", 60));
                assertEquals(List.of("proc.pid", "proc.name", "fd.num", "fd.name"), rows.get(0), ipv4 + " → " + rows);
                List<List<String>> mine = rows.stream()
                        .filter(r -> r.size() == 4 && r.get(0).equals(String.valueOf(me)))
                        .toList();
                assertTrue(
                        mine.stream().anyMatch(r -> r.get(3).contains("127.0.0.1:" + port)),
                        "no row of this JVM (pid " + me + ") for its connection to 127.0.0.1:" + port + ": " + rows);
            }

            // 3. The capture's counters: a row per CPU and the total (cpu NULL, an empty cell) with events counted.
            shell.type(stats + "\n");
            List<List<String>> rows = table(shell.await("sysql> ", 60));
            assertEquals(List.of("cpu", "events", "bytes", "drops"), rows.get(0).subList(0, 4), stats + " → " + rows);
            List<List<String>> total =
                    rows.stream().filter(r -> r.get(0).isEmpty()).toList();
            assertEquals(1, total.size(), "one total row (cpu NULL): " + rows);
            assertTrue(Long.parseLong(total.get(0).get(1)) > 0, "the total counts no events: " + rows);
            assertTrue(rows.stream().skip(1).anyMatch(r -> r.get(0).matches("\\d+")), "no per-CPU row: " + rows);

            // 4. The live stream of opens: a file this test opens shows as it happens; Ctrl-C brings the prompt back.
            Path file = Files.createTempFile("rd", ".txt"); // short: sqlline cuts long cells of a stream
            try {
                shell.type(stream + "\n");
                String row = openUntilRow(shell, file, l -> l.contains(" | " + file + " |"), 60);
                assertTrue(row != null, "no row for " + file + " in 60 s; the stream printed:\n" + shell.unseen());
                String comm = threadComm();
                shell.type("\u0003");
                String out = shell.await("sysql> ", 10);
                rows = table(out);
                assertEquals(List.of("evt.time", "proc.name", "fd.name"), rows.get(0), stream + " → " + out);
                List<List<String>> opens = rows.stream()
                        .filter(r -> r.size() == 3 && r.get(2).equals(file.toString()))
                        .toList();
                assertTrue(
                        !opens.isEmpty()
                                && opens.stream()
                                        .allMatch(r -> r.get(1).equals(comm)
                                                && r.get(0)
                                                        .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}")),
                        "rows of " + file + " should be this thread's (" + comm + ") with a time: " + opens);
            } finally {
                Files.deleteIfExists(file);
            }

            shell.type("!quit\n");
            assertTrue(shell.process.waitFor(30, TimeUnit.SECONDS), "the shell did not end on !quit");
            assertEquals(0, shell.process.exitValue());
        }
    }

    static SocketChannel connect(SocketChannel client, ServerSocketChannel server) throws IOException {
        client.connect(server.getLocalAddress());
        return server.accept();
    }

    /** The Quick start's stream as a script runs it: {@code sysql query}, rows as they happen, 143 after SIGTERM. */
    @Test
    void theStreamExampleAsACommandEndsWith143OnSigterm() throws Exception {
        String stream = example(shellExamples(), "SELECT STREAM");
        Path file = Files.createTempFile("readme-query", ".txt");
        try (Child query = Child.sysql(readme.root, "query", "--format", "csv", stream)) {
            String row = openUntilRow(query, file, l -> l.endsWith("," + file), 90);
            String out = query.unseen();
            assertTrue(out.startsWith("evt.time,proc.name,fd.name\n"), "the header first: " + out);
            assertTrue(row != null, "no row for " + file + "; sysql query printed:\n" + out);
            String time = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}";
            assertTrue(row.matches(time + "," + Pattern.quote(threadComm() + "," + file)), row);
            query.process.destroy(); // SIGTERM
            assertTrue(query.process.waitFor(10, TimeUnit.SECONDS), "SIGTERM did not stop the stream");
            assertEquals(143, query.process.exitValue(), "exit status after SIGTERM; printed: " + query.unseen());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The JDBC section's program, compiled, then run with the README's command (its classpath) as root. */
    @Test
    void theJdbcProgramRunsWithTheReadmesClasspath() throws Exception {
        List<String> program = readme.blockAfter("A complete program, `");
        Matcher name = Pattern.compile("public class (\\w+)").matcher(String.join("\n", program));
        assertTrue(name.find(), "README's JDBC program has no public class: " + program);
        String cls = name.group(1);
        Matcher run = Pattern.compile("`(java -cp '[^']+' " + cls + "\\.java)`").matcher(readme.text());
        assertTrue(run.find(), "README gives no `java -cp '...' " + cls + ".java` command to run its program");
        Path source = Files.createDirectories(tmp.resolve("src")).resolve(cls + ".java");
        Files.write(source, program);

        // It compiles as it is, against the driver (javac's messages are the failure).
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        try (StandardJavaFileManager files =
                javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(
                            null,
                            files,
                            diagnostics,
                            List.of(
                                    "-Xlint:all",
                                    "-Werror",
                                    "-proc:none",
                                    "-cp",
                                    System.getProperty("java.class.path"),
                                    "-d",
                                    classes.toString()),
                            null,
                            files.getJavaFileObjects(source))
                    .call();
            assertTrue(
                    ok,
                    "README's JDBC program does not compile:\n"
                            + diagnostics.getDiagnostics().stream()
                                    .map(Object::toString)
                                    .collect(Collectors.joining("\n")));
        }

        // The README's command, with its paths in this clone: Java's source launcher, from the program's folder.
        Path jar = readme.root.resolve("cli/target/sysql-cli.jar");
        assertTrue(Files.isRegularFile(jar), jar + " missing: build it first (mvn -pl integration-tests -am verify)");
        String command = run.group(1)
                .replace("'cli/target/", "'" + readme.root + "/cli/target/")
                .replace(":cli/target/", ":" + readme.root + "/cli/target/");
        assertTrue(command.contains(jar.toString()), command);
        Result r = bash(command, source.getParent(), 120);
        assertEquals(0, r.exit, command + " printed:\n" + r.out);
        List<String> lines = r.out.lines().toList();
        assertTrue(
                !lines.isEmpty() && lines.stream().allMatch(l -> l.matches("[^\\t]+\\t[1-9]\\d*")),
                "one 'user<TAB>threads' line per user: " + r.out);
        // root runs at least this JVM and the program's own (a JVM has more than ten threads)
        assertTrue(
                lines.stream().anyMatch(l -> l.matches("root\\t\\d+") && Long.parseLong(l.split("\t")[1]) > 10),
                "no root line with the threads of the program's own JVM: " + r.out);
        List<Long> counts =
                lines.stream().map(l -> Long.parseLong(l.split("\t")[1])).toList();
        assertEquals(counts.stream().sorted((a, b) -> Long.compare(b, a)).toList(), counts, "ORDER BY threads DESC");
    }

    record Result(int exit, String out) {}

    /** A shell command line as a user types it, with this JVM's java first on the PATH. */
    static Result bash(String command, Path dir, int seconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command)
                .directory(dir.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put(
                "PATH",
                Path.of(System.getProperty("java.home"), "bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the process ended
            }
        });
        pump.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " did not end in " + seconds + " s; printed:\n" + out.toString(StandardCharsets.UTF_8));
        }
        pump.join(5000);
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    /**
     * The {@code sysql serve} section: the server with its defaults but a free port, then the README's curl lines
     * with the real curl, its port and the statementId the server gives in their place.
     */
    @Test
    void theServeCurlSession() throws Exception {
        if (bash("command -v curl", tmp, 10).exit != 0) {
            fail("curl is missing: apt-get install curl (scripts/install-deps.sh installs it)");
        }
        List<String> block = readme.blockAfter("From anything that speaks HTTP");
        List<String> commands = new ArrayList<>();
        for (String line : block) {
            if (line.startsWith("curl ")) {
                commands.add(line);
            } else if (!commands.isEmpty() && !line.isBlank()) {
                commands.set(commands.size() - 1, commands.get(commands.size() - 1) + "\n" + line);
            } else if (commands.isEmpty()) {
                fail("README's curl session should start with curl: " + block);
            }
        }
        List<String> requests = commands.stream()
                .map(c -> {
                    Matcher m = Pattern.compile("\"request\":\"(\\w+)\"").matcher(c);
                    assertTrue(m.find(), "a curl line without a request: " + c);
                    return m.group(1);
                })
                .toList();
        assertEquals(
                List.of("openConnection", "createStatement", "prepareAndExecute", "closeConnection"),
                requests,
                "README's curl session changed; teach ReadmeIT what the new one answers: " + block);
        String readmeUrl = "http://127.0.0.1:8765";
        assertTrue(commands.stream().allMatch(c -> c.contains(readmeUrl)), "every curl line talks to " + readmeUrl);
        String frame = "\"firstFrame\":{\"offset\":0,\"done\":true,\"rows\":[[";
        assertTrue(commands.get(2).contains("→ " + frame), "README promises " + frame + ": " + commands.get(2));

        try (Child serve = Child.sysql(readme.root, "serve", "--port", "0")) {
            serve.await("sysql serve: listening on ", 120);
            String url = serve.await(" ", 10).strip();
            assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+"), "sysql serve's default is loopback http: " + url);

            Result opened = bash(commands.get(0).replace(readmeUrl, url), tmp, 30);
            assertEquals(0, opened.exit, opened.out);
            assertTrue(opened.out.startsWith("{\"response\":\"openConnection\""), opened.out);

            Result created = bash(commands.get(1).replace(readmeUrl, url), tmp, 30);
            Matcher id = Pattern.compile("\"statementId\":(\\d+)").matcher(created.out);
            assertTrue(
                    created.exit == 0 && created.out.startsWith("{\"response\":\"createStatement\"") && id.find(),
                    created.out);

            String execute = commands.get(2)
                    .replace(readmeUrl, url)
                    .replaceFirst("\"statementId\":\\d+", "\"statementId\":" + id.group(1));
            Result executed = bash(execute, tmp, 60);
            assertEquals(0, executed.exit, executed.out);
            assertTrue(executed.out.contains(frame), "no first frame with every row: " + executed.out);
            assertTrue(
                    executed.out.contains("\"columnName\":\"proc.name\"")
                            && executed.out.contains("\"columnName\":\"n\""),
                    "the columns should be labelled proc.name and n: " + executed.out);
            String rows = executed.out.substring(executed.out.indexOf(frame) + frame.length() - 1);
            rows = rows.substring(0, rows.indexOf("]]") + 2);
            Matcher row = Pattern.compile("\\[\"[^\"]+\",([1-9]\\d*)\\]").matcher(rows);
            List<Long> counts = new ArrayList<>();
            while (row.find()) {
                counts.add(Long.parseLong(row.group(1)));
            }
            assertEquals(3, counts.size(), "LIMIT 3 of the processes' names and counts: " + rows);
            assertEquals(
                    counts.stream().sorted((a, b) -> Long.compare(b, a)).toList(), counts, "ORDER BY n DESC: " + rows);

            Result closed = bash(commands.get(3).replace(readmeUrl, url), tmp, 30);
            assertEquals(0, closed.exit, closed.out);
            assertTrue(closed.out.startsWith("{\"response\":\"closeConnection\""), closed.out);
        }
    }
}
