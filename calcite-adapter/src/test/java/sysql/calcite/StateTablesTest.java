// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sysql.calcite.TestConnections.rows;

import java.nio.file.Files;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sysql.calcite.schema.CatalogTables;
import sysql.calcite.schema.FieldColumns;
import sysql.capture.fields.Field;
import sysql.capture.scap.GroupInfo;
import sysql.capture.scap.InitialState;
import sysql.capture.scap.ProcessInfo;
import sysql.capture.scap.ScapFdInfo;
import sysql.capture.scap.ScapFdType;
import sysql.capture.scap.ScapFileSource;
import sysql.capture.scap.UserInfo;

/**
 * The state tables of a file connection are what the file recorded before its first event (its process list
 * with each thread's fds, its users and groups), read here straight from the file; the catalog tables are the
 * catalog, and every event type of sysdig's {@code -L} is in {@code event_types}.
 */
class StateTablesTest {
    /** Files with many threads, fds of every kind (files, IPv4/IPv6/unix sockets), containers. */
    private static final List<String> FILES = List.of(
            "libs_single_ipv6_conn.scap",
            "bencer_example4_example4-1.scap",
            "falco_empty.scap",
            "falco_connect_localhost.scap");

    private static InitialState initialState(String file) throws Exception {
        try (ScapFileSource source = ScapFileSource.open(TestConnections.scap(file))) {
            return source.initialState();
        }
    }

    private static Set<List<Object>> set(List<List<Object>> rows) {
        Set<List<Object>> s = new HashSet<>(rows);
        assertEquals(rows.size(), s.size(), "no row twice");
        return s;
    }

    /**
     * {@code processes_at_end}: the threads after the file's last event. A process that exited during the file is
     * gone (python in open-multiple-files: its procexit is in the events); a thread first met in an event is there
     * (16518 in falco_syscall, which the file's thread list lacks); both differ from {@code processes}.
     */
    @Test
    void processesAtEndIsTheStateAfterTheLastEvent() throws Exception {
        try (Connection c = TestConnections.file("falco_open-multiple-files.scap")) {
            assertEquals(List.of(List.of(1L)), rows(c, "SELECT COUNT(*) FROM processes WHERE thread.tid = 16569"));
            assertEquals(
                    List.of(List.of(1L)),
                    rows(c, "SELECT COUNT(*) FROM events WHERE thread.tid = 16569 AND evt.type = 'procexit'"));
            assertEquals(
                    List.of(List.of(0L)), rows(c, "SELECT COUNT(*) FROM processes_at_end WHERE thread.tid = 16569"));
            assertEquals(
                    rows(c, "SELECT COUNT(*) - 1 FROM processes"), rows(c, "SELECT COUNT(*) FROM processes_at_end"));
        }
        try (Connection c = TestConnections.file("falco_syscall.scap")) {
            assertEquals(List.of(List.of(0L)), rows(c, "SELECT COUNT(*) FROM processes WHERE thread.tid = 16518"));
            assertEquals(
                    List.of(List.of(1L)), rows(c, "SELECT COUNT(*) FROM processes_at_end WHERE thread.tid = 16518"));
        }
    }

    @Test
    void processesAreTheFilesThreadList() throws Exception {
        for (String file : FILES) {
            InitialState state = initialState(file);
            try (Connection c = TestConnections.file(file)) {
                Set<List<Object>> expected = new HashSet<>();
                for (ProcessInfo p : state.processes()) {
                    expected.add(List.of(p.tid(), p.pid(), p.comm(), p.tid() == p.pid()));
                }
                List<List<Object>> rows =
                        rows(c, "SELECT thread.tid, proc.pid, proc.name, thread.ismain FROM processes");
                assertEquals(expected, set(rows), file);
                assertEquals(
                        List.of(List.of(
                                (long) state.processes().size(),
                                state.processes().stream()
                                        .filter(ProcessInfo::isMainThread)
                                        .count())),
                        rows(c, "SELECT COUNT(*), COUNT(DISTINCT proc.pid) FROM processes"),
                        file);
                assertTrue(
                        state.processes().size() > 10,
                        file + ": threads " + state.processes().size());
            }
        }
    }

    @Test
    void fdsAreEachProcesssDescriptorsAndConnectionsItsSockets() throws Exception {
        Set<String> sockets = Set.of("ipv4", "ipv6", "unix");
        for (String file : FILES) {
            InitialState state = initialState(file);
            Map<Long, Long> pidOf = new HashMap<>();
            state.processes().forEach(p -> pidOf.put(p.tid(), p.pid()));
            Set<List<Object>> expected = new HashSet<>();
            Map<List<Object>, String> fileNames = new HashMap<>();
            for (ScapFdInfo f : state.fds()) {
                Long pid = pidOf.get(f.tid());
                if (pid != null) {
                    expected.add(List.of(pid, f.fd()));
                    if (f.type() == ScapFdType.FILE || f.type() == ScapFdType.FILE_V2) {
                        fileNames.put(List.of(pid, f.fd()), f.name());
                    }
                }
            }
            try (Connection c = TestConnections.file(file)) {
                Set<List<Object>> got = new HashSet<>();
                int files = 0;
                for (List<Object> r : rows(c, "SELECT proc.pid, fd.num, fd.type, fd.name FROM fds")) {
                    List<Object> key = List.of(r.get(0), r.get(1));
                    got.add(key);
                    if (fileNames.containsKey(key)) {
                        assertEquals("file", r.get(2), file + " " + key);
                        assertEquals(fileNames.get(key), r.get(3), file + " " + key);
                        files++;
                    }
                }
                assertEquals(expected, got, file + ": (pid, fd) of every descriptor");
                assertEquals(fileNames.size(), files, file);

                String columns = "proc.pid, fd.num, fd.type, fd.l4proto, fd.sip, fd.sport, fd.cip, fd.cport, fd.name";
                Set<List<Object>> connections = set(rows(c, "SELECT " + columns + " FROM connections"));
                Set<List<Object>> socketFds = new HashSet<>();
                for (List<Object> r : rows(c, "SELECT " + columns + " FROM fds")) {
                    if (sockets.contains((String) r.get(2))) {
                        socketFds.add(r);
                    }
                }
                assertEquals(socketFds, connections, file + ": connections are the sockets of fds");
            }
        }
    }

    @Test
    void aFileWithSocketsHasInetConnectionsWithTheirTuples() throws Exception {
        try (Connection c = TestConnections.file("libs_single_ipv6_conn.scap")) {
            List<List<Object>> inet = rows(
                    c,
                    "SELECT fd.type, fd.l4proto, fd.sport, fd.name FROM connections"
                            + " WHERE fd.type IN ('ipv4', 'ipv6')");
            assertFalse(inet.isEmpty());
            for (List<Object> r : inet) {
                assertTrue(r.get(1) != null && r.get(3) != null, "protocol and tuple: " + r);
            }
        }
    }

    @Test
    void usersAndGroupsAreTheFilesLists() throws Exception {
        for (String file : FILES) {
            InitialState state = initialState(file);
            Set<List<Object>> users = new HashSet<>();
            for (UserInfo u : state.users()) {
                users.add(List.of(
                        Integer.toUnsignedLong(u.uid()),
                        u.name(),
                        u.homedir(),
                        u.shell(),
                        Integer.toUnsignedLong(u.gid())));
            }
            Set<List<Object>> groups = new HashSet<>();
            for (GroupInfo g : state.groups()) {
                groups.add(List.of(Integer.toUnsignedLong(g.gid()), g.name()));
            }
            try (Connection c = TestConnections.file(file)) {
                assertEquals(
                        users,
                        set(rows(c, "SELECT user.uid, user.name, user.homedir, user.shell, group.gid" + " FROM users")),
                        file);
                assertEquals(groups, set(rows(c, "SELECT group.gid, group.name FROM groups")), file);
                if (!users.isEmpty()) {
                    // the users of the processes: a join on the names of both tables
                    List<List<Object>> named = rows(
                            c,
                            "SELECT p.user.name, u.user.name FROM processes p"
                                    + " JOIN users u ON p.user.uid = u.user.uid");
                    assertFalse(named.isEmpty(), file);
                    named.forEach(r -> assertEquals(r.get(1), r.get(0), file));
                }
            }
        }
    }

    @Test
    void containersCountTheirProcessesAndThreads() throws Exception {
        for (String file : FILES) {
            try (Connection c = TestConnections.file(file)) {
                Set<List<Object>> expected = set(rows(
                        c,
                        "SELECT container.id,"
                                + " SUM(CASE WHEN thread.ismain THEN 1 ELSE 0 END), COUNT(*) FROM processes"
                                + " GROUP BY container.id"));
                Set<List<Object>> got = set(rows(c, "SELECT container.id, processes, threads FROM containers"));
                // SUM gives INTEGER, the table BIGINT: compare as numbers
                assertEquals(normalized(expected), normalized(got), file);
                assertTrue(got.stream().anyMatch(r -> "host".equals(r.get(0))), file + ": " + got);
            }
        }
        try (Connection c = TestConnections.file("bencer_example4_example4-1.scap")) {
            assertTrue(
                    rows(c, "SELECT container.id FROM containers WHERE container.id <> 'host'")
                                    .size()
                            > 0,
                    "docker-compose's containers");
        }
    }

    private static Set<List<Object>> normalized(Set<List<Object>> rows) {
        Set<List<Object>> out = new HashSet<>();
        for (List<Object> r : rows) {
            List<Object> n = new ArrayList<>();
            for (Object v : r) {
                n.add(v instanceof Number x ? (Object) x.longValue() : v);
            }
            out.add(n);
        }
        return out;
    }

    @Test
    void fieldsIsTheCatalogWithTheEventsTablesTypes() throws Exception {
        try (Connection c = TestConnections.file("falco_empty.scap")) {
            List<List<Object>> rows = rows(c, "SELECT name, class, type, parametric FROM fields");
            List<Field> fields = FieldColumns.eventFields();
            assertEquals(fields.size(), rows.size());
            Map<String, String> columnTypes = new HashMap<>();
            try (var rs = c.getMetaData().getColumns(null, "sysql", "events", null)) {
                while (rs.next()) {
                    columnTypes.put(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"));
                }
            }
            for (int i = 0; i < rows.size(); i++) {
                List<Object> r = rows.get(i);
                assertEquals(fields.get(i).name(), r.get(0));
                assertEquals(fields.get(i).fieldClass(), r.get(1));
                assertEquals(FieldColumns.isParametric(fields.get(i).name()), r.get(3));
                String columnType = columnTypes.get(fields.get(i).name());
                assertTrue(
                        columnType != null && columnType.startsWith((String) r.get(2)),
                        r + " is a column of type " + columnType);
            }
            assertEquals(
                    List.of(List.of(0L)),
                    rows(c, "SELECT COUNT(*) FROM fields WHERE description IS NULL" + " OR description = ''"));
            assertEquals(CatalogTables.fieldRows().size(), rows.size());
        }
    }

    @Test
    void fieldsHasSysdigsNamesOfEachClass() throws Exception {
        Set<String> sysdig = new HashSet<>();
        for (String line : Files.readAllLines(TestConnections.shared().resolve("sysdig-fields.txt"))) {
            if (line.matches("^[a-z]+\\.[a-z0-9_.]+ .*")) {
                sysdig.add(line.substring(0, line.indexOf(' ')));
            }
        }
        assertTrue(sysdig.size() > 200, "sysdig -l names: " + sysdig.size());
        try (Connection c = TestConnections.file("falco_empty.scap")) {
            Set<String> ours = new HashSet<>();
            rows(c, "SELECT name FROM fields WHERE NOT parametric").forEach(r -> ours.add((String) r.get(0)));
            for (String name : List.of(
                    "evt.num",
                    "evt.time",
                    "evt.type",
                    "evt.dir",
                    "evt.args",
                    "evt.res",
                    "evt.failed",
                    "evt.latency",
                    "proc.name",
                    "proc.pid",
                    "proc.exe",
                    "proc.cmdline",
                    "thread.tid",
                    "fd.name",
                    "fd.type",
                    "fd.sip",
                    "fd.sport",
                    "fd.l4proto",
                    "user.name",
                    "user.uid",
                    "group.name",
                    "container.id",
                    "container.name")) {
                assertTrue(sysdig.contains(name), name + " is sysdig's");
                assertTrue(ours.contains(name), name + " is in fields");
            }
            Set<String> unknown = new HashSet<>(ours);
            unknown.removeAll(sysdig);
            assertTrue(unknown.size() < ours.size() / 10, "names sysdig does not have: " + unknown);
        }
    }

    @Test
    void eventTypesHasEveryEventTypeOfSysdigWithItsParameters() throws Exception {
        Set<String> ours = new HashSet<>();
        try (Connection c = TestConnections.file("falco_empty.scap")) {
            for (List<Object> r : rows(c, "SELECT direction, name, params, nparams FROM event_types")) {
                ours.add(r.get(0) + " " + r.get(1) + "(" + r.get(2) + ")");
                String params = (String) r.get(2);
                assertEquals(params.isEmpty() ? 0 : params.split(", ").length, r.get(3), r.toString());
            }
        }
        List<String> missing = new ArrayList<>();
        int lines = 0;
        for (String line : Files.readAllLines(TestConnections.shared().resolve("sysdig-events.txt"))) {
            if (!line.isBlank()) {
                lines++;
                if (!ours.contains(line.strip())) {
                    missing.add(line);
                }
            }
        }
        assertTrue(lines > 250, "sysdig -L lines: " + lines);
        assertEquals(List.of(), missing, "sysdig -L lines not in event_types");
    }
}
