/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declaring tail-called fillers and the shared small ones.
 *
 * SQ_ENTER(name) declares the program sq_e_<name>, tail-called from the
 * sys_enter dispatcher with (regs, id); SQ_EXIT(name) declares sq_x_<name>,
 * tail-called from sys_exit with (regs, ret). Both are tp_btf programs of
 * the same tracepoint as their dispatcher, as tail calls require. Such a
 * filler names the event types it emits (SQ_EVT_BEGIN).
 *
 * SQ_ENTER_ROW(name, nparams) / SQ_EXIT_ROW(name, nparams) declare a filler
 * that emits the event type of the syscall table's row instead (the enter
 * event, or the exit one), with nparams parameters, which it passes as
 * SQ_FNP_e_<name> / SQ_FNP_x_<name>: sysql.bpf.c checks at compile time that
 * every row naming such a filler has an event with that many parameters.
 */
#ifndef SQ_FILLERS_COMMON_BPF_H
#define SQ_FILLERS_COMMON_BPF_H

/* SQ_FNP_<e|x>_<filler> of a filler that names its own event types. */
#define SQ_FNP_OWN_EVENT (-1)

/* A filler's declaration: a tp_btf program of its dispatcher's tracepoint in the
 * eBPF probe, a static function the kernel module's probes call in the module. */
#ifdef SQ_KERNEL_MODULE
#define SQ_FILLER(prog, tp, arg) static int prog(struct pt_regs *regs, long arg)
#else
/* The body is also prog_body, which a syscall's fentry/fexit programs call (narrow.bpf.h). */
#define SQ_FILLER(prog, tp, arg)                                                \
	static __always_inline int prog##_body(struct pt_regs *regs, long arg); \
	SEC("tp_btf/" tp) int BPF_PROG(prog, struct pt_regs *regs, long arg)    \
	{                                                                       \
		return prog##_body(regs, arg);                                  \
	}                                                                       \
	static __always_inline int prog##_body(struct pt_regs *regs, long arg)
#endif

#define SQ_ENTER(name)                               \
	enum { SQ_FNP_e_##name = SQ_FNP_OWN_EVENT }; \
	SQ_FILLER(sq_e_##name, "sys_enter", id)
#define SQ_EXIT(name)                                \
	enum { SQ_FNP_x_##name = SQ_FNP_OWN_EVENT }; \
	SQ_FILLER(sq_x_##name, "sys_exit", ret)
#define SQ_ENTER_ROW(name, nparams)         \
	enum { SQ_FNP_e_##name = nparams }; \
	SQ_FILLER(sq_e_##name, "sys_enter", id)
#define SQ_EXIT_ROW(name, nparams)          \
	enum { SQ_FNP_x_##name = nparams }; \
	SQ_FILLER(sq_x_##name, "sys_exit", ret)

/* The syscall table's "generic": no filler (the dispatcher emits GENERIC_ARGS). */
enum { SQ_FNP_e_generic = SQ_FNP_OWN_EVENT, SQ_FNP_x_generic = SQ_FNP_OWN_EVENT };
#define sq_e_generic NULL
#define sq_x_generic NULL

/* Syscall id of a pt_regs (the exit tracepoint gives no id). */
static __always_inline long sq_regs_id(struct pt_regs *regs)
{
	return SQ_REGS_READ(regs, orig_ax);
}

/* Per syscall number: enter event code and sysdig syscall code (read-only data of the program;
 * static constants in the kernel module). */
#ifndef SQ_KERNEL_MODULE
#define SQ_LOOKUP_QUALIFIER const volatile
#endif
#include "sysql_syscall_lookup.h"

static __always_inline __u16 sq_enter_type(long id)
{
	if (id < 0 || id >= SQ_SYSCALL_TABLE_SIZE)
		return SQE_GENERIC_E;
	return sq_sc_enter_evt[id & (SQ_SYSCALL_TABLE_SIZE - 1)];
}

/* fd/dirfd arguments are C ints: sign-extend the low 32 bits. */
#define SQ_FD(v) ((__s64)(__s32)(v))
#define SQ_ARG(i) sq_arg(regs, i)
#define SQ_PTR(i) ((const void *)sq_arg(regs, i))

/* GENERIC_ARGS_E / _X for syscalls without a typed event. */
static __always_inline int sq_emit_generic_enter(struct pt_regs *regs, long id)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, GENERIC_ARGS_E))
		return 0;
	sq_push_u16(&e, sq_sc_code[id & (SQ_SYSCALL_TABLE_SIZE - 1)]);
	sq_push_u16(&e, (__u16)id);
	sq_push_u64(&e, SQ_ARG(0));
	sq_push_u64(&e, SQ_ARG(1));
	sq_push_u64(&e, SQ_ARG(2));
	sq_push_u64(&e, SQ_ARG(3));
	sq_push_u64(&e, SQ_ARG(4));
	sq_push_u64(&e, SQ_ARG(5));
	sq_evt_submit(&e);
	return 0;
}

static __always_inline int sq_emit_generic_exit(long id, long ret)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, GENERIC_ARGS_X))
		return 0;
	sq_push_u16(&e, sq_sc_code[id & (SQ_SYSCALL_TABLE_SIZE - 1)]);
	sq_push_u16(&e, (__u16)id);
	sq_push_s64(&e, ret);
	sq_evt_submit(&e);
	return 0;
}

/* The generic "fillers" as bodies, for the syscalls' own fentry/fexit programs (narrow.bpf.h). */
static __always_inline int sq_e_generic_body(struct pt_regs *regs, long id)
{
	return sq_emit_generic_enter(regs, id);
}

static __always_inline int sq_x_generic_body(struct pt_regs *regs, long ret)
{
	return sq_emit_generic_exit(sq_regs_id(regs), ret);
}

/* Enter events without parameters (type from the syscall table). */
SQ_ENTER_ROW(none, 0)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(id), SQ_FNP_e_none))
		return 0;
	sq_evt_submit(&e);
	return 0;
}

/* Enter events whose only parameter is the fd in arg0. */
SQ_ENTER_ROW(fd, 1)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(id), SQ_FNP_e_fd))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_evt_submit(&e);
	return 0;
}

/* Exit events whose only parameter is the return value. */
SQ_EXIT_ROW(res, 1)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(sq_regs_id(regs)) + 1, SQ_FNP_x_res))
		return 0;
	sq_push_s64(&e, ret);
	sq_evt_submit(&e);
	return 0;
}

/* Exit events with no parameter at all (getsockname, sendmmsg, ...). */
SQ_EXIT_ROW(none, 0)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(sq_regs_id(regs)) + 1, SQ_FNP_x_none))
		return 0;
	sq_evt_submit(&e);
	return 0;
}

#endif
