package sysql.cli;

import java.util.List;
import sqlline.Application;

/** sqlline as sysql's shell: its banner and its connection examples. */
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
    public List<String> getConnectionUrlExamples() {
        return List.of("jdbc:sysql:", "jdbc:sysql:file=/path/to/trace.scap", "jdbc:sysql:history=off");
    }
}
