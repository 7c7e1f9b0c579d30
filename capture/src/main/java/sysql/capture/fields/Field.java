// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

/**
 * One field of the catalog: sysdig's name, its class ({@code evt}, {@code proc}, {@code thread}, {@code fd},
 * {@code user}, {@code group}, {@code container}, {@code fdlist}), SQL type, a description, and its extractor.
 * One typed extractor is set, by type; a TIMESTAMP has both (its nanoseconds, and sysdig's text for it), a
 * VARBINARY its bytes in place and sysdig's text for them.
 */
public final class Field {
    /** Reads a number; {@link #present} false means NULL (sysdig's {@code <NA>}). */
    public interface LongExtractor {
        boolean present(EventContext c);

        long get(EventContext c);
    }

    /** Reads a DOUBLE; {@link #present} false means NULL. */
    public interface DoubleExtractor {
        boolean present(EventContext c);

        double get(EventContext c);
    }

    /** Reads text; null means NULL. */
    public interface StringExtractor {
        String get(EventContext c);
    }

    /**
     * Reads bytes in place: where they are in the current event's buffer ({@code c.event().buffer()}), as
     * {@code offset << 32 | length}, or -1 for NULL. Nothing is copied or allocated.
     */
    public interface BytesExtractor {
        long slice(EventContext c);
    }

    private final String name;
    private final String fieldClass;
    private final FieldType type;
    private final String description;
    private final LongExtractor longs;
    private final StringExtractor strings;
    private final DoubleExtractor doubles;
    private final BytesExtractor bytes;

    private Field(String name, FieldType type, String description, LongExtractor longs, StringExtractor strings) {
        this(name, type, description, longs, strings, null, null);
    }

    private Field(
            String name,
            FieldType type,
            String description,
            LongExtractor longs,
            StringExtractor strings,
            DoubleExtractor doubles,
            BytesExtractor bytes) {
        this.name = name;
        this.fieldClass = name.substring(0, name.indexOf('.'));
        this.type = type;
        this.description = description;
        this.longs = longs;
        this.strings = strings;
        this.doubles = doubles;
        this.bytes = bytes;
    }

    static Field ofLong(String name, FieldType type, String description, LongExtractor x) {
        return new Field(name, type, description, x, null);
    }

    static Field ofString(String name, String description, StringExtractor x) {
        return new Field(name, FieldType.VARCHAR, description, null, x);
    }

    /** A DOUBLE. */
    static Field ofDouble(String name, String description, DoubleExtractor x) {
        return new Field(name, FieldType.DOUBLE, description, null, null, x, null);
    }

    /** A TIMESTAMP: its value in nanoseconds since the epoch, and the text sysdig prints for it. */
    static Field ofTimestamp(String name, String description, LongExtractor nanos, StringExtractor text) {
        return new Field(name, FieldType.TIMESTAMP, description, nanos, text);
    }

    /**
     * A VARBINARY: bytes of the event read in place; its text (what sysdig prints for it) is the bytes up to the
     * first NUL, as UTF-8, the way sysdig writes a raw buffer to its output.
     */
    static Field ofBytes(String name, String description, BytesExtractor x) {
        return new Field(name, FieldType.VARBINARY, description, null, c -> cText(c, x.slice(c)), null, x);
    }

    private static String cText(EventContext c, long slice) {
        if (slice < 0) {
            return null;
        }
        java.nio.ByteBuffer b = c.event().buffer();
        int off = (int) (slice >>> 32);
        int len = (int) slice;
        int n = 0;
        while (n < len && b.get(off + n) != 0) {
            n++;
        }
        byte[] a = new byte[n];
        b.get(off, a, 0, n);
        return new String(a, java.nio.charset.StandardCharsets.UTF_8);
    }

    public String name() {
        return name;
    }

    public String fieldClass() {
        return fieldClass;
    }

    public FieldType type() {
        return type;
    }

    public String description() {
        return description;
    }

    public boolean isNumeric() {
        return longs != null;
    }

    /** The numeric value (nanoseconds since the epoch for a TIMESTAMP); check {@link #isNull} first. */
    public long getLong(EventContext c) {
        return longs.get(c);
    }

    /** The value of a DOUBLE field; check {@link #isNull} first. */
    public double getDouble(EventContext c) {
        return doubles.get(c);
    }

    /** The text value (for a TIMESTAMP or a VARBINARY, as sysdig prints it). */
    public String getString(EventContext c) {
        return strings.get(c);
    }

    /** True for a VARBINARY, read with {@link #getSlice} or {@link #getBytes}. */
    public boolean isBinary() {
        return bytes != null;
    }

    /**
     * A VARBINARY's bytes in place in {@code c.event().buffer()}: {@code offset << 32 | length}, or -1 for NULL.
     */
    public long getSlice(EventContext c) {
        return bytes.slice(c);
    }

    /** A VARBINARY's bytes as a new array, or null. Allocates: the columnar path reads {@link #getSlice}. */
    public byte[] getBytes(EventContext c) {
        long s = bytes.slice(c);
        if (s < 0) {
            return null;
        }
        byte[] a = new byte[(int) s];
        c.event().buffer().get((int) (s >>> 32), a, 0, a.length);
        return a;
    }

    public boolean isNull(EventContext c) {
        if (doubles != null) {
            return !doubles.present(c);
        }
        if (bytes != null) {
            return bytes.slice(c) < 0;
        }
        return longs != null ? !longs.present(c) : strings.get(c) == null;
    }

    /** The value as sysdig prints it with {@code -p %name}: {@code <NA>} for NULL. Allocates. */
    public String format(EventContext c) {
        if (doubles != null) {
            // sysdig prints a double with printf's %.1lf: the exact binary value, rounded half to even
            return doubles.present(c)
                    ? new java.math.BigDecimal(doubles.get(c))
                            .setScale(1, java.math.RoundingMode.HALF_EVEN)
                            .toPlainString()
                    : "<NA>";
        }
        if (longs != null && strings == null) {
            if (!longs.present(c)) {
                return "<NA>";
            }
            long v = longs.get(c);
            return type == FieldType.BOOLEAN ? (v != 0 ? "true" : "false") : Long.toString(v);
        }
        String s = strings.get(c);
        return s == null ? "<NA>" : s;
    }

    @Override
    public String toString() {
        return name + " " + type;
    }
}
