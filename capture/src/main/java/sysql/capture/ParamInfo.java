// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import sysql.driver.EventTables;

/**
 * One parameter of an event type: its name (sysdig's), type ({@code EventTables.PT_*}), print format and
 * the extra information some types carry (a flag table, the index of the dirfd a relative path is resolved
 * against, a dynamic type table).
 */
public record ParamInfo(String name, int type, int format, String infoKind, String infoName, int infoArg) {

    /** Size in bytes of a fixed-size parameter type, or -1 for variable-size types. */
    public static int fixedSize(int type) {
        return switch (type) {
            case EventTables.PT_INT8,
                    EventTables.PT_UINT8,
                    EventTables.PT_FLAGS8,
                    EventTables.PT_SIGTYPE,
                    EventTables.PT_L4PROTO,
                    EventTables.PT_SOCKFAMILY -> 1;
            case EventTables.PT_INT16,
                    EventTables.PT_UINT16,
                    EventTables.PT_FLAGS16,
                    EventTables.PT_PORT,
                    EventTables.PT_SYSCALLID -> 2;
            case EventTables.PT_INT32,
                    EventTables.PT_UINT32,
                    EventTables.PT_FLAGS32,
                    EventTables.PT_UID,
                    EventTables.PT_GID,
                    EventTables.PT_BOOL,
                    EventTables.PT_SIGSET,
                    EventTables.PT_MODE,
                    EventTables.PT_IPV4ADDR -> 4;
            case EventTables.PT_INT64,
                    EventTables.PT_UINT64,
                    EventTables.PT_ERRNO,
                    EventTables.PT_FD,
                    EventTables.PT_PID,
                    EventTables.PT_RELTIME,
                    EventTables.PT_ABSTIME,
                    EventTables.PT_DOUBLE -> 8;
            case EventTables.PT_IPV6ADDR -> 16;
            default -> -1;
        };
    }

    /** True for types whose value is a signed integer. */
    public static boolean isSigned(int type) {
        return switch (type) {
            case EventTables.PT_INT8,
                    EventTables.PT_INT16,
                    EventTables.PT_INT32,
                    EventTables.PT_INT64,
                    EventTables.PT_ERRNO,
                    EventTables.PT_FD,
                    EventTables.PT_PID -> true;
            default -> false;
        };
    }
}
