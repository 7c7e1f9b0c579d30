// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.type.SqlTypeName;
import sysql.calcite.SysqlEngine;
import sysql.capture.CaptureException;
import sysql.capture.engine.CaptureHub;
import sysql.capture.fields.EventContext;
import sysql.capture.fields.Field;
import sysql.capture.state.FdInfo;
import sysql.capture.state.FdTable;
import sysql.capture.state.FdType;
import sysql.capture.state.ThreadInfo;
import sysql.capture.state.Users;

/**
 * The state tables, read from a copy of the live state taken when the query runs (for a capture file, the
 * state it recorded before its first event). Their columns are catalog fields, named as sysdig names them,
 * so they join with {@code events} on {@code proc.pid}, {@code fd.num}...
 */
final class StateTables {
    private StateTables() {}

    static final List<String> PROCESS_FIELDS = List.of(
            "proc.pid",
            "proc.ppid",
            "thread.tid",
            "thread.ismain",
            "proc.name",
            "proc.exe",
            "proc.exepath",
            "proc.args",
            "proc.cmdline",
            "proc.exeline",
            "proc.cwd",
            "proc.pname",
            "proc.pcmdline",
            "proc.nthreads",
            "proc.nchilds",
            "proc.loginshellid",
            "proc.duration",
            "proc.fdopencount",
            "proc.fdlimit",
            "proc.vmsize",
            "proc.vmrss",
            "proc.vmswap",
            "thread.pfmajor",
            "thread.pfminor",
            "thread.vtid",
            "proc.vpid",
            "proc.sid",
            "proc.vpgid",
            "proc.tty",
            "thread.cgroups",
            "user.uid",
            "user.name",
            "user.loginuid",
            "user.loginname",
            "group.gid",
            "group.name",
            "container.id",
            "container.name",
            "container.type",
            "container.image");

    static final List<String> FD_FIELDS = List.of(
            "proc.pid",
            "proc.name",
            "fd.num",
            "fd.type",
            "fd.typechar",
            "fd.name",
            "fd.directory",
            "fd.filename",
            "fd.l4proto",
            "fd.sockfamily",
            "fd.cip",
            "fd.cport",
            "fd.sip",
            "fd.sport",
            "fd.lip",
            "fd.lport",
            "fd.rip",
            "fd.rport",
            "fd.is_server",
            "fd.connected",
            "fd.dev",
            "fd.uid",
            "container.id");

    static final List<String> CONNECTION_FIELDS = List.of(
            "proc.pid",
            "proc.name",
            "fd.num",
            "fd.type",
            "fd.l4proto",
            "fd.sockfamily",
            "fd.cip",
            "fd.cport",
            "fd.sip",
            "fd.sport",
            "fd.lip",
            "fd.lport",
            "fd.rip",
            "fd.rport",
            "fd.is_server",
            "fd.connected",
            "fd.name",
            "container.id");

    private static final Set<FdType> SOCKETS = Set.of(FdType.IPV4, FdType.IPV6, FdType.UNIX);

    /** {@code processes}: one row per thread, like {@code ps -eL}. */
    static RowTable processes(SysqlEngine engine) {
        return processes(engine::state);
    }

    /**
     * {@code processes_at_end}: the same after the last event: for a file, the threads when it has been read to its
     * end (csysdig's views list these); live, the same as {@code processes}.
     */
    static RowTable processesAtEnd(SysqlEngine engine) {
        return processes(engine::stateAtEnd);
    }

    /** The state a table shows: at the first event or at the end of a file. */
    interface Snapshot {
        CaptureHub.StateSnapshot take() throws CaptureException;
    }

    private static RowTable processes(Snapshot snapshot) {
        List<Field> fields = fields(PROCESS_FIELDS);
        return new RowTable(RowTable.fieldColumns(fields)) {
            @Override
            List<Object[]> rows() throws CaptureException {
                CaptureHub.StateSnapshot s = snapshot.take();
                EventContext c = EventContext.forStateRows(s.threads(), s.users());
                List<ThreadInfo> threads = sorted(s);
                List<Object[]> rows = new ArrayList<>(threads.size());
                for (ThreadInfo t : threads) {
                    c.moveToState(t, null, s.timeNanos());
                    rows.add(values(fields, c));
                }
                return rows;
            }
        };
    }

    /** {@code fds}: one row per open descriptor of each process, like {@code lsof}. */
    static RowTable fds(SysqlEngine engine) {
        return descriptors(engine, fields(FD_FIELDS), false);
    }

    /** {@code connections}: the sockets (inet and unix) with their tuples. */
    static RowTable connections(SysqlEngine engine) {
        return descriptors(engine, fields(CONNECTION_FIELDS), true);
    }

    private static RowTable descriptors(SysqlEngine engine, List<Field> fields, boolean socketsOnly) {
        return new RowTable(RowTable.fieldColumns(fields)) {
            @Override
            List<Object[]> rows() throws CaptureException {
                CaptureHub.StateSnapshot s = engine.state();
                EventContext c = EventContext.forStateRows(s.threads(), s.users());
                List<Object[]> rows = new ArrayList<>();
                Map<FdTable, Boolean> seen = new IdentityHashMap<>();
                for (ThreadInfo t : sorted(s)) {
                    FdTable table = s.threads().fdTable(t);
                    // Threads that share a table (CLONE_FILES) list it once, for the first of them (by tid).
                    if (table == null || seen.put(table, Boolean.TRUE) != null) {
                        continue;
                    }
                    ThreadInfo owner = t;
                    List<FdInfo> fds = new ArrayList<>(table.all());
                    fds.sort((a, b) -> Long.compare(a.fd(), b.fd()));
                    for (FdInfo fd : fds) {
                        if (socketsOnly && !SOCKETS.contains(fd.type())) {
                            continue;
                        }
                        c.moveToState(owner, fd, s.timeNanos());
                        rows.add(values(fields, c));
                    }
                }
                return rows;
            }
        };
    }

    /** {@code containers}: the containers the processes run in ({@code host} for none), with their counts. */
    static RowTable containers(SysqlEngine engine) {
        List<Field> fields = fields(List.of("container.id", "container.name", "container.image", "container.type"));
        List<RowTable.Column> columns = new ArrayList<>(RowTable.fieldColumns(fields));
        columns.add(column("processes", SqlTypeName.BIGINT));
        columns.add(column("threads", SqlTypeName.BIGINT));
        return new RowTable(columns) {
            @Override
            List<Object[]> rows() throws CaptureException {
                CaptureHub.StateSnapshot s = engine.state();
                EventContext c = EventContext.forStateRows(s.threads(), s.users());
                Map<String, Object[]> byId = new LinkedHashMap<>();
                for (ThreadInfo t : sorted(s)) {
                    Object[] row = byId.get(t.containerId());
                    if (row == null) {
                        c.moveToState(t, null, s.timeNanos());
                        Object[] v = values(fields, c);
                        row = java.util.Arrays.copyOf(v, v.length + 2);
                        row[v.length] = 0L;
                        row[v.length + 1] = 0L;
                        byId.put(t.containerId(), row);
                    }
                    int n = fields.size();
                    if (t.isMainThread()) {
                        row[n] = (Long) row[n] + 1;
                    }
                    row[n + 1] = (Long) row[n + 1] + 1;
                }
                return new ArrayList<>(byId.values());
            }
        };
    }

    /** {@code users}: the users the host (or the file) names. */
    static RowTable users(SysqlEngine engine) {
        return new RowTable(List.of(
                column("user.uid", SqlTypeName.BIGINT),
                column("user.name", SqlTypeName.VARCHAR),
                column("user.homedir", SqlTypeName.VARCHAR),
                column("user.shell", SqlTypeName.VARCHAR),
                column("group.gid", SqlTypeName.BIGINT))) {
            @Override
            List<Object[]> rows() throws CaptureException {
                Users users = engine.state().users();
                List<Users.User> all = new ArrayList<>(users.users());
                all.sort((a, b) -> Integer.compareUnsigned(a.uid(), b.uid()));
                List<Object[]> rows = new ArrayList<>();
                for (Users.User u : all) {
                    rows.add(new Object[] {
                        Integer.toUnsignedLong(u.uid()), u.name(), u.home(), u.shell(), Integer.toUnsignedLong(u.gid())
                    });
                }
                return rows;
            }
        };
    }

    /** {@code groups}: the groups the host (or the file) names. */
    static RowTable groups(SysqlEngine engine) {
        return new RowTable(
                List.of(column("group.gid", SqlTypeName.BIGINT), column("group.name", SqlTypeName.VARCHAR))) {
            @Override
            List<Object[]> rows() throws CaptureException {
                List<Object[]> rows = new ArrayList<>();
                List<Map.Entry<Integer, String>> all =
                        new ArrayList<>(engine.state().users().groups().entrySet());
                all.sort((a, b) -> Integer.compareUnsigned(a.getKey(), b.getKey()));
                for (Map.Entry<Integer, String> g : all) {
                    rows.add(new Object[] {Integer.toUnsignedLong(g.getKey()), g.getValue()});
                }
                return rows;
            }
        };
    }

    private static List<Field> fields(List<String> names) {
        return RowTable.fields(names);
    }

    private static RowTable.Column column(String name, SqlTypeName type) {
        return RowTable.column(name, type);
    }

    /** The snapshot's threads by pid, then tid. */
    private static List<ThreadInfo> sorted(CaptureHub.StateSnapshot s) {
        List<ThreadInfo> threads = new ArrayList<>(s.threads().all());
        threads.sort((a, b) -> a.pid() != b.pid() ? Long.compare(a.pid(), b.pid()) : Long.compare(a.tid(), b.tid()));
        return Collections.unmodifiableList(threads);
    }
}
