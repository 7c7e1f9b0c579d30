// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import org.apache.calcite.rel.type.RelDataTypeSystemImpl;

/**
 * Calcite's default type system, except that a CASE (or a UNION) over strings of different lengths is a VARCHAR,
 * not a CHAR padded to the longest ({@code 'LISTEN'} stays {@code 'LISTEN'} beside {@code 'ESTABLISHED'}), as
 * PostgreSQL and MySQL type it. Every sysql connection's {@code typeSystem}.
 */
public final class SysqlTypeSystem extends RelDataTypeSystemImpl {
    public static final SysqlTypeSystem INSTANCE = new SysqlTypeSystem();

    private SysqlTypeSystem() {}

    @Override
    public boolean shouldConvertRaggedUnionTypesToVarying() {
        return true;
    }
}
