// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.util.function.Supplier;

/**
 * Who makes the request being served, for {@link SysqlMeta} to tell whose connections and statements are whose:
 * {@code http:NAME} for a user HTTP authentication let in, {@code local:NAME} for a local user (a Unix socket's
 * peer, or a loopback TCP client without {@code --auth}, as {@link LocalPeers} found it), {@code address:IP} for a
 * remote client of a server without authentication ({@code --insecure}: each address its own connections and its
 * own share of the per-user limits, where they all used to be one caller). The front ends
 * ({@link BothSerializations}, {@link UnixSocketServer}) name the caller around each request they answer.
 */
final class Caller {
    /** A request served outside a front end (the server's own, or a test calling the Meta directly). */
    static final String NOBODY = "";

    /** The request attribute {@link LocalPeers} leaves the local user's identity in. */
    static final String ATTRIBUTE = "sysql.caller";

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private Caller() {}

    /** {@code work}'s result, run as {@code who}. */
    static <T> T as(String who, Supplier<T> work) {
        String before = CURRENT.get();
        CURRENT.set(who);
        try {
            return work.get();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    /** The caller of the request this thread serves, or {@link #NOBODY}. */
    static String current() {
        String who = CURRENT.get();
        return who == null ? NOBODY : who;
    }

    static String http(String user) {
        return "http:" + user;
    }

    static String local(String user) {
        return "local:" + user;
    }

    static String address(String ip) {
        return "address:" + ip;
    }
}
