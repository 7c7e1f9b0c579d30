// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
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
 * Calcite's conversion of SQL calls into expressions, with sysql's {@link BoundedStrings} over the library functions
 * whose value can be longer than any of their operands, so that no value grows past {@link BoundedStrings#MAX_CHARS}:
 *
 * <ul>
 *   <li>a function whose value's length is an argument ({@code REPEAT}, {@code LPAD}…) is converted as Calcite
 *       converts it (its operands, its type), then made a call of the bounded function of the same name and operands;
 *   <li>one that joins its operands ({@code ||}, {@code CONCAT}, {@code OVERLAY}, {@code TO_BASE64}…) has its value
 *       checked: a value grows by at most the sum of its operands before it is refused, so a chain of them cannot
 *       double its way to the heap's end;
 *   <li>one that can multiply its operand's length in one call ({@code REPLACE}, {@code REGEXP_REPLACE}) has, as well,
 *       its first operand checked against the longest value the call could make before Calcite's function runs.
 * </ul>
 */
final class SysqlConvertlets implements SqlRexConvertletTable {
    static final SysqlConvertlets INSTANCE = new SysqlConvertlets();

    private static final Set<String> BOUNDED = Set.of("REPEAT", "SPACE", "LPAD", "RPAD");

    /** Functions whose value can be as long as all their operands together (or a fixed multiple of one). */
    private static final Set<String> JOINING = Set.of(
            "||",
            "CONCAT",
            "CONCAT_WS",
            "OVERLAY",
            "INSERT",
            "TO_BASE64",
            "TO_BASE32",
            "TO_HEX",
            "FORMAT",
            "ARRAY_TO_STRING",
            "JSON_OBJECT",
            "JSON_ARRAY",
            "REPLACE",
            "REGEXP_REPLACE");

    /** Functions whose value can be their first operand's length times another's: checked before they run too. */
    private static final Set<String> MULTIPLYING = Set.of("REPLACE", "REGEXP_REPLACE");

    private SysqlConvertlets() {}

    @Override
    public @Nullable SqlRexConvertlet get(SqlCall call) {
        SqlRexConvertlet standard = StandardConvertletTable.INSTANCE.get(call);
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        if (standard == null) {
            return null;
        }
        if (JOINING.contains(name)) {
            return (cx, c) -> checked(cx.getRexBuilder(), name, standard.convertCall(cx, c));
        }
        if (!BOUNDED.contains(name)) {
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

    /**
     * {@code converted}, a call of {@code name}, with its value checked by {@link BoundedStrings#checked}; a call that
     * can multiply a length has its first operand checked by {@link BoundedStrings#replaceSource} or
     * {@link BoundedStrings#regexpReplaceSource} first.
     */
    private static RexNode checked(RexBuilder rex, String name, RexNode converted) {
        if (!(converted instanceof RexCall call) || !isText(call.getType())) {
            return converted;
        }
        RexNode value = call;
        List<RexNode> operands = call.getOperands();
        if (MULTIPLYING.contains(name)
                && operands.size() >= 3
                && SqlTypeUtil.isCharacter(operands.get(0).getType())
                && SqlTypeUtil.isCharacter(operands.get(1).getType())
                && SqlTypeUtil.isCharacter(operands.get(2).getType())) {
            List<RexNode> guarded = new ArrayList<>(operands);
            guarded.set(
                    0,
                    rex.makeCall(
                            operands.get(0).getType(),
                            function(
                                    name.equals("REPLACE") ? "replaceSource" : "regexpReplaceSource",
                                    operands.get(0).getType(),
                                    operands.subList(0, 3)),
                            operands.subList(0, 3)));
            value = call.clone(call.getType(), guarded);
        }
        List<RexNode> checkOperands = List.of(value, rex.makeLiteral(name));
        return rex.makeCall(call.getType(), function("checked", call.getType(), checkOperands), checkOperands);
    }

    private static boolean isText(RelDataType type) {
        return SqlTypeUtil.isCharacter(type) || SqlTypeUtil.isBinary(type);
    }

    /** {@link BoundedStrings}' method {@code method} taking {@code operands}' Java types, as a function of that type. */
    private static SqlOperator function(String method, RelDataType type, List<RexNode> operands) {
        Class<?>[] parameters = new Class<?>[operands.size()];
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] = SqlTypeUtil.isBinary(operands.get(i).getType()) ? ByteString.class : String.class;
        }
        try {
            return function(
                    method.toUpperCase(Locale.ROOT),
                    type,
                    operands,
                    BoundedStrings.class.getMethod(method, parameters));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("BoundedStrings has no " + method + " for " + operands, e);
        }
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
        return function(name, type, operands, method);
    }

    private static SqlOperator function(String name, RelDataType type, List<RexNode> operands, Method method) {
        List<RelDataType> operandTypes = operands.stream().map(RexNode::getType).toList();
        return new SqlUserDefinedFunction(
                new SqlIdentifier(name, SqlParserPos.ZERO),
                SqlKind.OTHER_FUNCTION,
                opBinding -> type,
                null,
                OperandTypes.operandMetadata(
                        Collections.nCopies(operands.size(), SqlTypeFamily.ANY),
                        typeFactory -> operandTypes,
                        i -> "arg" + i,
                        i -> false),
                ScalarFunctionImpl.create(method));
    }
}
