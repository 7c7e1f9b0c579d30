// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import sysql.testing.RequiresBpf;

/** Bad input and missing privileges end in one clear line naming the problem and the fix. */
@RequiresBpf
class CaptureErrorsIT {

    static CaptureException expect(CaptureException.Reason reason, ThrowingAction action) {
        CaptureException ex = assertThrows(CaptureException.class, action::run);
        assertEquals(reason, ex.reason(), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), "message is one line: " + ex.getMessage());
        return ex;
    }

    interface ThrowingAction {
        void run() throws Exception;
    }

    @Test
    void kernelWithoutBtf() {
        CaptureException ex = expect(
                CaptureException.Reason.NO_BTF,
                () -> LiveCapture.open(LiveCapture.Options.defaults()
                                .withDriver(LiveCapture.Driver.BPF)
                                .withBtfPath("/nonexistent/vmlinux"))
                        .close());
        assertTrue(ex.getMessage().startsWith("kernel has no BTF at /nonexistent/vmlinux"), ex.getMessage());
        assertTrue(ex.getMessage().contains("CONFIG_DEBUG_INFO_BTF"), ex.getMessage());
        assertTrue(ex.getMessage().contains("--driver kmod"), ex.getMessage());
    }

    /** A host with neither driver (no /dev/sysql here, and a BTF path that is not there): both ways out. */
    @Test
    void neitherDriver() {
        assertFalse(Files.exists(Path.of("/dev/sysql")), "this test needs a host without sysql's kernel module");
        CaptureException ex = expect(
                CaptureException.Reason.NO_DRIVER,
                () -> LiveCapture.open(LiveCapture.Options.defaults().withBtfPath("/nonexistent/vmlinux"))
                        .close());
        assertTrue(ex.getMessage().startsWith("no capture driver on this host"), ex.getMessage());
        assertTrue(ex.getMessage().contains("insmod sysql.ko"), ex.getMessage());
        assertTrue(ex.getMessage().contains("CONFIG_DEBUG_INFO_BTF"), ex.getMessage());
    }

    @Test
    void kernelModuleNotLoaded() {
        assertFalse(Files.exists(Path.of("/dev/sysql")), "this test needs a host without sysql's kernel module");
        CaptureException ex = expect(
                CaptureException.Reason.NO_DRIVER,
                () -> LiveCapture.open(LiveCapture.Options.defaults().withDriver(LiveCapture.Driver.KMOD))
                        .close());
        assertTrue(ex.getMessage().startsWith("sysql's kernel module is not loaded (no /dev/sysql)"), ex.getMessage());
        assertTrue(ex.getMessage().contains("--driver bpf"), ex.getMessage());
    }

    @Test
    void driverNamesAndTheDriverThatRuns() throws Exception {
        CaptureException ex = expect(CaptureException.Reason.INVALID_ARGUMENT, () -> LiveCapture.Driver.parse("ebpf"));
        assertTrue(ex.getMessage().contains("use auto, bpf"), ex.getMessage());
        assertEquals(LiveCapture.Driver.KMOD, LiveCapture.Driver.parse(" KMOD "));
        // auto on a host without the module's device: the eBPF probe, and the counters say so
        try (LiveCapture c = LiveCapture.open(LiveCapture.Options.defaults())) {
            assertEquals(LiveCapture.Driver.BPF, c.driver());
            assertEquals(LiveCapture.Driver.BPF, c.stats().driver());
        }
    }

    @Test
    void snaplenOutOfRange() throws Exception {
        CaptureException ex = expect(
                CaptureException.Reason.INVALID_ARGUMENT,
                () -> LiveCapture.open(LiveCapture.Options.defaults().withSnaplen(70000))
                        .close());
        assertTrue(ex.getMessage().contains("snaplen 70000 is out of range"), ex.getMessage());
        try (LiveCapture c = LiveCapture.open(LiveCapture.Options.defaults())) {
            ex = expect(CaptureException.Reason.INVALID_ARGUMENT, () -> c.setSnaplen(0));
            assertTrue(ex.getMessage().contains("snaplen 0 is out of range"), ex.getMessage());
            c.setSnaplen(65536);
        }
    }

    @Test
    void ringSizeNotAPowerOfTwo() {
        CaptureException ex = expect(
                CaptureException.Reason.INVALID_ARGUMENT,
                () -> LiveCapture.open(LiveCapture.Options.defaults().withRingBytes(3 << 20))
                        .close());
        assertTrue(ex.getMessage().contains("power of two"), ex.getMessage());
    }

    @Test
    void invalidFilters() throws Exception {
        try (LiveCapture c = LiveCapture.open(LiveCapture.Options.defaults())) {
            CaptureException ex = expect(
                    CaptureException.Reason.INVALID_ARGUMENT,
                    () -> c.captureOnlySyscalls(List.of("openat", "no_such_call")));
            assertTrue(ex.getMessage().contains("unknown syscall 'no_such_call'"), ex.getMessage());
            ex = expect(CaptureException.Reason.INVALID_ARGUMENT, () -> c.setSyscall(9999, true));
            assertTrue(ex.getMessage().contains("syscall number 9999 is out of range"), ex.getMessage());
            int[] tooMany = new int[5000];
            java.util.Arrays.fill(tooMany, 1);
            ex = expect(
                    CaptureException.Reason.INVALID_ARGUMENT,
                    () -> c.setPidFilter(LiveCapture.PidFilter.INCLUDE, tooMany));
            assertTrue(ex.getMessage().contains("at most 4096"), ex.getMessage());
            ex = expect(
                    CaptureException.Reason.INVALID_ARGUMENT, () -> c.setPidFilter(LiveCapture.PidFilter.EXCLUDE, 0));
            assertTrue(ex.getMessage().contains("0 is not a valid pid"), ex.getMessage());
        }
    }

    /** An unprivileged process (user nobody, no capabilities) gets the privilege message, not a stack trace. */
    @Test
    void withoutPrivilege() throws Exception {
        Path dir = Files.createTempDirectory("sysql-noroot");
        try {
            List<String> cp = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path src = Path.of(entry);
                Path dst = dir.resolve(cp.size() + "-" + src.getFileName());
                if (Files.isDirectory(src)) {
                    copyTree(src, dst);
                } else if (Files.exists(src)) {
                    Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
                }
                cp.add(dst.toString());
            }
            makeReadable(dir);
            Process p = new ProcessBuilder(
                            "setpriv",
                            "--reuid=65534",
                            "--regid=65534",
                            "--clear-groups",
                            "--inh-caps=-all",
                            "--bounding-set=-all",
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Djava.io.tmpdir=" + dir,
                            "-Djna.tmpdir=" + dir,
                            "-cp",
                            String.join(File.pathSeparator, cp),
                            OpenCapture.class.getName())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(3, p.waitFor(), out);
            assertEquals(
                    "PRIVILEGE: capturing needs root or CAP_BPF+CAP_PERFMON: run as root (sudo) or grant the "
                            + "capabilities (setcap cap_bpf,cap_perfmon+ep on the java binary)",
                    out);
        } finally {
            deleteTree(dir);
        }
    }

    private static void copyTree(Path src, Path dst) throws Exception {
        try (var walk = Files.walk(src)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void makeReadable(Path dir) throws Exception {
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.setPosixFilePermissions(
                        p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-r--r--"));
            }
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    /** Child main: opens a capture and prints the reason and message of the failure. */
    public static final class OpenCapture {
        @SuppressWarnings("try") // the capture is opened only to see whether it fails
        public static void main(String[] args) {
            try (LiveCapture c = LiveCapture.open(LiveCapture.Options.defaults())) {
                System.out.println("opened");
                System.exit(0);
            } catch (CaptureException e) {
                System.out.println(e.reason() + ": " + e.getMessage());
                System.exit(3);
            }
        }
    }
}
