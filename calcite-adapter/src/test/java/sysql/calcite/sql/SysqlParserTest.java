// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.junit.jupiter.api.Test;
import sysql.calcite.schema.FieldColumns;

/**
 * sysql's grammar (module sql-parser: Calcite's, generated with sysdig's field names as identifiers) over the
 * user's own text, and the case of its field names settled against the catalog ({@link FieldNames}).
 */
class SysqlParserTest {
    private static SqlNode parse(String sql) throws SqlParseException {
        SqlNode node = SqlParser.create(sql, SysqlPrepare.PARSER_CONFIG).parseQuery();
        FieldNames.settleCase(node);
        return node;
    }

    private static SqlSelect select(String sql) throws SqlParseException {
        SqlNode node = parse(sql);
        return node instanceof SqlOrderBy o ? (SqlSelect) o.query : (SqlSelect) node;
    }

    /** The names of each item of the select list of {@code sql} (an item that is no identifier: null). */
    private static List<List<String>> items(String sql) throws SqlParseException {
        List<List<String>> names = new ArrayList<>();
        for (SqlNode item : select(sql).getSelectList()) {
            names.add(item instanceof SqlIdentifier id ? id.names : null);
        }
        return names;
    }

    @Test
    void everyFieldOfTheCatalogIsOneIdentifierNamedAsSysdigNamesIt() throws Exception {
        assertTrue(FieldColumns.names().size() > 800, "the whole catalog, parametric instances too");
        for (String name : FieldColumns.names()) {
            assertEquals(List.of(List.of(name)), items("SELECT " + name + " FROM events"), name);
            assertEquals(List.of(List.of("e", name)), items("SELECT e." + name + " FROM events e"), name);
        }
        for (String fieldClass : FieldColumns.CLASSES) {
            assertEquals(
                    List.of(List.of(fieldClass + ".x")),
                    items("SELECT " + fieldClass + ".x"),
                    "every class of the catalog starts a field name in the grammar: " + fieldClass);
        }
    }

    @Test
    void keywordsAfterADotFunctionsAndIndexesArePartOfTheName() throws Exception {
        assertEquals(
                List.of(
                        List.of("evt.time"),
                        List.of("user.name"),
                        List.of("group.gid"),
                        List.of("evt.arg[1]"),
                        List.of("proc.aname[2]"),
                        List.of("evt.type.is.open")),
                items(
                        "SELECT evt.time, user.name, group.gid, evt.arg[1], proc.aname[2], evt.type.is.open FROM events"));
        // an index on anything else is the user's own item access; USER alone is still Calcite's (the validator
        // makes it the function)
        SqlSelect s = select("SELECT arr[1], m.x[2], user FROM t");
        assertEquals(SqlKind.ITEM, s.getSelectList().get(0).getKind());
        assertEquals(SqlKind.ITEM, s.getSelectList().get(1).getKind());
        assertEquals(List.of("user"), ((SqlIdentifier) s.getSelectList().get(2)).names);
    }

    @Test
    void qualifiersStayAndQuotedNamesAreTakenAsWritten() throws Exception {
        assertEquals(
                List.of(List.of("e", "proc.name"), List.of("e", "evt.type"), List.of("sysql", "events", "fd.name")),
                items("SELECT e.proc.name, \"e\".evt.type, sysql.events.fd.name FROM sysql.events e"));
        assertEquals(
                List.of(List.of("proc.name"), List.of("e", "proc.name"), List.of("PROC.NAME")),
                items("SELECT \"proc.name\", e.\"proc.name\", \"PROC.NAME\" FROM events e"));
        assertEquals(List.of(List.of("groups", "group.gid")), items("SELECT GROUPS.group.gid FROM groups"));
    }

    @Test
    void aFieldNameIsTakenAsWrittenWhereTheCatalogHasItElseInLowerCase() throws Exception {
        assertEquals(
                List.of(
                        List.of("proc.name"),
                        List.of("evt.type"),
                        List.of("evt.arg.ID"),
                        List.of("evt.arg.id"),
                        List.of("evt.arg.id"),
                        List.of("proc.nme")),
                items("SELECT PROC.NAME, Evt.Type, evt.arg.ID, evt.arg.id, EVT.ARG.Id, PROC.NME FROM EVENTS"));
        assertEquals(List.of(List.of("e", "proc.name")), items("SELECT E.PROC.NAME FROM events e"));
    }

    @Test
    void literalsCommentsAndOtherNamesAreNotFields() throws Exception {
        SqlSelect s = select("SELECT 'proc.name', 'it''s proc.nme' FROM t");
        assertInstanceOf(SqlLiteral.class, s.getSelectList().get(0));
        assertEquals(List.of(List.of("a")), items("SELECT a /* proc.nme\n evt.bogus */ FROM t -- fd.nope"));
        assertEquals(
                List.of(
                        List.of("t", "expr$0"),
                        List.of("myproc", "name"),
                        List.of("xproc", "nme"),
                        List.of("proc.nme"),
                        List.of("x1", "y"),
                        List.of("fd", "")),
                items("SELECT t.EXPR$0, myproc.name, xproc.nme, \"proc.nme\", x1.y, fd.* FROM t"));
    }

    @Test
    void positionsAreTheUsersOwn() throws Exception {
        String sql = "SELECT proc.name,\n\tEVT.TYPE FROM events WHERE fd.name = 'x'";
        SqlSelect s = select(sql);
        SqlParserPos first = s.getSelectList().get(0).getParserPosition();
        assertEquals(
                List.of(1, 8, 1, 16),
                List.of(first.getLineNum(), first.getColumnNum(), first.getEndLineNum(), first.getEndColumnNum()));
        SqlParserPos second = s.getSelectList().get(1).getParserPosition();
        assertEquals(
                List.of(2, 2, 2, 9),
                List.of(second.getLineNum(), second.getColumnNum(), second.getEndLineNum(), second.getEndColumnNum()));
        SqlParseException p = assertThrows(
                SqlParseException.class, () -> parse("SELECT proc.name, evt.type, fd.name FROM events WHERE = 1"));
        assertEquals(55, p.getPos().getColumnNum(), p.getMessage());
    }

    @Test
    void anAggregatesNameIsAColumnWhereItIsNotCalled() throws Exception {
        SqlNode node = parse("SELECT COUNT(*), Max (t.x), count_x FROM t ORDER BY count DESC, t.MAX");
        SqlOrderBy o = assertInstanceOf(SqlOrderBy.class, node);
        SqlSelect s = (SqlSelect) o.query;
        // a call, which the validator resolves to the aggregate COUNT
        assertEquals(
                "count", ((SqlBasicCall) s.getSelectList().get(0)).getOperator().getName());
        assertInstanceOf(SqlBasicCall.class, s.getSelectList().get(1), "Max (t.x), a call");
        SqlBasicCall desc = (SqlBasicCall) o.orderList.get(0);
        assertEquals(List.of("count"), ((SqlIdentifier) desc.operand(0)).names);
        assertEquals(List.of("t", "max"), ((SqlIdentifier) o.orderList.get(1)).names);
        assertNull(o.fetch);
    }
}
