// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import sysql.testing.TestData;

/**
 * A server's connections belong to the user who opened them and its statements to their connection: to any other
 * caller they are as if they did not exist (no rows, no run, no close, no metadata), whatever ids it names.
 * Statement ids are not a count. The limits on connections and statements, per user and in all, refuse new work
 * and never close anybody's to make room. Over a capture file: no root needed.
 */
class SysqlMetaTest {
    static final String ALICE = Caller.http("alice");
    static final String MALLORY = Caller.http("mallory");

    static SysqlMeta meta(ServerLimits limits) throws Exception {
        Properties engine = new Properties();
        engine.setProperty("file", TestData.scap("falco_cat_write.scap").toString());
        engine.setProperty("engine", "embedded");
        return new SysqlMeta(SysqlServer.EMBEDDED_URL, engine, limits);
    }

    /** Work as a test writes it: it may throw what the Meta's calls declare. */
    interface Work<T> {
        T get() throws Exception;
    }

    static <T> T as(String who, Work<T> work) {
        return Caller.as(who, () -> {
            try {
                return work.get();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static void run(String who, Executable work) {
        Caller.as(who, () -> {
            try {
                work.execute();
            } catch (RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            return null;
        });
    }

    static <T extends Throwable> void refused(String who, Class<T> expected, Executable work) {
        Caller.as(who, () -> assertThrows(expected, work));
    }

    static List<Object> rows(Meta.Frame f) {
        List<Object> rows = new ArrayList<>();
        f.rows.forEach(rows::add);
        return rows;
    }

    @Test
    void aStatementIsItsConnectionsOnly() throws Exception {
        SysqlMeta meta = meta(ServerLimits.defaults());
        try {
            Meta.ConnectionHandle alice = new Meta.ConnectionHandle("alice-connection");
            Meta.ConnectionHandle mallory = new Meta.ConnectionHandle("mallory-connection");
            meta.openConnection(alice, Map.of());
            meta.openConnection(mallory, Map.of());
            Meta.StatementHandle mine = meta.createStatement(alice);
            meta.prepareAndExecute(mine, "SELECT evt.num FROM events ORDER BY evt.num", -1, 1, null);
            Meta.StatementHandle stolen = new Meta.StatementHandle(mallory.id, mine.id, null);
            assertThrows(NoSuchStatementException.class, () -> meta.fetch(stolen, 1, 100));
            assertThrows(NoSuchStatementException.class, () -> meta.prepareAndExecute(stolen, "SELECT 1", -1, 1, null));
            // as Avatica answers the close of a statement that does not exist: nothing happens
            assertDoesNotThrow(() -> meta.closeStatement(stolen));
            // alice's statement is untouched: its rows go on where they were
            List<Object> rows = rows(meta.fetch(mine, 1, 2));
            assertEquals(2, rows.size());
            assertEquals(2L, ((Number) ((Object[]) rows.get(0))[0]).longValue());
        } finally {
            meta.shutdown();
        }
    }

    @Test
    void anotherUsersConnectionAndStatementsAreAsIfTheyDidNotExist() throws Exception {
        SysqlMeta meta = meta(ServerLimits.defaults());
        try {
            Meta.ConnectionHandle alice = new Meta.ConnectionHandle("c-alice");
            run(ALICE, () -> meta.openConnection(alice, Map.of()));
            Meta.StatementHandle query = as(ALICE, () -> meta.createStatement(alice));
            as(ALICE, () -> meta.prepareAndExecute(query, "SELECT evt.num FROM events ORDER BY evt.num", -1, 1, null));
            Meta.MetaResultSet tables =
                    as(ALICE, () -> meta.getTables(alice, null, Meta.Pat.of(null), Meta.Pat.of(null), null));

            // mallory names alice's connection and statements by their ids: nothing is there for her
            refused(MALLORY, NoSuchConnectionException.class, () -> meta.createStatement(alice));
            refused(MALLORY, NoSuchConnectionException.class, () -> meta.prepare(alice, "SELECT 1", -1));
            refused(
                    MALLORY,
                    NoSuchConnectionException.class,
                    () -> meta.getTables(alice, null, Meta.Pat.of(null), Meta.Pat.of(null), null));
            refused(
                    MALLORY,
                    NoSuchConnectionException.class,
                    () -> meta.getColumns(alice, null, Meta.Pat.of(null), Meta.Pat.of(null), Meta.Pat.of(null)));
            refused(
                    MALLORY,
                    NoSuchConnectionException.class,
                    () -> meta.connectionSync(alice, new org.apache.calcite.avatica.ConnectionPropertiesImpl()));
            refused(MALLORY, NoSuchStatementException.class, () -> meta.fetch(query, 1, 100));
            refused(
                    MALLORY,
                    NoSuchStatementException.class,
                    () -> meta.prepareAndExecute(query, "SELECT 1", -1, 1, null));
            refused(MALLORY, NoSuchStatementException.class, () -> meta.execute(query, List.of(), 1));
            Meta.StatementHandle theirTables = new Meta.StatementHandle(alice.id, tables.statementId, null);
            refused(MALLORY, NoSuchStatementException.class, () -> meta.fetch(theirTables, 0, 100));
            // her closes are of nothing: alice's statement and connection stay
            run(MALLORY, () -> meta.closeStatement(query));
            run(MALLORY, () -> meta.closeConnection(alice));
            // nor can she take the id over: it is open (the same answer as for an id of her own)
            AvaticaRuntimeException taken = Caller.as(
                    MALLORY,
                    () -> assertThrows(AvaticaRuntimeException.class, () -> meta.openConnection(alice, Map.of())));
            assertTrue(taken.getErrorMessage().contains("already open"), taken.getErrorMessage());

            List<Object> rows = as(ALICE, () -> rows(meta.fetch(query, 1, 2)));
            assertEquals(2L, ((Number) ((Object[]) rows.get(0))[0]).longValue());
            run(ALICE, () -> meta.closeConnection(alice));
            // closed: now the id is free for anyone
            run(MALLORY, () -> meta.openConnection(alice, Map.of()));
            as(MALLORY, () -> meta.createStatement(alice));
        } finally {
            meta.shutdown();
        }
    }

    @Test
    void statementIdsAreNotACount() throws Exception {
        SysqlMeta meta = meta(ServerLimits.defaults());
        try {
            Meta.ConnectionHandle c = new Meta.ConnectionHandle("ids");
            meta.openConnection(c, Map.of());
            TreeSet<Integer> ids = new TreeSet<>();
            for (int i = 0; i < 8; i++) {
                ids.add(meta.createStatement(c).id);
                ids.add(meta.getCatalogs(c).statementId); // metadata answers too
            }
            assertEquals(16, ids.size());
            // a count would span 15; 16 random ids in 2^31 span far more
            assertTrue(ids.last() - ids.first() > 1_000_000, ids::toString);
            // a metadata answer leaves the id Avatica's counter gave it while its rows were read (negative)
            assertTrue(ids.first() > 0, ids::toString);
            // and it is closed under the id the client got
            Meta.ConnectionHandle c2 = new Meta.ConnectionHandle("ids-2");
            meta.openConnection(c2, Map.of());
            Meta.MetaResultSet tables = meta.getTables(c2, null, Meta.Pat.of(null), Meta.Pat.of(null), null);
            assertEquals(
                    1,
                    rows(tables.firstFrame).stream()
                            .filter(r -> "events".equals(((Object[]) r)[2]))
                            .count());
            int before = meta.statementsKept();
            meta.closeStatement(new Meta.StatementHandle(c2.id, tables.statementId, null));
            assertEquals(before - 1, meta.statementsKept());
        } finally {
            meta.shutdown();
        }
    }

    @Test
    void limitsRefuseNewWorkAndCloseNobodysToMakeRoom() throws Exception {
        // 6 connections in all, 4 a user; 5 statements a user
        SysqlMeta meta = meta(new ServerLimits(16, 64, 1000, 1 << 20, 30, 600, 60).withUsers(6, 4, 5));
        try {
            Meta.ConnectionHandle alices = new Meta.ConnectionHandle("alice-0");
            run(ALICE, () -> meta.openConnection(alices, Map.of()));
            Meta.StatementHandle aliceQuery = as(ALICE, () -> meta.createStatement(alices));
            as(
                    ALICE,
                    () -> meta.prepareAndExecute(
                            aliceQuery, "SELECT evt.num FROM events ORDER BY evt.num", -1, 1, null));

            List<Meta.ConnectionHandle> hers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Meta.ConnectionHandle h = new Meta.ConnectionHandle("mallory-" + i);
                run(MALLORY, () -> meta.openConnection(h, Map.of()));
                hers.add(h);
            }
            AvaticaRuntimeException perUser = Caller.as(
                    MALLORY,
                    () -> assertThrows(
                            AvaticaRuntimeException.class,
                            () -> meta.openConnection(new Meta.ConnectionHandle("mallory-4"), Map.of())));
            assertTrue(perUser.getErrorMessage().contains("--max-connections-per-user"), perUser.getErrorMessage());

            // statements: 5 for mallory across her connections, then refused
            for (int i = 0; i < 5; i++) {
                Meta.ConnectionHandle h = hers.get(i % hers.size());
                as(MALLORY, () -> meta.createStatement(h));
            }
            AvaticaRuntimeException statements = Caller.as(
                    MALLORY,
                    () -> assertThrows(AvaticaRuntimeException.class, () -> meta.createStatement(hers.get(3))));
            assertTrue(
                    statements.getErrorMessage().contains("--max-statements-per-user"), statements.getErrorMessage());
            Caller.as(
                    MALLORY,
                    () -> assertThrows(
                            AvaticaRuntimeException.class,
                            () -> meta.getTables(hers.get(0), null, Meta.Pat.of(null), Meta.Pat.of(null), null)));

            // alice still works: a statement more, a connection more, until the server's own limit (6)
            as(ALICE, () -> meta.createStatement(alices));
            run(ALICE, () -> meta.openConnection(new Meta.ConnectionHandle("alice-1"), Map.of()));
            AvaticaRuntimeException full = Caller.as(
                    ALICE,
                    () -> assertThrows(
                            AvaticaRuntimeException.class,
                            () -> meta.openConnection(new Meta.ConnectionHandle("alice-2"), Map.of())));
            assertTrue(full.getErrorMessage().contains("--max-connections"), full.getErrorMessage());
            // nobody's was closed to make room: alice's first query reads on
            List<Object> rows = as(ALICE, () -> rows(meta.fetch(aliceQuery, 1, 2)));
            assertEquals(2, rows.size());
            for (Meta.ConnectionHandle h : hers) { // and none of mallory's either
                as(MALLORY, () -> meta.connectionSync(h, new org.apache.calcite.avatica.ConnectionPropertiesImpl()));
            }
        } finally {
            meta.shutdown();
        }
    }

    /**
     * A statement counts from the moment its preparation begins: requests at once (each planning its query for a
     * while) cannot all pass the check before any is counted, and together overshoot the limit.
     */
    @Test
    void requestsAtOnceDoNotOvershootALimit() throws Exception {
        SysqlMeta meta = meta(new ServerLimits(16, 64, 1000, 1 << 20, 30, 600, 60).withUsers(64, 8, 4));
        try {
            List<Meta.ConnectionHandle> hers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Meta.ConnectionHandle h = new Meta.ConnectionHandle("mallory-" + i);
                run(MALLORY, () -> meta.openConnection(h, Map.of()));
                hers.add(h);
            }
            int requests = 16;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(requests);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(requests);
            List<java.util.concurrent.Future<String>> outcomes = new ArrayList<>();
            try {
                for (int i = 0; i < requests; i++) {
                    Meta.ConnectionHandle h = hers.get(i % hers.size());
                    boolean metadata = i % 4 == 3;
                    outcomes.add(pool.submit(() -> Caller.as(MALLORY, () -> {
                        try {
                            start.await();
                            if (metadata) {
                                meta.getColumns(h, null, Meta.Pat.of(null), Meta.Pat.of(null), Meta.Pat.of(null));
                            } else {
                                meta.prepare(
                                        h,
                                        "SELECT proc.name, fd.name, COUNT(*) FROM events WHERE evt.type = 'openat' "
                                                + "GROUP BY proc.name, fd.name ORDER BY 3 DESC",
                                        -1);
                            }
                            return "made";
                        } catch (AvaticaRuntimeException e) {
                            return e.getErrorMessage();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })));
                }
                List<String> made = new ArrayList<>();
                List<String> refusals = new ArrayList<>();
                for (var f : outcomes) {
                    String outcome = f.get();
                    ("made".equals(outcome) ? made : refusals).add(outcome);
                }
                assertEquals(4, made.size(), refusals::toString);
                for (String r : refusals) {
                    assertTrue(r.contains("--max-statements-per-user"), r);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(4, meta.statementsKept()); // nothing else kept, under any id
        } finally {
            meta.shutdown();
        }
    }

    @Test
    void aShortHeapStopsTheQueryRunningLongestInOneLine() throws Exception {
        Properties engine = new Properties();
        engine.setProperty("file", TestData.scap("falco_cat_write.scap").toString());
        engine.setProperty("engine", "embedded");
        // a guard that finds the heap short after any collection: what it does then is under test
        SysqlMeta meta =
                new SysqlMeta(SysqlServer.EMBEDDED_URL, engine, ServerLimits.defaults(), new MemoryGuard(80, 1));
        try {
            Meta.ConnectionHandle c = new Meta.ConnectionHandle("heavy");
            meta.openConnection(c, Map.of());
            Meta.StatementHandle small = meta.createStatement(c);
            meta.prepareAndExecute(small, "SELECT evt.num FROM events ORDER BY evt.num", -1, 1, null);
            Meta.StatementHandle heavy = meta.createStatement(c);
            // runs for minutes without the guard (StatementBoundsTest): nothing else stops it here
            meta.prepareAndExecute(heavy, "SELECT COUNT(*) FROM fields, fields f2, fields f3, fields f4", -1, 0, null);
            long start = System.nanoTime();
            System.gc();
            AvaticaRuntimeException stopped = null;
            while (stopped == null && System.nanoTime() - start < 60_000_000_000L) {
                try {
                    meta.fetch(heavy, 0, 10);
                    System.gc();
                } catch (AvaticaRuntimeException e) {
                    stopped = e;
                }
            }
            assertTrue(stopped != null, "the guard never stopped the join");
            assertTrue(stopped.getErrorMessage().contains("ran short of memory"), stopped.getErrorMessage());
            assertEquals(1, stopped.getErrorMessage().lines().count());
            // the query that had finished (its rows read) was not the one stopped
            assertEquals(2, rows(meta.fetch(small, 1, 2)).size());
            // and the statement runs again
            meta.prepareAndExecute(heavy, "SELECT 1", -1, 1, null);
        } finally {
            meta.shutdown();
        }
    }

    @Test
    void aClosedConnectionsStatementsAreCountedNoLonger() throws Exception {
        // 4 statements on the server: Avatica's client closes only the connection, and its statements go with it
        SysqlMeta meta = meta(new ServerLimits(16, 4, 1000, 1 << 20, 30, 600, 60));
        try {
            for (int round = 0; round < 3; round++) {
                Meta.ConnectionHandle c = new Meta.ConnectionHandle("round-" + round);
                meta.openConnection(c, Map.of());
                for (int i = 0; i < 4; i++) {
                    meta.createStatement(c);
                }
                meta.closeConnection(c);
            }
        } finally {
            meta.shutdown();
        }
    }

    @Test
    void resultsAreNotReCreatedFromAClientsState() throws Exception {
        SysqlMeta meta = meta(ServerLimits.defaults());
        try {
            Meta.ConnectionHandle c = new Meta.ConnectionHandle("sync");
            meta.openConnection(c, Map.of());
            Meta.StatementHandle h = meta.createStatement(c);
            // Avatica's would run this SQL as sent: past the read-only check and the time limit
            AvaticaRuntimeException e = assertThrows(
                    AvaticaRuntimeException.class,
                    () -> meta.syncResults(
                            h, new org.apache.calcite.avatica.QueryState("SELECT COUNT(*) FROM fields, fields f2"), 0));
            assertTrue(e.getErrorMessage().contains("execute the statement again"), e.getErrorMessage());
        } finally {
            meta.shutdown();
        }
    }

    @Test
    void manyConnectionsOfOneUserEvictNoneOfAnothers() throws Exception {
        // Guava's size bound (1,000 by default) evicted the oldest connection, whoever's; now only sysql's limits
        SysqlMeta meta = meta(ServerLimits.defaults().withUsers(1_200, 1_200, 128));
        try {
            Meta.ConnectionHandle alice = new Meta.ConnectionHandle("alice-first");
            run(ALICE, () -> meta.openConnection(alice, Map.of()));
            for (int i = 0; i < 1_100; i++) {
                Meta.ConnectionHandle h = new Meta.ConnectionHandle("mallory-" + i);
                run(MALLORY, () -> meta.openConnection(h, Map.of()));
            }
            as(ALICE, () -> meta.createStatement(alice));
        } finally {
            meta.shutdown();
        }
    }
}
