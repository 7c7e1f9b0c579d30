// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import picocli.CommandLine.Option;

/** {@code --control-topic} of {@code fleet} and {@code agent}: the topic fleet queries go out on ({@link FleetControl}). */
final class ControlTopicOption {
    @Option(
            names = "--control-topic",
            paramLabel = "TOPIC",
            defaultValue = FleetControl.DEFAULT_TOPIC,
            description =
                    "The topic fleet queries go out on, from sysql fleet to the agents (default ${DEFAULT-VALUE}).")
    String controlTopic = FleetControl.DEFAULT_TOPIC;
}
