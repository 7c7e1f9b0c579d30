/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Global data and maps of the sysql probe: the names and layouts here are
 * the contract with libsysqlcap (include/sysql_probe.h).
 *
 * The two tail-call tables (sq_enter_progs / sq_exit_progs) are defined at
 * the end of sysql.bpf.c, after the programs they reference.
 */
#ifndef SQ_MAPS_BPF_H
#define SQ_MAPS_BPF_H

/* Run-time configuration, written by userspace through the mmapped .bss. */
volatile struct sq_probe_config sq_cfg;
/* 1 = capture this syscall number. */
volatile __u8 sq_interest[SQ_SYSCALL_TABLE_SIZE];

/* One ring buffer per CPU. The loader sets the inner map fd, max_entries
 * (= CPU count) and inserts the rings. */
struct sq_ring_tmpl {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096 * 16);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1); /* resized by the loader */
	__type(key, __u32);
	__array(values, struct sq_ring_tmpl);
} sq_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sq_cpu_stats);
} sq_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SQ_PID_FILTER_MAX);
	__type(key, __u32);
	__type(value, __u8);
} sq_pids SEC(".maps");

/* Thread names (comm, NUL padded to SQ_COMM_LEN) selected by the comm filter. */
struct sq_comm_key {
	char comm[SQ_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SQ_COMM_FILTER_MAX);
	__type(key, struct sq_comm_key);
	__type(value, __u8);
} sq_comms SEC(".maps");

/*
 * Each thread group's name as sysql gives it (proc.name, like sysdig): its
 * comm at exec, at fork the comm its clone event gives it (the forking
 * thread's), kept when a thread renames itself
 * (prctl PR_SET_NAME: memcached's workers become mc-worker). The comm
 * filter compares this name. Set by the sched_process_exec and
 * sched_process_fork programs, removed when the group's last thread exits;
 * LRU, so that a group whose end went unseen ages out.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct sq_comm_key);
} sq_proc_names SEC(".maps");

/* Per-CPU area where an event is built before being copied to the ring (sysql_probe.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* resized by the loader to the CPU count */
	__type(key, __u32);
	__type(value, struct sq_scratch_buf);
} sq_scratch SEC(".maps");

#endif
