// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/** The server most tests start: {@code sysql serve} on 127.0.0.1, a free port, without --auth (local users only). */
public final class TestServers {
    private TestServers() {}

    /** Loopback, any free port, no authentication, no TLS, these limits, over the engine of {@code engine}. */
    public static SysqlServer.Options loopback(ServerLimits limits, Properties engine) {
        return new SysqlServer.Options(
                "127.0.0.1", 0, SysqlServer.Auth.NONE, null, List.of(), null, null, false, limits, engine);
    }

    /**
     * Loopback, any free port, {@code --auth basic} with the realm file {@code users} and the role {@code sysql}, no
     * TLS, these limits, over the engine of {@code engine}.
     */
    public static SysqlServer.Options basicAuth(Path users, ServerLimits limits, Properties engine) {
        return new SysqlServer.Options(
                "127.0.0.1", 0, SysqlServer.Auth.BASIC, users, List.of("sysql"), null, null, false, limits, engine);
    }
}
