/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/* libsysqlcap internals shared by its compilation units. */
#ifndef SYSQLCAP_INTERNAL_H
#define SYSQLCAP_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>

#include "sysqlcap.h"

/*
 * One per-CPU ring, mapped for reading. Two layouts share the reader: a BPF
 * ring buffer (consumer and producer pages, the data mapped twice so that a
 * record never wraps; a record's u32 length has busy and discard bits) and a
 * kernel module ring (sysql_kmod.h: one control page with head and tail, the
 * data once; a record whose length has SQ_KMOD_RECORD_WRAP sends the reader
 * back to offset 0). Both put an 8-byte header before each record and pad
 * records to 8 bytes.
 */
struct sq_ring {
	int fd; /* the BPF ring's map fd (-1 for the module's rings: the device's) */
	uint32_t cpu;
	int kmod; /* the module's layout */
	uint64_t mask; /* data size - 1 */
	volatile uint64_t *consumer; /* our read position */
	volatile uint64_t *producer; /* the kernel's write position */
	void *ctl_map; /* the mapping that holds consumer (kmod: the control page) */
	void *data_map; /* the mapping that holds the data (bpf: with the producer page) */
	size_t data_map_len;
	uint8_t *data; /* data area */
	uint64_t cons; /* local copy of the consumer position */
	uint64_t prod; /* last producer position seen */
	uint64_t
		empty_seen_ns; /* time (event clock) at which the ring was last seen without a ready head */
	int has_head; /* a whole event waits at the head (as of the last merge scan) */
	uint64_t head_ts; /* that event's timestamp */
};

struct sysql_bpf;
struct sq_capture;

/*
 * What differs between the drivers. The library keeps every setting (the
 * syscall set, the pid and comm filters, snaplen, lifecycle events) in
 * sq_capture and asks the driver to apply it.
 */
struct sq_driver_ops {
	int kind; /* enum sq_driver */
	int (*start)(struct sq_capture *c);
	int (*stop)(struct sq_capture *c);
	int (*apply_config)(struct sq_capture *c); /* snaplen, sched_events, the syscall set */
	int (*apply_threads)(struct sq_capture *c); /* the pid and comm filters */
	int (*read_stats)(struct sq_capture *c, struct sq_cpu_stats *all); /* ncpus entries */
	void (*close)(struct sq_capture *c);
};

extern const struct sq_driver_ops sq_bpf_ops;
extern const struct sq_driver_ops sq_kmod_ops;

struct sq_capture {
	const struct sq_driver_ops *ops;
	struct sysql_bpf *skel; /* bpf */
	int attached; /* bpf */
	char *btf_path; /* bpf: the BTF the probe was opened with (NULL: the kernel's) */
	/* bpf: a small syscall set caught by the syscalls' own fentry/fexit programs (narrow.bpf.h), loaded
	 * in a second instance of the probe that shares the first one's maps; NULL while the dispatchers
	 * capture */
	struct sysql_bpf *narrow;
	uint8_t narrow_set[SQ_SYSCALL_TABLE_SIZE];
	int narrow_known; /* has_function is filled */
	uint8_t has_function[SQ_SYSCALL_TABLE_SIZE]; /* the kernel's BTF has __x64_sys_<name> */
	int narrow_refused; /* the kernel cannot catch a set by its functions here: not tried again */
	int dev_fd; /* kmod: /dev/sysql */
	int kmod_by_functions; /* kmod: the set is caught by kretprobes on its functions (SET_CATCH) */
	int ncpus;
	uint32_t ring_bytes;
	struct sq_ring *rings;
	int epoll_fd; /* bpf: the rings' wakeups; -1 for the module (no wakeups: the reader polls) */
	int64_t boot_time_ns; /* CLOCK_REALTIME - CLOCK_BOOTTIME */
	/* the settings */
	uint32_t snaplen;
	int sched_events_on;
	uint8_t interest[SQ_SYSCALL_TABLE_SIZE];
	int pid_filter_mode;
	int npids;
	uint32_t pids[SQ_PID_FILTER_MAX];
	int ncomms;
	char comms[SQ_COMM_FILTER_MAX][SQ_COMM_LEN];
	/* what went out */
	uint64_t delivered_events;
	uint64_t delivered_bytes;
	uint64_t invalid_events;
	char err[512];
};

/* Stores a formatted one-line message in c->err and returns -code. */
/* Whether c->interest is a small set (1 to SQ_NARROW_MAX syscalls), which a driver catches on the syscalls' own
 * functions where the kernel lets it. */
int sq_small_set(const struct sq_capture *c);

int sq_fail(struct sq_capture *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* driver_bpf.c / driver_kmod.c: load the driver into c (ncpus, ring_bytes, rings set on success). */
int sq_bpf_open(struct sq_capture *c, uint32_t ring_bytes, const char *btf_path);
int sq_kmod_open(struct sq_capture *c, uint32_t ring_bytes);
/* Whether this host has the kernel module's device (auto picks the module then). */
int sq_kmod_present(void);

/* ring_reader.c */
int sq_rings_alloc(struct sq_capture *c);
int sq_rings_map_bpf(struct sq_capture *c, const int *fds);
int sq_rings_map_kmod(struct sq_capture *c, int dev_fd);
void sq_rings_unmap(struct sq_capture *c);
int sq_rings_read(struct sq_capture *c, uint8_t *buf, uint32_t cap, int timeout_ms,
		  uint32_t *out_bytes);
/* The event time below which no event is still to come (see sq_watermark). */
uint64_t sq_rings_watermark(struct sq_capture *c);

/* Current time on the events' clock (ns since the epoch, via CLOCK_BOOTTIME). */
uint64_t sq_event_clock_now(const struct sq_capture *c);

#endif
