// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * sysdig's common.lua formats (sysdig 0.29.3, run by LuaJIT): format_bytes uses a unit from just above one of it
 * and LuaJIT's %.2f (the exact binary value, ties up); format_time_interval cuts its two decimals.
 */
class SysdigFormatsTest {
    @Test
    void bytes() {
        assertEquals("0B", SysdigFormats.formatBytes(0));
        assertEquals("832B", SysdigFormats.formatBytes(832));
        assertEquals("1024B", SysdigFormats.formatBytes(1024)); // a unit starts above one of it
        assertEquals("1.00KB", SysdigFormats.formatBytes(1025));
        assertEquals("2.92KB", SysdigFormats.formatBytes(2990)); // sysdig's topfiles_bytes, locale.alias
        assertEquals("1.13KB", SysdigFormats.formatBytes(1152)); // 1.125: a tie, up as LuaJIT's (glibc: 1.12)
        assertEquals("3.63KB", SysdigFormats.formatBytes(3712)); // 3.625, sysdig's echo_fds on the storm capture
        assertEquals("1.12KB", SysdigFormats.formatBytes(1151));
        assertEquals("1024.00KB", SysdigFormats.formatBytes(1024 * 1024));
        assertEquals("19.49M", SysdigFormats.formatBytes(20_437_424)); // the storm capture's /dev/null
        assertEquals("1.50G", SysdigFormats.formatBytes(3L * 512 * 1024 * 1024));
        assertEquals("2.00T", SysdigFormats.formatBytes(2L << 40));
        assertEquals("3.00P", SysdigFormats.formatBytes(3L << 50));
        assertEquals("-5B", SysdigFormats.formatBytes(-5));
    }

    @Test
    void durations() {
        assertEquals("0ns", SysdigFormats.formatDuration(0));
        assertEquals("999ns", SysdigFormats.formatDuration(999));
        assertEquals("1.00us", SysdigFormats.formatDuration(1_000));
        assertEquals("1.99us", SysdigFormats.formatDuration(1_999)); // cut, not rounded
        assertEquals("10us", SysdigFormats.formatDuration(10_000));
        assertEquals("999us", SysdigFormats.formatDuration(999_999));
        assertEquals("1.00ms", SysdigFormats.formatDuration(1_000_000));
        assertEquals("9.99ms", SysdigFormats.formatDuration(9_999_999));
        assertEquals("10ms", SysdigFormats.formatDuration(10_000_000));
        assertEquals("999ms", SysdigFormats.formatDuration(999_999_999));
        assertEquals("1.00s", SysdigFormats.formatDuration(1_000_000_000));
        assertEquals("1.10s", SysdigFormats.formatDuration(1_100_000_000));
        assertEquals("61.05s", SysdigFormats.formatDuration(61_059_999_999L));
    }

    @Test
    void percentages() {
        assertEquals("51.72%", SysdigFormats.formatPercent(51.7249));
        assertEquals("0.00%", SysdigFormats.formatPercent(0));
        assertEquals("0.13%", SysdigFormats.formatPercent(0.125)); // a tie, up
        assertEquals("0.10%", SysdigFormats.formatPercent(0.1)); // 0.1000000000000000055...: no tie
        assertEquals("100.00%", SysdigFormats.formatPercent(100));
    }
}
