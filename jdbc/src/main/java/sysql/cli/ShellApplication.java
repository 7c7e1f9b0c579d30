package sysql.cli;

import java.nio.file.Path;
import java.util.List;
import sqlline.Application;
import sqlline.BuiltInProperty;
import sqlline.SqlLine;
import sqlline.SqlLineOpts;

/**
 * sqlline as sysql's shell: its banner, its settings (sqlline applies an application's options after the
 * command line's, so they are set here) and its connection examples.
 */
public final class ShellApplication extends Application {
    static final String BANNER = String.join("\n",
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
        opts.set(BuiltInProperty.INCREMENTAL, true);       // a stream's rows print as they arrive
        opts.set(BuiltInProperty.MAX_COLUMN_WIDTH, 60);
        opts.set(BuiltInProperty.SHOW_WARNINGS, false);
        opts.set(BuiltInProperty.ISOLATION, "TRANSACTION_NONE");
        opts.set(BuiltInProperty.AUTO_PAIRING, false);
        opts.set(BuiltInProperty.CONNECT_INTERACTION_MODE, "notAskCredentials");
        opts.set(BuiltInProperty.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".sysql_history").toString());
        return opts;
    }

    @Override
    public List<String> getConnectionUrlExamples() {
        return List.of("jdbc:sysql:", "jdbc:sysql:file=/path/to/trace.scap", "jdbc:sysql:history=off");
    }
}
