// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

/** SQL type of a catalog field (what the SQL layer declares and the columnar output holds). */
public enum FieldType {
    BIGINT,
    INTEGER,
    BOOLEAN,
    VARCHAR,
    TIMESTAMP,
    DOUBLE,
    VARBINARY
}
