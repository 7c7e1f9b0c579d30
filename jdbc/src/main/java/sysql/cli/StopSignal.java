package sysql.cli;

/**
 * Turns Ctrl-C (SIGINT/SIGTERM) into a flag the capture loop polls, so the loop can stop the probe and print
 * its summary before the JVM exits.
 */
final class StopSignal {
    private volatile boolean raised;

    StopSignal() {
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            raised = true;
            try {
                main.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sysql-stop"));
    }

    boolean raised() {
        return raised;
    }
}
