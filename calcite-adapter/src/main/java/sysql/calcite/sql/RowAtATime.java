// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.calcite.DataContext;
import org.apache.calcite.jdbc.CalcitePrepare.CalciteSignature;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;

/**
 * A statement whose result set hands out each row as soon as it exists. Calcite's own iterator over a plan's
 * rows reads one row ahead ({@code next()} returns a row only once the row after it is there), which on a
 * stream holds every row back until the next one comes: a window's result until the next window closes, a
 * rare event until another one happens. This iterator asks the plan for a row only when the result set wants
 * one.
 */
final class RowAtATime {
    private RowAtATime() {}

    /** {@code s}, its rows read one at a time (its row limit still applies: it is part of its enumerable). */
    static <T> CalciteSignature<T> of(CalciteSignature<T> s) {
        return new CalciteSignature<>(
                s.sql,
                s.parameters,
                s.internalParameters,
                s.rowType,
                s.columns,
                s.cursorFactory,
                s.rootSchema,
                s.getCollationList(),
                -1,
                (DataContext dc) -> wrap(s.enumerable(dc)),
                s.statementType);
    }

    private static <T> Enumerable<T> wrap(Enumerable<T> rows) {
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<T> enumerator() {
                return rows.enumerator();
            }

            @Override
            public Iterator<T> iterator() {
                return new LazyIterator<>(rows.enumerator());
            }
        };
    }

    /** Moves the enumerator on in {@link #hasNext}, never in {@link #next}. */
    private static final class LazyIterator<T> implements Iterator<T>, AutoCloseable {
        private final Enumerator<T> rows;
        private boolean fetched;
        private boolean more = true;

        LazyIterator(Enumerator<T> rows) {
            this.rows = rows;
        }

        @Override
        public boolean hasNext() {
            if (!fetched && more) {
                more = rows.moveNext();
                fetched = true;
                if (!more) {
                    rows.close();
                }
            }
            return more;
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            fetched = false;
            return rows.current();
        }

        @Override
        public void close() {
            more = false;
            rows.close();
        }
    }
}
