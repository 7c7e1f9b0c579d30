package sysql.capture;

import java.util.List;

/**
 * An event type of the ABI table: code (even = enter, odd = exit), sysdig's name ({@code openat}),
 * the table's identifier ({@code SYSCALL_OPENAT_2_X}), category, flags and parameters.
 */
public final class EventType {
    private final int code;
    private final String id;
    private final String name;
    private final int category;
    private final int flags;
    private final List<ParamInfo> params;

    EventType(int code, String id, String name, int category, int flags, List<ParamInfo> params) {
        this.code = code;
        this.id = id;
        this.name = name;
        this.category = category;
        this.flags = flags;
        this.params = List.copyOf(params);
    }

    public int code() { return code; }
    public String id() { return id; }
    public String name() { return name; }
    public int category() { return category; }
    public int flags() { return flags; }
    public boolean isEnter() { return (code & 1) == 0; }
    public List<ParamInfo> params() { return params; }
    public int nparams() { return params.size(); }

    /** Index of the parameter called {@code paramName}, or -1. */
    public int paramIndex(String paramName) {
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).name().equals(paramName)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return (isEnter() ? "> " : "< ") + name + " (" + id + ", " + code + ")";
    }
}
