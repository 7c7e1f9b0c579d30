// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.functions;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.apache.calcite.linq4j.function.Strict;

/**
 * sysql's SQL functions for what sysdig's chisels print: sizes and durations in sysdig's units, and percentages,
 * each exactly as the chisels' Lua helpers ({@code common.lua} of sysdig 0.29.3) format them, LuaJIT's
 * rounding included. Registered in schema {@code sysql}; a NULL argument gives NULL ({@link Strict}).
 */
public final class SysdigFormats {
    private SysdigFormats() {}

    private static final double KB = 1024;

    /**
     * {@code format_bytes(n)}: sysdig's {@code format_bytes}: {@code 832B}, {@code 2.92KB}, {@code 19.49M},
     * {@code 1.50G}, {@code T}, {@code P} (a unit is used from just above one of it: 1024 is {@code 1024B}).
     */
    @Strict
    public static String formatBytes(long bytes) {
        double v = bytes;
        if (v > KB * KB * KB * KB * KB) {
            return fixed2(v / (KB * KB * KB * KB * KB)) + "P";
        } else if (v > KB * KB * KB * KB) {
            return fixed2(v / (KB * KB * KB * KB)) + "T";
        } else if (v > KB * KB * KB) {
            return fixed2(v / (KB * KB * KB)) + "G";
        } else if (v > KB * KB) {
            return fixed2(v / (KB * KB)) + "M";
        } else if (v > KB) {
            return fixed2(v / KB) + "KB";
        }
        return bytes + "B";
    }

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long US = 1_000L;

    /**
     * {@code format_duration(ns)}: sysdig's {@code format_time_interval} of a nanosecond count: {@code 1.10s},
     * {@code 15ms}, {@code 2.05ms}, {@code 310us}, {@code 1.20us}, {@code 850ns} (two decimals below ten of a
     * unit, none from ten up to the next unit; decimals cut, not rounded).
     */
    @Strict
    public static String formatDuration(long ns) {
        if (ns >= S) {
            return ns / S + "." + twoDigits((ns % S) / 10_000_000L) + "s";
        } else if (ns >= S / 100) {
            return ns / MS + "ms";
        } else if (ns >= S / 1000) {
            return ns / MS + "." + twoDigits((ns % MS) / 10_000L) + "ms";
        } else if (ns >= S / 100_000) {
            return ns / US + "us";
        } else if (ns >= S / 1_000_000) {
            return ns / US + "." + twoDigits((ns % US) / 10) + "us";
        }
        return ns + "ns";
    }

    /** {@code format_percent(p)}: {@code p} with two decimals and a percent sign, as C's {@code "%.2f%%"}. */
    @Strict
    public static String formatPercent(double percent) {
        return fixed2(percent) + "%";
    }

    /** {@code format_percent(p)} of an exact number (a DECIMAL literal or expression). */
    @Strict
    public static String formatPercent(BigDecimal percent) {
        return formatPercent(percent.doubleValue());
    }

    private static String twoDigits(long v) {
        return v < 10 ? "0" + v : Long.toString(v);
    }

    /**
     * LuaJIT's {@code string.format("%.2f")} (sysdig's chisels run on LuaJIT 2.1, which formats numbers itself):
     * the double's exact binary value, an exact tie rounded up ({@code 3.625} is {@code 3.63}, where glibc's
     * printf would give {@code 3.62}).
     */
    private static String fixed2(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        }
        return new BigDecimal(v).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
}
