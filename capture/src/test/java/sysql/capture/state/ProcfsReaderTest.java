// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bootstrapping from /proc finds real processes, their image, cwd and descriptors (files and sockets). */
class ProcfsReaderTest {

    @Test
    @SuppressWarnings("try") // the file and the socket are held open for the reader to find, not used
    void readsAChildAndThisProcessesDescriptors() throws Exception {
        Path file = Files.createTempFile("sysql-procfs", ".txt");
        Process sleep = new ProcessBuilder("sleep", "30")
                .directory(Path.of("/tmp").toFile())
                .start();
        try (RandomAccessFile open = new RandomAccessFile(file.toFile(), "r");
                ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ThreadTable table = new ThreadTable(null);
            new ProcfsReader().readAll(table);

            ThreadInfo child = table.get(sleep.pid());
            assertNotNull(child, "sleep " + sleep.pid() + " not read");
            assertEquals("sleep", child.comm());
            assertEquals("sleep", child.exe());
            assertEquals(List.of("30"), child.args());
            assertEquals("/tmp/", table.cwd(child), "sysdig keeps a trailing slash");
            assertEquals(ProcessHandle.current().pid(), child.ptid());
            assertTrue(child.exepath().endsWith("/sleep"), child.exepath());
            assertTrue(child.startTs() > 1_600_000_000_000_000_000L, "start time in ns since the epoch");

            ThreadInfo self = table.get(ProcessHandle.current().pid());
            assertNotNull(self);
            String real = file.toRealPath().toString();
            FdInfo f = self.fds().all().stream()
                    .filter(x -> x.name().equals(real))
                    .findFirst()
                    .orElse(null);
            assertNotNull(f, "the open temp file is among this process's descriptors");
            assertEquals(FdType.FILE, f.type());
            FdInfo listening = self.fds().all().stream()
                    .filter(x -> x.isServerSocket() && x.serverSocketPort() == server.getLocalPort())
                    .findFirst()
                    .orElse(null);
            assertNotNull(listening, "the listening socket on port " + server.getLocalPort());
            assertEquals(FdInfo.L4_TCP, listening.l4proto());
            assertTrue(listening.name().endsWith(":" + server.getLocalPort()), listening.name());
            // Threads of this JVM share its table, and it counts them.
            long threadsOfSelf =
                    table.all().stream().filter(t -> t.pid() == self.pid()).count();
            assertTrue(threadsOfSelf > 1, "JVM threads read: " + threadsOfSelf);
            assertTrue(table.all().stream()
                    .filter(t -> t.pid() == self.pid())
                    .allMatch(t -> table.fdTable(t) == self.fds()));
            assertEquals(threadsOfSelf - 1, self.nchilds());
        } finally {
            sleep.destroy();
            Files.deleteIfExists(file);
        }
    }

    @Test
    void containerIdsFromCgroupPaths() {
        String id = "3f1c2b0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b";
        assertEquals("3f1c2b0a9e8d", Containers.idFromCgroups(List.of("cpu=/docker/" + id)));
        assertEquals(
                "3f1c2b0a9e8d", Containers.idFromCgroups(List.of("unified=/system.slice/docker-" + id + ".scope")));
        assertEquals(
                "3f1c2b0a9e8d",
                Containers.idFromCgroups(
                        List.of("unified=/kubepods.slice/kubepods-burstable.slice/cri-containerd-" + id + ".scope")));
        assertEquals(
                "3f1c2b0a9e8d", Containers.idFromCgroups(List.of("unified=/machine.slice/libpod-" + id + ".scope")));
        assertEquals("web1", Containers.idFromCgroups(List.of("unified=/machine.slice/machine-web1.scope")));
        assertEquals(
                "",
                Containers.idFromCgroups(List.of("unified=/user.slice/user-0.slice/session-1.scope")),
                "the host (container.id shows it as host)");
    }
}
