// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

/**
 * The windows of a streaming aggregate, in milliseconds of event time: TUMBLE (back-to-back windows of
 * {@code size}) or HOP (windows of {@code size} starting every {@code slide}), aligned on {@code offset}.
 */
public record WindowSpec(Kind kind, long sizeMillis, long slideMillis, long offsetMillis) {
    public enum Kind {
        TUMBLE,
        HOP
    }

    public WindowSpec {
        if (sizeMillis <= 0 || slideMillis <= 0) {
            throw new IllegalArgumentException("a window's size and slide must be positive");
        }
    }

    static WindowSpec tumble(long size, long offset) {
        return new WindowSpec(Kind.TUMBLE, size, size, offset);
    }

    static WindowSpec hop(long slide, long size, long offset) {
        return new WindowSpec(Kind.HOP, size, slide, offset);
    }

    /** Start of the latest window that holds time {@code t}. */
    long lastStart(long t) {
        return Math.floorDiv(t - offsetMillis, slideMillis) * slideMillis + offsetMillis;
    }

    @Override
    public String toString() {
        return kind == Kind.TUMBLE
                ? "TUMBLE(" + sizeMillis + " ms)"
                : "HOP(every " + slideMillis + " ms, " + sizeMillis + " ms)";
    }
}
