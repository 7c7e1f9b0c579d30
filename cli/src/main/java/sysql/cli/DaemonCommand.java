// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sysql.jdbc.DaemonSocket;
import sysql.jdbc.SysqlDriver;
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

    @Option(
            names = "--history-dir",
            paramLabel = "DIR",
            description = "Where the history goes on beyond --history-mb: rotating sysdig .scap segments, kept "
                    + "across restarts (default ${DEFAULT-VALUE}).")
    Path historyDir = Path.of("/var/lib/sysql/history");

    @Option(
            names = "--history-disk-mb",
            paramLabel = "MiB",
            description = "Most disk the history takes; the oldest segment goes first (default 2048).")
    Integer historyDiskMegabytes;

    @Option(
            names = "--history-disk-seconds",
            paramLabel = "S",
            description = "Seconds of history kept on disk (default 900).")
    Integer historyDiskSeconds;

    @Option(names = "--history-gzip", description = "Compress the history's segments (gzip).")
    boolean historyGzip;

    @Option(names = "--no-disk-history", description = "Keep the history in memory only.")
    boolean noDiskHistory;

    @Option(
            names = "--history-filter",
            paramLabel = "CONDITION",
            description = "Keep in the history only the events this condition keeps, evaluated in the kernel: "
                    + "evt.type, proc.pid, thread.tid, proc.name with =, <>, IN, NOT IN, AND, e.g. "
                    + "\"evt.type NOT IN ('getppid','futex')\". The events the process and fd state needs are kept "
                    + "whatever it says (default: every event).")
    String historyFilter;

    @Option(
            names = "--fleet",
            paramLabel = "HOST:PORT[,...]",
            description = "Also be a host of a fleet on these Kafka brokers: run the host part of every sysql fleet "
                    + "query on the daemon's capture (as sysql agent does).")
    String fleet;

    @Option(
            names = "--fleet-control-topic",
            paramLabel = "TOPIC",
            description = "With --fleet: the topic fleet queries come on (default sysql.fleet).")
    String fleetControlTopic;

    @Option(
            names = "--fleet-setting",
            paramLabel = "SETTING=VALUE",
            description = "With --fleet: a Kafka client setting (security.protocol=SSL...); may be repeated.")
    java.util.Map<String, String> fleetSettings = new java.util.LinkedHashMap<>();

    /** The fleet agent the daemon also runs (--fleet), its queries on the daemon's own socket; null without. */
    private AgentCommand agent(Path socket) {
        if (fleet == null) {
            return null;
        }
        AgentCommand agent = new AgentCommand();
        agent.kafka.bootstrap = fleet;
        agent.controlTopicOption.controlTopic =
                fleetControlTopic != null ? fleetControlTopic : FleetControl.DEFAULT_TOPIC;
        agent.kafka.settings = fleetSettings;
        agent.maxQueries = 8;
        agent.connect.engine = "daemon";
        agent.connect.socket = socket;
        return agent;
    }

    /** The engine's properties: the capture options, the history filter, and the disk history unless turned off. */
    private java.util.Properties engineProperties() {
        java.util.Properties p = connect.properties();
        if (historyFilter != null) {
            p.setProperty("historyFilter", historyFilter);
        }
        if (!noDiskHistory && connect.file == null && !connect.noHistory) {
            p.setProperty("historyDir", historyDir.toString());
            if (historyDiskMegabytes != null) {
                p.setProperty("historyDiskMegabytes", historyDiskMegabytes.toString());
            }
            if (historyDiskSeconds != null) {
                p.setProperty("historyDiskSeconds", historyDiskSeconds.toString());
            }
            p.setProperty("historyCompress", historyGzip ? "on" : "off");
        }
        return p;
    }

    @Override
    public Integer call() {
        if (connect.engine != null) {
            System.err.println("sysql daemon: --engine is for its clients; the daemon captures itself");
            return 2;
        }
        Path socket = DaemonSocket.path(connect.properties());
        AgentCommand agent = agent(socket);
        String problem = agent == null ? null : agent.problem();
        if (problem != null) {
            System.err.println("sysql daemon: --fleet: " + problem);
            return 2;
        }
        java.util.Properties engine = engineProperties();
        SysqlServer server;
        String capture;
        try {
            capture = connect.file != null
                    ? "serving " + connect.file
                    : "recording (" + SysqlDriver.describe(engine) + ")";
            server = SysqlServer.start(
                    SysqlServer.Options.daemon(limits.limits(), limits.clientRights(engine), socket, group));
        } catch (SysqlServer.ServeException | java.sql.SQLException | IllegalArgumentException e) {
            System.err.println("sysql daemon: " + e.getMessage());
            return 1;
        }
        server.closeOnExit("sysql-daemon-stop");
        System.out.println("sysql daemon: " + capture + "; local clients on " + server.socket() + " (root and group "
                + group + ")");
        System.out.flush();
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        Thread fleetAgent = null;
        if (agent != null) {
            java.io.PrintWriter err =
                    new java.io.PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8);
            fleetAgent = new Thread(() -> agent.runRetrying(closed::get, err), "sysql-daemon-fleet");
            fleetAgent.setDaemon(true);
            fleetAgent.start();
        }
        server.awaitClose();
        closed.set(true);
        if (fleetAgent != null) {
            try {
                fleetAgent.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
    }
}
