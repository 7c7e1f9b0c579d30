// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * sysql-kmod-read: a reader of sysql's kernel module (kmod/) for its tests.
 * Opens /dev/sysql, maps every CPU's ring, starts capturing, runs a child
 * that calls getppid() N times and close(-1) N times, stops, and checks the
 * rings: every record well formed (header length, a known event type, the
 * event table's parameter count), and the child's events exactly the ones
 * its calls make. Prints one line "sysql-kmod-read: ..." with the counts and
 * exits 0 when they hold. Static, so that it runs in a bare initramfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
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
	long getppid_e, getppid_x, close_e, close_x, child_other, records, malformed;
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
	if ((pid_t)h.tid != child)
		return;
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
	else
		c->child_other++;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	struct sq_kmod_info info;
	struct sq_kmod_ring_ctl **ctl;
	unsigned char **data;
	struct counts c = {0};
	sq_u64 drops = 0, filtered = 0, events = 0;
	pid_t child, parent = getpid();
	int fd, status;

	fd = open(SQ_KMOD_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail("open " SQ_KMOD_DEVICE);
	if (ioctl(fd, SQ_KMOD_IOCTL_INFO, &info))
		return fail("ioctl INFO");
	if (info.abi_version != SQ_KMOD_ABI_VERSION || info.ring_size != SQ_KMOD_RING_SIZE) {
		fprintf(stderr,
			"sysql-kmod-read: the module's ABI %u (ring %u) is not this reader's %u\n",
			info.abi_version, info.ring_size, SQ_KMOD_ABI_VERSION);
		return 2;
	}
	ctl = calloc(info.ncpus, sizeof(*ctl));
	data = calloc(info.ncpus, sizeof(*data));
	for (unsigned int cpu = 0; cpu < info.ncpus; cpu++) {
		off_t base = (off_t)SQ_KMOD_RING_PGOFF(cpu) * SQ_KMOD_PAGE_SIZE;

		ctl[cpu] =
			mmap(NULL, SQ_KMOD_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, base);
		data[cpu] = mmap(NULL, SQ_KMOD_RING_SIZE, PROT_READ, MAP_SHARED, fd,
				 base + SQ_KMOD_PAGE_SIZE);
		if (ctl[cpu] == MAP_FAILED || data[cpu] == MAP_FAILED)
			return fail("mmap a ring");
	}
	/* the data is read-only: a writable mapping is refused */
	if (mmap(NULL, SQ_KMOD_RING_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)SQ_KMOD_PAGE_SIZE) != MAP_FAILED) {
		fprintf(stderr, "sysql-kmod-read: a ring's data could be mapped writable\n");
		return 2;
	}
	if (ioctl(fd, SQ_KMOD_IOCTL_START))
		return fail("ioctl START");
	child = fork();
	if (child == 0) {
		for (long i = 0; i < n; i++) {
			syscall(SYS_getppid);
			syscall(SYS_close, -1);
		}
		_exit(0);
	}
	waitpid(child, &status, 0);
	if (ioctl(fd, SQ_KMOD_IOCTL_STOP))
		return fail("ioctl STOP");
	for (unsigned int cpu = 0; cpu < info.ncpus; cpu++) {
		sq_u64 head = __atomic_load_n(&ctl[cpu]->head, __ATOMIC_ACQUIRE);
		sq_u64 tail = ctl[cpu]->tail;

		while (tail < head) {
			sq_u64 off = tail & (SQ_KMOD_RING_SIZE - 1);
			struct sq_kmod_record rec;

			memcpy(&rec, data[cpu] + off, sizeof(rec));
			if (rec.len & SQ_KMOD_RECORD_WRAP) {
				tail += SQ_KMOD_RING_SIZE - off;
				continue;
			}
			check(data[cpu] + off + sizeof(rec), rec.len, child, parent, &c);
			tail += SQ_KMOD_ALIGN(sizeof(rec) + rec.len);
		}
		__atomic_store_n(&ctl[cpu]->tail, tail, __ATOMIC_RELEASE);
		drops += ctl[cpu]->stats.drops_full;
		filtered += ctl[cpu]->stats.filtered;
		events += ctl[cpu]->stats.events;
	}
	printf("sysql-kmod-read: calls=%ld getppid_e=%ld getppid_x=%ld close_e=%ld close_x=%ld "
	       "records=%ld malformed=%ld events=%llu drops=%llu filtered=%llu\n",
	       n, c.getppid_e, c.getppid_x, c.close_e, c.close_x, c.records, c.malformed,
	       (unsigned long long)events, (unsigned long long)drops, (unsigned long long)filtered);
	close(fd);
	return c.getppid_e == n && c.getppid_x == n && c.close_e == n && c.close_x == n &&
			       c.malformed == 0 && drops == 0 && (sq_u64)c.records == events
		       ? 0
		       : 1;
}
