// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sysql.jdbc.DaemonSocket;
import sysql.server.SysqlServer;

/**
 * {@code sysql daemon}: the host's one long-running capture and its history, answering local clients on a
 * Unix socket ({@code sysql}, {@code sysql query} and {@code jdbc:sysql:} use it when it runs). In the
 * foreground; {@code scripts/install-daemon.sh} installs it as the systemd service {@code sysql}.
 */
@Command(
        name = "daemon",
        mixinStandardHelpOptions = true,
        description = {
            "Record this host's system calls and answer local clients (sysql, sysql query, jdbc:sysql:) on a Unix "
                    + "socket: root and the group sysql. Runs in the foreground; scripts/install-daemon.sh makes it "
                    + "the systemd service sysql."
        })
final class DaemonCommand implements Callable<Integer> {
    @Mixin
    ConnectOptions connect = new ConnectOptions();

    @Mixin
    LimitOptions limits = new LimitOptions();

    @Option(
            names = "--group",
            paramLabel = "NAME",
            description = "Besides root, members of this group may query (default ${DEFAULT-VALUE}).")
    String group = DaemonSocket.DEFAULT_GROUP;

    @Override
    public Integer call() {
        if (connect.engine != null) {
            System.err.println("sysql daemon: --engine is for its clients; the daemon captures itself");
            return 2;
        }
        Path socket = DaemonSocket.path(connect.properties());
        SysqlServer server;
        try {
            server = SysqlServer.start(new SysqlServer.Options(
                    "127.0.0.1",
                    0,
                    SysqlServer.Auth.NONE,
                    null,
                    java.util.List.of(),
                    null,
                    null,
                    false,
                    limits.limits(),
                    connect.properties(),
                    socket,
                    group,
                    false));
        } catch (SysqlServer.ServeException | IllegalArgumentException e) {
            System.err.println("sysql daemon: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sysql-daemon-stop"));
        System.out.println("sysql daemon: " + (connect.file != null ? "serving " + connect.file : "recording")
                + "; local clients on " + server.socket() + " (root and group " + group + ")");
        System.out.flush();
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
