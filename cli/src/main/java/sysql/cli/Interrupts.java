// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import org.jline.utils.Signals;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a query: instead of ending the JVM, they run {@code onSignal} (which
 * cancels the running statement) so the command prints what it has and exits normally. A second signal ends
 * the process at once. The handlers are installed through jline's {@link Signals} (the shell's terminal library),
 * which reaches the JDK's signal API without sysql compiling against an internal class.
 */
final class Interrupts implements AutoCloseable {
    private static final int SIGINT = 2;
    private static final int SIGTERM = 15;

    private final Runnable onSignal;
    private final Object previousInt;
    private final Object previousTerm;
    private volatile boolean raised;
    private volatile boolean terminated;

    private Interrupts(Runnable onSignal) {
        this.onSignal = onSignal;
        previousInt = Signals.register("INT", () -> handle(SIGINT));
        previousTerm = Signals.register("TERM", () -> handle(SIGTERM));
    }

    private void handle(int signal) {
        if (raised) {
            Runtime.getRuntime().halt(signal + 128);
        }
        raised = true;
        terminated |= signal == SIGTERM;
        onSignal.run();
    }

    static Interrupts install(Runnable onSignal) {
        return new Interrupts(onSignal);
    }

    boolean raised() {
        return raised;
    }

    boolean terminated() {
        return terminated;
    }

    @Override
    public void close() {
        Signals.unregister("INT", previousInt);
        Signals.unregister("TERM", previousTerm);
    }
}
