package sysql.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.History;
import org.jline.reader.LineReader;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.reader.impl.completer.AggregateCompleter;
import org.jline.reader.impl.completer.StringsCompleter;
import sqlline.SqlLine;
import sysql.calcite.schema.FieldColumns;
import sysql.calcite.schema.SysqlSchema;

/**
 * sqlline with sysql's completion: sysdig's dotted field names ({@code proc.na<TAB>} gives {@code proc.name})
 * and the schema's tables, besides sqlline's own keywords; and a way to print above the prompt.
 */
final class ShellLine extends SqlLine {
    private volatile LineReader reader;

    @Override
    public LineReader getConsoleReader(InputStream inputStream, History fileHistory) throws IOException {
        LineReader r = super.getConsoleReader(inputStream, fileHistory);
        if (reader == null && r instanceof LineReaderImpl impl) {
            Completer sqlline = impl.getCompleter();
            impl.setCompleter(sqlline == null ? names() : new AggregateCompleter(sqlline, names()));
            reader = r;
        }
        return r;
    }

    /** Field and table names, the fixed fields described by their SQL type. */
    private static Completer names() {
        List<Candidate> candidates = new ArrayList<>();
        for (var f : FieldColumns.eventFields()) {
            boolean parametric = FieldColumns.isParametric(f.name());
            candidates.add(new Candidate(f.name(), f.name(), parametric ? "parametric fields" : "fields",
                    FieldColumns.sqlType(f.type()).getName(), null, null, true));
        }
        for (String t : SysqlSchema.TABLE_NAMES) {
            candidates.add(new Candidate(t, t, "tables", null, null, null, true));
        }
        return new StringsCompleter(candidates);
    }

    /** Prints {@code message} above the prompt (or on stderr before the terminal is up). */
    void printAbove(String message) {
        LineReader r = reader;
        if (r != null) {
            r.printAbove(message);
        } else {
            System.err.println(message);
        }
    }
}
