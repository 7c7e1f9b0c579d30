// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Child process for live tests: listens on a loopback port (printed first), accepts one client, reads a line. */
public final class TcpServerPeer {
    private TcpServerPeer() {}

    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            System.out.println(server.getLocalPort());
            System.out.flush();
            try (Socket client = server.accept();
                    BufferedReader in = new BufferedReader(
                            new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
                System.out.println("got " + in.readLine() + " from " + client.getPort());
            }
        }
    }
}
