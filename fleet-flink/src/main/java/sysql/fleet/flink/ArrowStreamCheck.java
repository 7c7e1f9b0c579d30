// SPDX-License-Identifier: Apache-2.0
package sysql.fleet.flink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;

/**
 * Checks the framing of an Arrow IPC stream held in a byte array before Arrow reads it: every message's metadata
 * and body lie inside the array, and the first message is a schema. Arrow's reader allocates each message's
 * length as read from the bytes, so garbage could otherwise claim gigabytes; after this check no allocation is
 * larger than the record.
 */
final class ArrowStreamCheck {
    private static final int CONTINUATION = 0xFFFFFFFF;

    private ArrowStreamCheck() {}

    /** Null if {@code b} is framed as an Arrow IPC stream, else why not (a short phrase). */
    static String problem(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        int messages = 0;
        while (pos < b.length) {
            if (b.length - pos < 4) {
                return "truncated message length at byte " + pos;
            }
            int len = buf.getInt(pos);
            pos += 4;
            if (len == CONTINUATION) {
                if (b.length - pos < 4) {
                    return "truncated message length at byte " + pos;
                }
                len = buf.getInt(pos);
                pos += 4;
            }
            if (len == 0) {
                return messages > 0 ? null : "end-of-stream before a schema";
            }
            if (len < 0 || len > b.length - pos) {
                return "message length " + Integer.toUnsignedString(len) + " at byte " + (pos - 4)
                        + " beyond the record's " + b.length + " bytes";
            }
            long body;
            byte header;
            try {
                Message m = Message.getRootAsMessage(
                        ByteBuffer.wrap(b, pos, len).slice().order(ByteOrder.LITTLE_ENDIAN));
                body = m.bodyLength();
                header = m.headerType();
            } catch (RuntimeException e) {
                return "unreadable message metadata at byte " + pos;
            }
            if (messages == 0 && header != MessageHeader.Schema) {
                return "first message is not a schema";
            }
            pos += len;
            if (body < 0 || body > b.length - pos) {
                return "message body of " + body + " bytes beyond the record";
            }
            pos += (int) body;
            messages++;
        }
        return messages > 0 ? null : "empty record";
    }
}
