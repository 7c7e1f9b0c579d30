/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small syscall set captured by the syscalls' own functions instead of the
 * raw syscall tracepoints: while any program is on sys_enter or sys_exit,
 * every syscall of every task takes the kernel's slow path into the
 * tracepoint (and our dispatcher) only to be filtered out; a syscall outside
 * a set caught by fentry/fexit on its own __x64_sys_<name> costs nothing.
 *
 * One fentry and one fexit program per syscall table row, sq_fe_<name> and
 * sq_fx_<name>, which run the dispatcher's checks and the row's filler body
 * (fillers_common.bpf.h's SQ_FILLER gives every filler one). They are not
 * loaded with the probe (libsysqlcap turns their autoload off: a "?" section
 * could not be turned on again in libbpf 1.1): libsysqlcap loads the ones of a small
 * set in a second instance of this object that shares the first one's maps and
 * global data, attaches them, sets sq_cfg.narrow_on and detaches the
 * dispatchers (which return at once while narrow_on is set, so that no syscall
 * is captured twice at the switch).
 */
#ifndef SQ_NARROW_BPF_H
#define SQ_NARROW_BPF_H

/* clang-format off */
#define SQ_SYSCALL(nr, native, sc, event, flags, enter_filler, exit_filler)   \
	SEC("fentry/__x64_sys_" #native)                                     \
	int BPF_PROG(sq_fe_##native, struct pt_regs *regs)                    \
	{                                                                     \
		if (!sq_cfg.narrow_on || !sq_want_syscall(nr))                \
			return 0;                                             \
		return sq_e_##enter_filler##_body(regs, nr);                  \
	}                                                                     \
	SEC("fexit/__x64_sys_" #native)                                      \
	int BPF_PROG(sq_fx_##native, struct pt_regs *regs, long ret)          \
	{                                                                     \
		if (!sq_cfg.narrow_on || !sq_want_syscall(nr))                \
			return 0;                                             \
		return sq_x_##exit_filler##_body(regs, ret);                  \
	}
#include "sysql_syscall_table.h"
#undef SQ_SYSCALL
/* clang-format on */

#endif
