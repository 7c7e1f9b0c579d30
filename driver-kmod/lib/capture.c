/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * libsysqlcap's API: opening a driver (the eBPF probe, driver_bpf.c, or the
 * kernel module, driver_kmod.c), keeping its settings (the syscall set, the
 * thread filters, snaplen, lifecycle events) and handing out batches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

int sq_fail(struct sq_capture *c, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -code;
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

uint64_t sq_event_clock_now(const struct sq_capture *c)
{
	return (uint64_t)(clock_ns(CLOCK_BOOTTIME) + c->boot_time_ns);
}

static int is_power_of_two(uint32_t v)
{
	return v && !(v & (v - 1));
}

static void copy_err(const struct sq_capture *c, int code, int *err_code, char *err, size_t errlen)
{
	if (err_code)
		*err_code = code;
	if (err && errlen)
		snprintf(err, errlen, "%s", c->err);
}

sq_capture *sq_open(int driver, uint32_t ring_bytes, uint32_t snaplen, const char *btf_path,
		    int *err_code, char *err, size_t errlen)
{
	struct sq_capture *c = calloc(1, sizeof(*c));
	if (!c) {
		if (err_code)
			*err_code = SQ_ERR_NOMEM;
		if (err && errlen)
			snprintf(err, errlen, "out of memory while opening the capture");
		return NULL;
	}
	c->epoll_fd = -1;
	c->dev_fd = -1;
	int rc;
	if (snaplen == 0)
		snaplen = SQ_SNAPLEN_DEFAULT;
	if (ring_bytes != 0 &&
	    (!is_power_of_two(ring_bytes) || ring_bytes < SQ_RING_BYTES_MIN ||
	     ring_bytes > SQ_RING_BYTES_MAX || ring_bytes % (uint32_t)getpagesize() != 0)) {
		rc = sq_fail(c, SQ_ERR_INVALID_ARG,
			     "ring size %u bytes is invalid: it must be a power of two from %u KiB "
			     "to %u MiB",
			     ring_bytes, SQ_RING_BYTES_MIN >> 10, SQ_RING_BYTES_MAX >> 20);
		goto fail;
	}
	if (snaplen > SQ_SNAPLEN_MAX) {
		rc = sq_fail(c, SQ_ERR_INVALID_ARG,
			     "snaplen %u is out of range: it must be 1 to %u bytes", snaplen,
			     SQ_SNAPLEN_MAX);
		goto fail;
	}
	if (driver != SQ_DRIVER_AUTO && driver != SQ_DRIVER_BPF && driver != SQ_DRIVER_KMOD) {
		rc = sq_fail(c, SQ_ERR_INVALID_ARG,
			     "driver %d is unknown: use 0 (auto), 1 (bpf) or 2 (kmod)", driver);
		goto fail;
	}
	c->boot_time_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	c->snaplen = snaplen;
	c->sched_events_on = 1;
	memset(c->interest, 1, sizeof(c->interest));
	/* auto: the kernel module where its device exists, else the eBPF probe */
	if (driver == SQ_DRIVER_KMOD || (driver == SQ_DRIVER_AUTO && sq_kmod_present())) {
		c->ops = &sq_kmod_ops;
		rc = sq_kmod_open(c, ring_bytes);
	} else {
		c->ops = &sq_bpf_ops;
		rc = sq_bpf_open(c, ring_bytes ? ring_bytes : SQ_RING_BYTES_DEFAULT, btf_path);
		if (driver == SQ_DRIVER_AUTO &&
		    (rc == -SQ_ERR_NO_BTF || rc == -SQ_ERR_NO_RINGBUF)) {
			/* neither driver can run here: say both ways out */
			char why[sizeof(c->err)];
			snprintf(why, sizeof(why), "%s", c->err);
			rc = sq_fail(c, SQ_ERR_NO_DRIVER,
				     "no capture driver on this host: sysql's kernel module is not "
				     "loaded (no /dev/sysql: insmod sysql.ko, built from "
				     "driver-kmod/kmod) and the eBPF probe cannot run (%.300s)",
				     why);
		}
	}
	if (rc == 0)
		rc = c->ops->apply_config(c);
	if (rc == 0)
		rc = c->ops->apply_threads(c);
	if (rc < 0)
		goto fail;
	return c;

fail:
	copy_err(c, -rc, err_code, err, errlen);
	sq_close(c);
	return NULL;
}

int sq_driver(sq_capture *c)
{
	return c && c->ops ? c->ops->kind : -SQ_ERR_STATE;
}

int sq_narrow(sq_capture *c)
{
	return c && (c->narrow || c->kmod_by_functions) ? 1 : 0;
}

int sq_start(sq_capture *c)
{
	if (!c || !c->ops)
		return -SQ_ERR_STATE;
	return c->ops->start(c);
}

int sq_stop(sq_capture *c)
{
	if (!c || !c->ops)
		return -SQ_ERR_STATE;
	return c->ops->stop(c);
}

int sq_set_snaplen(sq_capture *c, uint32_t snaplen)
{
	if (!c || !c->ops)
		return -SQ_ERR_STATE;
	if (snaplen == 0 || snaplen > SQ_SNAPLEN_MAX)
		return sq_fail(c, SQ_ERR_INVALID_ARG,
			       "snaplen %u is out of range: it must be 1 to %u bytes", snaplen,
			       SQ_SNAPLEN_MAX);
	c->snaplen = snaplen;
	return c->ops->apply_config(c);
}

int sq_set_syscall(sq_capture *c, int nr, int on)
{
	if (!c || !c->ops)
		return -SQ_ERR_STATE;
	if (nr < 0 || nr >= SQ_SYSCALL_TABLE_SIZE)
		return sq_fail(c, SQ_ERR_INVALID_ARG,
			       "syscall number %d is out of range: x86_64 syscalls are 0 to %d", nr,
			       SQ_SYSCALL_TABLE_SIZE - 1);
	c->interest[nr] = on ? 1 : 0;
	return c->ops->apply_config(c);
}

int sq_set_syscalls(sq_capture *c, const uint8_t *interest, int n)
{
	if (!c || !c->ops)
		return -SQ_ERR_STATE;
	if (!interest || n != SQ_SYSCALL_TABLE_SIZE)
		return sq_fail(
			c, SQ_ERR_INVALID_ARG,
			"a syscall set has %d entries (one per x86_64 syscall number), not %d",
			SQ_SYSCALL_TABLE_SIZE, n);
	for (int i = 0; i < n; i++)
		c->interest[i] = interest[i] ? 1 : 0;
	return c->ops->apply_config(c);
}

int sq_small_set(const struct sq_capture *c)
{
	int n = 0;

	for (int nr = 0; nr < SQ_SYSCALL_TABLE_SIZE; nr++)
		if (c->interest[nr] && ++n > SQ_NARROW_MAX)
			return 0;
	return n > 0;
}

int sq_set_all_syscalls(sq_capture *c, int on)
{
	if (!c || !c->ops)
		return -SQ_ERR_STATE;
	memset(c->interest, on ? 1 : 0, sizeof(c->interest));
	return c->ops->apply_config(c);
}

int sq_set_pid_filter(sq_capture *c, int mode, const uint32_t *pids, int n)
{
	if (!c || !c->ops)
		return -SQ_ERR_STATE;
	if (mode != SQ_PID_FILTER_OFF && mode != SQ_PID_FILTER_INCLUDE &&
	    mode != SQ_PID_FILTER_EXCLUDE)
		return sq_fail(
			c, SQ_ERR_INVALID_ARG,
			"pid filter mode %d is invalid: use 0 (off), 1 (include) or 2 (exclude)",
			mode);
	if (n < 0 || n > SQ_PID_FILTER_MAX)
		return sq_fail(c, SQ_ERR_INVALID_ARG,
			       "pid filter holds %d pids: at most %d are allowed", n,
			       SQ_PID_FILTER_MAX);
	if (n > 0 && !pids)
		return sq_fail(c, SQ_ERR_INVALID_ARG,
			       "pid filter: %d pids announced but none given", n);
	for (int i = 0; i < n; i++)
		if (pids[i] == 0 || pids[i] > (1u << 22))
			return sq_fail(c, SQ_ERR_INVALID_ARG,
				       "pid filter: %u is not a valid pid (1 to %u)", pids[i],
				       1u << 22);
	c->pid_filter_mode = mode;
	c->npids = n;
	if (n > 0)
		memcpy(c->pids, pids, (size_t)n * sizeof(*pids));
	return c->ops->apply_threads(c);
}

int sq_set_comm_filter(sq_capture *c, const char *const *comms, int n)
{
	if (!c || !c->ops)
		return -SQ_ERR_STATE;
	if (n < 0 || n > SQ_COMM_FILTER_MAX)
		return sq_fail(c, SQ_ERR_INVALID_ARG,
			       "comm filter holds %d names: at most %d are allowed", n,
			       SQ_COMM_FILTER_MAX);
	if (n > 0 && !comms)
		return sq_fail(c, SQ_ERR_INVALID_ARG,
			       "comm filter: %d names announced but none given", n);
	for (int i = 0; i < n; i++)
		if (!comms[i] || !comms[i][0])
			return sq_fail(c, SQ_ERR_INVALID_ARG,
				       "comm filter: name %d is empty; give a process name", i);
	c->ncomms = n;
	memset(c->comms, 0, sizeof(c->comms));
	for (int i = 0; i < n; i++)
		strncpy(c->comms[i], comms[i], SQ_COMM_LEN - 1);
	return c->ops->apply_threads(c);
}

int sq_set_sched_events(sq_capture *c, int on)
{
	if (!c || !c->ops)
		return -SQ_ERR_STATE;
	c->sched_events_on = on ? 1 : 0;
	return c->ops->apply_config(c);
}

int sq_next_batch(sq_capture *c, uint8_t *buf, uint32_t cap, int timeout_ms, uint32_t *out_bytes)
{
	if (!c || !c->ops)
		return -SQ_ERR_STATE;
	if (!buf || cap < SQ_BATCH_RECORD_HDR + SQ_EVENT_MAX_SIZE)
		return sq_fail(
			c, SQ_ERR_INVALID_ARG,
			"batch buffer of %u bytes is too small: it must hold at least %u bytes",
			cap, (unsigned)(SQ_BATCH_RECORD_HDR + SQ_EVENT_MAX_SIZE));
	return sq_rings_read(c, buf, cap, timeout_ms, out_bytes);
}

uint64_t sq_watermark(sq_capture *c)
{
	return c && c->rings ? sq_rings_watermark(c) : 0;
}

int sq_ncpus(sq_capture *c)
{
	return c ? c->ncpus : -SQ_ERR_STATE;
}

uint32_t sq_ring_bytes(sq_capture *c)
{
	return c ? c->ring_bytes : 0;
}

int sq_get_stats(sq_capture *c, struct sq_cpu_stats *out, int n)
{
	if (!c || !c->ops)
		return -SQ_ERR_STATE;
	if (n < 0 || n > c->ncpus)
		return sq_fail(c, SQ_ERR_INVALID_ARG,
			       "stats for %d CPUs asked, this machine has %d", n, c->ncpus);
	struct sq_cpu_stats *all = calloc((size_t)c->ncpus, sizeof(*all));
	if (!all)
		return sq_fail(c, SQ_ERR_NOMEM, "out of memory reading the counters");
	int rc = c->ops->read_stats(c, all);
	if (rc == 0)
		memcpy(out, all, (size_t)n * sizeof(*all));
	free(all);
	return rc < 0 ? rc : n;
}

int sq_get_delivered(sq_capture *c, uint64_t *events, uint64_t *bytes, uint64_t *invalid)
{
	if (!c)
		return -SQ_ERR_STATE;
	if (events)
		*events = c->delivered_events;
	if (bytes)
		*bytes = c->delivered_bytes;
	if (invalid)
		*invalid = c->invalid_events;
	return 0;
}

const char *sq_last_error(sq_capture *c)
{
	return c ? c->err : "no capture";
}

void sq_close(sq_capture *c)
{
	if (!c)
		return;
	if (c->ops)
		c->ops->close(c);
	else
		sq_rings_unmap(c);
	free(c);
}
