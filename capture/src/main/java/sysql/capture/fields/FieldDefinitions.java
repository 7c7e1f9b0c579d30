// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import java.util.LinkedHashMap;
import java.util.Map;
import sysql.capture.state.ThreadInfo;

/** Shared helpers of the per-class field definitions, and the table they fill. */
abstract class FieldDefinitions {
    static final Map<String, Field> FIELDS = new LinkedHashMap<>();

    static void add(Field f) {
        if (FIELDS.put(f.name(), f) != null) {
            throw new IllegalStateException("field " + f.name() + " defined twice");
        }
    }

    static void num(String name, FieldType type, String description, Field.LongExtractor x) {
        add(Field.ofLong(name, type, description, x));
    }

    static void str(String name, String description, Field.StringExtractor x) {
        add(Field.ofString(name, description, x));
    }

    /** A numeric extractor that is present whenever the event has a known thread. */
    interface ThreadLong {
        long get(ThreadInfo t);
    }

    static Field.LongExtractor threadLong(ThreadLong f) {
        return new Field.LongExtractor() {
            @Override
            public boolean present(EventContext c) {
                return c.thread() != null;
            }

            @Override
            public long get(EventContext c) {
                return f.get(c.thread());
            }
        };
    }

    static Field.LongExtractor always(java.util.function.ToLongFunction<EventContext> f) {
        return new Field.LongExtractor() {
            @Override
            public boolean present(EventContext c) {
                return true;
            }

            @Override
            public long get(EventContext c) {
                return f.applyAsLong(c);
            }
        };
    }

    /** A numeric extractor from two functions: whether there is a value, and the value. */
    static Field.LongExtractor valueIf(
            java.util.function.Predicate<EventContext> present, java.util.function.ToLongFunction<EventContext> value) {
        return new Field.LongExtractor() {
            @Override
            public boolean present(EventContext c) {
                return present.test(c);
            }

            @Override
            public long get(EventContext c) {
                return value.applyAsLong(c);
            }
        };
    }
}
