// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.SourceVersion;
import org.apache.calcite.jdbc.JavaRecordType;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rel.type.RelDataTypeSystem;

/**
 * Calcite's Java type factory, with Java names for the fields of the classes it generates for rows. Calcite
 * turns a row type into a synthetic class (the key of a window function's PARTITION BY, of a join, of a hash
 * aggregate's group, a {@code JavaRowFormat.CUSTOM} row) whose fields are named by the row type's field names;
 * sysql's are sysdig's ({@code proc.pid}, {@code evt.arg[1]}), which are no Java identifiers, so the generated
 * code did not compile ({@code public Long proc.pid;}). Here such a class gets fields named {@code proc_pid},
 * {@code evt_arg_1_}…: the generated code refers to a synthetic class's fields by the names of the class it was
 * given, so only the Java names change; the row types, and so the columns' labels, keep sysdig's names.
 *
 * <p>Used for every statement's planning and code generation (see {@link SysqlPrepare}).
 */
public final class SysqlTypeFactory extends JavaTypeFactoryImpl {
    public SysqlTypeFactory(RelDataTypeSystem typeSystem) {
        super(typeSystem);
    }

    @Override
    public Type getJavaClass(RelDataType type) {
        if (type.isStruct() && !(type instanceof JavaRecordType)) {
            List<String> names = type.getFieldNames();
            List<String> java = javaNames(names);
            if (!java.equals(names)) {
                List<RelDataType> types = new ArrayList<>();
                for (RelDataTypeField f : type.getFieldList()) {
                    types.add(f.getType());
                }
                RelDataType renamed = createTypeWithNullability(
                        createStructType(type.getStructKind(), types, java), type.isNullable());
                return super.getJavaClass(renamed);
            }
        }
        return super.getJavaClass(type);
    }

    /** Names that are Java identifiers, distinct: each name as it is when it is one, else with '_' for what is not. */
    static List<String> javaNames(List<String> names) {
        Set<String> taken = new HashSet<>();
        for (String n : names) {
            if (isJavaName(n)) {
                taken.add(n);
            }
        }
        List<String> out = new ArrayList<>(names.size());
        for (String n : names) {
            if (isJavaName(n)) {
                out.add(n);
                continue;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n.length(); i++) {
                char c = n.charAt(i);
                sb.append(
                        i == 0
                                ? (Character.isJavaIdentifierStart(c)
                                        ? c
                                        : "_" + (Character.isJavaIdentifierPart(c) ? c : ""))
                                : Character.isJavaIdentifierPart(c) ? c : '_');
            }
            String base = sb.length() == 0 || SourceVersion.isKeyword(sb) ? sb + "_" : sb.toString();
            String name = base;
            for (int k = 2; !taken.add(name); k++) {
                name = base + "_" + k;
            }
            out.add(name);
        }
        return out;
    }

    private static boolean isJavaName(String n) {
        return SourceVersion.isIdentifier(n) && !SourceVersion.isKeyword(n);
    }
}
