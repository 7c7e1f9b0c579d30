/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/* libsysqlcap internals shared by its compilation units. */
#ifndef SYSQLCAP_INTERNAL_H
#define SYSQLCAP_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>

#include "sysqlcap.h"

/* One per-CPU ring buffer, mmapped for reading. */
struct sq_ring {
	int fd;
	uint32_t cpu;
	uint64_t mask; /* data size - 1 */
	volatile uint64_t *consumer; /* consumer page: our read position */
	volatile uint64_t *producer; /* producer page: the kernel's write position */
	uint8_t *data; /* data area, mapped twice back to back */
	uint64_t cons; /* local copy of the consumer position */
	uint64_t prod; /* last producer position seen */
	uint64_t
		empty_seen_ns; /* time (event clock) at which the ring was last seen without a ready head */
	int has_head; /* a whole event waits at the head (as of the last merge scan) */
	uint64_t head_ts; /* that event's timestamp */
};

struct sysql_bpf;
struct sq_capture;

/* The event time below which no event is still to come (see sq_watermark). */
uint64_t sq_rings_watermark(struct sq_capture *c);

struct sq_capture {
	struct sysql_bpf *skel;
	int ncpus;
	uint32_t ring_bytes;
	struct sq_ring *rings;
	int epoll_fd;
	int attached;
	int64_t boot_time_ns; /* CLOCK_REALTIME - CLOCK_BOOTTIME */
	uint64_t delivered_events;
	uint64_t delivered_bytes;
	uint64_t invalid_events;
	char err[512];
};

/* Stores a formatted one-line message in c->err and returns -code. */
int sq_fail(struct sq_capture *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ring_reader.c */
int sq_rings_map(struct sq_capture *c, const int *fds);
void sq_rings_unmap(struct sq_capture *c);
int sq_rings_read(struct sq_capture *c, uint8_t *buf, uint32_t cap, int timeout_ms,
		  uint32_t *out_bytes);

/* Current time on the events' clock (ns since the epoch, via CLOCK_BOOTTIME). */
uint64_t sq_event_clock_now(const struct sq_capture *c);

#endif
