/* SPDX-License-Identifier: GPL-2.0 */
/* Fillers of process, credential and signal syscalls. */
#ifndef SQ_FILLERS_PROC_BPF_H
#define SQ_FILLERS_PROC_BPF_H

/*
 * clone / fork / vfork / clone3 exit, parent side (and the child side when
 * sched events are off). With sched events on, the child's event comes from
 * sq_sched_process_fork, so the child's own return (0) is skipped here.
 */
SQ_EXIT(clone)
{
	struct sq_evt e;
	long id = sq_regs_id(regs);

	if (ret == 0 && sq_cfg.sched_events_on)
		return 0;
	if (!sq_evt_begin(&e, sq_clone_exit_type(id), SQ_NP_CLONE_FAMILY_X))
		return 0;
	sq_fill_clone_x(&e, sq_current(), ret, sq_clone_kflags(regs, id));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(execve)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_EXECVE_19_E))
		return 0;
	sq_push_user_str_na(&e, SQ_PTR(0));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(execveat)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_EXECVEAT_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_user_str_na(&e, SQ_PTR(1));
	sq_push_u32(&e, sq_execveat_flags(SQ_ARG(4)));
	sq_evt_submit(&e);
	return 0;
}

/* execve / execveat exit (20 params). After a successful exec the new
 * image's arg/env areas, comm etc. are those of the current task. */
SQ_EXIT(execve)
{
	struct sq_evt e;
	struct task_struct *t = sq_current();
	bool at = sq_regs_id(regs) == SQ_NR_execveat;
	struct mm_struct *mm;

	if (!(at ? SQ_EVT_BEGIN(&e, SYSCALL_EXECVEAT_X) : SQ_EVT_BEGIN(&e, SYSCALL_EXECVE_19_X)))
		return 0;
	sq_push_s64(&e, ret);
	if (ret >= 0)
		sq_push_exe_args_mm(&e, t);
	else
		sq_push_exe_args_user(&e, (const char *const *)sq_arg(regs, at ? 2 : 1));
	sq_push_proc_common(&e, t);
	/* env */
	if (ret >= 0) {
		mm = BPF_CORE_READ(t, mm);
		if (mm)
			sq_push_user_area(&e, BPF_CORE_READ(mm, env_start),
					  BPF_CORE_READ(mm, env_end));
		else
			sq_param_done(&e, 0);
	} else {
		sq_param_done(&e,
			      sq_write_argv(&e, (const char *const *)sq_arg(regs, at ? 3 : 2), 0) &
				      SQ_PARAM_MAX);
	}
	sq_push_s32(&e, sq_task_tty(t));
	sq_push_s64(&e, sq_task_pgid(t));
	sq_push_s32(&e, BPF_CORE_READ(t, loginuid.val));
	sq_push_u32(&e, 0); /* flags: SQ_EXE_WRITABLE not computed */
	sq_evt_submit(&e);
	return 0;
}

/* kill / tkill: pid, sig */
SQ_ENTER_ROW(kill, 2)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(id), SQ_FNP_e_kill))
		return 0;
	sq_push_s64(&e, (__s32)SQ_ARG(0));
	sq_push_u8(&e, (__u8)SQ_ARG(1));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(tgkill)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_TGKILL_E))
		return 0;
	sq_push_s64(&e, (__s32)SQ_ARG(0));
	sq_push_s64(&e, (__s32)SQ_ARG(1));
	sq_push_u8(&e, (__u8)SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

/* setuid / setgid: one id */
SQ_ENTER_ROW(u32_0, 1)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(id), SQ_FNP_e_u32_0))
		return 0;
	sq_push_u32(&e, (__u32)SQ_ARG(0));
	sq_evt_submit(&e);
	return 0;
}

/* setresuid / setresgid: three ids */
SQ_ENTER_ROW(u32_012, 3)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(id), SQ_FNP_e_u32_012))
		return 0;
	sq_push_u32(&e, (__u32)SQ_ARG(0));
	sq_push_u32(&e, (__u32)SQ_ARG(1));
	sq_push_u32(&e, (__u32)SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

/* getuid / geteuid / getgid / getegid exit: the id */
SQ_EXIT_ROW(u32_ret, 1)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(sq_regs_id(regs)) + 1, SQ_FNP_x_u32_ret))
		return 0;
	sq_push_u32(&e, (__u32)ret);
	sq_evt_submit(&e);
	return 0;
}

static __always_inline __u32 sq_user_u32(const void *p)
{
	__u32 v = 0;

	if (p)
		bpf_probe_read_user(&v, sizeof(v), p);
	return v;
}

/* getresuid / getresgid exit: res, the three ids read back */
SQ_EXIT_ROW(getresid, 4)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(sq_regs_id(regs)) + 1, SQ_FNP_x_getresid))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_u32(&e, sq_user_u32(SQ_PTR(0)));
	sq_push_u32(&e, sq_user_u32(SQ_PTR(1)));
	sq_push_u32(&e, sq_user_u32(SQ_PTR(2)));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(ptrace)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_PTRACE_E))
		return 0;
	sq_push_u16(&e, sq_ptrace_request(SQ_ARG(0)));
	sq_push_s64(&e, (__s32)SQ_ARG(1));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(ptrace)
{
	struct sq_evt e;
	__u16 req;
	__u64 data;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_PTRACE_X))
		return 0;
	sq_push_s64(&e, ret);
	if (ret < 0) {
		sq_push_dyn_u64(&e, SQ_PTRACE_IDX_UINT64, 0);
		sq_push_dyn_u64(&e, SQ_PTRACE_IDX_UINT64, 0);
		sq_evt_submit(&e);
		return 0;
	}
	req = sq_ptrace_request(SQ_ARG(0));
	sq_push_dyn_u64(&e, SQ_PTRACE_IDX_UINT64, SQ_ARG(2));
	data = SQ_ARG(3);
	switch (req) {
	case SQ_PTRACE_PEEKTEXT:
	case SQ_PTRACE_PEEKDATA:
	case SQ_PTRACE_PEEKUSR: {
		__u64 v = 0;

		bpf_probe_read_user(&v, sizeof(v), (const void *)data);
		sq_push_dyn_u64(&e, SQ_PTRACE_IDX_UINT64, v);
		break;
	}
	case SQ_PTRACE_CONT:
	case SQ_PTRACE_SINGLESTEP:
	case SQ_PTRACE_DETACH:
	case SQ_PTRACE_SYSCALL:
		sq_push_dyn_u8(&e, SQ_PTRACE_IDX_SIGTYPE, (__u8)data);
		break;
	default:
		sq_push_dyn_u64(&e, SQ_PTRACE_IDX_UINT64, data);
		break;
	}
	sq_evt_submit(&e);
	return 0;
}

/* getrlimit / setrlimit enter: resource */
SQ_ENTER_ROW(rlimit, 1)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(id), SQ_FNP_e_rlimit))
		return 0;
	sq_push_u8(&e, sq_rlimit_resource(SQ_ARG(0)));
	sq_evt_submit(&e);
	return 0;
}

struct sq_rlimit {
	__s64 cur;
	__s64 max;
};

/* getrlimit / setrlimit exit: res, cur, max */
SQ_EXIT_ROW(rlimit, 3)
{
	struct sq_evt e;
	long id = sq_regs_id(regs);
	struct sq_rlimit rl = {-1, -1};

	if (!sq_evt_begin(&e, sq_enter_type(id) + 1, SQ_FNP_x_rlimit))
		return 0;
	if (ret >= 0 || id == SQ_NR_setrlimit)
		if (bpf_probe_read_user(&rl, sizeof(rl), SQ_PTR(1))) {
			rl.cur = -1;
			rl.max = -1;
		}
	sq_push_s64(&e, ret);
	sq_push_s64(&e, rl.cur);
	sq_push_s64(&e, rl.max);
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(prlimit)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_PRLIMIT_E))
		return 0;
	sq_push_s64(&e, (__s32)SQ_ARG(0));
	sq_push_u8(&e, sq_rlimit_resource(SQ_ARG(1)));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(prlimit)
{
	struct sq_evt e;
	struct sq_rlimit nl = {-1, -1}, ol = {-1, -1};

	if (!SQ_EVT_BEGIN(&e, SYSCALL_PRLIMIT_X))
		return 0;
	if (ret >= 0) {
		if (SQ_ARG(2) && bpf_probe_read_user(&nl, sizeof(nl), SQ_PTR(2))) {
			nl.cur = -1;
			nl.max = -1;
		}
		if (SQ_ARG(3) && bpf_probe_read_user(&ol, sizeof(ol), SQ_PTR(3))) {
			ol.cur = -1;
			ol.max = -1;
		}
	}
	sq_push_s64(&e, ret);
	sq_push_s64(&e, nl.cur);
	sq_push_s64(&e, nl.max);
	sq_push_s64(&e, ol.cur);
	sq_push_s64(&e, ol.max);
	sq_evt_submit(&e);
	return 0;
}

/* A capability set as a u64: the kernel_cap_t read whole, so that it is the same on kernels
 * before 6.3 (u32 cap[2], low word first) as on later ones (u64 val). */
#define SQ_CAPS(cred, set)                                      \
	({                                                      \
		__u64 __v = 0;                                  \
		bpf_core_read(&__v, sizeof(__v), &(cred)->set); \
		__v;                                            \
	})

/* capset exit: res + the capability sets of the task after the call */
SQ_EXIT(capset)
{
	struct sq_evt e;
	const struct cred *cred = BPF_CORE_READ(sq_current(), cred);

	if (!SQ_EVT_BEGIN(&e, SYSCALL_CAPSET_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_u64(&e, SQ_CAPS(cred, cap_inheritable));
	sq_push_u64(&e, SQ_CAPS(cred, cap_permitted));
	sq_push_u64(&e, SQ_CAPS(cred, cap_effective));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(setns)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_SETNS_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u32(&e, sq_clone_flags(SQ_ARG(1)));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(unshare)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_UNSHARE_E))
		return 0;
	sq_push_u32(&e, sq_clone_flags(SQ_ARG(0)));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(setpgid)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_SETPGID_E))
		return 0;
	sq_push_s64(&e, (__s32)SQ_ARG(0));
	sq_push_s64(&e, (__s32)SQ_ARG(1));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(seccomp)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_SECCOMP_E))
		return 0;
	sq_push_u64(&e, SQ_ARG(0));
	sq_push_u64(&e, SQ_ARG(1));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(bpf)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_BPF_E))
		return 0;
	sq_push_s64(&e, (__s32)SQ_ARG(0));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(bpf)
{
	struct sq_evt e;
	__u64 cmd = SQ_ARG(0);

	if (!SQ_EVT_BEGIN(&e, SYSCALL_BPF_X))
		return 0;
	/* BPF_MAP_CREATE 0, BPF_PROG_LOAD 5 return fds */
	if (ret >= 0 && (cmd == 0 || cmd == 5))
		sq_push_dyn_u64(&e, SQ_BPF_IDX_FD, ret);
	else
		sq_push_dyn_u64(&e, SQ_BPF_IDX_RES, ret);
	sq_evt_submit(&e);
	return 0;
}

#endif
