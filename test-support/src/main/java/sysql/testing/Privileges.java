// SPDX-License-Identifier: Apache-2.0
package sysql.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Whether this JVM may load the eBPF probe, and what {@link RequiresBpf} does about it. The decision is a pure
 * function of the user, the effective capabilities and {@code sysql.allowSkipPrivileged} ({@link #decide}).
 */
public final class Privileges {
    /** The system property that turns a missing privilege from a failure into a skip. */
    public static final String ALLOW_SKIP = "sysql.allowSkipPrivileged";

    static final int CAP_PERFMON = 38;
    static final int CAP_BPF = 39;

    private Privileges() {}

    public enum Outcome {
        RUN,
        SKIP,
        FAIL
    }

    /** What to do with a test that needs BPF, and the one line that says why. */
    public record Decision(Outcome outcome, String message) {}

    /**
     * Root, or CAP_BPF and CAP_PERFMON in {@code capEff} (the CapEff mask of /proc/self/status, -1 when unknown),
     * run; otherwise fail, or skip when {@code allowSkip}.
     */
    public static Decision decide(String user, long capEff, boolean allowSkip) {
        long needed = (1L << CAP_BPF) | (1L << CAP_PERFMON);
        if ("root".equals(user) || (capEff != -1 && (capEff & needed) == needed)) {
            return new Decision(Outcome.RUN, "");
        }
        String why = "this test needs root (or CAP_BPF+CAP_PERFMON) to load the eBPF probe; running as " + user
                + (capEff == -1 ? " (capabilities unknown)" : " without them");
        if (allowSkip) {
            return new Decision(Outcome.SKIP, why + " (skipped: -D" + ALLOW_SKIP + "=true)");
        }
        return new Decision(
                Outcome.FAIL, why + ": run as root (CI does), or pass -D" + ALLOW_SKIP + "=true on a laptop");
    }

    /** The CapEff mask of a /proc/PID/status text, or -1 when it has none. */
    static long capEff(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                try {
                    return Long.parseUnsignedLong(
                            line.substring("CapEff:".length()).trim(), 16);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** The decision for this JVM. */
    public static Decision current() {
        long caps;
        try {
            caps = capEff(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException e) {
            caps = -1;
        }
        return decide(System.getProperty("user.name"), caps, Boolean.getBoolean(ALLOW_SKIP));
    }

    /** Fails, skips or lets the test run, as {@link #current()} says. */
    public static void require() {
        apply(current());
    }

    /**
     * Fails, or skips with {@code -Dsysql.allowSkipPrivileged=true}, unless this JVM runs as root: for a test that
     * must act as another user ({@code setpriv}). {@code why} says what the test needs root for.
     */
    public static void requireRoot(String why) {
        String user = System.getProperty("user.name");
        if ("root".equals(user)) {
            return;
        }
        String message = "this test needs root " + why + "; running as " + user;
        apply(
                Boolean.getBoolean(ALLOW_SKIP)
                        ? new Decision(Outcome.SKIP, message + " (skipped: -D" + ALLOW_SKIP + "=true)")
                        : new Decision(
                                Outcome.FAIL,
                                message + ": run as root (CI does), or pass -D" + ALLOW_SKIP + "=true on a laptop"));
    }

    private static void apply(Decision d) {
        switch (d.outcome()) {
            case RUN -> {}
            case SKIP -> Assumptions.abort(d.message());
            case FAIL -> Assertions.fail(d.message());
        }
    }

    /** {@link RequiresBpf}'s extension: checks before the class's tests, and before each annotated method. */
    static final class Extension implements BeforeAllCallback, BeforeEachCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            require();
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            require();
        }
    }
}
