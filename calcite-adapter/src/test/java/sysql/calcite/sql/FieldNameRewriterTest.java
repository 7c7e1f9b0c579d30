// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rewrite of field names into quoted identifiers, and the map of its positions back to the user's text. */
class FieldNameRewriterTest {
    private static final FieldNameRewriter REWRITER = new FieldNameRewriter(
            Set.of(
                    "proc.name",
                    "proc.pid",
                    "evt.type",
                    "evt.time",
                    "evt.arg[1]",
                    "proc.aname[2]",
                    "fd.name",
                    "user.name",
                    "group.name",
                    "evt.arg.ID",
                    "evt.arg.id",
                    "evt.type.is.open",
                    "group.gid"),
            Set.of("evt", "proc", "fd", "user", "group"),
            Set.of("groups"));

    private static String rewrite(String sql) throws FieldNameRewriter.UnknownFieldException {
        return REWRITER.rewrite(sql).sql();
    }

    /** Where {@code what} (its {@code nth} occurrence, from 0) stands in {@code text}: line and column, 1-based. */
    private static int[] position(String text, String what, int nth) {
        int at = -1;
        for (int k = 0; k <= nth; k++) {
            at = text.indexOf(what, at + 1);
        }
        assertTrue(at >= 0, what + " in " + text);
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new int[] {line, at - lineStart + 1};
    }

    /** Asserts that {@code token} of the rewritten text maps back to where it stands in the user's. */
    private static void assertMapsBack(String sql, String token, int nth) throws Exception {
        FieldNameRewriter.Result r = REWRITER.rewrite(sql);
        int[] rewritten = position(r.sql(), token, nth);
        int[] original = position(sql, token, nth);
        assertEquals(original[0], rewritten[0], "same line");
        assertEquals(original[1], r.positions().originalColumn(rewritten[0], rewritten[1]), token + " in " + r.sql());
    }

    @Test
    void quotesEveryFieldOfALine() throws Exception {
        assertEquals(
                "SELECT \"proc.name\", \"evt.type\" FROM events WHERE \"fd.name\" = 'x' AND \"proc.pid\" > 1",
                rewrite("SELECT proc.name, evt.type FROM events WHERE fd.name = 'x' AND proc.pid > 1"));
        String sql = "SELECT proc.name, evt.type FROM events WHERE fd.name = 'x' AND proc.pid > 1";
        for (String token : List.of("evt.type", "FROM", "fd.name", "'x'", "proc.pid", "> 1")) {
            assertMapsBack(sql, token, 0);
        }
    }

    @Test
    void keywordsAfterADotFunctionsAndIndexesBecomeOneIdentifier() throws Exception {
        assertEquals(
                "SELECT \"evt.time\", \"user.name\", \"group.name\", \"evt.arg[1]\", \"proc.aname[2]\","
                        + " \"evt.type.is.open\" FROM events",
                rewrite("SELECT evt.time, user.name, group.name, evt.arg[1], proc.aname[2], evt.type.is.open"
                        + " FROM events"));
        assertMapsBack("SELECT evt.arg[1], proc.aname[2] FROM events", "proc.aname[2]", 0);
        assertMapsBack("SELECT evt.arg[1], proc.aname[2] FROM events", "FROM", 0);
        // an index on something else is the user's own array access
        assertEquals("SELECT arr[1], m.x[2] FROM t", rewrite("SELECT arr[1], m.x[2] FROM t"));
    }

    @Test
    void qualifiersStayAndQuotedPartsAreKept() throws Exception {
        assertEquals(
                "SELECT e.\"proc.name\", \"e\".\"evt.type\", sysql.events.\"fd.name\" FROM sysql.events e",
                rewrite("SELECT e.proc.name, \"e\".evt.type, sysql.events.fd.name FROM sysql.events e"));
        // already quoted: as written
        assertEquals(
                "SELECT \"proc.name\", e.\"proc.name\" FROM events e",
                rewrite("SELECT \"proc.name\", e.\"proc.name\" FROM events e"));
        assertMapsBack("SELECT e.proc.name, \"e\".evt.type FROM events e", "evt.type", 0);
        assertMapsBack("SELECT e.proc.name, \"e\".evt.type FROM events e", "FROM", 0);
    }

    @Test
    void upperCaseIsFoldedUnlessTheNameExistsAsWritten() throws Exception {
        assertEquals(
                "SELECT \"proc.name\", \"evt.type\" FROM EVENTS", rewrite("SELECT PROC.NAME, Evt.Type FROM EVENTS"));
        assertEquals(
                "SELECT \"evt.arg.ID\", \"evt.arg.id\", \"evt.arg.id\"",
                rewrite("SELECT evt.arg.ID, evt.arg.id, EVT.ARG.Id"));
    }

    @Test
    void literalsCommentsAndOtherNamesAreLeftAlone() throws Exception {
        for (String sql : List.of(
                "SELECT 'proc.name', 'it''s proc.nme' FROM t",
                "SELECT a /* proc.nme\n evt.bogus */ FROM t -- fd.nope",
                "SELECT t.EXPR$0, $x, a.b.c, myproc.name, xproc.nme, \"proc.nme\" FROM t",
                "SELECT 1e5, x1.y FROM t")) {
            assertEquals(sql, rewrite(sql));
            assertTrue(REWRITER.rewrite(sql).positions().isIdentity());
        }
        assertEquals("SELECT t.EXPR$0, \"proc.name\" FROM t", rewrite("SELECT t.EXPR$0, proc.name FROM t"));
        assertEquals("SELECT $x.\"proc.name\"", rewrite("SELECT $x.proc.name"));
    }

    @Test
    void multiLineStatementsMapEachLine() throws Exception {
        String sql = "SELECT proc.name,\n"
                + "       evt.type, /* a comment\n"
                + "  over lines with proc.nme */ fd.name\r\n"
                + "FROM events\n"
                + "WHERE evt.type = 'open' -- evt.bogus\n"
                + "  AND 'multi\nline' <> fd.name AND proc.pid = 1";
        String expected = "SELECT \"proc.name\",\n"
                + "       \"evt.type\", /* a comment\n"
                + "  over lines with proc.nme */ \"fd.name\"\r\n"
                + "FROM events\n"
                + "WHERE \"evt.type\" = 'open' -- evt.bogus\n"
                + "  AND 'multi\nline' <> \"fd.name\" AND \"proc.pid\" = 1";
        assertEquals(expected, rewrite(sql));
        assertMapsBack(sql, "fd.name", 0);
        assertMapsBack(sql, "= 'open'", 0);
        assertMapsBack(sql, "<>", 0);
        assertMapsBack(sql, "proc.pid", 0);
        assertMapsBack(sql, "= 1", 0);
        assertMapsBack(sql, "FROM", 0);
    }

    @Test
    void reservedTableNamesAreQuotedInAnyCase() throws Exception {
        assertEquals(
                "SELECT \"groups\".\"group.gid\" FROM \"groups\" JOIN sysql.\"groups\" g",
                rewrite("SELECT GROUPS.group.gid FROM groups JOIN sysql.Groups g"));
        assertEquals("SELECT 'groups', \"groups\" FROM t", rewrite("SELECT 'groups', \"groups\" FROM t"));
        assertMapsBack("SELECT * FROM groups WHERE group.gid = 0", "= 0", 0);
    }

    @Test
    void aChainOfAFieldClassThatNamesNoFieldIsAnErrorWithSuggestions() {
        FieldNameRewriter.UnknownFieldException e = assertThrows(
                FieldNameRewriter.UnknownFieldException.class,
                () -> rewrite("SELECT evt.type,\n\tproc.nme FROM events"));
        assertEquals("proc.nme", e.name());
        assertEquals(2, e.line());
        assertEquals(2, e.column(), "a tab counts one column, as in Calcite's parser");
        assertEquals("proc.name", e.suggestions().get(0));
        assertTrue(e.getMessage().contains("did you mean proc.name"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());

        e = assertThrows(FieldNameRewriter.UnknownFieldException.class, () -> rewrite("SELECT e.fd.nam FROM events e"));
        assertEquals("fd.nam", e.name());
        assertEquals(10, e.column());
        // a field with more after it, an index no parameter has
        assertEquals(
                "proc.name.x",
                assertThrows(FieldNameRewriter.UnknownFieldException.class, () -> rewrite("SELECT proc.name.x"))
                        .name());
        assertEquals(
                "evt.arg[99]",
                assertThrows(FieldNameRewriter.UnknownFieldException.class, () -> rewrite("SELECT evt.arg[99]"))
                        .name());
        // nothing near: the message says where the names are
        assertTrue(assertThrows(FieldNameRewriter.UnknownFieldException.class, () -> rewrite("SELECT fd.zzzzzzzzzzzz"))
                .getMessage()
                .contains("the fields table lists every field"));
    }

    @Test
    void positionMapShiftsByTwoPerQuotedRun() {
        PositionMap.Builder b = new PositionMap.Builder();
        b.add(1, 8, 9); // proc.name at 8..16 → "proc.name" at 8..18
        b.add(1, 19, 8); // evt.type at 19..26 → at 21..30 in the rewritten text
        PositionMap m = b.build();
        assertEquals(7, m.originalColumn(1, 7), "before the first run");
        assertEquals(8, m.originalColumn(1, 8), "the opening quote is the name's first character");
        assertEquals(8, m.originalColumn(1, 9));
        assertEquals(16, m.originalColumn(1, 17));
        assertEquals(16, m.originalColumn(1, 18), "the closing quote is the name's last character");
        assertEquals(17, m.originalColumn(1, 19));
        assertEquals(19, m.originalColumn(1, 21));
        assertEquals(26, m.originalColumn(1, 30));
        assertEquals(27, m.originalColumn(1, 31), "after both runs: four columns back");
        assertEquals(31, m.originalColumn(2, 31), "another line is not shifted");
        assertTrue(new PositionMap.Builder().build().isIdentity());
    }

    @Test
    void anAggregatesNameIsQuotedWhereItIsNotCalled() throws Exception {
        FieldNameRewriter r =
                new FieldNameRewriter(Set.of("proc.name"), Set.of("proc"), Set.of("groups"), Set.of("count", "max"));
        assertEquals(
                "SELECT COUNT(*), Max (t.x), count_x FROM t ORDER BY \"count\" DESC, t.\"max\", \"count\"",
                r.rewrite("SELECT COUNT(*), Max (t.x), count_x FROM t ORDER BY count DESC, t.MAX, \"count\"")
                        .sql());
    }
}
