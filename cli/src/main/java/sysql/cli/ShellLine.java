// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.History;
import org.jline.reader.LineReader;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.reader.impl.completer.AggregateCompleter;
import org.jline.reader.impl.completer.StringsCompleter;
import sqlline.BuiltInProperty;
import sqlline.SqlLine;
import sysql.calcite.schema.FieldColumns;
import sysql.calcite.schema.SysqlSchema;
import sysql.calcite.sql.SqlScript;

/**
 * sqlline with sysql's completion: sysdig's dotted field names ({@code proc.na<TAB>} gives {@code proc.name})
 * and the schema's tables, besides sqlline's own keywords; a way to print above the prompt; and the layout of a
 * result chosen per statement. sqlline has one layout for every result (its {@code incremental} option, read when
 * a result prints): the table aligned on all its rows, which a stream never finishes, or rows printed as they
 * arrive under a header sized before the first. So sqlline's loop reads its input from a reader that hands it
 * one statement at a time (a line with several is split as {@code sysql query} splits a script) and sets
 * {@code incremental} for each: on for a stream ({@link SqlScript#isStream}, as {@code sysql query} decides),
 * off otherwise. A {@code !run} script keeps the streaming layout (it may hold streams); other {@code !}
 * commands are judged by the SQL they carry ({@code !sql SELECT STREAM …}).
 */
final class ShellLine extends SqlLine {
    private volatile LineReader reader;
    /** What sqlline's loop reads: {@link #reader}, one statement at a time. */
    private LineReader statements;
    /** The statements of the last line read not yet handed to sqlline. */
    private final Deque<String> pending = new ArrayDeque<>();
    /** The warnings of the statements run (a window of the history that lost events), printed once each. */
    private final WarningsReader warnings = new WarningsReader();

    @Override
    public LineReader getConsoleReader(InputStream inputStream, History fileHistory) throws IOException {
        LineReader r = super.getConsoleReader(inputStream, fileHistory);
        if (reader == null) {
            if (r instanceof LineReaderImpl impl) {
                Completer sqlline = impl.getCompleter();
                impl.setCompleter(sqlline == null ? names() : new AggregateCompleter(sqlline, names()));
            }
            reader = r;
            statements = (LineReader) Proxy.newProxyInstance(
                    LineReader.class.getClassLoader(),
                    new Class<?>[] {LineReader.class},
                    (proxy, method, args) -> read(method, args));
        }
        return r == reader ? statements : r;
    }

    /** {@code readLine}: the next statement, the layout set for it; any other method: the reader's. */
    private Object read(Method method, Object[] args) throws Throwable {
        if (!method.getName().equals("readLine")) {
            return call(method, args);
        }
        printWarnings();
        if (pending.isEmpty()) {
            String line = (String) call(method, args);
            if (line == null) {
                return null;
            }
            pending.addAll(split(line));
        }
        String next = pending.poll();
        getOpts().set(BuiltInProperty.INCREMENTAL, streams(next));
        return next;
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(reader, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A line of several statements as one line each (with its ';'); any other line as it is. */
    static List<String> split(String line) {
        if (line.strip().startsWith(COMMAND_PREFIX)) {
            return List.of(line);
        }
        List<String> parts = SqlScript.statements(line);
        return parts.size() <= 1
                ? List.of(line)
                : parts.stream().map(p -> p + ";").toList();
    }

    /** True if {@code line}'s result is to print as rows arrive: a stream, or a {@code !run} script. */
    static boolean streams(String line) {
        String text = line.strip();
        if (text.startsWith(COMMAND_PREFIX)) {
            String[] command = text.substring(COMMAND_PREFIX.length()).split("\\s+", 2);
            if (command[0].equals("run")) {
                return true;
            }
            text = command.length > 1 ? command[1] : "";
        }
        return SqlScript.statements(text).stream().anyMatch(SqlScript::isStream);
    }

    /** Field and table names, the fixed fields described by their SQL type. */
    private static Completer names() {
        List<Candidate> candidates = new ArrayList<>();
        for (var f : FieldColumns.eventFields()) {
            boolean parametric = FieldColumns.isParametric(f.name());
            candidates.add(new Candidate(
                    f.name(),
                    f.name(),
                    parametric ? "parametric fields" : "fields",
                    FieldColumns.sqlType(f.type()).getName(),
                    null,
                    null,
                    true));
        }
        for (String t : SysqlSchema.TABLE_NAMES) {
            candidates.add(new Candidate(t, t, "tables", null, null, null, true));
        }
        return new StringsCompleter(candidates);
    }

    /** Prints the warnings the last statement gave (on sqlline's own connection, if it has one). */
    private void printWarnings() {
        java.sql.Connection c = currentConnection();
        if (c != null) {
            for (String w : warnings.next(c)) {
                printAbove("warning: " + w);
            }
        }
    }

    /**
     * sqlline's current connection, or null. sqlline 1.12 keeps its accessor package-private (it has no public
     * one), so it is called by reflection; should a later sqlline change it, the shell only loses the warnings.
     */
    private java.sql.Connection currentConnection() {
        try {
            Method m = SqlLine.class.getDeclaredMethod("getConnection");
            m.setAccessible(true);
            return (java.sql.Connection) m.invoke(this);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
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
