/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * The contract between a sysql driver and libsysqlcap: run-time
 * configuration, kernel-side filters and per-CPU counters. The eBPF probe
 * keeps these in its global data (mmapped by libsysqlcap) and maps; the
 * kernel module has the same structures behind its ioctls (sysql_kmod.h).
 */
#ifndef SYSQL_PROBE_H
#define SYSQL_PROBE_H

#include "sysql_event.h"

/* Pid filter modes (sq_probe_config.pid_filter_mode). */
enum sq_pid_filter_mode {
	SQ_PID_FILTER_OFF = 0, /* every thread is captured */
	SQ_PID_FILTER_INCLUDE = 1, /* only threads whose tid or tgid is in the pid map */
	SQ_PID_FILTER_EXCLUDE = 2, /* all threads but those whose tid or tgid is in the pid map */
};

/* Most entries the pid map holds. */
#define SQ_PID_FILTER_MAX 4096
/* Most entries the comm map holds, and the size of one key (the kernel's
 * TASK_COMM_LEN: up to 15 characters, NUL padded). */
#define SQ_COMM_FILTER_MAX 256
#define SQ_COMM_LEN 16
/* Most CPUs a driver serves. */
#define SQ_MAX_CPUS 1024
/* Per-CPU scratch area in which a driver builds one event. A power of two,
 * at least twice SQ_EVENT_MAX_SIZE so that masked offsets stay inside. */
#define SQ_SCRATCH_SIZE (256 * 1024)
struct sq_scratch_buf {
	sq_u8 data[SQ_SCRATCH_SIZE];
};

/*
 * Run-time configuration. Written by userspace at any time; read by the
 * driver on every event, so every field must be meaningful on its own.
 */
struct sq_probe_config {
	sq_u32 capture_on; /* 0: the dispatchers return at once */
	sq_u32 snaplen; /* data bytes copied per I/O buffer, 1..SQ_SNAPLEN_MAX */
	sq_u32 self_tgid; /* the capturing process: never captured */
	sq_u32 pid_filter_mode; /* enum sq_pid_filter_mode */
	sq_u64 boot_time_ns; /* CLOCK_REALTIME - CLOCK_BOOTTIME, added to event timestamps */
	sq_u32 sched_events_on; /* 1: emit process lifecycle events (fork child, procexit) */
	sq_u32 comm_filter_on; /* 1: the comm map also selects threads (see below) */
	sq_u32 narrow_on; /* eBPF: 1 while the syscalls' own fentry/fexit programs capture instead of the
			     sys_enter/sys_exit dispatchers (a small syscall set) */
};

/* The largest syscall set caught by the syscalls' own kernel functions (__x64_sys_<name>) instead of the raw
 * syscall tracepoints: the eBPF probe's fentry/fexit programs, the module's kretprobes. */
#define SQ_NARROW_MAX 32

/*
 * Which threads are captured (never the capturing process itself):
 * - pid filter OFF, comm filter off: every thread;
 * - pid filter INCLUDE and/or comm filter on: threads whose tid or tgid is
 *   in the pid map OR whose comm is in the comm map (a union, so that the
 *   filters of several queries can be merged into one);
 * - pid filter EXCLUDE: threads not in the pid map, and, with the comm
 *   filter on, whose comm is in the comm map.
 * A thread's "comm" here is its process's name as sysql gives it (proc.name):
 * the comm at exec, at fork the forking thread's, kept when a thread renames
 * itself; for a process older than the driver, its group leader's comm. Both
 * drivers keep that name per thread group (the probe in an LRU map, the
 * module in a direct-mapped table).
 */

/* Per-CPU counters (one map value per CPU). */
struct sq_cpu_stats {
	sq_u64 events; /* events written to the ring */
	sq_u64 bytes; /* bytes written to the ring */
	sq_u64 drops_full; /* events lost because the ring was full */
	sq_u64 drops_invalid; /* events lost because they could not be built (too large, bad state) */
	sq_u64 filtered; /* syscalls skipped by the syscall set or the pid filter */
};

#endif /* SYSQL_PROBE_H */
