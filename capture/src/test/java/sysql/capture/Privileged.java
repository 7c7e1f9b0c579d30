package sysql.capture;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Guard for tests that need root and BPF. In CI (and by default) a missing privilege fails the test loudly;
 * only with {@code -Dsysql.allowSkipPrivileged=true} (a developer laptop) is the test skipped, saying why.
 */
final class Privileged {
    private Privileged() {}

    static void require() {
        String user = System.getProperty("user.name");
        boolean root = "root".equals(user);
        if (root) {
            return;
        }
        String why = "this test needs root (CAP_BPF+CAP_PERFMON) to load the eBPF probe; running as " + user;
        if (Boolean.getBoolean("sysql.allowSkipPrivileged")) {
            Assumptions.abort(why + " (skipped: -Dsysql.allowSkipPrivileged=true)");
        }
        Assertions.fail(why + ": run the tests as root (CI does), or pass -Dsysql.allowSkipPrivileged=true on a laptop");
    }
}
