/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * libsysqlcap's kernel module driver: sysql.ko's /dev/sysql (sysql_kmod.h).
 * Opening the device registers the module's probes; its per-CPU rings are
 * mapped here and read by ring_reader.c like the eBPF probe's; the
 * library's settings go through its ioctls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"
#include "sysql_kmod.h"

int sq_kmod_present(void)
{
	return access(SQ_KMOD_DEVICE, F_OK) == 0;
}

int sq_kmod_open(struct sq_capture *c, uint32_t ring_bytes)
{
	struct sq_kmod_info info;

	if (ring_bytes != 0 && ring_bytes != SQ_KMOD_RING_SIZE)
		return sq_fail(c, SQ_ERR_INVALID_ARG,
			       "the kernel module's rings are %u MiB per CPU: leave the ring size "
			       "unset with --driver kmod, or use --driver bpf for %u KiB rings",
			       SQ_KMOD_RING_SIZE >> 20, ring_bytes >> 10);
	c->dev_fd = open(SQ_KMOD_DEVICE, O_RDWR | O_CLOEXEC);
	if (c->dev_fd < 0) {
		int e = errno;
		if (e == ENOENT || e == ENXIO || e == ENODEV)
			return sq_fail(
				c, SQ_ERR_NO_DRIVER,
				"sysql's kernel module is not loaded (no %s): load it with "
				"insmod sysql.ko (driver-kmod/kmod, make KVER=$(uname -r)), or "
				"use --driver bpf",
				SQ_KMOD_DEVICE);
		if (e == EACCES || e == EPERM)
			return sq_fail(
				c, SQ_ERR_PRIVILEGE,
				"cannot open %s (%s): the kernel module's device is root's; run "
				"as root (sudo)",
				SQ_KMOD_DEVICE, strerror(e));
		if (e == EBUSY)
			return sq_fail(
				c, SQ_ERR_BUSY,
				"%s is in use by another capture (the kernel module serves one "
				"reader): stop it, or use --driver bpf",
				SQ_KMOD_DEVICE);
		return sq_fail(c, SQ_ERR_IO, "cannot open %s: %s", SQ_KMOD_DEVICE, strerror(e));
	}
	if (ioctl(c->dev_fd, SQ_KMOD_IOCTL_INFO, &info) != 0)
		return sq_fail(c, SQ_ERR_IO, "%s does not answer INFO (%s): is it sysql's module?",
			       SQ_KMOD_DEVICE, strerror(errno));
	if (info.abi_version != SQ_KMOD_ABI_VERSION || info.ring_size != SQ_KMOD_RING_SIZE)
		return sq_fail(c, SQ_ERR_LOAD,
			       "the loaded sysql.ko speaks ABI %u (rings of %u bytes), this sysql "
			       "ABI %u: load the module built from this sysql's driver-kmod/kmod",
			       info.abi_version, info.ring_size, SQ_KMOD_ABI_VERSION);
	if (info.ncpus == 0 || info.ncpus > SQ_MAX_CPUS)
		return sq_fail(c, SQ_ERR_IO, "the kernel module reports %u CPUs", info.ncpus);
	c->ncpus = (int)info.ncpus;
	c->ring_bytes = SQ_KMOD_RING_SIZE;
	int rc = sq_rings_alloc(c);
	if (rc < 0)
		return rc;
	return sq_rings_map_kmod(c, c->dev_fd);
}

static int kmod_ioctl(struct sq_capture *c, unsigned long req, const char *what, void *arg)
{
	if (ioctl(c->dev_fd, req, arg) != 0)
		return sq_fail(c, SQ_ERR_IO, "the kernel module refused %s: %s", what,
			       strerror(errno));
	return 0;
}

static int kmod_start(struct sq_capture *c)
{
	return kmod_ioctl(c, SQ_KMOD_IOCTL_START, "START", NULL);
}

static int kmod_stop(struct sq_capture *c)
{
	return kmod_ioctl(c, SQ_KMOD_IOCTL_STOP, "STOP", NULL);
}

/* A set of 1 to SQ_NARROW_MAX syscalls is caught by kretprobes on its functions (every other syscall of the
 * host then runs untraced); a larger one, or one the module could not (a syscall without its own function,
 * or a kernel without kretprobes: not asked again), by the tracepoints. */
static int kmod_apply_catch(struct sq_capture *c)
{
	uint32_t how = sq_small_set(c) && !c->narrow_refused ? SQ_KMOD_CATCH_FUNCTIONS
							     : SQ_KMOD_CATCH_TRACEPOINTS;
	if (how == SQ_KMOD_CATCH_TRACEPOINTS && !c->kmod_by_functions)
		return 0;
	if (ioctl(c->dev_fd, SQ_KMOD_IOCTL_SET_CATCH, &how) == 0) {
		c->kmod_by_functions = how == SQ_KMOD_CATCH_FUNCTIONS;
		return 0;
	}
	int e = errno;
	if (how == SQ_KMOD_CATCH_TRACEPOINTS)
		return sq_fail(c, SQ_ERR_IO,
			       "the kernel module refused to catch the syscall set "
			       "by the tracepoints again: %s",
			       strerror(e));
	/* the module fell back to the tracepoints */
	c->kmod_by_functions = 0;
	if (e == EOPNOTSUPP || e == ENOTTY)
		c->narrow_refused = 1;
	return 0;
}

static int kmod_apply_config(struct sq_capture *c)
{
	struct sq_kmod_syscalls set;
	uint32_t snaplen = c->snaplen, sched = (uint32_t)c->sched_events_on;
	int rc;

	memcpy(set.interest, c->interest, sizeof(set.interest));
	rc = kmod_ioctl(c, SQ_KMOD_IOCTL_SET_SYSCALLS, "the syscall set", &set);
	if (rc == 0)
		rc = kmod_apply_catch(c);
	if (rc == 0)
		rc = kmod_ioctl(c, SQ_KMOD_IOCTL_SET_SCHED_EVENTS, "the lifecycle events", &sched);
	if (rc == 0)
		rc = kmod_ioctl(c, SQ_KMOD_IOCTL_SET_SNAPLEN, "the snaplen", &snaplen);
	return rc;
}

static int kmod_apply_threads(struct sq_capture *c)
{
	struct sq_kmod_threads t = {
		.pid_filter_mode = (sq_u32)c->pid_filter_mode,
		.npids = (sq_u32)c->npids,
		.pids = (sq_u64)(uintptr_t)c->pids,
		.ncomms = (sq_u32)c->ncomms,
		.comms = (sq_u64)(uintptr_t)c->comms,
	};

	return kmod_ioctl(c, SQ_KMOD_IOCTL_SET_THREADS, "the thread filters", &t);
}

static int kmod_read_stats(struct sq_capture *c, struct sq_cpu_stats *all)
{
	for (int i = 0; i < c->ncpus; i++) {
		const volatile struct sq_kmod_ring_ctl *ctl = c->rings[i].ctl_map;
		all[i].events = ctl->stats.events;
		all[i].bytes = ctl->stats.bytes;
		all[i].drops_full = ctl->stats.drops_full;
		all[i].drops_invalid = ctl->stats.drops_invalid;
		all[i].filtered = ctl->stats.filtered;
	}
	return 0;
}

static void kmod_close(struct sq_capture *c)
{
	sq_rings_unmap(c);
	if (c->dev_fd >= 0) {
		/* closing the device unregisters the probes and frees the rings */
		close(c->dev_fd);
		c->dev_fd = -1;
	}
}

const struct sq_driver_ops sq_kmod_ops = {
	.kind = SQ_DRIVER_KMOD,
	.start = kmod_start,
	.stop = kmod_stop,
	.apply_config = kmod_apply_config,
	.apply_threads = kmod_apply_threads,
	.read_stats = kmod_read_stats,
	.close = kmod_close,
};
