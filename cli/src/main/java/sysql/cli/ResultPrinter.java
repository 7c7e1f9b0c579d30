// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Prints a result set as rows arrive, flushing after each row (a streaming query's rows show as they happen):
 * {@code table} (aligned columns as psql aligns them: a finite result is read whole and its columns are as wide
 * as their widest value; a stream's are sized from the labels and display sizes, and wider values are not cut;
 * NULL is an empty cell), {@code csv} and {@code tsv} (Apache Commons CSV) or {@code json} (one JSON object per
 * line, Jackson). A timestamp always has its milliseconds ({@link #TIMESTAMP_PATTERN}).
 */
final class ResultPrinter {
    enum Format {
        TABLE,
        CSV,
        TSV,
        JSON,
        /** An Arrow IPC stream: {@link ArrowResultWriter}, not this class. */
        ARROW,
        /** A Parquet file: {@link ParquetResultWriter}, not this class. */
        PARQUET;

        boolean binary() {
            return this == ARROW || this == PARQUET;
        }
    }

    /** A TIMESTAMP's text: {@code evt.time} is TIMESTAMP(3), so always three fraction digits (the shell's too). */
    static final String TIMESTAMP_PATTERN = "yyyy-MM-dd HH:mm:ss.SSS";

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern(TIMESTAMP_PATTERN);

    private ResultPrinter() {}

    /** Prints every row; returns the row count. */
    static long print(ResultSet rs, Format format, boolean stream, PrintWriter out) throws SQLException, IOException {
        return switch (format) {
            case TABLE -> table(rs, out, stream);
            case CSV ->
                separated(
                        rs,
                        out,
                        CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get());
            case TSV ->
                separated(
                        rs,
                        out,
                        CSVFormat.TDF.builder().setRecordSeparator('\n').get());
            case JSON -> json(rs, out);
            case ARROW, PARQUET -> throw new IllegalArgumentException(format + " is written by its own writer");
        };
    }

    private static String text(ResultSet rs, int column, int type) throws SQLException {
        if (type == Types.TIMESTAMP) {
            return timestamp(rs.getTimestamp(column));
        }
        Object v = rs.getObject(column);
        return v == null ? null : v instanceof byte[] b ? hex(b) : v.toString();
    }

    /** A VARBINARY value (evt.rawarg.data) as hex digits, as sqlline and Calcite write binary strings. */
    static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

    /** The timestamp's wall-clock fields (those {@code Timestamp.toString()} shows), to the millisecond. */
    static String timestamp(Timestamp t) {
        return t == null ? null : TIMESTAMP.format(t.toLocalDateTime());
    }

    /** Prints a table: every row of a finite result is read before the first; a stream's print as they come. */
    private static long table(ResultSet rs, PrintWriter out, boolean stream) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        int[] types = types(md);
        int[] widths = new int[n];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            labels[i] = md.getColumnLabel(i + 1);
            widths[i] = labels[i].length();
        }
        if (stream) {
            for (int i = 0; i < n; i++) {
                widths[i] = Math.max(widths[i], Math.min(24, md.getColumnDisplaySize(i + 1)));
            }
        }
        List<String[]> first = new ArrayList<>();
        boolean more = true;
        while (!stream && (more = rs.next())) {
            String[] row = row(rs, types);
            for (int i = 0; i < n; i++) {
                widths[i] = Math.max(widths[i], row[i] == null ? 0 : row[i].length());
            }
            first.add(row);
        }
        line(out, labels, widths);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < n; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
        }
        out.println(rule);
        long count = 0;
        for (String[] row : first) {
            line(out, row, widths);
            count++;
        }
        out.flush();
        while (more && rs.next()) {
            line(out, row(rs, types), widths);
            out.flush();
            count++;
        }
        out.printf(Locale.ROOT, "(%d row%s)%n", count, count == 1 ? "" : "s");
        out.flush();
        return count;
    }

    private static int[] types(ResultSetMetaData md) throws SQLException {
        int[] t = new int[md.getColumnCount()];
        for (int i = 0; i < t.length; i++) {
            t[i] = md.getColumnType(i + 1);
        }
        return t;
    }

    private static String[] row(ResultSet rs, int[] types) throws SQLException {
        String[] row = new String[types.length];
        for (int i = 0; i < row.length; i++) {
            row[i] = text(rs, i + 1, types[i]);
        }
        return row;
    }

    /** One row of a table: the values separated by {@code |}, each but the last padded to its column's width. */
    static void line(PrintWriter out, String[] values, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            String v = values[i] == null ? "" : values[i];
            sb.append(i == 0 ? "" : " | ").append(v);
            if (i < values.length - 1) {
                sb.append(" ".repeat(Math.max(0, widths[i] - v.length())));
            }
        }
        out.println(sb);
    }

    private static long separated(ResultSet rs, PrintWriter out, CSVFormat format) throws SQLException, IOException {
        ResultSetMetaData md = rs.getMetaData();
        int[] types = types(md);
        CSVPrinter p = new CSVPrinter(out, format);
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= types.length; i++) {
            labels.add(md.getColumnLabel(i));
        }
        p.printRecord(labels);
        p.flush();
        long count = 0;
        while (rs.next()) {
            p.printRecord((Object[]) row(rs, types));
            p.flush();
            count++;
        }
        return count;
    }

    private static long json(ResultSet rs, PrintWriter out) throws SQLException, IOException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        int[] types = types(md);
        JsonGenerator g = new JsonFactory().createGenerator(out);
        g.setRootValueSeparator(null);
        long count = 0;
        while (rs.next()) {
            g.writeStartObject();
            for (int i = 1; i <= n; i++) {
                g.writeFieldName(md.getColumnLabel(i));
                Object v = rs.getObject(i);
                if (v == null) {
                    g.writeNull();
                } else if (types[i - 1] == Types.TIMESTAMP) {
                    g.writeString(timestamp(rs.getTimestamp(i)));
                } else if (v instanceof Boolean b) {
                    g.writeBoolean(b);
                } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                    g.writeNumber(((Number) v).longValue());
                } else if (v instanceof Number num) {
                    g.writeNumber(num.toString());
                } else if (v instanceof byte[] b) {
                    g.writeString(hex(b));
                } else {
                    g.writeString(v.toString());
                }
            }
            g.writeEndObject();
            g.writeRaw('\n');
            g.flush();
            count++;
        }
        return count;
    }
}
