// SPDX-License-Identifier: Apache-2.0
package sysql.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A child process as a user runs it: what it printed so far (stdout and stderr together; on a terminal, escape
 * sequences removed) and a keyboard. {@link #terminal} gives it a pseudo-terminal (util-linux {@code script}),
 * as the shell needs. The tests of every module that run a program use it.
 */
public final class Child implements AutoCloseable {
    private static final Pattern ANSI =
            Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]|\u001B[()][A-Z0-9]|\u001B[=>]|\r");

    public final Process process;
    private final OutputStream keys;
    private final StringBuffer screen = new StringBuffer();
    private int seen;

    private Child(ProcessBuilder pb) throws IOException {
        process = pb.redirectErrorStream(true).start();
        keys = process.getOutputStream();
        Thread pump = new Thread(
                () -> {
                    byte[] b = new byte[8192];
                    try (InputStream in = process.getInputStream()) {
                        int n;
                        while ((n = in.read(b)) > 0) {
                            screen.append(plain(new String(b, 0, n, StandardCharsets.UTF_8)));
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                },
                "child-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** {@code java -cp <this test's classpath> sysql.cli.Sysql args...}, in {@code dir}. */
    public static Child sysql(Path dir, String... args) throws IOException {
        return sysql(dir, List.of(), args);
    }

    /** The same with these options of the JVM (before the class path). */
    public static Child sysql(Path dir, List<String> jvm, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "sysql.cli.Sysql"));
        command.addAll(List.of(args));
        return new Child(new ProcessBuilder(command).directory(dir.toFile()));
    }

    /** {@code sysql args...} on a 200x50 pseudo-terminal (args are not quoted: plain words only). */
    public static Child terminal(Path dir, String args) throws IOException {
        return onTerminal(dir, java() + " -cp '" + System.getProperty("java.class.path") + "' sysql.cli.Sysql " + args);
    }

    /** A shell command line on a 200x50 pseudo-terminal, in {@code dir}. */
    public static Child onTerminal(Path dir, String commandLine) throws IOException {
        return new Child(
                new ProcessBuilder("script", "-qfec", "stty cols 200 rows 50; exec " + commandLine, "/dev/null")
                        .directory(dir.toFile()));
    }

    /** {@code text} without a terminal's escape sequences (jline's keypad mode too) and carriage returns. */
    public static String plain(String text) {
        return ANSI.matcher(text).replaceAll("");
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public void type(String s) throws IOException {
        keys.write(s.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    /** Waits for {@code text} to appear after what earlier waits consumed; returns the output up to it. */
    public String await(String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            int at = screen.indexOf(text, seen);
            if (at >= 0) {
                String out = screen.substring(seen, at + text.length());
                seen = at + text.length();
                return out;
            }
            if (!process.isAlive() && screen.indexOf(text, seen) < 0) {
                Thread.sleep(200); // the last output may still be on its way
                if (screen.indexOf(text, seen) < 0) {
                    fail("the process ended (exit " + process.exitValue() + ") without printing [" + text
                            + "]; it printed:\n" + screen.substring(seen));
                }
            }
            Thread.sleep(50);
        }
        fail("waited " + seconds + " s for [" + text + "]; the process printed:\n" + screen.substring(seen));
        return null;
    }

    /** Everything printed so far (waits or not). */
    public String printed() {
        return screen.toString();
    }

    /** Everything printed since the last {@link #await}. */
    public String unseen() {
        return screen.substring(seen);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
