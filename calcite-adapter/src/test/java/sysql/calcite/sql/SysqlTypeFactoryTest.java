// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SysqlTypeFactoryTest {
    @Test
    void fieldNamesBecomeDistinctJavaIdentifiers() {
        assertEquals(
                List.of("proc_pid_2", "thread_tid", "evt_arg_1_", "proc_pid", "class_", "EXPR$0", "_1x", "__"),
                SysqlTypeFactory.javaNames(
                        List.of("proc.pid", "thread.tid", "evt.arg[1]", "proc_pid", "class", "EXPR$0", "1x", ".")));
        assertEquals(List.of("a", "b_c"), SysqlTypeFactory.javaNames(List.of("a", "b_c")));
    }
}
