// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.util.ArrayList;
import java.util.List;

/**
 * What a capture file records before its first event: the machine, the thread table with each thread's fd table,
 * the network interfaces, users and groups. The state engine seeds itself from it the way live capture seeds
 * itself from /proc.
 *
 * @param machine null when the file has no machine info block
 * @param processes every thread, in file order
 * @param fds every fd of every thread, in file order; {@link ScapFdInfo#tid()} says whose
 */
public record InitialState(
        SectionHeader section,
        MachineInfo machine,
        List<ProcessInfo> processes,
        List<ScapFdInfo> fds,
        List<InterfaceInfo> interfaces,
        List<UserInfo> users,
        List<GroupInfo> groups) {

    public InitialState {
        processes = List.copyOf(processes);
        fds = List.copyOf(fds);
        interfaces = List.copyOf(interfaces);
        users = List.copyOf(users);
        groups = List.copyOf(groups);
    }

    /** The thread with this tid, or null. */
    public ProcessInfo process(long tid) {
        for (ProcessInfo p : processes) {
            if (p.tid() == tid) {
                return p;
            }
        }
        return null;
    }

    /** The fds of thread {@code tid}, in file order. */
    public List<ScapFdInfo> fdsOf(long tid) {
        List<ScapFdInfo> out = new ArrayList<>();
        for (ScapFdInfo f : fds) {
            if (f.tid() == tid) {
                out.add(f);
            }
        }
        return out;
    }
}
