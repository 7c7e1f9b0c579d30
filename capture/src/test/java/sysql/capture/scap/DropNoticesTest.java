// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.capture.CaptureStats;
import sysql.capture.DropNotices;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.engine.FileScan;
import sysql.capture.engine.ScanRequest;
import sysql.capture.fields.FieldCatalog;
import sysql.testing.TestData;

/**
 * Lost events written into the stream: a notice per CPU whose drop counters grew, one for the history's disk
 * writer; sysdig reads the notice in a file, and a scan over a file that holds one warns that its window lost
 * events.
 */
class DropNoticesTest {
    /** falco_cat_write.scap with a drop notice after its 10th event: testdata/made/, for the other modules' tests. */
    static final String MADE = "falco_cat_write_drops.scap";

    @TempDir
    Path tmp;

    private static CaptureStats stats(long... fullInvalidPairs) {
        List<CaptureStats.Cpu> cpus = new ArrayList<>();
        for (int c = 0; c < fullInvalidPairs.length / 2; c++) {
            cpus.add(new CaptureStats.Cpu(c, 1000, 1000, fullInvalidPairs[2 * c], fullInvalidPairs[2 * c + 1], 0));
        }
        return new CaptureStats(cpus, 0, 0, 0, 1 << 20, sysql.capture.LiveCapture.Driver.BPF);
    }

    @Test
    void aNoticeForEachCpuThatLostEventsSinceTheLastLook() throws Exception {
        DropNotices n = new DropNotices();
        n.reset(stats(5, 0, 7, 1), 100);
        List<String> seen = new ArrayList<>();
        DropNotices.Sink sink = e -> seen.add(e.cpu() + "|" + e.ts() + "|" + e.tid() + "|" + e.typeName() + "|"
                + e.paramAsString(0) + "|" + e.paramAsString(1) + "|" + DropNotices.isNotice(e) + "|"
                + DropNotices.lostBy(e) + "|" + DropNotices.since(e) + "|" + DropNotices.until(e));
        DropNotices.HistoryLoss none = DropNotices.HistoryLoss.NONE;
        assertEquals(0, n.check(stats(5, 0, 7, 1), none, 200, sink), "the drops before the stream are not noticed");
        assertEquals(1, n.check(stats(5, 0, 10, 2), none, 300, sink));
        assertEquals(1, n.check(stats(5, 0, 10, 2), new DropNotices.HistoryLoss(40, 7, 9), 400, sink));
        assertEquals(
                List.of(
                        "1|300|-1|notification|sysql.drops|lost=4 cpu=1 full=3 invalid=1 since=200 until=300|true|4|200|300",
                        "0|400|-1|notification|sysql.drops|lost=40 cpu=history since=7 until=9 (the history's disk writer"
                                + " fell behind: segments not written)|true|40|7|9"),
                seen);
        assertEquals(0, n.check(stats(5, 0, 10, 2, 9, 9), none, 500, sink), "another CPU count starts over");
        assertEquals(0, n.check(stats(5, 0, 10, 2, 9, 9), none, 600, sink));
        assertEquals(44, n.lost());
        assertEquals(2, n.notices());
    }

    @Test
    void aWindowLearnsOfTheNoticesWhoseIntervalMeetsItOnce() {
        DropNotices.LostEvents lost = new DropNotices.LostEvents();
        lost.add(300, "lost=4 since=200 until=300", 200, 300, 4, 0, 199);
        assertEquals(null, lost.warning(), "an interval after the window");
        lost.add(300, "lost=4 since=200 until=300", 200, 300, 4, 301, 400);
        assertEquals(null, lost.warning(), "an interval before the window");
        lost.add(300, "lost=4 since=200 until=300", 200, 300, 4, 250, 260);
        lost.add(300, "lost=4 since=200 until=300", 200, 300, 4, 250, 260);
        lost.add(500, "lost=6 since=450 until=500", 450, 500, 6, 0, 1000);
        assertEquals(10, lost.events(), "each notice once");
        assertEquals(2, lost.notices());
        assertTrue(
                lost.warning().startsWith("this query's window lost 10 events (2 sysql.drops notices, "),
                lost.warning());
    }

    @Test
    void sysdigReadsANoticeAndAScanOverItsFileSaysItsWindowLostEvents() throws Exception {
        Path in = TestData.scap("falco_cat_write.scap");
        Path out = tmp.resolve(MADE);
        int events = 0;
        long noticeTs = 0;
        try (ScapFileSource src = ScapFileSource.open(in);
                ScapFileWriter w = ScapFileWriter.create(out, src.initialState(), ScapFileWriter.Options.defaults());
                EventBatch batch = new EventBatch()) {
            Event e = new Event();
            DropNotices notices = new DropNotices();
            while (src.fill(batch, 0)) {
                while (batch.next(e)) {
                    w.write(e);
                    if (++events == 10) {
                        noticeTs = e.ts();
                        w.write(notices.notice(
                                noticeTs, 1, "lost=1234 cpu=1 full=1234 invalid=0 since=" + (noticeTs - 5)));
                    }
                }
            }
        }
        // the copy the other modules' tests read is this file, made by this test
        assertArrayEquals(
                Files.readAllBytes(out),
                Files.readAllBytes(TestData.file("made/" + MADE)),
                "testdata/made/" + MADE + " is not what this test makes: copy " + out + " there");
        List<String> all = Sysdig.readOk(out, "*%evt.num|%evt.type", null);
        assertEquals(
                Sysdig.readOk(in, "*%evt.num|%evt.type", null).size() + 1,
                all.size(),
                "sysdig reads the events it reads in the original, and the notice");
        List<String> notice = Sysdig.readOk(
                out, "*%evt.num|%evt.rawtime|%evt.cpu|%evt.type|%evt.arg.id|%evt.arg.desc", "evt.type=notification");
        assertEquals(
                List.of("11|" + noticeTs + "|1|notification|sysql.drops|lost=1234 cpu=1 full=1234 invalid=0 since="
                        + (noticeTs - 5)),
                notice);

        try (RootAllocator allocator = new RootAllocator();
                FileScan scan = FileScan.open(
                        out,
                        ScanRequest.of(List.of(FieldCatalog.get("evt.num"))),
                        allocator.newChildAllocator("scan", 0, Long.MAX_VALUE))) {
            assertNull(scan.warning(), "nothing read yet");
            while (!scan.ended()) {
                scan.next(0);
            }
            String warning = scan.warning();
            assertNotNull(warning);
            assertTrue(warning.startsWith("this query's window lost 1234 events (1 sysql.drops notice, "), warning);
        }
        try (RootAllocator allocator = new RootAllocator();
                FileScan scan = FileScan.open(
                        in,
                        ScanRequest.of(List.of(FieldCatalog.get("evt.num"))),
                        allocator.newChildAllocator("scan", 0, Long.MAX_VALUE))) {
            while (!scan.ended()) {
                scan.next(0);
            }
            assertNull(scan.warning(), "a file without notices lost nothing");
        }
    }
}
