// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sysql.driver.EventTables;

/**
 * The ABI's tables as Java objects, built once from the generated {@link EventTables}: event types by
 * code, x86_64 syscalls by number and name, sysdig's syscall codes (names and categories), and flag name tables.
 */
public final class EventTypes {
    private static final EventType[] BY_CODE = new EventType[EventTables.EVENT_CODE_LIMIT];
    private static final String[] SYSCALL_NAMES = new String[EventTables.SYSCALL_TABLE_SIZE];
    private static final int[] SYSCALL_ENTER_EVENT = new int[EventTables.SYSCALL_TABLE_SIZE];
    private static final int[] SYSCALL_CODE = new int[EventTables.SYSCALL_TABLE_SIZE];
    private static final Map<String, Integer> SYSCALL_NRS = new HashMap<>();
    private static final Map<Integer, String> SYSCALL_CODE_NAMES = new HashMap<>();
    private static final int[] SYSCALL_CODE_CATEGORIES;
    private static final Map<String, FlagTable> FLAG_TABLES = new HashMap<>();

    /** A flag table: names and their encoded values, in the order sysdig matches them. */
    public record FlagTable(String name, List<String> names, long[] values) {}

    static {
        EventTables.events((code, id, name, category, flags, nparams, params) -> {
            List<ParamInfo> list = new ArrayList<>(nparams);
            for (int i = 0; i < nparams; i++) {
                Object[] p = params[i];
                list.add(new ParamInfo(
                        (String) p[0], (Integer) p[1], (Integer) p[2], (String) p[3], (String) p[4], (Integer) p[5]));
            }
            BY_CODE[code] = new EventType(code, id, name, category, flags, list);
        });
        Arrays.fill(SYSCALL_ENTER_EVENT, -1);
        EventTables.syscalls((nr, name, syscallCode, enterEvent, flags) -> {
            SYSCALL_NAMES[nr] = name;
            SYSCALL_ENTER_EVENT[nr] = enterEvent;
            SYSCALL_CODE[nr] = syscallCode;
            SYSCALL_NRS.put(name, nr);
        });
        int[] limit = {0};
        EventTables.syscallCodes((code, name, category) -> limit[0] = Math.max(limit[0], code + 1));
        int[] categories = new int[limit[0]];
        Arrays.fill(categories, EventTables.EC_OTHER);
        EventTables.syscallCodes((code, name, category) -> {
            SYSCALL_CODE_NAMES.put(code, name);
            categories[code] = category;
        });
        SYSCALL_CODE_CATEGORIES = categories;
        EventTables.flagTables(
                (name, names, values) -> FLAG_TABLES.put(name, new FlagTable(name, List.of(names), values)));
    }

    private EventTypes() {}

    /** The event type with this code, or null for a code the table does not define. */
    public static EventType byCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** Every defined event type, by code. */
    public static List<EventType> all() {
        List<EventType> all = new ArrayList<>();
        for (EventType t : BY_CODE) {
            if (t != null) {
                all.add(t);
            }
        }
        return Collections.unmodifiableList(all);
    }

    /** x86_64 syscall number of {@code name} ({@code "openat"} → 257), or -1. */
    public static int syscallNumber(String name) {
        return SYSCALL_NRS.getOrDefault(name, -1);
    }

    /** Name of x86_64 syscall {@code nr}, or null. */
    public static String syscallName(int nr) {
        return nr >= 0 && nr < SYSCALL_NAMES.length ? SYSCALL_NAMES[nr] : null;
    }

    /** Enter event code emitted for syscall {@code nr} (the generic one when it has no typed event), or -1. */
    public static int syscallEnterEvent(int nr) {
        return nr >= 0 && nr < SYSCALL_ENTER_EVENT.length ? SYSCALL_ENTER_EVENT[nr] : -1;
    }

    /**
     * The evt.type of syscall {@code nr}'s events: its typed event's name, or for a syscall without one, the
     * name its generic events show (sysdig's name of its syscall code, else the x86_64 name); null if unknown.
     */
    public static String syscallEventName(int nr) {
        int enter = syscallEnterEvent(nr);
        if (enter < 0) {
            return null;
        }
        if (enter == EventTables.EVENT_GENERIC_E || enter == EventTables.EVENT_GENERIC_ARGS_E) {
            String byCode = syscallCodeName(SYSCALL_CODE[nr]);
            return byCode != null && !byCode.equals("unknown") ? byCode : syscallName(nr);
        }
        EventType t = byCode(enter);
        return t == null ? null : t.name();
    }

    /** sysdig's name of a syscall code (the ID parameter of generic events), or null. */
    public static String syscallCodeName(int code) {
        return SYSCALL_CODE_NAMES.get(code);
    }

    /**
     * The category (EC_*) of a syscall code, as sysdig's syscall info table gives it: the evt.category of the
     * generic events with this ID; EC_OTHER for a code the table does not have.
     */
    public static int syscallCodeCategory(int code) {
        return code >= 0 && code < SYSCALL_CODE_CATEGORIES.length
                ? SYSCALL_CODE_CATEGORIES[code]
                : EventTables.EC_OTHER;
    }

    /** A flag name table by name ({@code file_flags}), or null. */
    public static FlagTable flagTable(String name) {
        return FLAG_TABLES.get(name);
    }
}
