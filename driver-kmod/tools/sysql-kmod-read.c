// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * sysql-kmod-read: a reader of sysql's kernel module (kmod/) for its tests.
 * Opens /dev/sysql, maps every CPU's ring and captures, four times, a child
 * that calls getppid() N times and close(-1) N times: with every syscall of
 * every thread; with only getppid of only the child (syscall set, pid
 * filter); with only the threads of the reader's process name, which the
 * child keeps from fork although it renames itself (comm filter, with
 * sysql's meaning of proc.name); with the process lifecycle events off. Each time it checks the rings: every record well formed (header
 * length, a known event type, the event table's parameter count), the
 * child's events exactly the ones its calls make and the settings let
 * through, no other thread's where a filter names the child. Prints one line
 * "sysql-kmod-read: phase=..." per capture and exits 0 when all hold.
 *
 * sysql-kmod-read --consume all|no-getppid: the benchmark's consumer. Starts
 * capturing every syscall (or all but getppid: its cost when a filter leaves
 * it out), drains the rings every millisecond until SIGINT or SIGTERM, and
 * prints "sysql-kmod-read: consumed events=N bytes=B drops=D filtered=F".
 *
 * Static, so that it runs in a bare initramfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/prctl.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sysql_event.h"
#include "sysql_kmod.h"

static const unsigned char event_nparams[SQ_EVENT_CODE_LIMIT] = {
#define SQ_EVENT(code, id, name, cat, flags, nparams, params) [code] = nparams,
#include "sysql_event_table.h"
#undef SQ_EVENT
};
static const unsigned char event_known[SQ_EVENT_CODE_LIMIT] = {
#define SQ_EVENT(code, id, name, cat, flags, nparams, params) [code] = 1,
#include "sysql_event_table.h"
#undef SQ_EVENT
};

struct counts {
	long getppid_e, getppid_x, close_e, close_x, procexit, child_other, other_threads, records,
		malformed;
};

#define CHILD_COMM "sqkmod-child"

struct rings {
	int fd;
	unsigned int ncpus;
	struct sq_kmod_ring_ctl **ctl;
	unsigned char **data;
};

static int fail(const char *what)
{
	fprintf(stderr, "sysql-kmod-read: %s: %s\n", what, strerror(errno));
	return 2;
}

static sq_u64 param_u(const unsigned char *ev, const sq_u16 *lens, unsigned int i)
{
	unsigned int off =
		SQ_EVT_HDR_LEN + SQ_PARAM_LEN_SIZE * ((const struct sq_evt_hdr *)ev)->nparams;
	sq_u64 v = 0;

	for (unsigned int k = 0; k < i; k++)
		off += lens[k];
	memcpy(&v, ev + off, lens[i] < 8 ? lens[i] : 8);
	return v;
}

static void check(const unsigned char *ev, sq_u32 reclen, pid_t child, pid_t parent,
		  struct counts *c)
{
	struct sq_evt_hdr h;
	sq_u16 lens[32];
	sq_u32 sum;

	memcpy(&h, ev, sizeof(h));
	c->records++;
	if (h.len != reclen || h.type >= SQ_EVENT_CODE_LIMIT || !event_known[h.type] ||
	    h.nparams != event_nparams[h.type] || h.nparams > 32) {
		c->malformed++;
		return;
	}
	memcpy(lens, ev + SQ_EVT_HDR_LEN, SQ_PARAM_LEN_SIZE * h.nparams);
	sum = SQ_EVT_HDR_LEN + SQ_PARAM_LEN_SIZE * h.nparams;
	for (unsigned int i = 0; i < h.nparams; i++)
		sum += lens[i];
	if (sum != h.len) {
		c->malformed++;
		return;
	}
	if ((pid_t)h.tid != child) {
		c->other_threads++;
		return;
	}
	if (h.type == SQE_GENERIC_ARGS_E && param_u(ev, lens, 1) == SQ_NR_getppid &&
	    param_u(ev, lens, 0) == SQ_SC_GETPPID)
		c->getppid_e++;
	else if (h.type == SQE_GENERIC_ARGS_X && param_u(ev, lens, 1) == SQ_NR_getppid &&
		 (pid_t)param_u(ev, lens, 2) == parent)
		c->getppid_x++;
	else if (h.type == SQE_SYSCALL_CLOSE_E && (sq_u64)param_u(ev, lens, 0) == (sq_u64)-1)
		c->close_e++;
	else if (h.type == SQE_SYSCALL_CLOSE_X && (long)param_u(ev, lens, 0) == -EBADF)
		c->close_x++;
	else if (h.type == SQE_PROCEXIT_1_E && param_u(ev, lens, 0) == 0 &&
		 param_u(ev, lens, 1) == 0)
		c->procexit++; /* _exit(0): status 0, ret 0 */
	else
		c->child_other++;
}

/* Reads every record of one CPU's ring, handing each event to visit, and gives their room back. */
static void drain_cpu(struct rings *r, unsigned int cpu,
		      void (*visit)(const unsigned char *ev, sq_u32 len, void *ctx), void *ctx)
{
	sq_u64 head = __atomic_load_n(&r->ctl[cpu]->head, __ATOMIC_ACQUIRE);
	sq_u64 tail = r->ctl[cpu]->tail;

	while (tail < head) {
		sq_u64 off = tail & (SQ_KMOD_RING_SIZE - 1);
		struct sq_kmod_record rec;

		memcpy(&rec, r->data[cpu] + off, sizeof(rec));
		if (rec.len & SQ_KMOD_RECORD_WRAP) {
			tail += SQ_KMOD_RING_SIZE - off;
			continue;
		}
		visit(r->data[cpu] + off + sizeof(rec), rec.len, ctx);
		tail += SQ_KMOD_ALIGN(sizeof(rec) + rec.len);
	}
	__atomic_store_n(&r->ctl[cpu]->tail, tail, __ATOMIC_RELEASE);
}

struct check_ctx {
	pid_t child, parent;
	struct counts *c;
};

static void check_visit(const unsigned char *ev, sq_u32 len, void *ctx)
{
	struct check_ctx *k = ctx;

	check(ev, len, k->child, k->parent, k->c);
}

/* Drains every ring into c; adds the CPUs' counters to the sums. */
static void drain(struct rings *r, pid_t child, pid_t parent, struct counts *c, sq_u64 *events,
		  sq_u64 *drops, sq_u64 *filtered)
{
	struct check_ctx k = {child, parent, c};

	for (unsigned int cpu = 0; cpu < r->ncpus; cpu++) {
		drain_cpu(r, cpu, check_visit, &k);
		*events += r->ctl[cpu]->stats.events;
		*drops += r->ctl[cpu]->stats.drops_full;
		*filtered += r->ctl[cpu]->stats.filtered;
	}
}

enum phase { PHASE_ALL, PHASE_SYSCALL_PID, PHASE_COMM, PHASE_NO_SCHED };
static const char *const phase_names[] = {"all", "syscall+pid", "comm", "no-sched"};

/* One capture of the child under the phase's settings; true when its counts hold. */
static int capture(struct rings *r, enum phase phase, long n)
{
	struct sq_kmod_syscalls set;
	struct sq_kmod_threads threads = {.pid_filter_mode = SQ_PID_FILTER_OFF};
	char comms[1][SQ_COMM_LEN] = {{0}};
	sq_u64 events0 = 0, drops0 = 0, filtered0 = 0, events = 0, drops = 0, filtered = 0;
	struct counts c = {0}, ignored = {0};
	pid_t child, parent = getpid();
	int go[2], status;
	char b = 0;
	uint32_t pid;

	drain(r, 0, parent, &ignored, &events0, &drops0, &filtered0);
	if (pipe(go))
		return fail("pipe") == 0;
	child = fork();
	if (child == 0) {
		prctl(PR_SET_NAME, CHILD_COMM);
		if (read(go[0], &b, 1) != 1)
			_exit(3);
		for (long i = 0; i < n; i++) {
			syscall(SYS_getppid);
			syscall(SYS_close, -1);
		}
		_exit(0);
	}
	memset(set.interest, 1, sizeof(set.interest));
	pid = (uint32_t)child;
	if (phase == PHASE_SYSCALL_PID) {
		memset(set.interest, 0, sizeof(set.interest));
		set.interest[SQ_NR_getppid] = 1;
		threads.pid_filter_mode = SQ_PID_FILTER_INCLUDE;
		threads.npids = 1;
		threads.pids = (uintptr_t)&pid;
	} else if (phase == PHASE_COMM) {
		/* the child's process name is this reader's (fork keeps it; a rename does not change it) */
		prctl(PR_GET_NAME, comms[0]);
		threads.ncomms = 1;
		threads.comms = (uintptr_t)comms;
	}
	uint32_t sched = phase != PHASE_NO_SCHED;

	if (ioctl(r->fd, SQ_KMOD_IOCTL_SET_SYSCALLS, &set) ||
	    ioctl(r->fd, SQ_KMOD_IOCTL_SET_THREADS, &threads) ||
	    ioctl(r->fd, SQ_KMOD_IOCTL_SET_SCHED_EVENTS, &sched) ||
	    ioctl(r->fd, SQ_KMOD_IOCTL_START))
		return fail("ioctl SET_SYSCALLS, SET_THREADS, SET_SCHED_EVENTS or START") == 0;
	if (write(go[1], &b, 1) != 1)
		return fail("write") == 0;
	waitpid(child, &status, 0);
	if (ioctl(r->fd, SQ_KMOD_IOCTL_STOP))
		return fail("ioctl STOP") == 0;
	close(go[0]);
	close(go[1]);
	drain(r, child, parent, &c, &events, &drops, &filtered);
	events -= events0;
	drops -= drops0;
	filtered -= filtered0;
	printf("sysql-kmod-read: phase=%s calls=%ld getppid_e=%ld getppid_x=%ld close_e=%ld "
	       "close_x=%ld "
	       "procexit=%ld child_other=%ld other_threads=%ld records=%ld malformed=%ld "
	       "events=%llu "
	       "drops=%llu filtered=%llu\n",
	       phase_names[phase], n, c.getppid_e, c.getppid_x, c.close_e, c.close_x, c.procexit,
	       c.child_other, c.other_threads, c.records, c.malformed, (unsigned long long)events,
	       (unsigned long long)drops, (unsigned long long)filtered);
	long closes = phase == PHASE_SYSCALL_PID ? 0 : n;
	return c.getppid_e == n && c.getppid_x == n && c.close_e == closes && c.close_x == closes &&
	       c.procexit == (phase == PHASE_NO_SCHED ? 0 : 1) && c.malformed == 0 && drops == 0 &&
	       (sq_u64)c.records == events &&
	       (phase == PHASE_ALL || phase == PHASE_NO_SCHED || c.other_threads == 0) &&
	       (phase != PHASE_SYSCALL_PID || (c.child_other == 0 && filtered >= (sq_u64)(2 * n)));
}

static volatile sig_atomic_t consuming = 1;

/* The consumer's count: events and their bytes. */
static void count_visit(const unsigned char *ev, sq_u32 len, void *ctx)
{
	unsigned long long *totals = ctx;

	(void)ev;
	totals[0]++;
	totals[1] += len;
}

static void stop_consuming(int sig)
{
	(void)sig;
	consuming = 0;
}

/* The benchmark's consumer (see the top of this file). */
static int consume(struct rings *r, int without_getppid)
{
	struct sq_kmod_syscalls set;
	struct sq_kmod_threads threads = {.pid_filter_mode = SQ_PID_FILTER_OFF};
	struct timespec ms = {0, 1000000};
	unsigned long long totals[2] = {0, 0}, drops = 0, filtered = 0; /* events, bytes */

	signal(SIGINT, stop_consuming);
	signal(SIGTERM, stop_consuming);
	memset(set.interest, 1, sizeof(set.interest));
	if (without_getppid)
		set.interest[SQ_NR_getppid] = 0;
	if (ioctl(r->fd, SQ_KMOD_IOCTL_SET_SYSCALLS, &set) ||
	    ioctl(r->fd, SQ_KMOD_IOCTL_SET_THREADS, &threads) || ioctl(r->fd, SQ_KMOD_IOCTL_START))
		return fail("ioctl SET_SYSCALLS, SET_THREADS or START");
	printf("sysql-kmod-read: consuming\n");
	fflush(stdout);
	for (int last = 0; !last;) {
		last = !consuming;
		if (last && ioctl(r->fd, SQ_KMOD_IOCTL_STOP))
			return fail("ioctl STOP");
		for (unsigned int cpu = 0; cpu < r->ncpus; cpu++)
			drain_cpu(r, cpu, count_visit, totals);
		if (!last)
			nanosleep(&ms, NULL);
	}
	for (unsigned int cpu = 0; cpu < r->ncpus; cpu++) {
		drops += r->ctl[cpu]->stats.drops_full;
		filtered += r->ctl[cpu]->stats.filtered;
	}
	printf("sysql-kmod-read: consumed events=%llu bytes=%llu drops=%llu filtered=%llu\n",
	       totals[0], totals[1], drops, filtered);
	return 0;
}

int main(int argc, char **argv)
{
	int consumer = argc > 2 && !strcmp(argv[1], "--consume");
	long n = argc > 1 && !consumer ? atol(argv[1]) : 1000;
	struct sq_kmod_info info;
	struct rings r;
	int ok = 1;

	r.fd = open(SQ_KMOD_DEVICE, O_RDWR | O_CLOEXEC);
	if (r.fd < 0)
		return fail("open " SQ_KMOD_DEVICE);
	if (ioctl(r.fd, SQ_KMOD_IOCTL_INFO, &info))
		return fail("ioctl INFO");
	if (info.abi_version != SQ_KMOD_ABI_VERSION || info.ring_size != SQ_KMOD_RING_SIZE) {
		fprintf(stderr,
			"sysql-kmod-read: the module's ABI %u (ring %u) is not this reader's %u\n",
			info.abi_version, info.ring_size, SQ_KMOD_ABI_VERSION);
		return 2;
	}
	r.ncpus = info.ncpus;
	r.ctl = calloc(info.ncpus, sizeof(*r.ctl));
	r.data = calloc(info.ncpus, sizeof(*r.data));
	for (unsigned int cpu = 0; cpu < info.ncpus; cpu++) {
		off_t base = (off_t)SQ_KMOD_RING_PGOFF(cpu) * SQ_KMOD_PAGE_SIZE;

		r.ctl[cpu] = mmap(NULL, SQ_KMOD_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd,
				  base);
		r.data[cpu] = mmap(NULL, SQ_KMOD_RING_SIZE, PROT_READ, MAP_SHARED, r.fd,
				   base + SQ_KMOD_PAGE_SIZE);
		if (r.ctl[cpu] == MAP_FAILED || r.data[cpu] == MAP_FAILED)
			return fail("mmap a ring");
	}
	/* the data is read-only: a writable mapping is refused */
	if (mmap(NULL, SQ_KMOD_RING_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd,
		 (off_t)SQ_KMOD_PAGE_SIZE) != MAP_FAILED) {
		fprintf(stderr, "sysql-kmod-read: a ring's data could be mapped writable\n");
		return 2;
	}
	if (consumer)
		return consume(&r, !strcmp(argv[2], "no-getppid"));
	for (int phase = PHASE_ALL; phase <= PHASE_NO_SCHED; phase++)
		ok &= capture(&r, (enum phase)phase, n);
	close(r.fd);
	return ok ? 0 : 1;
}
