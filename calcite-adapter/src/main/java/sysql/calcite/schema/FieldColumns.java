// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldCatalog;
import sysql.capture.fields.FieldType;

/**
 * The catalog as SQL columns: every field of sysdig's catalog is a flat, nullable column of the {@code events}
 * table named exactly as sysdig names it. The fixed fields come first and are what {@code SELECT *} shows; the
 * instances of the parametric fields ({@code evt.arg.fd}, {@code evt.arg[1]}, {@code proc.aname[2]}...)
 * follow, usable by name but left out of {@code *}.
 */
public final class FieldColumns {
    /** The first segments of field names (the field classes). */
    public static final Set<String> CLASSES =
            Set.of("evt", "proc", "thread", "fd", "fdlist", "user", "group", "container", "syscall");

    /**
     * What a field name written in SQL can be: dotted words, an index at the end. A parametric instance
     * named otherwise ({@code evt.arg.plugin ID}: a parameter name with a space, which sysdig's filters cannot
     * name either) is no column; its value is still {@code evt.arg[N]}.
     */
    private static final Pattern WRITABLE =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*(\\[[0-9]+])?");

    private static final List<Field> EVENT_FIELDS;
    private static final Set<String> PARAMETRIC;
    private static final Map<String, Integer> INDEX = new HashMap<>();

    static {
        List<Field> all = new ArrayList<>(FieldCatalog.all());
        Set<String> parametric = new LinkedHashSet<>();
        for (String name : FieldCatalog.parametricNames()) {
            if (WRITABLE.matcher(name).matches()) {
                all.add(FieldCatalog.get(name));
                parametric.add(name);
            }
        }
        EVENT_FIELDS = Collections.unmodifiableList(all);
        PARAMETRIC = Collections.unmodifiableSet(parametric);
        for (int i = 0; i < all.size(); i++) {
            INDEX.put(all.get(i).name(), i);
        }
    }

    private FieldColumns() {}

    /** The columns of {@code events}, in order: fixed fields, then parametric instances. */
    public static List<Field> eventFields() {
        return EVENT_FIELDS;
    }

    /** True for a parametric instance ({@code SELECT *} leaves it out). */
    public static boolean isParametric(String name) {
        return PARAMETRIC.contains(name);
    }

    /** Every field name usable as a column. */
    public static Set<String> names() {
        return INDEX.keySet();
    }

    /** The column index of a field of {@code events}, or -1. */
    public static int indexOf(String name) {
        return INDEX.getOrDefault(name, -1);
    }

    /** A field by name (a column of some table), or null. */
    public static Field field(String name) {
        int i = indexOf(name);
        return i < 0 ? null : EVENT_FIELDS.get(i);
    }

    public static SqlTypeName sqlType(FieldType t) {
        return switch (t) {
            case BIGINT -> SqlTypeName.BIGINT;
            case INTEGER -> SqlTypeName.INTEGER;
            case BOOLEAN -> SqlTypeName.BOOLEAN;
            case VARCHAR -> SqlTypeName.VARCHAR;
            case TIMESTAMP -> SqlTypeName.TIMESTAMP;
            case DOUBLE -> SqlTypeName.DOUBLE;
            case VARBINARY -> SqlTypeName.VARBINARY;
        };
    }

    /** A row type of these fields: one nullable column each, named as the field. */
    public static RelDataType rowType(RelDataTypeFactory types, List<Field> fields) {
        RelDataTypeFactory.Builder b = types.builder();
        for (Field f : fields) {
            SqlTypeName t = sqlType(f.type());
            RelDataType type = t == SqlTypeName.TIMESTAMP ? types.createSqlType(t, 3) : types.createSqlType(t);
            b.add(f.name(), types.createTypeWithNullability(type, true));
        }
        return b.build();
    }
}
