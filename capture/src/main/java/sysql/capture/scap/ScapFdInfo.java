// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.net.InetAddress;

/**
 * One open file descriptor of a thread when the capture started (libscap {@code scap_fdinfo}). Which fields are
 * set depends on {@link #type()}:
 * <ul>
 * <li>IPv4/IPv6 sockets: {@code sip}, {@code dip}, {@code sport}, {@code dport}, {@code l4proto} (the socket tuple,
 * source and destination as libscap recorded them);</li>
 * <li>IPv4/IPv6 server sockets: the local address in {@code sip} and {@code sport}, {@code l4proto}; {@code dip}
 * is null;</li>
 * <li>unix sockets: {@code unixSource}, {@code unixDestination} (kernel socket addresses) and {@code name};</li>
 * <li>FILE_V2: {@code openFlags}, {@code name}, and {@code dev} when the file records it;</li>
 * <li>every other type: {@code name} only.</li>
 * </ul>
 * A type code this reader does not know becomes {@link ScapFdType#UNSUPPORTED} named {@code unknown-type:[N]}, as in
 * libscap. {@code l4proto} is libscap's {@code scap_l4_proto} (2 TCP, 3 UDP, 4 ICMP, 5 raw; 0 unknown).
 *
 * @param tid the thread whose fd table holds it
 * @param ino inode number (unix sockets, files)
 */
public record ScapFdInfo(
        long tid,
        long fd,
        long ino,
        ScapFdType type,
        String name,
        int openFlags,
        int dev,
        InetAddress sip,
        InetAddress dip,
        int sport,
        int dport,
        int l4proto,
        long unixSource,
        long unixDestination) {}
