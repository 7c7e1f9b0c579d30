// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A reusable buffer of whole events, filled by an {@link EventSource} in one call and read in place with a
 * flyweight {@link Event}. Records are back to back: {@code u16 cpu} then the event (the body of a .scap
 * event block).
 */
public final class EventBatch implements AutoCloseable {
    /** Default capacity: 4 MiB, room for tens of thousands of typical events. */
    public static final int DEFAULT_CAPACITY = 4 << 20;
    /** Smallest capacity: one largest event plus its record header. */
    public static final int MIN_CAPACITY = sysql.driver.EventTables.EVENT_MAX_SIZE + 2;

    private final Memory memory;
    private final ByteBuffer buffer;
    private int count;
    private int bytes;
    private int cursor;

    public EventBatch() {
        this(DEFAULT_CAPACITY);
    }

    public EventBatch(int capacity) {
        if (capacity < MIN_CAPACITY) {
            throw new IllegalArgumentException("batch capacity " + capacity + " is below the minimum " + MIN_CAPACITY);
        }
        this.memory = new Memory(capacity);
        this.buffer = memory.getByteBuffer(0, capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Native address of the buffer, for sources that fill it from C. */
    Pointer pointer() {
        return memory;
    }

    /** The whole buffer (limit = capacity); events occupy [0, {@link #bytes()}). */
    public ByteBuffer buffer() {
        return buffer;
    }

    public int capacity() {
        return buffer.capacity();
    }

    /** Number of events in the batch. */
    public int count() {
        return count;
    }

    /** Bytes the batch's records occupy. */
    public int bytes() {
        return bytes;
    }

    /** Called by sources after filling the buffer; rewinds the cursor. */
    public void filled(int events, int usedBytes) {
        if (usedBytes < 0 || usedBytes > capacity()) {
            throw new IllegalArgumentException("batch of " + usedBytes + " bytes in a buffer of " + capacity());
        }
        this.count = events;
        this.bytes = usedBytes;
        this.cursor = 0;
        buffer.limit(usedBytes);
    }

    public void clear() {
        filled(0, 0);
    }

    /** Rewinds the cursor to the first event. */
    public void rewind() {
        cursor = 0;
    }

    /** Whether {@link #next} has an event left to move to. */
    public boolean hasNext() {
        return cursor < bytes;
    }

    /**
     * Moves {@code event} to the next event of the batch.
     *
     * @return false when the batch has no more events
     * @throws MalformedEventException if the next record is not a well-formed event
     */
    public boolean next(Event event) {
        if (cursor >= bytes) {
            return false;
        }
        if (cursor + 2 > bytes) {
            throw new MalformedEventException(
                    "record header at offset " + cursor + " runs past the batch end " + bytes);
        }
        int cpu = buffer.getShort(cursor) & 0xffff;
        event.wrap(buffer, cursor + 2, cpu);
        cursor += 2 + event.length();
        return true;
    }

    @Override
    public void close() {
        memory.close();
    }
}
