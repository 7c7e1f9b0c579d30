package sysql.capture.fields;

import sysql.capture.Event;
import sysql.driver.EventTables;

/** Fields of class evt: the event itself (number, time, cpu, direction, type, result, arguments). */
final class EvtFields extends FieldDefinitions {
    private EvtFields() {}

    /**
     * Index of an exit event's result: its first parameter when that is the syscall's return value (named
     * {@code res}, or an errno, fd or pid — accept's and open's {@code fd}), else -1.
     */
    static int resIndex(Event e) {
        if (e.isEnter() || e.nparams() == 0 || e.paramLength(0) != 8) {
            return -1;
        }
        int t = e.paramType(0);
        boolean named = e.type() != null && e.type().params().get(0).name().equals("res");
        return named || t == EventTables.PT_ERRNO || t == EventTables.PT_FD || t == EventTables.PT_PID ? 0 : -1;
    }

    /** A parametric evt field (evt.arg.NAME, evt.arg[N], evt.rawarg.NAME), or null: none yet. */
    static Field resolve(String name) {
        return null;
    }

    static void register() {
        // ---- evt
        num("evt.num", FieldType.BIGINT, "Number of the event in the stream, from 1 (hidden internal events count too).",
                always(EventContext::num));
        num("evt.rawtime", FieldType.BIGINT, "Event time in nanoseconds since the epoch.", always(c -> c.event().ts()));
        num("evt.cpu", FieldType.INTEGER, "CPU the event happened on.", always(c -> c.event().cpu()));
        str("evt.dir", "Direction: '>' on entry to a syscall, '<' on its return.",
                c -> c.event().isEnter() ? ">" : "<");
        str("evt.type", "Event type: the syscall's name (generic syscalls too), or procexit, signaldeliver...",
                c -> c.event().syscallName());
        str("evt.res", "Result of an exit event: SUCCESS, or the errno name (ENOENT...) when it failed.", c -> {
            Event e = c.event();
            int i = resIndex(e);
            if (i < 0) {
                return null;
            }
            long r = e.paramAsLong(i);
            if (r >= 0) {
                return "SUCCESS";
            }
            String n = Errno.name(-r);
            return n != null ? n : Long.toString(r);
        });
        num("evt.rawres", FieldType.BIGINT, "Result of an exit event as a number (negative errno on failure).",
                new Field.LongExtractor() {
                    @Override
                    public boolean present(EventContext c) {
                        return resIndex(c.event()) >= 0;
                    }

                    @Override
                    public long get(EventContext c) {
                        return c.event().paramAsLong(resIndex(c.event()));
                    }
                });
        num("evt.failed", FieldType.BOOLEAN, "True for exit events whose result is an error.",
                new Field.LongExtractor() {
                    @Override
                    public boolean present(EventContext c) {
                        return true;
                    }

                    @Override
                    public long get(EventContext c) {
                        int i = resIndex(c.event());
                        return i >= 0 && c.event().paramAsLong(i) < 0 ? 1 : 0;
                    }
                });
        num("evt.latency", FieldType.BIGINT, "For an exit event, nanoseconds since its enter event; 0 otherwise.",
                always(c -> {
                    Event enter = c.event().isEnter() ? null : c.pairedEnter();
                    return enter != null ? c.event().ts() - enter.ts() : 0;
                }));
    }
}
