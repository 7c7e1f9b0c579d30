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
#include "event_output.bpf.h"
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

/* The name of the current thread's process (sq_proc_names): its entry, else,
 * for a process older than the probe, its group leader's comm. */
static __always_inline void sq_proc_name(struct sq_comm_key *key)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct sq_comm_key *known = bpf_map_lookup_elem(&sq_proc_names, &tgid);
	struct task_struct *task;

	if (known) {
		__builtin_memcpy(key, known, sizeof(*key));
		return;
	}
	task = bpf_get_current_task_btf();
	BPF_CORE_READ_STR_INTO(&key->comm, task, group_leader, comm);
}

/* true if the current thread's process name (what proc.name says) is in the
 * comm map */
static __always_inline bool sq_comm_hit(void)
{
	struct sq_comm_key key = {};

	sq_proc_name(&key);
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
	pid_tgid = bpf_get_current_pid_tgid();
	/* the capturing process: never captured, and not counted as filtered (as the kernel module does) */
	if ((pid_tgid >> 32) == sq_cfg.self_tgid)
		return false;
	if (!sq_interest[id & (SQ_SYSCALL_TABLE_SIZE - 1)]) {
		sq_count_filtered();
		return false;
	}
	if (sq_skip_thread((__u32)pid_tgid, pid_tgid >> 32)) {
		sq_count_filtered();
		return false;
	}
	return true;
}

/*
 * Tail-call tables: libsysqlcap fills them after loading, from the syscall
 * table's filler columns (each row's fillers at its syscall number, none for
 * "generic"), so that a second instance of this object (narrow.bpf.h) can
 * leave them out.
 */
struct sq_prog_table {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, SQ_SYSCALL_TABLE_SIZE);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
};

struct sq_prog_table sq_enter_progs SEC(".maps");
struct sq_prog_table sq_exit_progs SEC(".maps");

SEC("tp_btf/sys_enter")
int BPF_PROG(sq_sys_enter, struct pt_regs *regs, long id)
{
	if (sq_cfg.narrow_on || !sq_want_syscall(id))
		return 0;
	bpf_tail_call(ctx, &sq_enter_progs, (__u32)id);
	return sq_emit_generic_enter(regs, id);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sq_sys_exit, struct pt_regs *regs, long ret)
{
	long id = sq_regs_id(regs);

	if (sq_cfg.narrow_on || !sq_want_syscall(id))
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
	long id = SQ_NR_clone;

	tid = BPF_CORE_READ(child, pid);
	tgid = BPF_CORE_READ(child, tgid);
	if (tid == tgid) {
		/* a new process: named as its clone event names it (the forking
		 * thread's comm, which the child has) until it execs */
		struct sq_comm_key name = {};

		BPF_CORE_READ_STR_INTO(&name.comm, child, comm);
		bpf_map_update_elem(&sq_proc_names, &tgid, &name, BPF_ANY);
	}
	if (!sq_cfg.capture_on || !sq_cfg.sched_events_on)
		return 0;
	if (BPF_CORE_READ(child, flags) & K_PF_KTHREAD)
		return 0;
	if (sq_skip_thread(tid, tgid)) {
		sq_count_filtered();
		return 0;
	}
	pregs = (struct pt_regs *)bpf_task_pt_regs(parent);
	if (pregs) {
		long nr = BPF_CORE_READ(pregs, orig_ax);

		if (nr == SQ_NR_fork || nr == SQ_NR_vfork || nr == SQ_NR_clone3)
			id = nr;
	}
	if (!sq_interest[id & (SQ_SYSCALL_TABLE_SIZE - 1)]) {
		sq_count_filtered();
		return 0;
	}
	if (!sq_evt_begin(&e, sq_clone_exit_type(id), SQ_NP_CLONE_FAMILY_X))
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

	if (!sq_cfg.capture_on || !sq_cfg.sched_events_on)
		goto forget;
	if (BPF_CORE_READ(p, flags) & K_PF_KTHREAD)
		goto forget;
	if (sq_skip_thread((__u32)pid_tgid, pid_tgid >> 32)) {
		sq_count_filtered();
		goto forget;
	}
	if (!SQ_EVT_BEGIN(&e, PROCEXIT_1_E))
		goto forget;
	sq_fill_procexit(&e, BPF_CORE_READ(p, exit_code));
	sq_evt_submit(&e);
forget:
	if (BPF_CORE_READ(p, signal, live.counter) == 0) {
		/* the group's last thread: its name goes, once its end was filtered by it */
		__u32 tgid = pid_tgid >> 32;

		bpf_map_delete_elem(&sq_proc_names, &tgid);
	}
	return 0;
}

/* A process's new name at exec (sq_proc_names): the comm the kernel has just
 * given it. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(sq_sched_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct sq_comm_key name = {};
	__u32 tgid = BPF_CORE_READ(p, tgid);

	BPF_CORE_READ_STR_INTO(&name.comm, p, comm);
	bpf_map_update_elem(&sq_proc_names, &tgid, &name, BPF_ANY);
	return 0;
}

#include "narrow.bpf.h"

/* clang-format off */
/* A filler that emits its row's event type emits as many parameters as the
 * event table gives that type. */
#define SQ_SYSCALL(nr, native, sc, event, flags, enter_filler, exit_filler) \
	_Static_assert(SQ_FNP_e_##enter_filler == SQ_FNP_OWN_EVENT || \
		       SQ_FNP_e_##enter_filler == SQ_NP_##event##_E, \
		       #native ": sq_e_" #enter_filler " emits another number of parameters than " #event "_E has"); \
	_Static_assert(SQ_FNP_x_##exit_filler == SQ_FNP_OWN_EVENT || \
		       SQ_FNP_x_##exit_filler == SQ_NP_##event##_X, \
		       #native ": sq_x_" #exit_filler " emits another number of parameters than " #event "_X has");
#include "sysql_syscall_table.h"
#undef SQ_SYSCALL
/* clang-format on */
