package sysql.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a query: instead of ending the JVM, they run {@code onSignal} (which
 * cancels the running statement) so the command prints what it has and exits normally. A second signal ends
 * the process at once.
 */
final class Interrupts implements AutoCloseable {
    private final SignalHandler previousInt;
    private final SignalHandler previousTerm;
    private volatile boolean raised;
    private volatile boolean terminated;

    private Interrupts(Runnable onSignal) {
        SignalHandler h = sig -> {
            if (raised) {
                Runtime.getRuntime().halt(sig.getNumber() + 128);
            }
            raised = true;
            terminated |= sig.getName().equals("TERM");
            onSignal.run();
        };
        previousInt = Signal.handle(new Signal("INT"), h);
        previousTerm = Signal.handle(new Signal("TERM"), h);
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
        Signal.handle(new Signal("INT"), previousInt);
        Signal.handle(new Signal("TERM"), previousTerm);
    }
}
