// SPDX-License-Identifier: Apache-2.0
package sysql.fleet.flink;

import java.math.BigDecimal;
import java.util.Locale;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.TimestampType;

/**
 * How an Arrow vector becomes the values of a Flink column: one {@link ColumnReader} per (Arrow type, Flink type)
 * pair that fits, each returning Flink's internal representation (Integer, Long, StringData, DecimalData,
 * TimestampData, days as Integer for DATE, milliseconds of the day as Integer for TIME...). Integers widen
 * (Int(32) into BIGINT), integers and floats widen into DOUBLE, decimals into a DECIMAL with at least as many
 * integer and fraction digits, timestamps of any unit into TIMESTAMP(p) or TIMESTAMP_LTZ(p) (truncated to p).
 */
final class ArrowColumnReaders {
    /** Reads row {@code row} of a vector known to be non-null there. */
    interface ColumnReader {
        Object read(FieldVector v, int row);
    }

    private ArrowColumnReaders() {}

    /** Throws a {@link ValidationException} if the format cannot fill a column of this Flink type at all. */
    static void checkSupported(String column, LogicalType t) {
        switch (t.getTypeRoot()) {
            case BOOLEAN:
            case TINYINT:
            case SMALLINT:
            case INTEGER:
            case BIGINT:
            case FLOAT:
            case DOUBLE:
            case DECIMAL:
            case CHAR:
            case VARCHAR:
            case BINARY:
            case VARBINARY:
            case TIMESTAMP_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
            case DATE:
            case TIME_WITHOUT_TIME_ZONE:
                return;
            default:
                throw new ValidationException("sysql-arrow: column " + FleetSchema.quote(column) + " has type " + t
                        + ", which the format does not support; use BOOLEAN, TINYINT, SMALLINT, INT, BIGINT, FLOAT,"
                        + " DOUBLE, DECIMAL, STRING, BYTES, TIMESTAMP, TIMESTAMP_LTZ, DATE or TIME");
        }
    }

    /** The reader for Arrow type {@code a} into Flink type {@code t}, or a one-line error saying what to change. */
    static ColumnReader reader(String column, ArrowType a, LogicalType t) throws SysqlArrowFormatException {
        ColumnReader r = readerOrNull(a, t);
        if (r == null) {
            String natural = naturalFlinkType(a);
            throw new SysqlArrowFormatException(
                    "sysql-arrow: column " + FleetSchema.quote(column) + " is " + t.asSummaryString()
                            + " in the Flink table but the record's Arrow vector of that name is " + a
                            + (natural == null
                                    ? ", which the format cannot read; export the column as another type"
                                    : "; declare the column as " + natural + " (or a wider type) in the table"),
                    false);
        }
        return r;
    }

    private static ColumnReader readerOrNull(ArrowType a, LogicalType t) {
        switch (t.getTypeRoot()) {
            case BOOLEAN:
                return a instanceof ArrowType.Bool ? (v, row) -> ((BitVector) v).get(row) != 0 : null;
            case TINYINT:
                return signedInt(a, 8) ? (v, row) -> (byte) ((BaseIntVector) v).getValueAsLong(row) : null;
            case SMALLINT:
                return signedInt(a, 16) ? (v, row) -> (short) ((BaseIntVector) v).getValueAsLong(row) : null;
            case INTEGER:
                return signedInt(a, 32) ? (v, row) -> (int) ((BaseIntVector) v).getValueAsLong(row) : null;
            case BIGINT:
                return signedInt(a, 64) ? (v, row) -> ((BaseIntVector) v).getValueAsLong(row) : null;
            case FLOAT:
                return a instanceof ArrowType.FloatingPoint fp && fp.getPrecision() != FloatingPointPrecision.DOUBLE
                        ? (v, row) -> (float) ((FloatingPointVector) v).getValueAsDouble(row)
                        : null;
            case DOUBLE:
                if (a instanceof ArrowType.FloatingPoint) {
                    return (v, row) -> ((FloatingPointVector) v).getValueAsDouble(row);
                }
                return signedInt(a, 64) ? (v, row) -> (double) ((BaseIntVector) v).getValueAsLong(row) : null;
            case DECIMAL:
                return decimal(a, (DecimalType) t);
            case CHAR:
            case VARCHAR:
                if (a instanceof ArrowType.Utf8) {
                    return (v, row) -> StringData.fromBytes(((VarCharVector) v).get(row));
                }
                return a instanceof ArrowType.LargeUtf8
                        ? (v, row) -> StringData.fromBytes(((LargeVarCharVector) v).get(row))
                        : null;
            case BINARY:
            case VARBINARY:
                if (a instanceof ArrowType.Binary) {
                    return (v, row) -> ((VarBinaryVector) v).get(row);
                }
                if (a instanceof ArrowType.LargeBinary) {
                    return (v, row) -> ((LargeVarBinaryVector) v).get(row);
                }
                return a instanceof ArrowType.FixedSizeBinary ? (v, row) -> ((FixedSizeBinaryVector) v).get(row) : null;
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return a instanceof ArrowType.Timestamp ts
                        ? new TimestampReader(ts.getUnit(), ((TimestampType) t).getPrecision())
                        : null;
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return a instanceof ArrowType.Timestamp ts
                        ? new TimestampReader(ts.getUnit(), ((LocalZonedTimestampType) t).getPrecision())
                        : null;
            case DATE:
                if (a instanceof ArrowType.Date d) {
                    return switch (d.getUnit()) {
                        case DAY -> (v, row) -> ((DateDayVector) v).get(row);
                        case MILLISECOND ->
                            (v, row) -> (int) Math.floorDiv(((DateMilliVector) v).get(row), 86_400_000L);
                    };
                }
                return null;
            case TIME_WITHOUT_TIME_ZONE:
                if (a instanceof ArrowType.Time tm) {
                    return switch (tm.getUnit()) {
                        case SECOND -> (v, row) -> ((TimeSecVector) v).get(row) * 1000;
                        case MILLISECOND -> (v, row) -> ((TimeMilliVector) v).get(row);
                        case MICROSECOND -> (v, row) -> (int) (((TimeMicroVector) v).get(row) / 1000);
                        case NANOSECOND -> (v, row) -> (int) (((TimeNanoVector) v).get(row) / 1_000_000);
                    };
                }
                return null;
            default:
                return null;
        }
    }

    /** A signed Arrow integer of at most {@code maxBits} bits. */
    private static boolean signedInt(ArrowType a, int maxBits) {
        return a instanceof ArrowType.Int i && i.getIsSigned() && i.getBitWidth() <= maxBits;
    }

    /**
     * Decimal(ps, ss) into DECIMAL(p, s) when no digit is lost: ss <= s and ps - ss <= p - s. Same scale and a
     * compact target read the unscaled value's low 64 bits without allocating.
     */
    private static ColumnReader decimal(ArrowType a, DecimalType t) {
        if (!(a instanceof ArrowType.Decimal d)) {
            return null;
        }
        int p = t.getPrecision();
        int s = t.getScale();
        if (d.getScale() > s || d.getPrecision() - d.getScale() > p - s) {
            return null;
        }
        if (d.getBitWidth() == 128 && d.getScale() == s && DecimalData.isCompact(p)) {
            return (v, row) -> DecimalData.fromUnscaledLong(
                    ((DecimalVector) v).getDataBuffer().getLong((long) row * DecimalVector.TYPE_WIDTH), p, s);
        }
        return (v, row) -> DecimalData.fromBigDecimal(((BigDecimal) v.getObject(row)).setScale(s), p, s);
    }

    /** The Flink type an Arrow type maps to exactly, for the error's suggested fix; null if none. */
    static String naturalFlinkType(ArrowType a) {
        if (a instanceof ArrowType.Bool) {
            return "BOOLEAN";
        }
        if (a instanceof ArrowType.Int i) {
            if (!i.getIsSigned()) {
                return i.getBitWidth() < 64 ? "BIGINT" : null;
            }
            return switch (i.getBitWidth()) {
                case 8 -> "TINYINT";
                case 16 -> "SMALLINT";
                case 32 -> "INT";
                default -> "BIGINT";
            };
        }
        if (a instanceof ArrowType.FloatingPoint fp) {
            return fp.getPrecision() == FloatingPointPrecision.DOUBLE ? "DOUBLE" : "FLOAT";
        }
        if (a instanceof ArrowType.Decimal d) {
            return "DECIMAL(" + d.getPrecision() + ", " + d.getScale() + ")";
        }
        if (a instanceof ArrowType.Utf8 || a instanceof ArrowType.LargeUtf8) {
            return "STRING";
        }
        if (a instanceof ArrowType.Binary
                || a instanceof ArrowType.LargeBinary
                || a instanceof ArrowType.FixedSizeBinary) {
            return "BYTES";
        }
        if (a instanceof ArrowType.Timestamp ts) {
            return "TIMESTAMP(" + digits(ts.getUnit()) + ")";
        }
        if (a instanceof ArrowType.Date) {
            return "DATE";
        }
        if (a instanceof ArrowType.Time tm) {
            return "TIME(" + Math.min(3, digits(tm.getUnit())) + ")";
        }
        return null;
    }

    private static int digits(TimeUnit u) {
        return switch (u) {
            case SECOND -> 0;
            case MILLISECOND -> 3;
            case MICROSECOND -> 6;
            case NANOSECOND -> 9;
        };
    }

    /**
     * A timestamp vector of any unit as TimestampData (milliseconds since the epoch and nanoseconds of the
     * millisecond: the UTC wall clock for TIMESTAMP, the instant for TIMESTAMP_LTZ), truncated to the column's
     * precision.
     */
    private static final class TimestampReader implements ColumnReader {
        private final TimeUnit unit;
        /** Milliseconds are a multiple of this (precision below 3). */
        private final long msStep;
        /** Nanoseconds of the millisecond are a multiple of this. */
        private final int nanoStep;

        TimestampReader(TimeUnit unit, int precision) {
            this.unit = unit;
            this.msStep = precision >= 3 ? 1 : pow10(3 - precision);
            this.nanoStep = precision >= 9 ? 1 : precision <= 3 ? 1_000_000 : (int) pow10(9 - precision);
        }

        private static long pow10(int n) {
            long r = 1;
            for (int i = 0; i < n; i++) {
                r *= 10;
            }
            return r;
        }

        @Override
        public Object read(FieldVector v, int row) {
            long raw = ((TimeStampVector) v).get(row);
            long ms;
            int nanos;
            switch (unit) {
                case SECOND -> {
                    ms = raw * 1000;
                    nanos = 0;
                }
                case MILLISECOND -> {
                    ms = raw;
                    nanos = 0;
                }
                case MICROSECOND -> {
                    ms = Math.floorDiv(raw, 1000L);
                    nanos = (int) Math.floorMod(raw, 1000L) * 1000;
                }
                default -> {
                    ms = Math.floorDiv(raw, 1_000_000L);
                    nanos = (int) Math.floorMod(raw, 1_000_000L);
                }
            }
            if (msStep != 1) {
                ms -= Math.floorMod(ms, msStep);
            }
            return TimestampData.fromEpochMillis(ms, nanos - nanos % nanoStep);
        }

        @Override
        public String toString() {
            return "timestamp(" + unit.name().toLowerCase(Locale.ROOT) + ")";
        }
    }
}
