// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import picocli.CommandLine.Option;

/** {@code --host-name}, {@code --host-id}: who the rows of a host ({@code export}, {@code agent}) say they are from. */
final class HostOptions {
    @Option(
            names = "--host-name",
            paramLabel = "NAME",
            description = "The host.name rows carry (default: this host's name).")
    String hostName;

    @Option(
            names = "--host-id",
            paramLabel = "ID",
            description = "The host.id rows carry and their records' key (default: /etc/machine-id).")
    String hostId;

    HostIdentity identity() {
        return HostIdentity.of(hostName, hostId);
    }
}
