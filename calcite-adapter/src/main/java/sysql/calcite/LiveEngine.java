// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import java.util.Optional;
import sysql.capture.CaptureException;
import sysql.capture.engine.BatchCursor;
import sysql.capture.engine.CaptureHub;
import sysql.capture.engine.ScanRequest;

/** The live host, through a capture hub shared by every query of the process. */
public final class LiveEngine implements SysqlEngine {
    private final CaptureHub hub;

    public LiveEngine(CaptureHub hub) {
        this.hub = hub;
    }

    public CaptureHub hub() {
        return hub;
    }

    @Override
    public BatchCursor stream(ScanRequest request) throws CaptureException {
        return hub.subscribe(request);
    }

    @Override
    public BatchCursor history(ScanRequest request) throws CaptureException {
        return hub.history(request);
    }

    @Override
    public CaptureHub.StateSnapshot state() throws CaptureException {
        return hub.state();
    }

    @Override
    public Optional<CaptureHub.Stats> stats() throws CaptureException {
        return Optional.of(hub.stats());
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
