// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** Tests over one capture file: one connection whose {@code events} is the file, shared by all the tests. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CaptureFileTests {
    final Connection c;

    CaptureFileTests(String capture) throws Exception {
        c = TestConnections.file(capture);
    }

    @AfterAll
    void closeConnection() throws SQLException {
        c.close();
    }
}
