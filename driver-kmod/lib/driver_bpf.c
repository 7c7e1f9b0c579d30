/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * libsysqlcap's eBPF driver: loading the probe (sysql.bpf.o, embedded as a
 * libbpf skeleton), its per-CPU ring buffers, attaching it, and applying the
 * library's settings to its global data and maps; for a small syscall set,
 * the syscalls' own fentry/fexit programs instead of the raw syscall
 * tracepoints (narrow.bpf.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
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

/* Per syscall number, its fillers' programs (the syscall table's filler columns; "generic" has none). */
static const char *const enter_fillers[SQ_SYSCALL_TABLE_SIZE] = {
#define SQ_SYSCALL(nr, native, sc, event, flags, enter_filler, exit_filler) \
	[nr] = "sq_e_" #enter_filler,
#include "sysql_syscall_table.h"
#undef SQ_SYSCALL
};
static const char *const exit_fillers[SQ_SYSCALL_TABLE_SIZE] = {
#define SQ_SYSCALL(nr, native, sc, event, flags, enter_filler, exit_filler) \
	[nr] = "sq_x_" #exit_filler,
#include "sysql_syscall_table.h"
#undef SQ_SYSCALL
};

/* The dispatchers' tail-call tables: each syscall's fillers at its number. */
static int fill_tail_calls(struct sq_capture *c)
{
	for (int side = 0; side < 2; side++) {
		const char *const *names = side ? exit_fillers : enter_fillers;
		int map = bpf_map__fd(side ? c->skel->maps.sq_exit_progs
					   : c->skel->maps.sq_enter_progs);
		for (uint32_t nr = 0; nr < SQ_SYSCALL_TABLE_SIZE; nr++) {
			if (!names[nr] || !strcmp(names[nr] + 5, "generic"))
				continue;
			struct bpf_program *prog =
				bpf_object__find_program_by_name(c->skel->obj, names[nr]);
			int fd = prog ? bpf_program__fd(prog) : -1;
			if (fd < 0 || bpf_map_update_elem(map, &nr, &fd, BPF_ANY) != 0)
				return sq_fail(c, SQ_ERR_LOAD,
					       "cannot install the probe's filler %s: %s",
					       names[nr], strerror(errno));
		}
	}
	return 0;
}

/* One of narrow.bpf.h's programs (sq_fe_<syscall>, sq_fx_<syscall>). */
static int is_narrow_program(const struct bpf_program *prog)
{
	const char *name = bpf_program__name(prog);
	return !strncmp(name, "sq_fe_", 6) || !strncmp(name, "sq_fx_", 6);
}

int sq_bpf_open(struct sq_capture *c, uint32_t ring_bytes, const char *btf_path)
{
	if (!has_capture_privilege())
		return sq_fail(c, SQ_ERR_PRIVILEGE,
			       "capturing needs root or CAP_BPF+CAP_PERFMON: run as root (sudo) or "
			       "grant the capabilities "
			       "(setcap cap_bpf,cap_perfmon+ep on the java binary)");
	const char *btf = btf_path ? btf_path : DEFAULT_BTF;
	if (access(btf, R_OK) != 0)
		return sq_fail(c, SQ_ERR_NO_BTF,
			       "kernel has no BTF at %s: the eBPF probe needs a kernel built with "
			       "CONFIG_DEBUG_INFO_BTF=y "
			       "(Debian, Ubuntu, Fedora and RHEL kernels >= 5.8 have it), or load "
			       "sysql's kernel module (driver-kmod/kmod) and use --driver kmod",
			       btf);
	libbpf_set_print(libbpf_print);
	libbpf_log[0] = '\0';
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) != 1)
		return sq_fail(
			c, SQ_ERR_NO_RINGBUF,
			"BPF ring buffer unsupported: kernel < 5.8; run sysql on Linux 5.8 or "
			"newer, or load sysql's kernel module (driver-kmod/kmod) and use "
			"--driver kmod");
	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0 || c->ncpus > SQ_MAX_CPUS)
		return sq_fail(c, SQ_ERR_IO, "cannot count the CPUs of this machine (%d)",
			       c->ncpus);
	c->ring_bytes = ring_bytes;
	if (btf_path && !(c->btf_path = strdup(btf_path)))
		return sq_fail(c, SQ_ERR_NOMEM, "out of memory while opening the capture");

	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = btf_path);
	c->skel = sysql_bpf__open_opts(&open_opts);
	if (!c->skel)
		return sq_fail(c, SQ_ERR_LOAD, "cannot open the eBPF probe: %s",
			       libbpf_last_line());
	/* One ring per CPU: the inner map template and the outer array's size. */
	int tmpl = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "sq_ring_tmpl", 0, 0, ring_bytes, NULL);
	if (tmpl < 0)
		return sq_fail(c, SQ_ERR_NOMEM, "cannot create a %u-byte BPF ring buffer: %s",
			       ring_bytes, strerror(errno));
	/* the syscalls' own fentry/fexit programs: only in a narrow instance, for a small set */
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, c->skel->obj) if (is_narrow_program(prog))
		bpf_program__set_autoload(prog, false);
	bpf_map__set_inner_map_fd(c->skel->maps.sq_rings, tmpl);
	bpf_map__set_max_entries(c->skel->maps.sq_rings, (uint32_t)c->ncpus);
	bpf_map__set_max_entries(c->skel->maps.sq_scratch, (uint32_t)c->ncpus);
	int err_load = sysql_bpf__load(c->skel);
	close(tmpl);
	if (err_load) {
		int e = -err_load;
		if (e == EPERM || e == EACCES)
			return sq_fail(
				c, SQ_ERR_PRIVILEGE,
				"the kernel refused to load the eBPF probe (%s): run as root, "
				"or with CAP_BPF+CAP_PERFMON, "
				"and check kernel.unprivileged_bpf_disabled / lockdown",
				strerror(e));
		return sq_fail(c, SQ_ERR_LOAD, "the eBPF probe did not load (%s): %s", strerror(e),
			       libbpf_last_line());
	}
	int rc = fill_tail_calls(c);
	if (rc < 0)
		return rc;
	rc = sq_rings_alloc(c);
	if (rc < 0)
		return rc;
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
			return rc;
		}
		uint32_t key = (uint32_t)cpu;
		if (bpf_map_update_elem(bpf_map__fd(c->skel->maps.sq_rings), &key, &fds[cpu],
					BPF_ANY) != 0) {
			rc = sq_fail(c, SQ_ERR_IO, "cannot install the ring buffer of CPU %d: %s",
				     cpu, strerror(errno));
			for (int i = 0; i <= cpu; i++)
				close(fds[i]);
			return rc;
		}
	}
	rc = sq_rings_map_bpf(c, fds);
	if (rc < 0)
		return rc;
	struct sq_probe_config *cfg = (struct sq_probe_config *)&c->skel->bss->sq_cfg;
	cfg->self_tgid = (uint32_t)getpid();
	cfg->boot_time_ns = (uint64_t)c->boot_time_ns;
	cfg->capture_on = 0;
	return 0;
}

#define ATTACH(prog)                                                                          \
	do {                                                                                  \
		c->skel->links.prog = bpf_program__attach(c->skel->progs.prog);               \
		if (!c->skel->links.prog) {                                                   \
			int e = errno;                                                        \
			c->skel->links.prog = NULL;                                           \
			bpf_stop(c);                                                          \
			return sq_fail(c, SQ_ERR_ATTACH, "cannot attach the probe to %s: %s", \
				       #prog, strerror(e));                                   \
		}                                                                             \
	} while (0)

#define DETACH(prog)                                            \
	do {                                                    \
		if (c->skel->links.prog) {                      \
			bpf_link__destroy(c->skel->links.prog); \
			c->skel->links.prog = NULL;             \
		}                                               \
	} while (0)

/* Per syscall number, its name: its kernel function is __x64_sys_<name>, its programs sq_fe_/sq_fx_<name>. */
static const char *const syscall_names[SQ_SYSCALL_TABLE_SIZE] = {
#define SQ_SYSCALL(nr, native, sc, event, flags, enter_filler, exit_filler) [nr] = #native,
#include "sysql_syscall_table.h"
#undef SQ_SYSCALL
};

/* Whether the set in c->interest can be caught by the syscalls' own functions: 1 to SQ_NARROW_MAX
 * syscalls, each with its __x64_sys_ function in the kernel's BTF (looked up once per capture), and a kernel
 * that has not refused fentry programs before. */
static int narrow_fits(struct sq_capture *c)
{
	if (c->narrow_refused || !sq_small_set(c))
		return 0;
	if (!c->narrow_known) {
		struct btf *btf =
			c->btf_path ? btf__parse(c->btf_path, NULL) : btf__load_vmlinux_btf();
		for (int nr = 0; btf && nr < SQ_SYSCALL_TABLE_SIZE; nr++) {
			char fn[96];
			if (!syscall_names[nr])
				continue;
			snprintf(fn, sizeof(fn), "__x64_sys_%s", syscall_names[nr]);
			c->has_function[nr] = btf__find_by_name_kind(btf, fn, BTF_KIND_FUNC) > 0;
		}
		btf__free(btf);
		c->narrow_known = 1;
	}
	/* (a syscall outside the table has no name, so no function) */
	for (int nr = 0; nr < SQ_SYSCALL_TABLE_SIZE; nr++)
		if (c->interest[nr] && !c->has_function[nr])
			return 0;
	return 1;
}

static void narrow_stop(struct sq_capture *c, int rearm);

/* Loads and attaches the set's fentry/fexit programs in a second instance of the probe that shares the
 * first one's maps and global data, then switches capture to them. 0, or a negative code (the dispatchers
 * then still capture). */
static int narrow_start(struct sq_capture *c)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = c->btf_path);
	struct sysql_bpf *n = sysql_bpf__open_opts(&open_opts);
	struct bpf_program *prog;
	struct bpf_map *map;
	int rc = 0;

	if (!n)
		return -SQ_ERR_LOAD;
	bpf_object__for_each_program(prog, n->obj) bpf_program__set_autoload(prog, false);
	bpf_object__for_each_map(map, n->obj)
	{
		if (map == n->maps.sq_enter_progs || map == n->maps.sq_exit_progs) {
			bpf_map__set_autocreate(map,
						false); /* the dispatchers' tail calls: not here */
			continue;
		}
		struct bpf_map *same =
			bpf_object__find_map_by_name(c->skel->obj, bpf_map__name(map));
		if (!same || bpf_map__reuse_fd(map, bpf_map__fd(same)) != 0)
			rc = -SQ_ERR_LOAD;
	}
	for (int nr = 0; nr < SQ_SYSCALL_TABLE_SIZE && rc == 0; nr++) {
		char name[96];
		if (!c->interest[nr])
			continue;
		for (int exit = 0; exit < 2 && rc == 0; exit++) {
			snprintf(name, sizeof(name), "%s_%s", exit ? "sq_fx" : "sq_fe",
				 syscall_names[nr]);
			prog = bpf_object__find_program_by_name(n->obj, name);
			if (!prog || bpf_program__set_autoload(prog, true) != 0)
				rc = -SQ_ERR_LOAD;
		}
	}
	if (rc == 0 && sysql_bpf__load(n) != 0)
		rc = -SQ_ERR_LOAD;
	if (rc == 0 && sysql_bpf__attach(n) != 0)
		rc = -SQ_ERR_ATTACH;
	if (rc != 0) {
		sysql_bpf__destroy(n);
		return rc;
	}
	c->narrow = n;
	memcpy(c->narrow_set, c->interest, sizeof(c->narrow_set));
	/* from here the dispatchers return at once: then they go */
	c->skel->bss->sq_cfg.narrow_on = 1;
	DETACH(sq_sys_enter);
	DETACH(sq_sys_exit);
	return 0;
}

static int bpf_stop(struct sq_capture *c)
{
	c->skel->bss->sq_cfg.capture_on = 0;
	narrow_stop(c, 0);
	DETACH(sq_sys_enter);
	DETACH(sq_sys_exit);
	DETACH(sq_sched_process_fork);
	DETACH(sq_sched_process_exit);
	DETACH(sq_sched_process_exec);
	c->attached = 0;
	return 0;
}

/* Back to the dispatchers (rearm: attach them first, while capturing) and the narrow instance goes. */
static void narrow_stop(struct sq_capture *c, int rearm)
{
	if (!c->narrow)
		return;
	if (rearm) {
		if (!c->skel->links.sq_sys_enter)
			c->skel->links.sq_sys_enter =
				bpf_program__attach(c->skel->progs.sq_sys_enter);
		if (!c->skel->links.sq_sys_exit)
			c->skel->links.sq_sys_exit =
				bpf_program__attach(c->skel->progs.sq_sys_exit);
	}
	c->skel->bss->sq_cfg.narrow_on = 0;
	sysql_bpf__destroy(c->narrow);
	c->narrow = NULL;
}

/* The dispatchers or the set's own programs, whichever the set calls for (while attached). */
static void apply_mode(struct sq_capture *c)
{
	if (!c->attached)
		return;
	if (narrow_fits(c)) {
		if (c->narrow && !memcmp(c->narrow_set, c->interest, sizeof(c->narrow_set)))
			return;
		narrow_stop(c, 1);
		/* if it cannot (a kernel that refuses fentry programs: lockdown), the dispatchers capture as
		 * before, and no later set tries again */
		if (narrow_start(c) != 0)
			c->narrow_refused = 1;
	} else {
		narrow_stop(c, 1);
	}
}

static int bpf_start(struct sq_capture *c)
{
	if (!c->attached) {
		ATTACH(sq_sys_enter);
		ATTACH(sq_sys_exit);
		ATTACH(sq_sched_process_fork);
		ATTACH(sq_sched_process_exit);
		ATTACH(sq_sched_process_exec);
		c->attached = 1;
	}
	c->skel->bss->sq_cfg.capture_on = 1;
	apply_mode(c);
	return 0;
}

static int bpf_apply_config(struct sq_capture *c)
{
	c->skel->bss->sq_cfg.snaplen = c->snaplen;
	c->skel->bss->sq_cfg.sched_events_on = (uint32_t)c->sched_events_on;
	memcpy((void *)c->skel->bss->sq_interest, c->interest, sizeof(c->interest));
	apply_mode(c);
	return 0;
}

/* Empties a hash map of the probe. */
static void clear_map(int fd, size_t key_size)
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

static int bpf_apply_threads(struct sq_capture *c)
{
	volatile struct sq_probe_config *cfg = &c->skel->bss->sq_cfg;
	uint8_t one = 1;

	/* Both off while the sets change, so that no event sees half a set. */
	cfg->pid_filter_mode = SQ_PID_FILTER_OFF;
	cfg->comm_filter_on = 0;
	int fd = bpf_map__fd(c->skel->maps.sq_pids);
	clear_map(fd, sizeof(uint32_t));
	for (int i = 0; i < c->npids; i++)
		if (bpf_map_update_elem(fd, &c->pids[i], &one, BPF_ANY) != 0)
			return sq_fail(c, SQ_ERR_IO, "cannot store pid %u in the kernel filter: %s",
				       c->pids[i], strerror(errno));
	fd = bpf_map__fd(c->skel->maps.sq_comms);
	clear_map(fd, SQ_COMM_LEN);
	for (int i = 0; i < c->ncomms; i++)
		if (bpf_map_update_elem(fd, c->comms[i], &one, BPF_ANY) != 0)
			return sq_fail(c, SQ_ERR_IO,
				       "cannot store name '%s' in the kernel filter: %s",
				       c->comms[i], strerror(errno));
	cfg->pid_filter_mode = (uint32_t)c->pid_filter_mode;
	cfg->comm_filter_on = c->ncomms > 0;
	return 0;
}

static int bpf_read_stats(struct sq_capture *c, struct sq_cpu_stats *all)
{
	uint32_t key = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.sq_stats), &key, all) != 0)
		return sq_fail(c, SQ_ERR_IO, "cannot read the probe's counters: %s",
			       strerror(errno));
	return 0;
}

static void bpf_close(struct sq_capture *c)
{
	if (!c->skel)
		return;
	bpf_stop(c);
	sq_rings_unmap(c);
	sysql_bpf__destroy(c->skel);
	c->skel = NULL;
	free(c->btf_path);
	c->btf_path = NULL;
}

const struct sq_driver_ops sq_bpf_ops = {
	.kind = SQ_DRIVER_BPF,
	.start = bpf_start,
	.stop = bpf_stop,
	.apply_config = bpf_apply_config,
	.apply_threads = bpf_apply_threads,
	.read_stats = bpf_read_stats,
	.close = bpf_close,
};
