// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sysql.calcite.sql.SqlScript;

/** The one query of a command that runs one ({@code export}, {@code fleet}): an argument, or a file with {@code -f}. */
final class OneQuery {
    @Parameters(arity = "0..1", paramLabel = "SQL", description = "The query (or use -f).")
    String sql;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE.sql",
            description = "Read the query from this file.")
    Path sqlFile;

    /**
     * The query; an {@link IllegalArgumentException} saying what is wrong when there is none, both, an unreadable
     * file, or more than one statement.
     */
    String query() throws IOException {
        String text;
        if (sql != null && sqlFile != null) {
            throw new IllegalArgumentException("give the query as an argument or with -f, not both");
        }
        if (sqlFile != null) {
            if (!Files.isReadable(sqlFile)) {
                throw new IllegalArgumentException("cannot read " + sqlFile + ": no such file or not readable");
            }
            text = Files.readString(sqlFile);
        } else if (sql != null) {
            text = sql;
        } else {
            throw new IllegalArgumentException("no query given: pass one as an argument or with -f FILE.sql");
        }
        List<String> statements = SqlScript.statements(text);
        if (statements.size() != 1) {
            throw new IllegalArgumentException("give one query (" + statements.size() + " statements given)");
        }
        return statements.get(0);
    }
}
