// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sysql.capture.Event;
import sysql.capture.EventType;
import sysql.capture.EventTypes;
import sysql.capture.ParamInfo;
import sysql.driver.EventTables;

/**
 * evt's tables by event code against the event table's names they are built from: every event type, each with
 * the name tests the extractors made per event before the tables.
 */
class EvtFieldTablesTest {
    /** An event of type {@code t} with every parameter present: fixed-size ones all ones bits (-1), others empty. */
    private static Event eventOf(EventType t) {
        int n = t.nparams();
        int len = Event.HEADER_LEN + 2 * n;
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = Math.max(0, ParamInfo.fixedSize(t.paramType(i)));
            len += sizes[i];
        }
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(1).putLong(1).putInt(len).putShort((short) t.code()).putInt(n);
        for (int s : sizes) {
            b.putShort((short) s);
        }
        for (int s : sizes) {
            for (int k = 0; k < s; k++) {
                b.put((byte) -1);
            }
        }
        return new Event().wrap(b, 0, 0);
    }

    @Test
    void resultsAndErrorsByCodeAsByName() {
        for (EventType t : EventTypes.all()) {
            Event e = eventOf(t);
            boolean named = t.nparams() > 0 && t.params().get(0).name().equals("res");
            int p0 = e.nparams() > 0 ? e.paramType(0) : EventTables.PT_NONE;
            int res = e.isEnter() || e.nparams() == 0 || e.paramLength(0) != 8
                    ? -1
                    : named || p0 == EventTables.PT_ERRNO || p0 == EventTables.PT_FD || p0 == EventTables.PT_PID
                            ? 0
                            : -1;
            assertEquals(res, EvtFields.resIndex(e), t.toString());
            int i = t.paramIndex("res");
            if (i < 0 && (t.flags() & EventTables.EF_CREATES_FD) != 0 && !e.isEnter()) {
                i = 0;
            }
            int error = i < 0 || i >= e.nparams() || e.paramLength(i) != 8 ? -1 : 1;
            assertEquals(error, EvtFields.errorState(e), t.toString());
        }
    }

    @Test
    void netErrorsAreTheExitsOfAcceptAndConnect() {
        Set<String> net = Set.of("accept", "accept4", "connect");
        int exits = 0;
        for (EventType t : EventTypes.all()) {
            boolean expected = !t.isEnter() && net.contains(t.name());
            exits += expected ? 1 : 0;
            assertEquals(expected, EvtFields.netError(eventOf(t)), t.toString());
        }
        assertEquals(true, exits >= 3);
    }

    @Test
    void parameterIndexesByCodeAsByName() {
        for (EventType t : EventTypes.all()) {
            Event e = eventOf(t);
            for (ParamInfo p : t.params()) {
                assertEquals(
                        t.paramIndex(p.name()),
                        EvtFields.paramIndex(e, EvtFields.paramIndexByCode(p.name())),
                        t + " " + p.name());
            }
            for (String p : new String[] {"res", "data", "fd", "no_such_parameter"}) {
                assertEquals(t.paramIndex(p), EvtFields.paramIndex(e, EvtFields.paramIndexByCode(p)), t + " " + p);
            }
        }
    }
}
