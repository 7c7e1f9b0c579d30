// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A loopback TCP client's user, as the kernel reports its socket's owner (one netlink lookup, or /proc/net/tcp where
 * that cannot be made): the check behind a server without --auth.
 */
class LocalPeersTest {
    static int myUid() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
            }
        }
        throw new IllegalStateException("no Uid line");
    }

    @Test
    void addressesAreWrittenAsTheKernelDoes() throws Exception {
        assertEquals("0100007F:1F90", LocalPeers.procAddress(InetAddress.getByName("127.0.0.1"), 8080));
        assertEquals("00000000000000000000000001000000:0016", LocalPeers.procAddress(InetAddress.getByName("::1"), 22));
    }

    @Test
    void theClientSocketsOwnerIsFound() throws Exception {
        for (String host : new String[] {"127.0.0.1", "::1"}) {
            InetAddress loopback = InetAddress.getByName(host);
            try (ServerSocket server = new ServerSocket()) {
                try {
                    server.bind(new InetSocketAddress(loopback, 0));
                } catch (java.net.SocketException e) {
                    if (host.equals("::1")) {
                        continue; // a host without IPv6: tcp6 is not there to read either
                    }
                    throw e;
                }
                try (Socket client = new Socket(loopback, server.getLocalPort());
                        Socket accepted = server.accept()) {
                    assertEquals(client.getLocalPort(), accepted.getPort());
                    assertEquals(
                            myUid(),
                            LocalPeers.uidOf(
                                    accepted.getInetAddress(),
                                    accepted.getPort(),
                                    accepted.getLocalAddress(),
                                    accepted.getLocalPort()),
                            host);
                    // found by the kernel's lookup of the one socket (netlink sock_diag), as /proc lists it
                    assertEquals(
                            myUid(),
                            SockDiag.uidOf(
                                    accepted.getInetAddress(),
                                    accepted.getPort(),
                                    accepted.getLocalAddress(),
                                    accepted.getLocalPort()),
                            host + " by sock_diag");
                    assertEquals(
                            myUid(),
                            LocalPeers.uidInProc(
                                    accepted.getInetAddress(),
                                    accepted.getPort(),
                                    accepted.getLocalAddress(),
                                    accepted.getLocalPort()),
                            host + " in /proc");
                    assertEquals(
                            SockDiag.NOT_FOUND,
                            SockDiag.uidOf(
                                    accepted.getInetAddress(),
                                    accepted.getPort() == 1 ? 2 : 1,
                                    accepted.getLocalAddress(),
                                    accepted.getLocalPort()),
                            host + " by sock_diag, a port nobody has");
                    // the server's end is not a client's: looked up the other way round, nothing
                    assertEquals(
                            -1,
                            LocalPeers.uidOf(
                                    accepted.getInetAddress(),
                                    accepted.getPort() == 1 ? 2 : 1,
                                    accepted.getLocalAddress(),
                                    accepted.getLocalPort()),
                            host);
                }
            }
        }
    }
}
