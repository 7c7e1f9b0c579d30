// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.net.InetAddress;

/**
 * One network interface address of the capturing machine (libscap {@code scap_ifinfo_ipv4}/{@code _ipv6}):
 * {@code type} is libscap's code (1 IPv4, 2 IPv6, 3 IPv4 and 4 IPv6 without link speed, which reads as 0).
 */
public record InterfaceInfo(
        int type, String name, InetAddress addr, InetAddress netmask, InetAddress bcast, long linkspeed) {}
