// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.nio.file.Path;
import java.util.List;
import sqlline.Application;
import sqlline.BuiltInProperty;
import sqlline.SqlLine;
import sqlline.SqlLineOpts;

/**
 * sqlline as sysql's shell: its banner, its settings (sqlline applies an application's options after the
 * command line's, so they are set here) and its connection examples. Results print as psql prints them: a finite
 * one aligned on all its rows, NULL as an empty cell, a timestamp always with its milliseconds.
 */
public final class ShellApplication extends Application {
    static final String BANNER = String.join(
            "\n",
            "sysql 0.1.0: SQL over this host's system calls.",
            "  SELECT STREAM ... FROM events     the live stream (Ctrl-C stops a query)",
            "  SELECT ... FROM events            the recent history",
            "  processes, fds, connections, containers, users, groups: the state now",
            "  fields, event_types: the catalogs; capture_stats: drops and the kernel filter",
            "End statements with ';'. !help lists the shell's commands, !quit leaves.");

    @Override
    public String getInfoMessage() {
        return BANNER;
    }

    @Override
    public SqlLineOpts getOpts(SqlLine sqlLine) {
        SqlLineOpts opts = super.getOpts(sqlLine);
        opts.set(BuiltInProperty.PROMPT, "sysql> ");
        // A finite result is read whole and aligned like psql's (widths from every row); ShellLine switches to
        // the incremental layout for a stream, whose rows print as they arrive.
        opts.set(BuiltInProperty.INCREMENTAL, false);
        opts.set(BuiltInProperty.INCREMENTAL_BUFFER_ROWS, -1);
        opts.set(BuiltInProperty.TIMESTAMP_FORMAT, ResultPrinter.TIMESTAMP_PATTERN); // 04:49:53.530, not .53
        opts.set(BuiltInProperty.DATE_FORMAT, "yyyy-MM-dd");
        opts.set(BuiltInProperty.TIME_FORMAT, "HH:mm:ss");
        opts.set(BuiltInProperty.NULL_VALUE, ""); // psql's empty cell, not "null"
        opts.set(BuiltInProperty.MAX_COLUMN_WIDTH, 60);
        opts.set(BuiltInProperty.SHOW_WARNINGS, false);
        opts.set(BuiltInProperty.ISOLATION, "TRANSACTION_NONE");
        opts.set(BuiltInProperty.AUTO_PAIRING, false);
        opts.set(BuiltInProperty.CONNECT_INTERACTION_MODE, "notAskCredentials");
        opts.set(
                BuiltInProperty.HISTORY_FILE,
                Path.of(System.getProperty("user.home"), ".sysql_history").toString());
        return opts;
    }

    @Override
    public List<String> getConnectionUrlExamples() {
        return List.of("jdbc:sysql:", "jdbc:sysql:file=/path/to/trace.scap", "jdbc:sysql:history=off");
    }
}
