/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * Reading the per-CPU rings directly from their mmapped pages and merging
 * them into one timestamp-ordered stream of whole events.
 *
 * BPF ring layout (kernel/bpf/ringbuf.c): page 0 holds the consumer position
 * (ours to write), page 1 the producer position, then the data area mapped
 * twice so a record never wraps. Each record: u32 len (bit 31 busy, bit 30
 * discarded), u32 page offset, then the sample, padded to 8 bytes.
 *
 * Kernel module ring layout (sysql_kmod.h): a control page with head (the
 * module's) and tail (ours), then the data once. Each record: u32 len, u32
 * reserved, the event, padded to 8 bytes; a record is complete once head is
 * past it; a length with SQ_KMOD_RECORD_WRAP sends the reader to offset 0.
 * The device has no wakeups (a probe must not wake anyone), so the reader
 * polls it.
 *
 * Merging: the next event out is the oldest head among the rings. A ring
 * that is empty might still receive an older event that a CPU is writing
 * right now, so an event is handed out only when every empty ring was seen
 * empty at least SQ_REORDER_WINDOW_NS after the event's timestamp. That keeps
 * each thread's events in order even when it migrates between CPUs, at the
 * cost of a few milliseconds of latency on a quiet ring.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "sysql_kmod.h"

#define RB_BUSY_BIT (1U << 31)
#define RB_DISCARD_BIT (1U << 30)
#define RB_HDR_SZ 8
#define SQ_REORDER_WINDOW_NS (2 * 1000 * 1000ULL)
/* How often the kernel module's rings are looked at while they are empty. */
#define SQ_KMOD_POLL_MS 2

static inline uint64_t load_acquire(volatile uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void store_release(volatile uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

int sq_rings_alloc(struct sq_capture *c)
{
	c->rings = calloc((size_t)c->ncpus, sizeof(*c->rings));
	if (!c->rings)
		return sq_fail(c, SQ_ERR_NOMEM, "out of memory mapping the ring buffers");
	for (int i = 0; i < c->ncpus; i++)
		c->rings[i].fd = -1;
	return 0;
}

int sq_rings_map_bpf(struct sq_capture *c, const int *fds)
{
	long page = sysconf(_SC_PAGESIZE);
	c->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (c->epoll_fd < 0)
		return sq_fail(c, SQ_ERR_IO, "epoll_create1 failed: %s", strerror(errno));
	for (int i = 0; i < c->ncpus; i++) {
		struct sq_ring *r = &c->rings[i];
		r->fd = fds[i];
		r->cpu = (uint32_t)i;
		r->mask = c->ring_bytes - 1;
		void *cons = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
		if (cons == MAP_FAILED)
			return sq_fail(c, SQ_ERR_IO, "cannot map the consumer page of ring %d: %s",
				       i, strerror(errno));
		r->ctl_map = cons;
		r->consumer = cons;
		size_t len = (size_t)page + 2 * (size_t)c->ring_bytes;
		void *prod = mmap(NULL, len, PROT_READ, MAP_SHARED, r->fd, page);
		if (prod == MAP_FAILED)
			return sq_fail(c, SQ_ERR_IO, "cannot map ring %d (%u bytes): %s", i,
				       c->ring_bytes, strerror(errno));
		r->data_map = prod;
		r->data_map_len = len;
		r->producer = prod;
		r->data = (uint8_t *)prod + page;
		r->cons = load_acquire(r->consumer);
		r->prod = r->cons;
		struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
		if (epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, r->fd, &ev) != 0)
			return sq_fail(c, SQ_ERR_IO, "cannot watch ring %d: %s", i,
				       strerror(errno));
	}
	return 0;
}

int sq_rings_map_kmod(struct sq_capture *c, int dev_fd)
{
	for (int i = 0; i < c->ncpus; i++) {
		struct sq_ring *r = &c->rings[i];
		off_t at = (off_t)SQ_KMOD_RING_PGOFF(i) * SQ_KMOD_PAGE_SIZE;
		r->cpu = (uint32_t)i;
		r->kmod = 1;
		r->mask = SQ_KMOD_RING_SIZE - 1;
		void *ctl = mmap(NULL, SQ_KMOD_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
				 dev_fd, at);
		if (ctl == MAP_FAILED)
			return sq_fail(c, SQ_ERR_IO,
				       "cannot map the control page of the module's ring %d: %s", i,
				       strerror(errno));
		r->ctl_map = ctl;
		r->consumer = &((struct sq_kmod_ring_ctl *)ctl)->tail;
		r->producer = &((struct sq_kmod_ring_ctl *)ctl)->head;
		void *data = mmap(NULL, SQ_KMOD_RING_SIZE, PROT_READ, MAP_SHARED, dev_fd,
				  at + SQ_KMOD_PAGE_SIZE);
		if (data == MAP_FAILED)
			return sq_fail(c, SQ_ERR_IO, "cannot map the module's ring %d: %s", i,
				       strerror(errno));
		r->data_map = data;
		r->data_map_len = SQ_KMOD_RING_SIZE;
		r->data = data;
		r->cons = load_acquire(r->consumer);
		r->prod = r->cons;
	}
	return 0;
}

void sq_rings_unmap(struct sq_capture *c)
{
	long page = sysconf(_SC_PAGESIZE);
	if (c->rings) {
		for (int i = 0; i < c->ncpus; i++) {
			struct sq_ring *r = &c->rings[i];
			if (r->ctl_map)
				munmap(r->ctl_map, (size_t)page);
			if (r->data_map)
				munmap(r->data_map, r->data_map_len);
			if (r->fd >= 0)
				close(r->fd);
		}
		free(c->rings);
		c->rings = NULL;
	}
	if (c->epoll_fd >= 0) {
		close(c->epoll_fd);
		c->epoll_fd = -1;
	}
}

/*
 * The head event of ring r, skipping discarded records and dropping records
 * that are not well-formed events. Returns NULL when the ring is empty or its
 * head is still being written. *len receives the event length.
 */
static const uint8_t *ring_head(struct sq_capture *c, struct sq_ring *r, uint32_t *len)
{
	for (;;) {
		if (r->cons == r->prod) {
			r->prod = load_acquire(r->producer);
			if (r->cons == r->prod)
				return NULL;
		}
		const uint8_t *rec = r->data + (r->cons & r->mask);
		uint32_t hdr = __atomic_load_n((const uint32_t *)rec, __ATOMIC_ACQUIRE);
		uint32_t rlen;
		int skip;
		if (r->kmod) {
			if (hdr & SQ_KMOD_RECORD_WRAP) {
				/* the rest of the ring is padding: the next record is at offset 0 */
				r->cons += r->mask + 1 - (r->cons & r->mask);
				store_release(r->consumer, r->cons);
				continue;
			}
			rlen = hdr;
			skip = 0;
			if ((r->cons & r->mask) + RB_HDR_SZ + rlen > r->mask + 1) {
				/* a length the ring cannot hold: nothing after it can be trusted */
				c->invalid_events++;
				r->cons = r->prod;
				store_release(r->consumer, r->cons);
				return NULL;
			}
		} else {
			if (hdr & RB_BUSY_BIT)
				return NULL;
			rlen = hdr & ~(RB_BUSY_BIT | RB_DISCARD_BIT);
			skip = (hdr & RB_DISCARD_BIT) != 0;
		}
		uint64_t adv = (RB_HDR_SZ + rlen + 7) & ~7ULL;
		const uint8_t *evt = rec + RB_HDR_SZ;
		if (!skip) {
			const struct sq_evt_hdr *eh = (const struct sq_evt_hdr *)evt;
			if (rlen >= SQ_EVT_HDR_LEN && eh->len == rlen &&
			    rlen <= SQ_EVENT_MAX_SIZE && eh->nparams <= 32 &&
			    SQ_EVT_HDR_LEN + 2 * eh->nparams <= rlen) {
				*len = rlen;
				return evt;
			}
			c->invalid_events++;
		}
		r->cons += adv;
		store_release(r->consumer, r->cons);
	}
}

static void ring_advance(struct sq_ring *r, uint32_t len)
{
	r->cons += (RB_HDR_SZ + len + 7) & ~7ULL;
	store_release(r->consumer, r->cons);
}

/*
 * One merge pass: moves events into buf while the oldest head may go out.
 * Returns the number of events; *used is advanced; *held is set when an
 * event was held back by the reorder window.
 */
static int merge_pass(struct sq_capture *c, uint8_t *buf, uint32_t cap, uint32_t *used, int *held)
{
	int n = 0;
	*held = 0;
	uint64_t now = sq_event_clock_now(c);
	for (;;) {
		struct sq_ring *best = NULL;
		const uint8_t *best_evt = NULL;
		uint32_t best_len = 0;
		uint64_t best_ts = UINT64_MAX;
		for (int i = 0; i < c->ncpus; i++) {
			struct sq_ring *r = &c->rings[i];
			uint32_t len;
			const uint8_t *evt = ring_head(c, r, &len);
			r->has_head = evt != NULL;
			if (!evt) {
				r->empty_seen_ns = now;
				continue;
			}
			uint64_t ts = ((const struct sq_evt_hdr *)evt)->ts;
			r->head_ts = ts;
			if (ts < best_ts) {
				best_ts = ts;
				best = r;
				best_evt = evt;
				best_len = len;
			}
		}
		if (!best)
			return n;
		/* A ring without a ready head might still get an older event: wait for the window to pass. */
		for (int i = 0; i < c->ncpus; i++) {
			struct sq_ring *r = &c->rings[i];
			if (!r->has_head && r->empty_seen_ns < best_ts + SQ_REORDER_WINDOW_NS) {
				*held = 1;
				return n;
			}
		}
		if (*used + SQ_BATCH_RECORD_HDR + best_len > cap)
			return n;
		uint16_t cpu = (uint16_t)best->cpu;
		memcpy(buf + *used, &cpu, sizeof(cpu));
		memcpy(buf + *used + SQ_BATCH_RECORD_HDR, best_evt, best_len);
		*used += SQ_BATCH_RECORD_HDR + best_len;
		ring_advance(best, best_len);
		c->delivered_events++;
		c->delivered_bytes += best_len;
		n++;
	}
}

uint64_t sq_rings_watermark(struct sq_capture *c)
{
	uint64_t w = UINT64_MAX;
	for (int i = 0; i < c->ncpus; i++) {
		struct sq_ring *r = &c->rings[i];
		uint64_t rw = r->has_head ? r->head_ts
					  : (r->empty_seen_ns > SQ_REORDER_WINDOW_NS
						     ? r->empty_seen_ns - SQ_REORDER_WINDOW_NS
						     : 0);
		if (rw < w)
			w = rw;
	}
	return w == UINT64_MAX ? 0 : w;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int sq_rings_read(struct sq_capture *c, uint8_t *buf, uint32_t cap, int timeout_ms,
		  uint32_t *out_bytes)
{
	uint32_t used = 0;
	uint64_t deadline = timeout_ms < 0 ? UINT64_MAX : mono_ms() + (uint64_t)timeout_ms;
	for (;;) {
		int held;
		int n = merge_pass(c, buf, cap, &used, &held);
		if (n > 0) {
			if (out_bytes)
				*out_bytes = used;
			return n;
		}
		uint64_t now = mono_ms();
		if (now >= deadline) {
			if (out_bytes)
				*out_bytes = 0;
			return 0;
		}
		int wait_ms = deadline == UINT64_MAX ? 100 : (int)(deadline - now);
		if (held) {
			/* Events are waiting for the reorder window: come back shortly. */
			struct timespec ts = {0, 1000 * 1000};
			nanosleep(&ts, NULL);
			continue;
		}
		if (wait_ms > 100)
			wait_ms =
				100; /* the kernel may skip a wakeup; re-check the rings regularly */
		if (c->epoll_fd < 0) {
			/* the kernel module's rings: no wakeups, look again shortly */
			struct timespec ts = {
				0, (long)(wait_ms < SQ_KMOD_POLL_MS ? wait_ms : SQ_KMOD_POLL_MS) *
					   1000000L};
			nanosleep(&ts, NULL);
			continue;
		}
		struct epoll_event evs[16];
		int rc = epoll_wait(c->epoll_fd, evs, 16, wait_ms);
		if (rc < 0 && errno != EINTR)
			return sq_fail(c, SQ_ERR_IO, "waiting for events failed: %s",
				       strerror(errno));
	}
}
