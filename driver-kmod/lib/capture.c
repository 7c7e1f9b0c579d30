/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * libsysqlcap: loading the eBPF driver, attaching it, and setting its
 * run-time configuration and filters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"
#include "sysql.skel.h"

#define DEFAULT_BTF "/sys/kernel/btf/vmlinux"

/* libbpf's diagnostics: kept (last lines) to explain a failed load; printed only when the
 * environment has SYSQL_LIBBPF_DEBUG set (the verifier log of a failing program, for instance). */
static __thread char libbpf_log[2048];

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static int verbose = -1;
	if (verbose < 0)
		verbose = getenv("SYSQL_LIBBPF_DEBUG") != NULL;
	if (verbose) {
		va_list copy;
		va_copy(copy, ap);
		vfprintf(stderr, fmt, copy);
		va_end(copy);
	}
	if (level == LIBBPF_DEBUG)
		return 0;
	char line[512];
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n <= 0)
		return 0;
	size_t used = strlen(libbpf_log);
	if (used + strlen(line) + 1 > sizeof(libbpf_log))
		libbpf_log[0] = '\0';
	strncat(libbpf_log, line, sizeof(libbpf_log) - strlen(libbpf_log) - 1);
	return 0;
}

/* The most telling line of libbpf's log, as a one-line detail: the program that failed to load if
 * there is one, else the last line. */
static const char *libbpf_last_line(void)
{
	static __thread char last[256];
	char *prog = strstr(libbpf_log, "prog '");
	while (prog) {
		char *eol = strchr(prog, '\n');
		char *failed = strstr(prog, "failed to load");
		if (failed && (!eol || failed < eol)) {
			size_t n = eol ? (size_t)(eol - prog) : strlen(prog);
			if (n > sizeof(last) - 60)
				n = sizeof(last) - 60;
			snprintf(last, sizeof(last),
				 "%.*s (set SYSQL_LIBBPF_DEBUG=1 for the verifier log)", (int)n,
				 prog);
			return last;
		}
		prog = strstr(prog + 1, "prog '");
	}
	char *end = libbpf_log + strlen(libbpf_log);
	while (end > libbpf_log && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	char *start = end;
	while (start > libbpf_log && start[-1] != '\n')
		start--;
	size_t n =
		(size_t)(end - start) < sizeof(last) - 1 ? (size_t)(end - start) : sizeof(last) - 1;
	memcpy(last, start, n);
	last[n] = '\0';
	return last;
}

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

/* Root, or CAP_BPF and CAP_PERFMON in the effective set (CAP_SYS_ADMIN implies both). */
static int has_capture_privilege(void)
{
	if (geteuid() == 0)
		return 1;
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0)
		return 0;
	uint64_t eff = ((uint64_t)data[1].effective << 32) | data[0].effective;
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
	if (eff & (1ULL << CAP_SYS_ADMIN))
		return 1;
	return (eff & (1ULL << CAP_BPF)) && (eff & (1ULL << CAP_PERFMON));
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

sq_capture *sq_open(uint32_t ring_bytes, uint32_t snaplen, const char *btf_path, int *err_code,
		    char *err, size_t errlen)
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
	int rc;
	if (ring_bytes == 0)
		ring_bytes = SQ_RING_BYTES_DEFAULT;
	if (snaplen == 0)
		snaplen = SQ_SNAPLEN_DEFAULT;
	if (!is_power_of_two(ring_bytes) || ring_bytes < SQ_RING_BYTES_MIN ||
	    ring_bytes > SQ_RING_BYTES_MAX || ring_bytes % (uint32_t)getpagesize() != 0) {
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
	if (!has_capture_privilege()) {
		rc = sq_fail(c, SQ_ERR_PRIVILEGE,
			     "capturing needs root or CAP_BPF+CAP_PERFMON: run as root (sudo) or "
			     "grant the capabilities "
			     "(setcap cap_bpf,cap_perfmon+ep on the java binary)");
		goto fail;
	}
	const char *btf = btf_path ? btf_path : DEFAULT_BTF;
	if (access(btf, R_OK) != 0) {
		rc = sq_fail(c, SQ_ERR_NO_BTF,
			     "kernel has no BTF at %s: the eBPF probe needs a kernel built with "
			     "CONFIG_DEBUG_INFO_BTF=y "
			     "(Debian, Ubuntu, Fedora and RHEL kernels >= 5.8 have it)",
			     btf);
		goto fail;
	}
	libbpf_set_print(libbpf_print);
	libbpf_log[0] = '\0';
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) != 1) {
		rc = sq_fail(c, SQ_ERR_NO_RINGBUF,
			     "BPF ring buffer unsupported: kernel < 5.8; run sysql on Linux 5.8 or "
			     "newer");
		goto fail;
	}
	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0 || c->ncpus > SQ_MAX_CPUS) {
		rc = sq_fail(c, SQ_ERR_IO, "cannot count the CPUs of this machine (%d)", c->ncpus);
		goto fail;
	}
	c->ring_bytes = ring_bytes;

	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = btf_path);
	c->skel = sysql_bpf__open_opts(&open_opts);
	if (!c->skel) {
		rc = sq_fail(c, SQ_ERR_LOAD, "cannot open the eBPF probe: %s", libbpf_last_line());
		goto fail;
	}
	/* One ring per CPU: the inner map template and the outer array's size. */
	int tmpl = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "sq_ring_tmpl", 0, 0, ring_bytes, NULL);
	if (tmpl < 0) {
		rc = sq_fail(c, SQ_ERR_NOMEM, "cannot create a %u-byte BPF ring buffer: %s",
			     ring_bytes, strerror(errno));
		goto fail;
	}
	bpf_map__set_inner_map_fd(c->skel->maps.sq_rings, tmpl);
	bpf_map__set_max_entries(c->skel->maps.sq_rings, (uint32_t)c->ncpus);
	bpf_map__set_max_entries(c->skel->maps.sq_scratch, (uint32_t)c->ncpus);
	int err_load = sysql_bpf__load(c->skel);
	close(tmpl);
	if (err_load) {
		int e = -err_load;
		if (e == EPERM || e == EACCES)
			rc = sq_fail(c, SQ_ERR_PRIVILEGE,
				     "the kernel refused to load the eBPF probe (%s): run as root, "
				     "or with CAP_BPF+CAP_PERFMON, "
				     "and check kernel.unprivileged_bpf_disabled / lockdown",
				     strerror(e));
		else
			rc = sq_fail(c, SQ_ERR_LOAD, "the eBPF probe did not load (%s): %s",
				     strerror(e), libbpf_last_line());
		goto fail;
	}
	int fds[SQ_MAX_CPUS];
	for (int cpu = 0; cpu < c->ncpus; cpu++) {
		fds[cpu] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "sq_ring", 0, 0, ring_bytes, NULL);
		if (fds[cpu] < 0) {
			rc = sq_fail(c, SQ_ERR_NOMEM,
				     "cannot create the ring buffer of CPU %d (%u bytes): %s; use "
				     "a smaller ring size",
				     cpu, ring_bytes, strerror(errno));
			for (int i = 0; i < cpu; i++)
				close(fds[i]);
			goto fail;
		}
		uint32_t key = (uint32_t)cpu;
		if (bpf_map_update_elem(bpf_map__fd(c->skel->maps.sq_rings), &key, &fds[cpu],
					BPF_ANY) != 0) {
			rc = sq_fail(c, SQ_ERR_IO, "cannot install the ring buffer of CPU %d: %s",
				     cpu, strerror(errno));
			for (int i = 0; i <= cpu; i++)
				close(fds[i]);
			goto fail;
		}
	}
	rc = sq_rings_map(c, fds);
	if (rc < 0)
		goto fail;

	c->boot_time_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	struct sq_probe_config *cfg = (struct sq_probe_config *)&c->skel->bss->sq_cfg;
	cfg->snaplen = snaplen;
	cfg->self_tgid = (uint32_t)getpid();
	cfg->pid_filter_mode = SQ_PID_FILTER_OFF;
	cfg->boot_time_ns = (uint64_t)c->boot_time_ns;
	cfg->sched_events_on = 1;
	cfg->capture_on = 0;
	memset((void *)c->skel->bss->sq_interest, 1, sizeof(c->skel->bss->sq_interest));
	return c;

fail:
	copy_err(c, -rc, err_code, err, errlen);
	sq_close(c);
	return NULL;
}

#define ATTACH(prog)                                                                          \
	do {                                                                                  \
		c->skel->links.prog = bpf_program__attach(c->skel->progs.prog);               \
		if (!c->skel->links.prog) {                                                   \
			int e = errno;                                                        \
			c->skel->links.prog = NULL;                                           \
			sq_stop(c);                                                           \
			return sq_fail(c, SQ_ERR_ATTACH, "cannot attach the probe to %s: %s", \
				       #prog, strerror(e));                                   \
		}                                                                             \
	} while (0)

int sq_start(sq_capture *c)
{
	if (!c || !c->skel)
		return -SQ_ERR_STATE;
	if (!c->attached) {
		ATTACH(sq_sys_enter);
		ATTACH(sq_sys_exit);
		ATTACH(sq_sched_process_fork);
		ATTACH(sq_sched_process_exit);
		ATTACH(sq_sched_process_exec);
		c->attached = 1;
	}
	c->skel->bss->sq_cfg.capture_on = 1;
	return 0;
}

#define DETACH(prog)                                            \
	do {                                                    \
		if (c->skel->links.prog) {                      \
			bpf_link__destroy(c->skel->links.prog); \
			c->skel->links.prog = NULL;             \
		}                                               \
	} while (0)

int sq_stop(sq_capture *c)
{
	if (!c || !c->skel)
		return -SQ_ERR_STATE;
	c->skel->bss->sq_cfg.capture_on = 0;
	DETACH(sq_sys_enter);
	DETACH(sq_sys_exit);
	DETACH(sq_sched_process_fork);
	DETACH(sq_sched_process_exit);
	DETACH(sq_sched_process_exec);
	c->attached = 0;
	return 0;
}

int sq_set_snaplen(sq_capture *c, uint32_t snaplen)
{
	if (!c || !c->skel)
		return -SQ_ERR_STATE;
	if (snaplen == 0 || snaplen > SQ_SNAPLEN_MAX)
		return sq_fail(c, SQ_ERR_INVALID_ARG,
			       "snaplen %u is out of range: it must be 1 to %u bytes", snaplen,
			       SQ_SNAPLEN_MAX);
	c->skel->bss->sq_cfg.snaplen = snaplen;
	return 0;
}

int sq_set_syscall(sq_capture *c, int nr, int on)
{
	if (!c || !c->skel)
		return -SQ_ERR_STATE;
	if (nr < 0 || nr >= SQ_SYSCALL_TABLE_SIZE)
		return sq_fail(c, SQ_ERR_INVALID_ARG,
			       "syscall number %d is out of range: x86_64 syscalls are 0 to %d", nr,
			       SQ_SYSCALL_TABLE_SIZE - 1);
	c->skel->bss->sq_interest[nr] = on ? 1 : 0;
	return 0;
}

int sq_set_all_syscalls(sq_capture *c, int on)
{
	if (!c || !c->skel)
		return -SQ_ERR_STATE;
	memset((void *)c->skel->bss->sq_interest, on ? 1 : 0, sizeof(c->skel->bss->sq_interest));
	return 0;
}

/* Empties a hash map of the probe. */
static void sq_clear_map(int fd, size_t key_size)
{
	uint8_t key[64], next[64];

	if (key_size > sizeof(key))
		return;
	int more = bpf_map_get_next_key(fd, NULL, key) == 0;
	while (more) {
		more = bpf_map_get_next_key(fd, key, next) == 0;
		bpf_map_delete_elem(fd, key);
		memcpy(key, next, key_size);
	}
}

int sq_set_pid_filter(sq_capture *c, int mode, const uint32_t *pids, int n)
{
	if (!c || !c->skel)
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
	int fd = bpf_map__fd(c->skel->maps.sq_pids);
	/* Switch the filter off while the set changes, so no event sees half a set. */
	c->skel->bss->sq_cfg.pid_filter_mode = SQ_PID_FILTER_OFF;
	sq_clear_map(fd, sizeof(uint32_t));
	uint8_t one = 1;
	for (int i = 0; i < n; i++) {
		if (bpf_map_update_elem(fd, &pids[i], &one, BPF_ANY) != 0)
			return sq_fail(c, SQ_ERR_IO, "cannot store pid %u in the kernel filter: %s",
				       pids[i], strerror(errno));
	}
	c->skel->bss->sq_cfg.pid_filter_mode = (uint32_t)mode;
	return 0;
}

int sq_set_comm_filter(sq_capture *c, const char *const *comms, int n)
{
	if (!c || !c->skel)
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
	int fd = bpf_map__fd(c->skel->maps.sq_comms);
	/* Off while the set changes: no event sees half a set (the filter only ever widens meanwhile). */
	c->skel->bss->sq_cfg.comm_filter_on = 0;
	sq_clear_map(fd, SQ_COMM_LEN);
	uint8_t one = 1;
	for (int i = 0; i < n; i++) {
		char key[SQ_COMM_LEN] = {0};
		strncpy(key, comms[i], SQ_COMM_LEN - 1);
		if (bpf_map_update_elem(fd, key, &one, BPF_ANY) != 0)
			return sq_fail(c, SQ_ERR_IO,
				       "cannot store name '%s' in the kernel filter: %s", key,
				       strerror(errno));
	}
	c->skel->bss->sq_cfg.comm_filter_on = n > 0;
	return 0;
}

int sq_set_sched_events(sq_capture *c, int on)
{
	if (!c || !c->skel)
		return -SQ_ERR_STATE;
	c->skel->bss->sq_cfg.sched_events_on = on ? 1 : 0;
	return 0;
}

int sq_next_batch(sq_capture *c, uint8_t *buf, uint32_t cap, int timeout_ms, uint32_t *out_bytes)
{
	if (!c || !c->skel)
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
	if (!c || !c->skel)
		return -SQ_ERR_STATE;
	if (n < 0 || n > c->ncpus)
		return sq_fail(c, SQ_ERR_INVALID_ARG,
			       "stats for %d CPUs asked, this machine has %d", n, c->ncpus);
	struct sq_cpu_stats *all = calloc((size_t)c->ncpus, sizeof(*all));
	if (!all)
		return sq_fail(c, SQ_ERR_NOMEM, "out of memory reading the counters");
	uint32_t key = 0;
	if (bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.sq_stats), &key, all) != 0) {
		free(all);
		return sq_fail(c, SQ_ERR_IO, "cannot read the probe's counters: %s",
			       strerror(errno));
	}
	memcpy(out, all, (size_t)n * sizeof(*all));
	free(all);
	return n;
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
	if (c->skel) {
		sq_stop(c);
		sq_rings_unmap(c);
		sysql_bpf__destroy(c->skel);
	}
	free(c);
}
