// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes a result set as a Parquet file (parquet-java's {@code ParquetWriter}, Snappy-compressed, without a Hadoop
 * file system: {@code LocalOutputFile}), with the columns {@link ArrowResultWriter} gives the Arrow format: integers
 * of their width, floats, decimals, booleans, strings, binary, and TIMESTAMP as a timestamp not adjusted to UTC
 * holding the wall-clock value the text formats print. Every column is optional (NULL is a missing value).
 *
 * <p>The rows go into a file beside the target, which replaces the target once it is whole: after the last row,
 * or after the rows that came before a cancel (Ctrl-C on a stream) or an error, so that a reader never sees half a
 * file.
 */
final class ParquetResultWriter {
    private ParquetResultWriter() {}

    /** Writes every row of rs into target; returns the row count. */
    static long write(ResultSet rs, Path target) throws SQLException, IOException {
        List<ArrowResultWriter.Column> columns = ArrowResultWriter.columns(rs.getMetaData());
        MessageType schema = schema(columns);
        Path dir = target.toAbsolutePath().getParent();
        // beside the target, so that the move is a rename; created as the target would be (the umask's mode)
        Path partial = dir.resolve(
                "." + target.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
        long count = 0;
        SQLException ended = null;
        try {
            try (ParquetWriter<Object[]> writer = new Builder(new LocalOutputFile(partial), schema, columns)
                    .withConf(new PlainParquetConfiguration())
                    .withWriteMode(org.apache.parquet.hadoop.ParquetFileWriter.Mode.OVERWRITE)
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .build()) {
                try {
                    while (rs.next()) {
                        Object[] row = new Object[columns.size()];
                        for (int i = 0; i < row.length; i++) {
                            row[i] = columns.get(i).get(rs, i + 1);
                        }
                        writer.write(row);
                        count++;
                    }
                } catch (SQLException e) {
                    ended = e; // the rows before it are written whole
                }
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        if (ended != null) {
            throw ended;
        }
        return count;
    }

    /** The Parquet schema of the columns: each one optional, typed as its Arrow type says. */
    private static MessageType schema(List<ArrowResultWriter.Column> columns) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (ArrowResultWriter.Column c : columns) {
            ArrowType t = c.type();
            switch (t.getTypeID()) {
                case Bool -> b.optional(PrimitiveTypeName.BOOLEAN).named(c.name());
                case Int -> {
                    int bits = ((ArrowType.Int) t).getBitWidth();
                    if (bits == 64) {
                        b.optional(PrimitiveTypeName.INT64).named(c.name());
                    } else {
                        b.optional(PrimitiveTypeName.INT32)
                                .as(LogicalTypeAnnotation.intType(bits, true))
                                .named(c.name());
                    }
                }
                case FloatingPoint ->
                    b.optional(
                                    ((ArrowType.FloatingPoint) t).getPrecision() == FloatingPointPrecision.SINGLE
                                            ? PrimitiveTypeName.FLOAT
                                            : PrimitiveTypeName.DOUBLE)
                            .named(c.name());
                case Decimal -> {
                    ArrowType.Decimal d = (ArrowType.Decimal) t;
                    b.optional(PrimitiveTypeName.BINARY)
                            .as(LogicalTypeAnnotation.decimalType(d.getScale(), d.getPrecision()))
                            .named(c.name());
                }
                case Binary -> b.optional(PrimitiveTypeName.BINARY).named(c.name());
                case Timestamp ->
                    b.optional(PrimitiveTypeName.INT64)
                            .as(LogicalTypeAnnotation.timestampType(false, timeUnit(t)))
                            .named(c.name());
                case Date ->
                    b.optional(PrimitiveTypeName.INT32)
                            .as(LogicalTypeAnnotation.dateType())
                            .named(c.name());
                case Time ->
                    b.optional(PrimitiveTypeName.INT32)
                            .as(LogicalTypeAnnotation.timeType(false, LogicalTypeAnnotation.TimeUnit.MILLIS))
                            .named(c.name());
                default ->
                    b.optional(PrimitiveTypeName.BINARY)
                            .as(LogicalTypeAnnotation.stringType())
                            .named(c.name());
            }
        }
        return b.named("row");
    }

    private static LogicalTypeAnnotation.TimeUnit timeUnit(ArrowType t) {
        return ((ArrowType.Timestamp) t).getUnit() == org.apache.arrow.vector.types.TimeUnit.MILLISECOND
                ? LogicalTypeAnnotation.TimeUnit.MILLIS
                : LogicalTypeAnnotation.TimeUnit.MICROS;
    }

    private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
        private final MessageType schema;
        private final List<ArrowResultWriter.Column> columns;

        Builder(OutputFile file, MessageType schema, List<ArrowResultWriter.Column> columns) {
            super(file);
            this.schema = schema;
            this.columns = columns;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Object[]> getWriteSupport(ParquetConfiguration conf) {
            return new RowWriteSupport(schema, columns);
        }

        /** Hadoop's variant, which parquet-java still declares abstract: the same. */
        @Deprecated
        @SuppressWarnings("deprecation")
        @Override
        protected WriteSupport<Object[]> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return new RowWriteSupport(schema, columns);
        }
    }

    /** One row (the values ArrowResultWriter.Column reads) into the record consumer, field by field. */
    private static final class RowWriteSupport extends WriteSupport<Object[]> {
        private final MessageType schema;
        private final List<ArrowResultWriter.Column> columns;
        private RecordConsumer out;

        RowWriteSupport(MessageType schema, List<ArrowResultWriter.Column> columns) {
            this.schema = schema;
            this.columns = columns;
        }

        @Override
        public WriteContext init(ParquetConfiguration conf) {
            return new WriteContext(schema, new HashMap<>());
        }

        /** Hadoop's variant, which parquet-java still declares abstract: the same. */
        @Deprecated
        @SuppressWarnings("deprecation")
        @Override
        public WriteContext init(org.apache.hadoop.conf.Configuration conf) {
            return new WriteContext(schema, new HashMap<>());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            out = recordConsumer;
        }

        @Override
        public void write(Object[] row) {
            out.startMessage();
            for (int i = 0; i < row.length; i++) {
                Object v = row[i];
                if (v == null) {
                    continue;
                }
                String name = columns.get(i).name();
                out.startField(name, i);
                ArrowType t = columns.get(i).type();
                switch (t.getTypeID()) {
                    case Bool -> out.addBoolean((Boolean) v);
                    case Int -> {
                        if (((ArrowType.Int) t).getBitWidth() == 64) {
                            out.addLong(((Number) v).longValue());
                        } else {
                            out.addInteger(((Number) v).intValue());
                        }
                    }
                    case FloatingPoint -> {
                        if (((ArrowType.FloatingPoint) t).getPrecision() == FloatingPointPrecision.SINGLE) {
                            out.addFloat(((Number) v).floatValue());
                        } else {
                            out.addDouble(((Number) v).doubleValue());
                        }
                    }
                    case Decimal -> {
                        BigDecimal d = v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
                        int scale = ((ArrowType.Decimal) t).getScale();
                        out.addBinary(Binary.fromConstantByteArray(d.setScale(scale, RoundingMode.HALF_UP)
                                .unscaledValue()
                                .toByteArray()));
                    }
                    case Binary -> out.addBinary(Binary.fromConstantByteArray((byte[]) v));
                    case Timestamp -> {
                        long micros = (Long) v;
                        out.addLong(
                                timeUnit(t) == LogicalTypeAnnotation.TimeUnit.MILLIS
                                        ? Math.floorDiv(micros, 1000L)
                                        : micros);
                    }
                    case Date, Time -> out.addInteger((Integer) v);
                    default -> out.addBinary(Binary.fromString(v.toString()));
                }
                out.endField(name, i);
            }
            out.endMessage();
        }
    }
}
