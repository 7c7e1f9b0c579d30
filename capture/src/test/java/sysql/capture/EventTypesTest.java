// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import sysql.driver.EventTables;
import sysql.testing.TestData;

/** The generated Java mirror of the ABI agrees with sysdig 0.29.3's own event list ({@code sysdig -L}). */
class EventTypesTest {
    private static final Pattern LINE = Pattern.compile("([<>]) (\\w+)\\((.*)\\)");

    @Test
    void everyEventSysdigListsHasTheSameParametersInOurTable() throws IOException {
        List<String> lines = Files.readAllLines(TestData.file("sysdig-events.txt"));
        assertTrue(lines.size() > 200, "sysdig -L lists " + lines.size() + " events");
        List<String> missing = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line.trim());
            if (!m.matches()) {
                continue;
            }
            boolean enter = m.group(1).equals(">");
            String name = m.group(2);
            List<String> expected = new ArrayList<>();
            for (String p : m.group(3).split(",\\s*")) {
                if (!p.isBlank()) {
                    expected.add(p.trim());
                }
            }
            boolean found = EventTypes.all().stream()
                    .filter(t -> t.isEnter() == enter && t.name().equals(name))
                    .anyMatch(t -> describe(t).equals(expected));
            if (!found) {
                missing.add(line);
            }
        }
        if (!missing.isEmpty()) {
            fail(missing.size() + " events of sysdig -L have no identical row in sysql_event_table.h, e.g. "
                    + missing.subList(0, Math.min(5, missing.size())));
        }
    }

    private static List<String> describe(EventType t) {
        List<String> out = new ArrayList<>();
        for (ParamInfo p : t.params()) {
            out.add(typeName(p.type()) + " " + p.name());
        }
        return out;
    }

    private static String typeName(int type) {
        if (type == EventTables.PT_DYN) {
            return "DYNAMIC";
        }
        for (var f : EventTables.class.getFields()) {
            try {
                if (f.getName().startsWith("PT_") && f.getInt(null) == type) {
                    return f.getName().substring(3);
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return "?" + type;
    }

    @Test
    void syscallTableMapsNamesNumbersAndEvents() {
        assertEquals(257, EventTypes.syscallNumber("openat"));
        assertEquals("openat", EventTypes.syscallName(257));
        EventType enter = EventTypes.byCode(EventTypes.syscallEnterEvent(257));
        assertNotNull(enter);
        assertEquals("openat", enter.name());
        assertTrue(enter.isEnter());
        EventType exit = EventTypes.byCode(enter.code() + 1);
        assertEquals(
                List.of("fd", "dirfd", "name", "flags", "mode", "dev"),
                exit.params().stream().map(ParamInfo::name).toList());
        assertEquals("getppid", EventTypes.syscallName(110));
        assertEquals(EventTables.EVENT_GENERIC_E, EventTypes.syscallEnterEvent(110));
        assertEquals("getppid", EventTypes.syscallCodeName((int) codeOf("getppid")));
        assertEquals(-1, EventTypes.syscallNumber("no_such_syscall"));
    }

    private static long codeOf(String scName) {
        for (int c = 0; c < 1000; c++) {
            if (scName.equals(EventTypes.syscallCodeName(c))) {
                return c;
            }
        }
        return -1;
    }

    @Test
    void enterAndExitOfOneSyscallShareTheName() {
        for (EventType t : EventTypes.all()) {
            if (t.isEnter()) {
                EventType exit = EventTypes.byCode(t.code() + 1);
                assertNotNull(exit, "exit event of " + t);
                if (!t.name().equals("procexit")
                        && !t.name().startsWith("NA")
                        && !exit.name().startsWith("NA")) {
                    assertEquals(t.name(), exit.name(), "enter/exit pair " + t.code());
                }
            }
        }
    }

    @Test
    void flagTablesAreMirrored() {
        EventTypes.FlagTable files = EventTypes.flagTable("file_flags");
        assertNotNull(files);
        int i = files.names().indexOf("O_CLOEXEC");
        assertTrue(i >= 0);
        assertEquals(1 << 12, files.values()[i]);
    }
}
