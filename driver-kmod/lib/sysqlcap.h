/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * libsysqlcap: opens a sysql driver (the eBPF probe or the kernel module,
 * through the same calls), sets its filters, and hands out whole batches of
 * events merged across CPUs in timestamp order.
 *
 * Every call returns 0 (or a count) on success and a negative SQ_ERR_* code
 * on failure; sq_last_error() then holds a one-line message that names the
 * problem and what to do about it.
 *
 * Batch layout (sq_next_batch): records back to back, no padding, each
 *   u16 cpu            the CPU whose ring held the event
 *   event              one sysql/scap event (sysql_event.h); its header's
 *                      len field gives its size
 * which is also the body of an event block in a .scap file.
 */
#ifndef SYSQLCAP_H
#define SYSQLCAP_H

#include <stddef.h>
#include <stdint.h>

#include "sysql_probe.h"

#ifdef __cplusplus
extern "C" {
#endif

enum sq_error {
	SQ_OK = 0,
	SQ_ERR_PRIVILEGE = 1, /* not root, no CAP_BPF+CAP_PERFMON */
	SQ_ERR_NO_BTF = 2, /* kernel BTF missing */
	SQ_ERR_NO_RINGBUF = 3, /* kernel without BPF ring buffers */
	SQ_ERR_INVALID_ARG = 4, /* an argument out of range */
	SQ_ERR_LOAD = 5, /* the probe did not load (verifier, kernel) */
	SQ_ERR_ATTACH = 6, /* a tracepoint could not be attached */
	SQ_ERR_NOMEM = 7, /* memory or map allocation failed */
	SQ_ERR_STATE = 8, /* call not valid now (e.g. after close) */
	SQ_ERR_IO = 9, /* a system call of the library failed */
	SQ_ERR_NO_DRIVER = 10, /* the driver asked for (or, for auto, either) is not on this host */
	SQ_ERR_BUSY = 11, /* the kernel module's device has its one reader already */
};

/* Which driver captures (sq_open). */
enum sq_driver {
	SQ_DRIVER_AUTO = 0, /* the kernel module where /dev/sysql exists, else the eBPF probe */
	SQ_DRIVER_BPF = 1, /* the CO-RE eBPF probe (kernel >= 5.8 with BTF) */
	SQ_DRIVER_KMOD = 2, /* sysql's kernel module, sysql.ko (driver-kmod/kmod) */
};

/* Ring buffer size per CPU when 0 is passed to sq_open. */
#define SQ_RING_BYTES_DEFAULT (8u << 20)
#define SQ_RING_BYTES_MIN (64u << 10)
#define SQ_RING_BYTES_MAX (1u << 30)

/* Batch record header size (the u16 cpu). */
#define SQ_BATCH_RECORD_HDR 2

typedef struct sq_capture sq_capture;

/*
 * Opens a driver (enum sq_driver). Capture is stopped until sq_start().
 * ring_bytes: per-CPU ring size, a power of two in [SQ_RING_BYTES_MIN,
 * SQ_RING_BYTES_MAX], 0 for the driver's default (the kernel module's rings
 * are SQ_KMOD_RING_SIZE, and only that size is accepted for it). snaplen:
 * 1..SQ_SNAPLEN_MAX, 0 for the default. btf_path: NULL for the running
 * kernel's /sys/kernel/btf/vmlinux (eBPF only). On failure returns NULL,
 * stores the code in *err_code and the message in err (errlen bytes). All
 * syscalls are of interest and no pid filter is set after open; the calling
 * process is always excluded.
 */
sq_capture *sq_open(int driver, uint32_t ring_bytes, uint32_t snaplen, const char *btf_path,
		    int *err_code, char *err, size_t errlen);

/* The driver that captures: SQ_DRIVER_BPF or SQ_DRIVER_KMOD. */
int sq_driver(sq_capture *c);
/* 1 while the syscall set is caught by the syscalls' own functions (a small set: sq_set_syscalls), 0 while
 * the raw syscall tracepoints catch every syscall. */
int sq_narrow(sq_capture *c);

/* Attaches the probe (the module's probes are registered while it is open) and turns capture on. */
int sq_start(sq_capture *c);
/* Turns capture off and detaches the probe; events already in the rings stay readable. */
int sq_stop(sq_capture *c);

int sq_set_snaplen(sq_capture *c, uint32_t snaplen);
/* Capture (on=1) or skip (on=0) one syscall, by x86_64 syscall number. */
int sq_set_syscall(sq_capture *c, int nr, int on);
/* Set every syscall on or off. */
int sq_set_all_syscalls(sq_capture *c, int on);
/* The whole syscall set at once: interest[nr] != 0 captures syscall nr; n must be SQ_SYSCALL_TABLE_SIZE.
 * A set of at most SQ_NARROW_MAX syscalls that all have their own kernel function is caught on those
 * functions instead of the raw syscall tracepoints (the eBPF probe: fentry/fexit programs; the module:
 * kretprobes), so that every other syscall of the host runs untraced. */
int sq_set_syscalls(sq_capture *c, const uint8_t *interest, int n);
/* mode: enum sq_pid_filter_mode; pids: n thread or process ids (n <= SQ_PID_FILTER_MAX). */
int sq_set_pid_filter(sq_capture *c, int mode, const uint32_t *pids, int n);
/* Process lifecycle events from the sched tracepoints (on by default). */
int sq_set_sched_events(sq_capture *c, int on);
/* The comm filter (see sysql_probe.h): n thread names (n <= SQ_COMM_FILTER_MAX,
 * each 1 to 15 characters; longer ones are cut to the kernel's 15); n = 0
 * switches it off. */
int sq_set_comm_filter(sq_capture *c, const char *const *comms, int n);

/*
 * Fills buf (cap bytes) with whole events in timestamp order, waiting up to
 * timeout_ms (0: no wait, <0: forever) for the first one. Returns the number
 * of events (0 on timeout) and their total size in *out_bytes, or a
 * negative SQ_ERR_*. cap must be at least SQ_BATCH_RECORD_HDR +
 * SQ_EVENT_MAX_SIZE.
 */
int sq_next_batch(sq_capture *c, uint8_t *buf, uint32_t cap, int timeout_ms, uint32_t *out_bytes);

/* Number of CPUs (rings). */
int sq_ncpus(sq_capture *c);
/* Per-CPU driver counters: fills out[0..n-1], n <= sq_ncpus(). Returns n. */
int sq_get_stats(sq_capture *c, struct sq_cpu_stats *out, int n);
/*
 * The stream's watermark: an event time (ns) such that every event still to come from sq_next_batch is at
 * least that old, as of the last call to sq_next_batch (a ring's waiting head, or for an empty ring the time
 * it was last seen empty less the reorder window). It advances while the host is idle, so windows close on
 * time on a quiet host. 0 before the first batch.
 */
uint64_t sq_watermark(sq_capture *c);
/* Events and bytes handed out by sq_next_batch, and events found invalid in a ring. */
int sq_get_delivered(sq_capture *c, uint64_t *events, uint64_t *bytes, uint64_t *invalid);
/* Per-CPU ring size in bytes. */
uint32_t sq_ring_bytes(sq_capture *c);

/* The message of the last failure on c. */
const char *sq_last_error(sq_capture *c);

void sq_close(sq_capture *c);

#ifdef __cplusplus
}
#endif
#endif /* SYSQLCAP_H */
