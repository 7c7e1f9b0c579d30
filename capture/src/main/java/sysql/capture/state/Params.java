// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import java.util.ArrayList;
import java.util.List;
import sysql.capture.Event;

/** Parameter readers of the state parsers: a parameter by its slot ({@link EventIndex#SLOTS}), -1 for none. */
final class Params {
    private Params() {}

    static long longParam(Event e, short idx, long dflt) {
        if (idx < 0 || idx >= e.nparams()) {
            return dflt;
        }
        int len = e.paramLength(idx);
        return len == 1 || len == 2 || len == 4 || len == 8 ? e.paramAsLong(idx) : dflt;
    }

    static String stringParam(Event e, short idx) {
        return idx >= 0 && idx < e.nparams() ? e.paramAsString(idx) : "";
    }

    /** A NUL-separated list parameter (args, env, cgroups) as strings. */
    static List<String> listParam(Event e, short idx) {
        if (idx < 0 || idx >= e.nparams()) {
            return List.of();
        }
        byte[] b = e.paramBytes(idx);
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                out.add(new String(b, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < b.length) {
            out.add(new String(b, start, b.length - start, java.nio.charset.StandardCharsets.UTF_8));
        }
        return List.copyOf(out);
    }

    /**
     * An environment as sysdig's set_env keeps it: it stops at an empty entry when only NULs follow, so the
     * zero padding after the last variable adds no empty entries (which proc.env would show as spaces).
     */
    static List<String> sysdigEnv(List<String> env) {
        int n = env.size();
        while (n > 0 && env.get(n - 1).isEmpty()) {
            n--;
        }
        return n == env.size() ? env : List.copyOf(env.subList(0, n));
    }
}
