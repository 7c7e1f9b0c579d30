// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import picocli.CommandLine.Option;

/**
 * {@code --replay [--speed N]} of the commands that act as a host ({@code export}, {@code agent}): the capture file of
 * {@code -r} played as if live, at its recorded pace or N times it (a demo or test host).
 */
final class ReplayOptions {
    static final double MIN_SPEED = 0.001;
    static final double MAX_SPEED = 1_000_000;

    @Option(
            names = "--replay",
            description = "With -r FILE: play the file as if live, at its recorded pace (or --speed times it), each"
                    + " event's time moved to now by a whole number of seconds.")
    boolean replay;

    @Option(
            names = "--speed",
            paramLabel = "N",
            description = "With --replay: play N times faster than recorded (times are compressed to match).")
    Double speed;

    /** Sets {@code connect}'s replay from these options: what is wrong with them, in words, or null. */
    String applyTo(ConnectOptions connect) {
        if (!replay) {
            return speed == null ? null : "--speed is the pace of --replay: add --replay (and -r FILE)";
        }
        if (connect.file == null) {
            return "--replay plays a capture file: give it with -r FILE.scap";
        }
        double pace = speed != null ? speed : 1.0;
        if (!(pace >= MIN_SPEED && pace <= MAX_SPEED)) {
            return "--speed " + speed + " is out of range: give a number from 0.001 to 1000000";
        }
        connect.replay = pace;
        return null;
    }
}
