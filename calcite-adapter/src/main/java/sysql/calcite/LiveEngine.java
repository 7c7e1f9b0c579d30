// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import sysql.capture.CaptureException;
import sysql.capture.engine.BatchCursor;
import sysql.capture.engine.CaptureHub;
import sysql.capture.engine.ScanRequest;

/**
 * The live host, through a capture hub shared by every query of the process. The hub may still be starting
 * ({@link #starting}): loading the probe (and the kernel's verification of it) takes a second or more, which
 * runs while the connection and the first query are prepared; whatever needs the capture waits for it here.
 */
public final class LiveEngine implements SysqlEngine {
    private final CompletableFuture<CaptureHub> hub;

    public LiveEngine(CaptureHub hub) {
        this.hub = CompletableFuture.completedFuture(hub);
    }

    private LiveEngine(CompletableFuture<CaptureHub> hub) {
        this.hub = hub;
    }

    /** An engine whose capture starts now, on a thread of its own. */
    public static LiveEngine starting(CaptureHub.Options options) {
        CompletableFuture<CaptureHub> f = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try {
                        f.complete(CaptureHub.start(options));
                    } catch (Throwable e) { // whatever it is, the waiting callers must learn it, not wait forever
                        f.completeExceptionally(e);
                    }
                },
                "sysql-capture-start");
        t.setDaemon(true);
        t.start();
        return new LiveEngine(f);
    }

    /** The capture, once started; why it could not start (a missing privilege...) otherwise. */
    public CaptureHub hub() throws CaptureException {
        try {
            return hub.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof CaptureException c) {
                throw c;
            }
            if (e.getCause() instanceof Error err) {
                throw new CaptureException(CaptureException.Reason.UNKNOWN, "the capture could not start: " + err, err);
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Whether the capture failed to start (known without waiting). */
    public boolean failed() {
        return hub.isCompletedExceptionally();
    }

    @Override
    public BatchCursor stream(ScanRequest request) throws CaptureException {
        return hub().subscribe(request);
    }

    @Override
    public BatchCursor history(ScanRequest request) throws CaptureException {
        return hub().history(request);
    }

    @Override
    public long dumpHistory(long fromTs, long toTs, java.io.OutputStream out) throws CaptureException {
        return hub().dumpHistory(fromTs, toTs, out);
    }

    @Override
    public CaptureHub.StateSnapshot state() throws CaptureException {
        return hub().state();
    }

    @Override
    public Optional<CaptureHub.Stats> stats() throws CaptureException {
        return Optional.of(hub().stats());
    }

    @Override
    public boolean isLive() {
        return true;
    }

    @Override
    public String describe() {
        return "live";
    }
}
