// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Who a host is in a fleet ({@code sysql export} stamps every row with it): {@code host.name}, the kernel's host
 * name ({@code hostname}), and {@code host.id}, a stable id that survives a rename and a reboot: the machine id
 * systemd and D-Bus keep ({@code /etc/machine-id}, as osquery's {@code system_info.uuid} falls back to), else a
 * UUID derived from the host name. Either may be given instead ({@code --host-name}, {@code --host-id}).
 */
record HostIdentity(String name, String id) {
    private static final List<Path> MACHINE_ID =
            List.of(Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id"));
    private static final Path HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    /** This host's identity, with {@code name} or {@code id} in place of the host's own where given. */
    static HostIdentity of(String name, String id) {
        String n = name != null ? name : hostName();
        return new HostIdentity(n, id != null ? id : machineId(n));
    }

    private static String hostName() {
        String n = firstLine(HOSTNAME);
        return n != null ? n : "localhost";
    }

    private static String machineId(String hostName) {
        for (Path p : MACHINE_ID) {
            String id = firstLine(p);
            if (id != null && id.matches("[0-9a-fA-F]{32}")) {
                return id.toLowerCase(java.util.Locale.ROOT);
            }
        }
        return UUID.nameUUIDFromBytes(hostName.getBytes(StandardCharsets.UTF_8))
                .toString()
                .replace("-", "");
    }

    private static String firstLine(Path p) {
        try {
            List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            String s = lines.isEmpty() ? "" : lines.get(0).trim();
            return s.isEmpty() ? null : s;
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
