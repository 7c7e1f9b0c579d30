// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.apache.calcite.avatica.util.ByteString;
import org.junit.jupiter.api.Test;
import sysql.calcite.SysqlException;

class BufferFunctionsTest {
    static final ByteString BYTES = new ByteString("GET /\r\n\\é".getBytes(StandardCharsets.UTF_8));

    @Test
    void printableIsSysdigsText() {
        assertEquals("GET /..\\..", BufferFunctions.printable(BYTES));
    }

    @Test
    void encodeAsPostgresql() {
        assertEquals("474554202f0d0a5cc3a9", BufferFunctions.encode(BYTES, "hex"));
        assertEquals("R0VUIC8NClzDqQ==", BufferFunctions.encode(BYTES, "BASE64"));
        assertEquals("GET /\\015\\012\\\\\\303\\251", BufferFunctions.encode(BYTES, "escape"));
        assertThrows(SysqlException.class, () -> BufferFunctions.encode(BYTES, "rot13"));
    }

    @Test
    void convertFromAsPostgresql() {
        assertEquals("GET /\r\n\\é", BufferFunctions.convertFrom(BYTES, "UTF8"));
        assertEquals("GET /\r\n\\Ã©", BufferFunctions.convertFrom(BYTES, "latin1"));
        assertThrows(SysqlException.class, () -> BufferFunctions.convertFrom(BYTES, "nope"));
    }
}
