// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.functions;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The value formats of csysdig's views (sysdig 0.29.3's {@code sinsp_filter_check_reference::tostring_nice}), for
 * the {@code v_*} chisels: a column's value is its aggregate divided by its count, where the count is the number
 * of values an {@code AVG} column averaged, the seconds of the sample (for a capture file, from its first to its
 * last event) for a {@code TIME_AVG} column, and 1 otherwise. Registered in schema {@code sysql}; a NULL argument
 * gives NULL.
 */
public final class CsysdigFormats {
    private CsysdigFormats() {}

    private static final double K = 1024;
    private static final int WIDTH = 10;

    /**
     * {@code csysdig_number(v, cnt)}: an integer column: with a count of 0 or 1 the value as an integer, with
     * {@code K M G T P} from just above one of them ({@code 928}, {@code 3K}, {@code 271M}); otherwise the value
     * divided by the count (when it is above 1) with two decimals ({@code 81.26}, {@code 1.71K}).
     */
    public static String csysdigNumber(Long v, Double cnt) {
        if (v == null || cnt == null) {
            return null;
        }
        if (cnt == 1 || cnt == 0) {
            return scaled(v, 0);
        }
        double d = v;
        if (cnt > 1) {
            d /= cnt;
        }
        return scaled(d, 2);
    }

    /** {@code csysdig_double(v, cnt)}: a floating-point column: {@code v / cnt} (when above 1), as {@code %.2lf}. */
    public static String csysdigDouble(Double v, Double cnt) {
        if (v == null || cnt == null) {
            return null;
        }
        return fixed(cnt > 1 ? v / cnt : v, 2);
    }

    private static final long S = 1_000_000_000L;

    /**
     * {@code csysdig_time(ns, cnt)}: a duration column ({@code ns / cnt} when above 1): {@code 01:02:03},
     * {@code 2:05}, {@code 6.76s}, {@code 412ms}, {@code 4.97ms}, {@code 234us}, {@code 4.29us}, {@code 121ns}.
     */
    public static String csysdigTime(Long ns, Double cnt) {
        if (ns == null || cnt == null) {
            return null;
        }
        double d = ns;
        if (cnt > 1) {
            d /= cnt;
        }
        long val = (long) d;
        if (val >= 3600 * S) {
            return two(val / (3600 * S)) + ":" + two((val / (60 * S)) % 60) + ":" + two((val / S) % 60);
        } else if (val >= 60 * S) {
            return val / (60 * S) + ":" + (val / S) % 60;
        } else if (val >= S) {
            return val / S + "." + two((val % S) / 10_000_000L) + "s";
        } else if (val >= S / 100) {
            return val / 1_000_000L + "ms";
        } else if (val >= S / 1000) {
            return val / 1_000_000L + "." + two((val % 1_000_000L) / 10_000L) + "ms";
        } else if (val >= S / 100_000) {
            return val / 1000 + "us";
        } else if (val >= S / 1_000_000) {
            return val / 1000 + "." + two((val % 1000) / 10) + "us";
        }
        return val + "ns";
    }

    /** sinsp's {@code format_bytes}: {@code %.Nlf} of the value in the largest unit it is above. */
    private static String scaled(double v, int decimals) {
        String s;
        if (v > K * K * K * K * K) {
            s = fixed(v / (K * K * K * K * K), decimals) + "P";
        } else if (v > K * K * K * K) {
            s = fixed(v / (K * K * K * K), decimals) + "T";
        } else if (v > K * K * K) {
            s = fixed(v / (K * K * K), decimals) + "G";
        } else if (v > K * K) {
            s = fixed(v / (K * K), decimals) + "M";
        } else if (v > K) {
            s = fixed(v / K, decimals) + "K";
        } else {
            s = fixed(v, decimals);
        }
        // sinsp keeps the last WIDTH characters of a longer text
        return s.length() > WIDTH ? s.substring(s.length() - WIDTH) : s;
    }

    private static String two(long v) {
        return v < 10 ? "0" + v : Long.toString(v);
    }

    /** C's {@code %.Nf}: the double's exact binary value rounded half to even, as glibc does. */
    private static String fixed(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        }
        return new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }
}
