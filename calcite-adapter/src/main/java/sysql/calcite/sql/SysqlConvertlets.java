// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;
import org.apache.calcite.sql2rel.SqlRexConvertlet;
import org.apache.calcite.sql2rel.SqlRexConvertletTable;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.checkerframework.checker.nullness.qual.Nullable;
import sysql.calcite.functions.BoundedStrings;

/**
 * Calcite's conversion of SQL calls into expressions, with sysql's {@link BoundedStrings} in place of the library
 * functions whose value's length is an argument: the call is converted as Calcite converts it (its operands, its
 * type), then made a call of the bounded function of the same name and operands.
 */
final class SysqlConvertlets implements SqlRexConvertletTable {
    static final SysqlConvertlets INSTANCE = new SysqlConvertlets();

    private static final Set<String> BOUNDED = Set.of("REPEAT", "SPACE", "LPAD", "RPAD");

    private SysqlConvertlets() {}

    @Override
    public @Nullable SqlRexConvertlet get(SqlCall call) {
        SqlRexConvertlet standard = StandardConvertletTable.INSTANCE.get(call);
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        if (standard == null || !BOUNDED.contains(name)) {
            return standard;
        }
        return (cx, c) -> {
            RexNode converted = standard.convertCall(cx, c);
            if (!(converted instanceof RexCall rex) || !rex.getOperator().equals(c.getOperator())) {
                return converted;
            }
            SqlOperator bounded = bounded(name, rex.getType(), rex.getOperands());
            return bounded == null ? converted : cx.getRexBuilder().makeCall(rex.getType(), bounded, rex.getOperands());
        };
    }

    /** The bounded function {@code name} for a value of {@code type} from {@code operands} (null: none). */
    private static @Nullable SqlOperator bounded(String name, RelDataType type, List<RexNode> operands) {
        Class<?> text;
        if (SqlTypeUtil.isCharacter(type)) {
            text = String.class;
        } else if (SqlTypeUtil.isBinary(type)) {
            text = ByteString.class;
        } else {
            return null;
        }
        Class<?>[] parameters = new Class<?>[operands.size()];
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] = SqlTypeUtil.isIntType(operands.get(i).getType()) ? int.class : text;
        }
        Method method;
        try {
            method = BoundedStrings.class.getMethod(name.toLowerCase(Locale.ROOT), parameters);
        } catch (NoSuchMethodException e) {
            return null; // a form sysql does not bound: Calcite's own
        }
        List<RelDataType> operandTypes = operands.stream().map(RexNode::getType).toList();
        return new SqlUserDefinedFunction(
                new SqlIdentifier(name, SqlParserPos.ZERO),
                SqlKind.OTHER_FUNCTION,
                opBinding -> type,
                null,
                OperandTypes.operandMetadata(
                        Collections.nCopies(parameters.length, SqlTypeFamily.ANY),
                        typeFactory -> operandTypes,
                        i -> "arg" + i,
                        i -> false),
                ScalarFunctionImpl.create(method));
    }
}
