// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A fleet query's rows (Flink's) printed as they come, in the formats of {@code sysql query}: table (a stream's,
 * columns at least as wide as their labels), csv, tsv or json lines; values as sysql prints them (TIMESTAMP with
 * three fraction digits, VARBINARY as hex).
 */
final class FleetPrinter {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern(ResultPrinter.TIMESTAMP_PATTERN);

    private final ResultPrinter.Format format;
    private final List<String> labels;
    private final PrintWriter out;
    private final int[] widths;
    private CSVPrinter csv;
    private JsonGenerator json;
    private long rows;

    FleetPrinter(ResultPrinter.Format format, List<String> labels, PrintWriter out) throws IOException {
        if (format.binary()) {
            throw new IllegalArgumentException("--format " + format.name().toLowerCase(java.util.Locale.ROOT)
                    + " is not one sysql fleet prints: table, csv, tsv or json");
        }
        this.format = format;
        this.labels = labels;
        this.out = out;
        this.widths = new int[labels.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = Math.max(12, labels.get(i).length());
        }
        switch (format) {
            case TABLE -> {
                line(labels.toArray(String[]::new));
                StringBuilder rule = new StringBuilder();
                for (int i = 0; i < widths.length; i++) {
                    rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
                }
                out.println(rule);
            }
            case CSV, TSV -> {
                csv = new CSVPrinter(
                        out,
                        (format == ResultPrinter.Format.CSV ? CSVFormat.DEFAULT : CSVFormat.TDF)
                                .builder()
                                .setRecordSeparator('\n')
                                .get());
                csv.printRecord(labels);
            }
            default -> {
                json = new JsonFactory().createGenerator(out);
                json.setRootValueSeparator(null);
            }
        }
        out.flush();
    }

    /** Prints one row (the values in the labels' order). */
    void print(Object[] values) throws IOException {
        rows++;
        switch (format) {
            case TABLE -> {
                String[] text = new String[values.length];
                for (int i = 0; i < values.length; i++) {
                    text[i] = text(values[i]);
                }
                line(text);
            }
            case CSV, TSV -> {
                Object[] text = new Object[values.length];
                for (int i = 0; i < values.length; i++) {
                    text[i] = text(values[i]);
                }
                csv.printRecord(text);
                csv.flush();
            }
            default -> {
                json.writeStartObject();
                for (int i = 0; i < values.length; i++) {
                    json.writeFieldName(labels.get(i));
                    Object v = values[i];
                    if (v == null) {
                        json.writeNull();
                    } else if (v instanceof Boolean b) {
                        json.writeBoolean(b);
                    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                        json.writeNumber(((Number) v).longValue());
                    } else if (v instanceof Number n) {
                        json.writeNumber(n.toString());
                    } else {
                        json.writeString(text(v));
                    }
                }
                json.writeEndObject();
                json.writeRaw('\n');
                json.flush();
            }
        }
        out.flush();
    }

    /** The table's closing line, after the last row. */
    void end() {
        if (format == ResultPrinter.Format.TABLE) {
            out.printf(java.util.Locale.ROOT, "(%d row%s)%n", rows, rows == 1 ? "" : "s");
        }
        out.flush();
    }

    private static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof LocalDateTime t) {
            return TIMESTAMP.format(t);
        }
        if (v instanceof byte[] b) {
            return ResultPrinter.hex(b);
        }
        return v.toString();
    }

    private void line(String[] values) {
        ResultPrinter.line(out, values, widths);
    }
}
