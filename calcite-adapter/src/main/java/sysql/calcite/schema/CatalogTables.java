// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.apache.calcite.sql.type.SqlTypeName;
import sysql.capture.EventType;
import sysql.capture.EventTypes;
import sysql.capture.ParamInfo;
import sysql.capture.fields.Field;
import sysql.driver.EventTables;

/**
 * The catalogs as tables: {@code fields} (sysdig's {@code -l}) and {@code event_types} (sysdig's {@code -L});
 * their rows are public for the command line's {@code sysql fields} and {@code sysql event-types}.
 */
public final class CatalogTables {
    private CatalogTables() {}

    /** sysdig's names of the parameter types, by PT_* code. */
    private static final String[] PARAM_TYPES = {
        "NONE",
        "INT8",
        "INT16",
        "INT32",
        "INT64",
        "UINT8",
        "UINT16",
        "UINT32",
        "UINT64",
        "CHARBUF",
        "BYTEBUF",
        "ERRNO",
        "SOCKADDR",
        "SOCKTUPLE",
        "FD",
        "PID",
        "FDLIST",
        "FSPATH",
        "SYSCALLID",
        "SIGTYPE",
        "RELTIME",
        "ABSTIME",
        "PORT",
        "L4PROTO",
        "SOCKFAMILY",
        "BOOL",
        "IPV4ADDR",
        "DYNAMIC",
        "FLAGS8",
        "FLAGS16",
        "FLAGS32",
        "UID",
        "GID",
        "DOUBLE",
        "SIGSET",
        "CHARBUFARRAY",
        "CHARBUF_PAIR_ARRAY",
        "IPV4NET",
        "IPV6ADDR",
        "IPV6NET",
        "IPADDR",
        "IPNET",
        "MODE",
        "FSRELPATH"
    };

    private static final List<String> FLAG_NAMES = EventTables.eventFlagNames();

    /** {@code fields}: every field (parametric ones once, by their pattern, and each instance). */
    static RowTable fields() {
        return new RowTable(List.of(
                RowTable.column("name", SqlTypeName.VARCHAR),
                RowTable.column("class", SqlTypeName.VARCHAR),
                RowTable.column("type", SqlTypeName.VARCHAR),
                RowTable.column("parametric", SqlTypeName.BOOLEAN),
                RowTable.column("description", SqlTypeName.VARCHAR))) {
            @Override
            List<Object[]> rows() {
                return fieldRows();
            }
        };
    }

    /** name, class, type, parametric, description for every field. */
    public static List<Object[]> fieldRows() {
        List<Object[]> rows = new ArrayList<>();
        for (Field f : FieldColumns.eventFields()) {
            rows.add(new Object[] {
                f.name(),
                f.fieldClass(),
                FieldColumns.sqlType(f.type()).getName(),
                FieldColumns.isParametric(f.name()),
                f.description()
            });
        }
        return rows;
    }

    /** {@code event_types}: every event type of the event table, with its parameters as sysdig's -L prints them. */
    static RowTable eventTypes() {
        return new RowTable(List.of(
                RowTable.column("code", SqlTypeName.INTEGER),
                RowTable.column("name", SqlTypeName.VARCHAR),
                RowTable.column("direction", SqlTypeName.VARCHAR),
                RowTable.column("category", SqlTypeName.VARCHAR),
                RowTable.column("flags", SqlTypeName.VARCHAR),
                RowTable.column("nparams", SqlTypeName.INTEGER),
                RowTable.column("params", SqlTypeName.VARCHAR))) {
            @Override
            List<Object[]> rows() {
                return eventTypeRows();
            }
        };
    }

    /** code, name, direction, category, flags, nparams, params for every event type. */
    public static List<Object[]> eventTypeRows() {
        List<Object[]> rows = new ArrayList<>();
        for (EventType t : EventTypes.all()) {
            StringJoiner params = new StringJoiner(", ");
            for (ParamInfo p : t.params()) {
                params.add(paramType(p.type()) + " " + p.name());
            }
            rows.add(new Object[] {
                t.code(),
                t.name(),
                t.isEnter() ? ">" : "<",
                category(t.category()),
                flags(t.flags()),
                t.nparams(),
                params.toString()
            });
        }
        return rows;
    }

    static String paramType(int pt) {
        return pt >= 0 && pt < PARAM_TYPES.length ? PARAM_TYPES[pt] : "TYPE" + pt;
    }

    static String flags(int flags) {
        StringJoiner j = new StringJoiner("|");
        for (int i = 0; i < FLAG_NAMES.size(); i++) {
            if ((flags & (1 << i)) != 0) {
                j.add(FLAG_NAMES.get(i));
            }
        }
        return j.toString();
    }

    static String category(int c) {
        String base = switch (c & ~(EventTables.EC_INTERNAL | EventTables.EC_SCHEDULER)) {
            case EventTables.EC_OTHER -> "other";
            case EventTables.EC_FILE -> "file";
            case EventTables.EC_NET -> "net";
            case EventTables.EC_IPC -> "IPC";
            case EventTables.EC_MEMORY -> "memory";
            case EventTables.EC_PROCESS -> "process";
            case EventTables.EC_SLEEP -> "sleep";
            case EventTables.EC_SYSTEM -> "system";
            case EventTables.EC_SIGNAL -> "signal";
            case EventTables.EC_USER -> "user";
            case EventTables.EC_TIME -> "time";
            case EventTables.EC_PROCESSING -> "processing";
            case EventTables.EC_IO_READ -> "I/O read";
            case EventTables.EC_IO_WRITE -> "I/O write";
            case EventTables.EC_IO_OTHER -> "I/O other";
            case EventTables.EC_WAIT -> "wait";
            default -> "unknown";
        };
        if ((c & EventTables.EC_SCHEDULER) != 0) {
            return "scheduler";
        }
        return (c & EventTables.EC_INTERNAL) != 0 ? "internal" : base;
    }
}
