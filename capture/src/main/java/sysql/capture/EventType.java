// SPDX-License-Identifier: Apache-2.0
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
    /** {@code PT_*} of each parameter, and which of them are signed integers: read per event without the list. */
    private final int[] paramTypes;

    private final long signedParams;

    EventType(int code, String id, String name, int category, int flags, List<ParamInfo> params) {
        this.code = code;
        this.id = id;
        this.name = name;
        this.category = category;
        this.flags = flags;
        this.params = List.copyOf(params);
        this.paramTypes = new int[params.size()];
        long signed = 0;
        for (int i = 0; i < paramTypes.length; i++) {
            paramTypes[i] = params.get(i).type();
            if (i < 64 && ParamInfo.isSigned(paramTypes[i])) {
                signed |= 1L << i;
            }
        }
        this.signedParams = signed;
    }

    public int code() {
        return code;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public int category() {
        return category;
    }

    public int flags() {
        return flags;
    }

    public boolean isEnter() {
        return (code & 1) == 0;
    }

    public List<ParamInfo> params() {
        return params;
    }

    public int nparams() {
        return params.size();
    }

    /** Declared type ({@code EventTables.PT_*}) of parameter {@code i}, or PT_NONE past the declared ones. */
    public int paramType(int i) {
        return i >= 0 && i < paramTypes.length ? paramTypes[i] : sysql.driver.EventTables.PT_NONE;
    }

    /** True when parameter {@code i} is declared as a signed integer. */
    public boolean isSignedParam(int i) {
        return i >= 0 && i < 64 && (signedParams >>> i & 1) != 0;
    }

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
