// SPDX-License-Identifier: GPL-2.0
/*
 * sysql CO-RE eBPF probe.
 *
 * sq_sys_enter / sq_sys_exit (tp_btf raw syscall tracepoints) filter the
 * syscall, then tail-call the syscall's filler through sq_enter_progs /
 * sq_exit_progs; a syscall without a typed filler falls through to the
 * GENERIC_ARGS events. sq_sched_process_fork emits the child's clone exit
 * event, sq_sched_process_exit the procexit event.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "sysql_event.h"
#include "sysql_probe.h"

#include "maps.bpf.h"
#include "event_builder.bpf.h"
#include "flags.bpf.h"
#include "task.bpf.h"
#include "sockets.bpf.h"
#include "proc_info.bpf.h"
#include "fillers_common.bpf.h"
#include "fillers_file.bpf.h"
#include "fillers_io.bpf.h"
#include "fillers_net.bpf.h"
#include "fillers_proc.bpf.h"
#include "fillers_misc.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define K_PF_KTHREAD 0x00200000

/* true if the current task's comm is in the comm map */
static __always_inline bool sq_comm_hit(void)
{
	struct sq_comm_key key = {};

	bpf_get_current_comm(key.comm, sizeof(key.comm));
	return bpf_map_lookup_elem(&sq_comms, &key) != NULL;
}

/* true if the thread must not be captured (self, pid and comm filters:
 * see sysql_probe.h) */
static __always_inline bool sq_skip_thread(__u32 tid, __u32 tgid)
{
	__u32 mode;
	bool pid_hit, comm_on;

	if (tgid == sq_cfg.self_tgid)
		return true;
	mode = sq_cfg.pid_filter_mode;
	comm_on = sq_cfg.comm_filter_on;
	if (mode == SQ_PID_FILTER_OFF && !comm_on)
		return false;
	pid_hit = mode != SQ_PID_FILTER_OFF &&
		  (bpf_map_lookup_elem(&sq_pids, &tid) || bpf_map_lookup_elem(&sq_pids, &tgid));
	if (mode == SQ_PID_FILTER_EXCLUDE)
		return pid_hit || (comm_on && !sq_comm_hit());
	if (pid_hit)
		return false;
	return !(comm_on && sq_comm_hit());
}

/* Common dispatcher checks; true if the syscall is to be captured. */
static __always_inline bool sq_want_syscall(long id)
{
	__u64 pid_tgid;

	if (!sq_cfg.capture_on)
		return false;
	if (id < 0 || id >= SQ_SYSCALL_TABLE_SIZE)
		return false;
	if (!sq_interest[id & (SQ_SYSCALL_TABLE_SIZE - 1)]) {
		sq_count_filtered();
		return false;
	}
	pid_tgid = bpf_get_current_pid_tgid();
	if (sq_skip_thread((__u32)pid_tgid, pid_tgid >> 32)) {
		sq_count_filtered();
		return false;
	}
	return true;
}

/* Tail-call tables: declared here, defined with their contents at the end
 * of the file (after the programs they point to). */
struct sq_prog_table {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, SQ_SYSCALL_TABLE_SIZE);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
};

extern struct sq_prog_table sq_enter_progs;
extern struct sq_prog_table sq_exit_progs;

SEC("tp_btf/sys_enter")
int BPF_PROG(sq_sys_enter, struct pt_regs *regs, long id)
{
	if (!sq_want_syscall(id))
		return 0;
	bpf_tail_call(ctx, &sq_enter_progs, (__u32)id);
	return sq_emit_generic_enter(regs, id);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sq_sys_exit, struct pt_regs *regs, long ret)
{
	long id = sq_regs_id(regs);

	if (!sq_want_syscall(id))
		return 0;
	bpf_tail_call(ctx, &sq_exit_progs, (__u32)id);
	return sq_emit_generic_exit(id, ret);
}

/* The child's clone/fork/vfork/clone3 exit event (res 0), built from the
 * child task while the parent is still in the syscall. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(sq_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	struct pt_regs *pregs;
	struct sq_evt e;
	__u32 tid, tgid;
	long id = SQ_NR_CLONE;

	if (!sq_cfg.capture_on || !sq_cfg.sched_events_on)
		return 0;
	if (BPF_CORE_READ(child, flags) & K_PF_KTHREAD)
		return 0;
	tid = BPF_CORE_READ(child, pid);
	tgid = BPF_CORE_READ(child, tgid);
	if (sq_skip_thread(tid, tgid)) {
		sq_count_filtered();
		return 0;
	}
	pregs = (struct pt_regs *)bpf_task_pt_regs(parent);
	if (pregs) {
		long nr = BPF_CORE_READ(pregs, orig_ax);

		if (nr == SQ_NR_FORK || nr == SQ_NR_VFORK || nr == SQ_NR_CLONE3)
			id = nr;
	}
	if (!sq_interest[id & (SQ_SYSCALL_TABLE_SIZE - 1)]) {
		sq_count_filtered();
		return 0;
	}
	if (!sq_evt_begin(&e, sq_clone_exit_type(id), 20))
		return 0;
	e.tid = tid;
	sq_fill_clone_x(&e, child, 0, pregs ? sq_clone_kflags(pregs, id) : 0);
	sq_evt_submit(&e);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sq_sched_process_exit, struct task_struct *p)
{
	struct sq_evt e;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__s32 code;
	__u32 sig;

	if (!sq_cfg.capture_on || !sq_cfg.sched_events_on)
		return 0;
	if (BPF_CORE_READ(p, flags) & K_PF_KTHREAD)
		return 0;
	if (sq_skip_thread((__u32)pid_tgid, pid_tgid >> 32)) {
		sq_count_filtered();
		return 0;
	}
	if (!sq_evt_begin(&e, SQE_PROCEXIT_1_E, 4))
		return 0;
	code = BPF_CORE_READ(p, exit_code);
	sig = code & 0x7f;
	sq_push_s64(&e, code);
	sq_push_s64(&e, (code >> 8) & 0xff);
	sq_push_u8(&e, (sig != 0 && sig != 0x7f) ? sig : 0);
	sq_push_u8(&e, (code & 0x80) ? 1 : 0);
	sq_evt_submit(&e);
	return 0;
}

/*
 * Tail-call tables, filled statically (libbpf initialises PROG_ARRAY
 * .values at load time): one typed filler per syscall number.
 */
#define E(nr, prog) [nr] = (void *)&sq_e_##prog
#define X(nr, prog) [nr] = (void *)&sq_x_##prog

/* One row per syscall: */
/* clang-format off */
struct sq_prog_table sq_enter_progs SEC(".maps") = {
	.values = {
		E(0, read),
		E(1, fd_size),
		E(2, open),
		E(3, fd),
		E(4, none),
		E(5, fd),
		E(6, none),
		E(7, poll),
		E(8, lseek),
		E(9, mmap),
		E(10, mprotect),
		E(11, munmap),
		E(12, brk),
		E(16, ioctl),
		E(17, fd_size_pos),
		E(18, fd_size_pos),
		E(19, fd),
		E(20, writev),
		E(21, access),
		E(22, none),
		E(23, none),
		E(32, fd),
		E(33, fd),
		E(35, nanosleep),
		E(40, sendfile),
		E(41, socket),
		E(42, connect),
		E(43, none),
		E(44, sendto),
		E(45, fd_size),
		E(46, sendmsg),
		E(47, fd),
		E(48, shutdown),
		E(49, fd),
		E(50, listen),
		E(51, none),
		E(52, none),
		E(53, socket),
		E(54, none),
		E(55, none),
		E(56, none),
		E(57, none),
		E(58, none),
		E(59, execve),
		E(62, kill),
		E(72, fcntl),
		E(73, flock),
		E(78, fd),
		E(79, none),
		E(80, none),
		E(81, fd),
		E(82, none),
		E(83, mkdir),
		E(84, none),
		E(85, creat),
		E(86, none),
		E(87, none),
		E(88, none),
		E(90, none),
		E(91, none),
		E(92, none),
		E(93, none),
		E(94, none),
		E(97, rlimit),
		E(101, ptrace),
		E(102, none),
		E(104, none),
		E(105, u32_0),
		E(106, u32_0),
		E(107, none),
		E(108, none),
		E(109, setpgid),
		E(112, none),
		E(117, u32_012),
		E(118, none),
		E(119, u32_012),
		E(120, none),
		E(126, none),
		E(160, rlimit),
		E(161, none),
		E(165, mount),
		E(166, umount),
		E(200, kill),
		E(202, futex),
		E(213, epoll_create),
		E(217, fd),
		E(232, epoll_wait),
		E(234, tgkill),
		E(253, inotify_init),
		E(257, openat),
		E(258, none),
		E(260, none),
		E(263, none),
		E(264, none),
		E(265, none),
		E(266, none),
		E(268, none),
		E(271, ppoll),
		E(272, unshare),
		E(275, splice),
		E(282, signalfd),
		E(283, timerfd_create),
		E(284, eventfd),
		E(288, accept4),
		E(289, signalfd),
		E(290, eventfd),
		E(291, epoll_create1),
		E(292, fd),
		E(293, none),
		E(294, inotify_init),
		E(295, preadv),
		E(296, writev),
		E(299, none),
		E(302, prlimit),
		E(307, none),
		E(308, setns),
		E(316, none),
		E(317, seccomp),
		E(319, none),
		E(321, bpf),
		E(322, execveat),
		E(323, none),
		E(326, copy_file_range),
		E(425, none),
		E(426, none),
		E(435, none),
		E(437, openat2),
	},
};

struct sq_prog_table sq_exit_progs SEC(".maps") = {
	.values = {
		X(0, read),
		X(1, write),
		X(2, open),
		X(3, res),
		X(4, res_path0),
		X(5, res),
		X(6, res_path0),
		X(7, poll),
		X(8, res),
		X(9, mm),
		X(10, res),
		X(11, mm),
		X(12, mm),
		X(16, res),
		X(17, read),
		X(18, write),
		X(19, readv),
		X(20, writev),
		X(21, res_path0),
		X(22, pipe),
		X(23, res),
		X(32, res),
		X(33, res),
		X(35, res),
		X(40, sendfile),
		X(41, res),
		X(42, connect),
		X(43, accept),
		X(44, read),
		X(45, recvfrom),
		X(46, sendmsg),
		X(47, recvmsg),
		X(48, res),
		X(49, bind),
		X(50, res),
		X(51, none),
		X(52, none),
		X(53, socketpair),
		X(54, sockopt),
		X(55, sockopt),
		X(56, clone),
		X(57, clone),
		X(58, clone),
		X(59, execve),
		X(62, res),
		X(72, res),
		X(73, res),
		X(78, res),
		X(79, res_path0),
		X(80, res_path0),
		X(81, res),
		X(82, res_path01),
		X(83, res_path0),
		X(84, res_path0),
		X(85, creat),
		X(86, res_path01),
		X(87, res_path0),
		X(88, res_path01),
		X(90, chmod),
		X(91, fchmod),
		X(92, chown),
		X(93, fchown),
		X(94, chown),
		X(97, rlimit),
		X(101, ptrace),
		X(102, u32_ret),
		X(104, u32_ret),
		X(105, res),
		X(106, res),
		X(107, u32_ret),
		X(108, u32_ret),
		X(109, res),
		X(112, res),
		X(117, res),
		X(118, getresid),
		X(119, res),
		X(120, getresid),
		X(126, capset),
		X(160, rlimit),
		X(161, res_path0),
		X(165, mount),
		X(166, res_path0),
		X(200, res),
		X(202, res),
		X(213, res),
		X(217, res),
		X(232, res),
		X(234, res),
		X(253, res),
		X(257, openat),
		X(258, mkdirat),
		X(260, fchownat),
		X(263, unlinkat),
		X(264, renameat),
		X(265, linkat),
		X(266, symlinkat),
		X(268, fchmodat),
		X(271, poll),
		X(272, res),
		X(275, res),
		X(282, res),
		X(283, res),
		X(284, res),
		X(288, accept),
		X(289, res),
		X(290, res),
		X(291, res),
		X(292, res),
		X(293, pipe),
		X(294, res),
		X(295, readv),
		X(296, writev),
		X(299, none),
		X(302, prlimit),
		X(307, none),
		X(308, res),
		X(316, renameat),
		X(317, res),
		X(319, memfd_create),
		X(321, bpf),
		X(322, execve),
		X(323, userfaultfd),
		X(326, copy_file_range),
		X(425, io_uring_setup),
		X(426, io_uring_enter),
		X(435, clone),
		X(437, openat2),
	},
};
/* clang-format on */
