// SPDX-License-Identifier: Apache-2.0
package sysql.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sysql.testing.Privileges.Decision;
import sysql.testing.Privileges.Outcome;

class PrivilegesTest {
    static final long BPF_AND_PERFMON = (1L << 39) | (1L << 38);

    @Test
    void rootRuns() {
        assertEquals(Outcome.RUN, Privileges.decide("root", 0, false).outcome());
        assertEquals(Outcome.RUN, Privileges.decide("root", -1, true).outcome());
    }

    @Test
    void aUserWithBpfAndPerfmonRuns() {
        assertEquals(
                Outcome.RUN, Privileges.decide("dev", BPF_AND_PERFMON, false).outcome());
        assertEquals(
                Outcome.RUN,
                Privileges.decide("dev", 0x000001ffffffffffL, false).outcome());
    }

    @Test
    void aUserWithoutBothFailsSayingHowToFixIt() {
        for (long caps : new long[] {0, 1L << 39, 1L << 38, -1}) {
            Decision d = Privileges.decide("dev", caps, false);
            assertEquals(Outcome.FAIL, d.outcome(), Long.toHexString(caps));
            assertTrue(d.message().contains("running as dev"), d.message());
            assertTrue(
                    d.message()
                            .endsWith(
                                    "run as root (CI does), or pass -Dsysql.allowSkipPrivileged=true on a " + "laptop"),
                    d.message());
            assertEquals(1, d.message().lines().count());
        }
    }

    @Test
    void onlyTheAllowSkipPropertySkips() {
        Decision d = Privileges.decide("dev", 1L << 39, true);
        assertEquals(Outcome.SKIP, d.outcome());
        assertTrue(
                d.message().contains("needs root (or CAP_BPF+CAP_PERFMON)")
                        && d.message().contains("skipped"),
                d.message());
    }

    @Test
    void capEffIsReadFromTheStatusText() {
        String status = "Name:\tjava\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
                + "CapEff:\t000000c000000000\nCapBnd:\t000001ffffffffff\n";
        assertEquals(BPF_AND_PERFMON, Privileges.capEff(status));
        assertEquals(-1, Privileges.capEff("Name:\tjava\n"));
        assertEquals(-1, Privileges.capEff("CapEff:\tzz\n"));
    }
}
