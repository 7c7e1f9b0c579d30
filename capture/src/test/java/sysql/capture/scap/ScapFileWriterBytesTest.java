// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import sysql.capture.EventBatch;
import sysql.capture.scap.ScapFileWriterTest.Ev;

/**
 * The writer's exact bytes, pinned: every test capture re-written through {@link ScapFileSource} and a synthetic
 * capture (extension events, fd types sysdig 0.29.3 lacks, fds of unknown threads, over-long texts), each with and
 * without sysdig compatibility, must give the SHA-256 recorded here. Any change of the written format shows up
 * as a changed digest; a deliberate one updates the table.
 */
class ScapFileWriterBytesTest {
    /** One line per case: name, SHA-256 of the uncompressed file, the writer's counters. */
    static final String EXPECTED = """
            bencer_example0_nginx.scap/sysdig      0d3b67f244ec7856dde3517e3fe76d5135fdc5102abf665653fa80a62928ad55 events=143 downgraded=0 fdsSkipped=0 bytes=119608
            bencer_example0_nginx.scap/sysql       0d3b67f244ec7856dde3517e3fe76d5135fdc5102abf665653fa80a62928ad55 events=143 downgraded=0 fdsSkipped=0 bytes=119608
            bencer_example4_example4-1.scap/sysdig 3da63f7d9a41d8b0735d4dad2d83af0442674027943186a9f33e5bf60e7a2aad events=6440 downgraded=0 fdsSkipped=0 bytes=572576
            bencer_example4_example4-1.scap/sysql  3da63f7d9a41d8b0735d4dad2d83af0442674027943186a9f33e5bf60e7a2aad events=6440 downgraded=0 fdsSkipped=0 bytes=572576
            falco_cat_write.scap/sysdig            4be82f437dd2ceb083e80c1b4946efd3d51e11be5dece40387e4f33373978f96 events=345 downgraded=0 fdsSkipped=0 bytes=110192
            falco_cat_write.scap/sysql             4be82f437dd2ceb083e80c1b4946efd3d51e11be5dece40387e4f33373978f96 events=345 downgraded=0 fdsSkipped=0 bytes=110192
            falco_connect_localhost.scap/sysdig    48f50434e3bb1cf1df80fbbcb823791c80b7f9d938dee8243748d6ff594a8780 events=374 downgraded=0 fdsSkipped=0 bytes=210544
            falco_connect_localhost.scap/sysql     48f50434e3bb1cf1df80fbbcb823791c80b7f9d938dee8243748d6ff594a8780 events=374 downgraded=0 fdsSkipped=0 bytes=210544
            falco_empty.scap/sysdig                12ab33b9dd7797aaf405512e35851d862179935e4000478f9bfe459d002615fd events=143 downgraded=0 fdsSkipped=0 bytes=254152
            falco_empty.scap/sysql                 12ab33b9dd7797aaf405512e35851d862179935e4000478f9bfe459d002615fd events=143 downgraded=0 fdsSkipped=0 bytes=254152
            falco_open-multiple-files.scap/sysdig  a01051f5a38b312245bbcf6ce5d6f6591eda13820496d26e7e504248518d12b4 events=1272 downgraded=0 fdsSkipped=0 bytes=238452
            falco_open-multiple-files.scap/sysql   a01051f5a38b312245bbcf6ce5d6f6591eda13820496d26e7e504248518d12b4 events=1272 downgraded=0 fdsSkipped=0 bytes=238452
            falco_ping_sendto.scap/sysdig          bfe249ba0b525f01d242faea8577615be08deca959856da4a4a7c7605d050416 events=1526 downgraded=0 fdsSkipped=0 bytes=263796
            falco_ping_sendto.scap/sysql           bfe249ba0b525f01d242faea8577615be08deca959856da4a4a7c7605d050416 events=1526 downgraded=0 fdsSkipped=0 bytes=263796
            falco_syscall.scap/sysdig              7e2ac4263da0ed020f6ad85d7a81e2504897d13ca0aa51409818ff9a1532fd3a events=368 downgraded=0 fdsSkipped=0 bytes=249864
            falco_syscall.scap/sysql               7e2ac4263da0ed020f6ad85d7a81e2504897d13ca0aa51409818ff9a1532fd3a events=368 downgraded=0 fdsSkipped=0 bytes=249864
            libs_curl_google.scap/sysdig           f4d90b0f8129d39bc779df5510468a9837f3e947db0b95b4a28cd47fb5fe1f23 events=1536 downgraded=0 fdsSkipped=0 bytes=156284
            libs_curl_google.scap/sysql            f4d90b0f8129d39bc779df5510468a9837f3e947db0b95b4a28cd47fb5fe1f23 events=1536 downgraded=0 fdsSkipped=0 bytes=156284
            libs_curl_google_comments.scap/sysdig  f4d90b0f8129d39bc779df5510468a9837f3e947db0b95b4a28cd47fb5fe1f23 events=1536 downgraded=0 fdsSkipped=0 bytes=156284
            libs_curl_google_comments.scap/sysql   f4d90b0f8129d39bc779df5510468a9837f3e947db0b95b4a28cd47fb5fe1f23 events=1536 downgraded=0 fdsSkipped=0 bytes=156284
            libs_single_ipv6_conn.scap/sysdig      e77e9ae748e9363b4321f627f088787539700900e8fd8e49d87c029da972e59d events=1728 downgraded=0 fdsSkipped=0 bytes=253996
            libs_single_ipv6_conn.scap/sysql       e77e9ae748e9363b4321f627f088787539700900e8fd8e49d87c029da972e59d events=1728 downgraded=0 fdsSkipped=0 bytes=253996
            synthetic/sysdig                       df3c8f77e520e35f2651c9ca90be202e3d055de244efac59262bc45540b28951 events=12 downgraded=8 fdsSkipped=2 bytes=71492
            synthetic/sysql                        6282e0cedf40c836e1cd18162416caad2d27c5c758e725ef2b28e7251b755a3a events=12 downgraded=0 fdsSkipped=2 bytes=71656
            sysdig_live_storm.scap.gz/sysdig       05276a5f44bcb1028df4a555e78059430e9611fc54930ab8a4be99adc09d0b9c events=1172355 downgraded=0 fdsSkipped=0 bytes=56040076
            sysdig_live_storm.scap.gz/sysql        05276a5f44bcb1028df4a555e78059430e9611fc54930ab8a4be99adc09d0b9c events=1172355 downgraded=0 fdsSkipped=0 bytes=56040076
            """;

    static String digest(MessageDigest md, ScapFileWriter w) {
        return HexFormat.of().formatHex(md.digest()) + " events=" + w.eventsWritten() + " downgraded="
                + w.eventsDowngraded() + " fdsSkipped=" + w.fdsSkipped() + " bytes=" + w.bytesWritten();
    }

    static MessageDigest sha256() throws Exception {
        return MessageDigest.getInstance("SHA-256");
    }

    static ScapFileWriter.Options options(boolean compat) {
        return ScapFileWriter.Options.defaults().withSysdigCompatible(compat);
    }

    static String rewrite(Path in, boolean compat) throws Exception {
        MessageDigest md = sha256();
        OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), md);
        ScapFileWriter w;
        try (ScapFileSource src = ScapFileSource.open(in);
                EventBatch batch = new EventBatch()) {
            w = ScapFileWriter.open(in.getFileName().toString(), sink, src.initialState(), options(compat));
            try (w) {
                while (src.fill(batch, 0)) {
                    w.write(batch);
                }
            }
        }
        return digest(md, w);
    }

    /** The synthetic capture of {@link ScapFileWriterTest}, with what sysdig 0.29.3 lacks added. */
    static InitialState syntheticState() throws Exception {
        InitialState s = ScapFileWriterTest.state();
        List<ProcessInfo> procs = new ArrayList<>(s.processes());
        String longName = "é".repeat(700); // 1400 bytes: cut at 1024 without splitting a character
        List<String> manyArgs = new ArrayList<>(Collections.nCopies(600, "argument"));
        procs.add(ScapFileWriterTest.process(300, 300, 1, longName, "/" + longName, manyArgs, 0));
        List<ScapFdInfo> fds = new ArrayList<>(s.fds());
        fds.add(new ScapFdInfo(100, 20, 31, ScapFdType.BPF, "anon_inode:bpf-map", 2, 5, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(
                100, 21, 32, ScapFdType.USERFAULTFD, "anon_inode:[userfaultfd]", 2, 5, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(
                100, 22, 33, ScapFdType.IOURING, "anon_inode:[io_uring]", 2, 5, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(
                200, 23, 34, ScapFdType.MEMFD, "/memfd:x (deleted)", 0x8002, 0x77, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(200, 24, 35, ScapFdType.PIDFD, "anon_inode:[pidfd]", 2, 5, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(200, 25, 36, ScapFdType.UNKNOWN, "?", 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(999, 0, 37, ScapFdType.FILE_V2, "/orphan", 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(300, 0, 38, ScapFdType.FILE_V2, "/" + longName, 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(
                100, 26, 39, ScapFdType.IPV6_SOCK, "", 0, 0, ScapFileWriterTest.ip("10.1.2.3"), null, 1, 2, 2, 0, 0));
        List<InterfaceInfo> ifs = new ArrayList<>(s.interfaces());
        ifs.add(new InterfaceInfo(3, "tun0", ScapFileWriterTest.ip("10.8.0.1"), null, null, 0));
        ifs.add(new InterfaceInfo(4, "tun0", ScapFileWriterTest.ip("fe80::1"), null, null, 0));
        ifs.add(new InterfaceInfo(2, "v4in6", ScapFileWriterTest.ip("192.168.1.1"), null, null, 10));
        return new InitialState(s.section(), s.machine(), procs, fds, ifs, s.users(), s.groups());
    }

    static String synthetic(boolean compat) throws Exception {
        MessageDigest md = sha256();
        OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), md);
        List<Ev> events = ScapFileWriterTest.input();
        ScapFileWriter w = ScapFileWriter.open("synthetic", sink, syntheticState(), options(compat));
        try (w;
                EventBatch batch = new EventBatch()) {
            // every entry point: an Event view, bytes at an offset, a batch of several events
            int used = 0;
            int inBatch = 0;
            for (int i = 0; i < events.size(); i++) {
                Ev e = events.get(i);
                switch (i % 3) {
                    case 0 -> w.write(e.view());
                    case 1 -> {
                        ByteBuffer b = ByteBuffer.allocate(e.bytes().length + 7).order(ByteOrder.LITTLE_ENDIAN);
                        b.put(7, e.bytes());
                        w.write(e.cpu(), b, 7);
                    }
                    default -> {
                        ByteBuffer b = batch.buffer();
                        b.limit(b.capacity());
                        b.putShort(used, (short) e.cpu());
                        b.put(used + 2, e.bytes());
                        used += 2 + e.bytes().length;
                        inBatch++;
                    }
                }
            }
            batch.filled(inBatch, used);
            w.write(batch);
        }
        return digest(md, w);
    }

    @Test
    void theWrittenBytesAreThoseRecorded() throws Exception {
        Map<String, String> got = new TreeMap<>();
        for (boolean compat : new boolean[] {true, false}) {
            String mode = compat ? "sysdig" : "sysql";
            got.put("synthetic/" + mode, synthetic(compat));
            for (Path f : ScapTestFiles.allScapFiles()) {
                got.put(f.getFileName() + "/" + mode, rewrite(f, compat));
            }
        }
        StringBuilder table = new StringBuilder();
        got.forEach((k, v) -> table.append(String.format("%-38s %s\n", k, v)));
        assertEquals(EXPECTED, table.toString(), "the written bytes changed; now:\n" + table);
    }
}
