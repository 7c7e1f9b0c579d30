// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Child process for the socket test: a loopback server and a client that connects to it; prints both ports. */
public final class TcpPeer {
    private TcpPeer() {}

    public static void main(String[] args) throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 1, lo);
                Socket client = new Socket()) {
            client.connect(new InetSocketAddress(lo, server.getLocalPort()));
            try (Socket accepted = server.accept()) {
                OutputStream out = client.getOutputStream();
                out.write('x');
                out.flush();
                InputStream in = accepted.getInputStream();
                if (in.read() != 'x') {
                    throw new IllegalStateException("loopback byte lost");
                }
                System.out.println(server.getLocalPort() + " " + client.getLocalPort());
            }
        }
    }
}
