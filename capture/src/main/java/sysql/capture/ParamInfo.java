package sysql.capture;

/**
 * One parameter of an event type: its name (sysdig's), type ({@code EventTables.PT_*}), print format and
 * the extra information some types carry (a flag table, the index of the dirfd a relative path is resolved
 * against, a dynamic type table).
 */
public record ParamInfo(String name, int type, int format, String infoKind, String infoName, int infoArg) {

    /** Size in bytes of a fixed-size parameter type, or -1 for variable-size types. */
    public static int fixedSize(int type) {
        return switch (type) {
            case sysql.driver.EventTables.PT_INT8, sysql.driver.EventTables.PT_UINT8,
                 sysql.driver.EventTables.PT_FLAGS8, sysql.driver.EventTables.PT_SIGTYPE,
                 sysql.driver.EventTables.PT_L4PROTO, sysql.driver.EventTables.PT_SOCKFAMILY -> 1;
            case sysql.driver.EventTables.PT_INT16, sysql.driver.EventTables.PT_UINT16,
                 sysql.driver.EventTables.PT_FLAGS16, sysql.driver.EventTables.PT_PORT,
                 sysql.driver.EventTables.PT_SYSCALLID -> 2;
            case sysql.driver.EventTables.PT_INT32, sysql.driver.EventTables.PT_UINT32,
                 sysql.driver.EventTables.PT_FLAGS32, sysql.driver.EventTables.PT_UID,
                 sysql.driver.EventTables.PT_GID, sysql.driver.EventTables.PT_BOOL,
                 sysql.driver.EventTables.PT_SIGSET, sysql.driver.EventTables.PT_MODE,
                 sysql.driver.EventTables.PT_IPV4ADDR -> 4;
            case sysql.driver.EventTables.PT_INT64, sysql.driver.EventTables.PT_UINT64,
                 sysql.driver.EventTables.PT_ERRNO, sysql.driver.EventTables.PT_FD,
                 sysql.driver.EventTables.PT_PID, sysql.driver.EventTables.PT_RELTIME,
                 sysql.driver.EventTables.PT_ABSTIME, sysql.driver.EventTables.PT_DOUBLE -> 8;
            case sysql.driver.EventTables.PT_IPV6ADDR -> 16;
            default -> -1;
        };
    }

    /** True for types whose value is a signed integer. */
    public static boolean isSigned(int type) {
        return switch (type) {
            case sysql.driver.EventTables.PT_INT8, sysql.driver.EventTables.PT_INT16,
                 sysql.driver.EventTables.PT_INT32, sysql.driver.EventTables.PT_INT64,
                 sysql.driver.EventTables.PT_ERRNO, sysql.driver.EventTables.PT_FD,
                 sysql.driver.EventTables.PT_PID -> true;
            default -> false;
        };
    }
}
