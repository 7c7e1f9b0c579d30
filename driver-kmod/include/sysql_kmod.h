/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * The contract between sysql's kernel module (kmod/) and its readers: the
 * device, the per-CPU rings and the ioctls. The events in the rings are the
 * ABI's (sysql_event.h), the counters sysql_probe.h's: the same as the eBPF
 * probe's.
 *
 * /dev/sysql: one opener at a time. Opening it allocates one ring per
 * possible CPU and registers the probes; closing it unregisters them (and
 * waits for every running probe) before the rings are freed.
 *
 * Each CPU's ring is mapped with two mmap calls on the device, at page
 * offsets SQ_KMOD_RING_PGOFF(cpu) (the control page, read-write: the reader
 * advances `tail` there) and SQ_KMOD_RING_PGOFF(cpu) + 1 (the data,
 * read-only, SQ_KMOD_RING_SIZE bytes). The kernel writes records at `head`
 * (bytes written so far, modulo the size), the reader consumes from `tail`;
 * both only grow. A record is a struct sq_kmod_record and its event, padded to
 * 8 bytes; a record with SQ_KMOD_RECORD_WRAP in its length says the rest of
 * the ring up to its end is padding: the next record is at offset 0.
 */
#ifndef SYSQL_KMOD_H
#define SYSQL_KMOD_H

#include "sysql_probe.h"

#if !defined(__KERNEL__)
#include <sys/ioctl.h>
#else
#include <linux/ioctl.h>
#endif

#define SQ_KMOD_DEVICE "/dev/sysql"
#define SQ_KMOD_PAGE_SIZE 4096
/* Data bytes of one CPU's ring: a power of two. */
#define SQ_KMOD_RING_SIZE (8u << 20)
#define SQ_KMOD_RING_PAGES (SQ_KMOD_RING_SIZE / SQ_KMOD_PAGE_SIZE)
/* Page offset of a CPU's control page; its data follows at + 1. */
#define SQ_KMOD_RING_PGOFF(cpu) ((sq_u64)(cpu) * (1 + SQ_KMOD_RING_PAGES))

/* The control page of one ring. */
struct sq_kmod_ring_ctl {
	sq_u64 head; /* written by the kernel: bytes produced, records complete */
	sq_u64 tail; /* written by the reader: bytes consumed */
	struct sq_cpu_stats stats; /* this CPU's counters (the kernel's) */
};

struct sq_kmod_record {
	sq_u32 len; /* bytes of the event that follows (its header's len) */
	sq_u32 reserved;
};

#define SQ_KMOD_RECORD_WRAP 0x80000000u
#define SQ_KMOD_ALIGN(n) (((n) + 7u) & ~7u)

/* What the module serves. */
struct sq_kmod_info {
	sq_u32 abi_version; /* SQ_KMOD_ABI_VERSION */
	sq_u32 ncpus; /* rings: CPUs 0..ncpus-1 (possible CPUs) */
	sq_u32 ring_size; /* SQ_KMOD_RING_SIZE */
	sq_u32 reserved;
};

#define SQ_KMOD_ABI_VERSION 1

#define SQ_KMOD_IOCTL_MAGIC 's'
#define SQ_KMOD_IOCTL_INFO _IOR(SQ_KMOD_IOCTL_MAGIC, 1, struct sq_kmod_info)
/* Starts or stops capturing (the probes stay registered while the device is open); STOP returns once no
 * probe writes any more. */
#define SQ_KMOD_IOCTL_START _IO(SQ_KMOD_IOCTL_MAGIC, 2)
#define SQ_KMOD_IOCTL_STOP _IO(SQ_KMOD_IOCTL_MAGIC, 3)
/* The syscalls captured: interest[nr] != 0 (all of them after open). */
struct sq_kmod_syscalls {
	sq_u8 interest[SQ_SYSCALL_TABLE_SIZE];
};
#define SQ_KMOD_IOCTL_SET_SYSCALLS _IOW(SQ_KMOD_IOCTL_MAGIC, 4, struct sq_kmod_syscalls)
/* The threads captured (sysql_probe.h says which): a pid filter mode and its pids, the comm filter's names. */
struct sq_kmod_threads {
	sq_u32 pid_filter_mode; /* enum sq_pid_filter_mode */
	sq_u32 npids; /* <= SQ_PID_FILTER_MAX */
	sq_u64 pids; /* user pointer to npids u32 */
	sq_u32 ncomms; /* <= SQ_COMM_FILTER_MAX; 0: the comm filter is off */
	sq_u32 reserved;
	sq_u64 comms; /* user pointer to ncomms * SQ_COMM_LEN bytes, each name NUL padded */
};
#define SQ_KMOD_IOCTL_SET_THREADS _IOW(SQ_KMOD_IOCTL_MAGIC, 5, struct sq_kmod_threads)
/* Process lifecycle events (procexit) on (1, after open) or off (0): sysql_probe.h's sched_events_on. */
#define SQ_KMOD_IOCTL_SET_SCHED_EVENTS _IOW(SQ_KMOD_IOCTL_MAGIC, 6, sq_u32)
/* Data bytes copied per I/O buffer, 1..SQ_SNAPLEN_MAX (SQ_SNAPLEN_DEFAULT after open): sq_probe_config's
 * snaplen. */
#define SQ_KMOD_IOCTL_SET_SNAPLEN _IOW(SQ_KMOD_IOCTL_MAGIC, 7, sq_u32)
/* How the syscall set is caught (SQ_KMOD_CATCH_*; the tracepoints after open). By the syscalls' own functions,
 * a kretprobe on each __x64_sys_<name> of the set as it is now (1 to SQ_NARROW_MAX syscalls), every other
 * syscall of the host runs untraced, and a change of the set needs this ioctl again. Fails with EOPNOTSUPP
 * on a kernel without kretprobes, E2BIG or EINVAL for a set too large or empty, or the kprobe's error (ENOENT:
 * a syscall without its own function); after a failure the tracepoints catch the set. A call in flight while
 * the way changes may lose its exit event. Calls that found every kretprobe instance taken lost both their
 * events: counted in drops_full. */
#define SQ_KMOD_CATCH_TRACEPOINTS 0
#define SQ_KMOD_CATCH_FUNCTIONS 1
#define SQ_KMOD_IOCTL_SET_CATCH _IOW(SQ_KMOD_IOCTL_MAGIC, 8, sq_u32)

#endif /* SYSQL_KMOD_H */
