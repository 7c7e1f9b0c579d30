// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import static sysql.capture.state.EventIndex.P_CUR;
import static sysql.capture.state.EventIndex.P_EGID;
import static sysql.capture.state.EventIndex.P_EUID;
import static sysql.capture.state.EventIndex.P_GID;
import static sysql.capture.state.EventIndex.P_NEWCUR;
import static sysql.capture.state.EventIndex.P_PATH;
import static sysql.capture.state.EventIndex.P_PID;
import static sysql.capture.state.EventIndex.P_RES;
import static sysql.capture.state.EventIndex.P_RESOURCE;
import static sysql.capture.state.EventIndex.P_UID;
import static sysql.capture.state.EventIndex.SLOTS;
import static sysql.capture.state.Params.longParam;
import static sysql.capture.state.Params.stringParam;

import sysql.capture.Event;
import sysql.driver.EventTables;

/**
 * sysdig's parsers of a thread's attributes: the working directory (chdir, fchdir, getcwd), credentials
 * (setuid, setgid, setresuid, setresgid), the descriptor limit (getrlimit, setrlimit, prlimit) and the session
 * (setsid).
 */
final class ThreadAttrParsers {
    private final StateTracker st;
    private final ThreadTable threads;
    private final Event enter;

    ThreadAttrParsers(StateTracker st) {
        this.st = st;
        this.threads = st.threads();
        this.enter = st.enter;
    }

    void onChdir(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) >= 0) {
            setCwd(t, stringParam(e, s[P_PATH]));
        }
    }

    void onFchdir(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) >= 0 && st.currentFd != null) {
            setCwd(t, st.currentFd.name());
        }
    }

    void onGetcwd(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) >= 0) {
            setCwd(t, stringParam(e, s[P_PATH]));
        }
    }

    /** sysdig's set_cwd: the main thread's directory, resolved against the current one, with a trailing /. */
    private void setCwd(ThreadInfo t, String dir) {
        ThreadInfo main = threads.mainThread(t);
        if (main == null) {
            return;
        }
        String cwd = Paths.resolve(main.cwd, dir);
        main.cwd = cwd.endsWith("/") ? cwd : cwd + "/";
    }

    // ---- credentials and limits

    void onSetIds(ThreadInfo t, Event e, short[] s, EventIndex.Action a) {
        if (longParam(e, s[P_RES], -1) < 0 || !st.paired) {
            return;
        }
        short[] es = SLOTS[enter.typeCode()];
        switch (a) {
            case SETUID -> t.uid = (int) longParam(enter, es[P_UID], t.uid);
            case SETGID -> t.gid = (int) longParam(enter, es[P_GID], t.gid);
            case SETRESUID -> {
                long euid = longParam(enter, es[P_EUID], -1) & 0xffffffffL;
                if (euid < 0xffffffffL) {
                    t.uid = (int) euid;
                }
            }
            case SETRESGID -> {
                long egid = longParam(enter, es[P_EGID], -1) & 0xffffffffL;
                if (egid < 0xffffffffL) {
                    t.gid = (int) egid;
                }
            }
            default -> {}
        }
    }

    void onGetSetRlimit(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) < 0 || !st.paired) {
            return;
        }
        if (longParam(enter, SLOTS[enter.typeCode()][P_RESOURCE], -1) != EventTables.RLIMIT_NOFILE) {
            return;
        }
        long cur = longParam(e, s[P_CUR], -1);
        ThreadInfo main = threads.mainThread(t);
        if (cur != -1 && main != null) {
            main.fdLimit = cur;
        }
    }

    void onPrlimit(Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) < 0 || !st.paired) {
            return;
        }
        short[] es = SLOTS[enter.typeCode()];
        if (longParam(enter, es[P_RESOURCE], -1) != EventTables.RLIMIT_NOFILE) {
            return;
        }
        long cur = longParam(e, s[P_NEWCUR], -1);
        if (cur == -1) {
            return;
        }
        ThreadInfo target = threads.getOrCreate(longParam(enter, es[P_PID], -1));
        ThreadInfo main = target != null ? threads.mainThread(target) : null;
        if (main != null) {
            main.fdLimit = cur;
        }
    }

    static void onSetsid(ThreadInfo t, Event e, short[] s) {
        long res = longParam(e, s[P_RES], -1);
        if (res >= 0) {
            t.sid = res;
        }
    }
}
