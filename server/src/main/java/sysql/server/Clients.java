// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.eclipse.jetty.io.EndPoint;

/**
 * Whom the server's per-client limits count a connection or a failed login against: not always the address a packet
 * came from, since a client can pick among many. A host with IPv6 is given a /64 and may rotate its source address
 * inside it at will, so an IPv6 client counts as its /64 ({@link #network}). Any local user may connect from any of
 * 127.0.0.0/8's sixteen million addresses, so a loopback connection counts as its local user, the uid owning the
 * client socket as {@link LocalPeers} finds it ({@link #ofConnection}), and local users do not share one share.
 */
final class Clients {
    private Clients() {}

    /**
     * The client a connection counts as: {@code uid N} for a loopback connection ({@code loopback} if its user is
     * not found), else {@link #network}'s key of its remote address.
     */
    static String ofConnection(EndPoint endPoint) {
        InetAddress address = endPoint.getRemoteAddress().getAddress();
        if (!address.isLoopbackAddress()) {
            return network(address);
        }
        int uid = LocalPeers.uidOf(endPoint);
        return uid >= 0 ? "uid " + uid : "loopback";
    }

    /** The client an address counts as: an IPv6 address's /64 ({@code 2001:db8:0:1:0:0:0:0/64}), else the address. */
    static String network(InetAddress address) {
        if (address instanceof Inet6Address && !address.isLoopbackAddress()) {
            byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e); // 16 bytes are an IPv6 address
            }
        }
        return address.getHostAddress();
    }

    /** {@link #network}'s key of a textual address ({@code request.getRemoteAddr()}), the text itself if not one. */
    static String network(String address) {
        try {
            return network(InetAddress.getByName(address)); // a literal: no name lookup
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
