// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.util.List;

/**
 * One thread of the process table the capture started with (libscap {@code scap_threadinfo}), every field the
 * file's process list block version carries. Fields an older block version lacks keep libscap's defaults: -1 for
 * {@code sid}, {@code vpgid}, {@code vtid}, {@code vpid} and {@code loginuid}; 0, false, "" or an empty list for
 * the rest.
 *
 * @param tid thread id
 * @param pid id of the process (thread group)
 * @param ptid id of the parent thread
 * @param comm command name ({@code top})
 * @param exe argv[0]
 * @param exepath full path of the executable
 * @param args command line arguments after argv[0]
 * @param cwd working directory
 * @param fdlimit maximum number of open files
 * @param flags libscap's process flags ({@code PPM_CL_*})
 * @param env environment, one {@code NAME=value} per entry
 * @param vtid thread id in its pid namespace
 * @param vpid process id in its pid namespace
 * @param cgroups {@code subsystem=path} entries
 * @param root root directory
 * @param pidnsInitStartTs start time of the pid namespace's init (ns)
 * @param tty controlling terminal
 * @param loginuid audit login uid (-1 when unset)
 */
public record ProcessInfo(
        long tid,
        long pid,
        long ptid,
        long sid,
        long vpgid,
        String comm,
        String exe,
        String exepath,
        List<String> args,
        String cwd,
        long fdlimit,
        int flags,
        int uid,
        int gid,
        int vmsizeKb,
        int vmrssKb,
        int vmswapKb,
        long pfmajor,
        long pfminor,
        List<String> env,
        long vtid,
        long vpid,
        List<String> cgroups,
        String root,
        long pidnsInitStartTs,
        int tty,
        int loginuid,
        boolean exeWritable,
        long capInheritable,
        long capPermitted,
        long capEffective,
        boolean exeUpperLayer,
        long exeIno,
        long exeInoCtime,
        long exeInoMtime,
        boolean exeFromMemfd) {

    /** True for the main thread of its process. */
    public boolean isMainThread() {
        return tid == pid;
    }
}
