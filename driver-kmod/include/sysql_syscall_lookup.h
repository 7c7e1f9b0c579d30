/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * Per x86_64 syscall number, from the syscall table (sysql_syscall_table.h):
 * the enter event code of its event pair and its sysdig syscall code. The
 * one lookup every driver uses: the eBPF probe defines SQ_LOOKUP_QUALIFIER
 * as "const volatile" (read-only data of the loaded program), the kernel
 * module takes the default, static constants.
 */
#ifndef SYSQL_SYSCALL_LOOKUP_H
#define SYSQL_SYSCALL_LOOKUP_H

#include "sysql_event.h"

#ifndef SQ_LOOKUP_QUALIFIER
#define SQ_LOOKUP_QUALIFIER static const
#endif

SQ_LOOKUP_QUALIFIER sq_u16 sq_sc_enter_evt[SQ_SYSCALL_TABLE_SIZE] = {
#define SQ_SYSCALL(nr, native, sc, event, flags, enter_filler, exit_filler) [nr] = SQE_##event##_E,
#include "sysql_syscall_table.h"
#undef SQ_SYSCALL
};

SQ_LOOKUP_QUALIFIER sq_u16 sq_sc_code[SQ_SYSCALL_TABLE_SIZE] = {
#define SQ_SYSCALL(nr, native, sc, event, flags, enter_filler, exit_filler) [nr] = SQ_SC_##sc,
#include "sysql_syscall_table.h"
#undef SQ_SYSCALL
};

#endif /* SYSQL_SYSCALL_LOOKUP_H */
