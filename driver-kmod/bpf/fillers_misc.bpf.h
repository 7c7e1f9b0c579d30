/* SPDX-License-Identifier: GPL-2.0 */
/* Fillers of memory, wait/poll, time and fd-creating IPC syscalls. */
#ifndef SQ_FILLERS_MISC_BPF_H
#define SQ_FILLERS_MISC_BPF_H

#define SQ_POLL_MAX 16

/* brk enter: addr; munmap enter: addr, length (type/count from the table) */
SQ_ENTER(brk)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_BRK_4_E))
		return 0;
	sq_push_u64(&e, SQ_ARG(0));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(munmap)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_MUNMAP_E))
		return 0;
	sq_push_u64(&e, SQ_ARG(0));
	sq_push_u64(&e, SQ_ARG(1));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(mmap)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_MMAP_E))
		return 0;
	sq_push_u64(&e, SQ_ARG(0));
	sq_push_u64(&e, SQ_ARG(1));
	sq_push_u32(&e, sq_prot_flags(SQ_ARG(2)));
	sq_push_u32(&e, sq_mmap_flags(SQ_ARG(3)));
	sq_push_s64(&e, SQ_FD(SQ_ARG(4)));
	sq_push_u64(&e, SQ_ARG(5));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(mprotect)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_MPROTECT_E))
		return 0;
	sq_push_u64(&e, SQ_ARG(0));
	sq_push_u64(&e, SQ_ARG(1));
	sq_push_u32(&e, sq_prot_flags(SQ_ARG(2)));
	sq_evt_submit(&e);
	return 0;
}

/* brk / mmap / munmap exit: res, vm_size, vm_rss, vm_swap */
SQ_EXIT_ROW(mm, 4)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(sq_regs_id(regs)) + 1, SQ_FNP_x_mm))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_vm(&e, sq_current());
	sq_evt_submit(&e);
	return 0;
}

struct sq_pollfd {
	__s32 fd;
	__s16 events;
	__s16 revents;
};

struct sq_poll_ctx {
	__u8 *buf;
	const struct sq_pollfd *ufds;
	__u64 nfds;
	__u32 off;
	__u32 count;
	bool enter;
};

/* One pollfd: s64 fd + u16 events (enter: requested; exit: returned, only
 * if there are some). A bpf_loop callback: verified once, not per fd. */
static long sq_pollfd_cb(__u32 i, void *data)
{
	struct sq_poll_ctx *c = data;
	struct sq_pollfd p;
	__u8 *d;

	if (i >= c->nfds)
		return 1;
	if (bpf_probe_read_user(&p, sizeof(p), &c->ufds[i]))
		return 1;
	if (!c->enter && !p.revents)
		return 0;
	d = c->buf + ((c->off + 2 + 10 * c->count) & SQ_HALF_MASK);
	*(__s64 *)d = p.fd;
	*(__u16 *)(d + 8) = sq_poll_events(c->enter ? p.events : p.revents);
	c->count++;
	return 0;
}

/* FDLIST: u16 count, then per fd s64 fd + u16 flags. Enter: requested
 * events of every fd; exit: returned events of the fds that have some.
 * At most SQ_POLL_MAX fds. */
static __always_inline void sq_push_pollfds(struct sq_evt *e, const struct sq_pollfd *ufds,
					    __u64 nfds, bool enter)
{
	struct sq_poll_ctx c = {
		.buf = e->buf,
		.ufds = ufds,
		.nfds = nfds,
		.off = e->off,
		.count = 0,
		.enter = enter,
	};
	__u32 count;

	bpf_loop(SQ_POLL_MAX, sq_pollfd_cb, &c, 0);
	/* never more than SQ_POLL_MAX: the bound is for the verifier */
	count = c.count > SQ_POLL_MAX ? SQ_POLL_MAX : c.count;
	*(__u16 *)sq_cur(e) = count;
	sq_param_done(e, 2 + 10 * count);
}

SQ_ENTER(poll)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_POLL_E))
		return 0;
	sq_push_pollfds(&e, SQ_PTR(0), SQ_ARG(1), true);
	sq_push_s64(&e, (__s32)SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

/* poll / ppoll exit: res, fds */
SQ_EXIT_ROW(poll, 2)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(sq_regs_id(regs)) + 1, SQ_FNP_x_poll))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_pollfds(&e, SQ_PTR(0), SQ_ARG(1), false);
	sq_evt_submit(&e);
	return 0;
}

struct sq_timespec {
	__s64 sec;
	__s64 nsec;
};

/* timespec pointer -> ns; NULL -> `none`. */
static __always_inline __u64 sq_user_timespec_ns(const void *p, __u64 none)
{
	struct sq_timespec ts = {};

	if (!p)
		return none;
	if (bpf_probe_read_user(&ts, sizeof(ts), p))
		return 0;
	return ts.sec * 1000000000ULL + ts.nsec;
}

SQ_ENTER(ppoll)
{
	struct sq_evt e;
	__u64 mask = 0;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_PPOLL_E))
		return 0;
	sq_push_pollfds(&e, SQ_PTR(0), SQ_ARG(1), true);
	sq_push_u64(&e, sq_user_timespec_ns(SQ_PTR(2), (__u64)-1));
	if (SQ_ARG(3))
		bpf_probe_read_user(&mask, sizeof(mask), SQ_PTR(3));
	sq_push_u32(&e, (__u32)mask);
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(nanosleep)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_NANOSLEEP_E))
		return 0;
	sq_push_u64(&e, sq_user_timespec_ns(SQ_PTR(0), 0));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(futex)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_FUTEX_E))
		return 0;
	sq_push_u64(&e, SQ_ARG(0));
	sq_push_u16(&e, sq_futex_op(SQ_ARG(1)));
	sq_push_u64(&e, SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(epoll_wait)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_EPOLLWAIT_E))
		return 0;
	sq_push_s64(&e, (__s32)SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

/* eventfd / eventfd2: initval, flags (sysdig always writes 0) */
SQ_ENTER(eventfd)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_EVENTFD_E))
		return 0;
	sq_push_u64(&e, (__u32)SQ_ARG(0));
	sq_push_u32(&e, 0);
	sq_evt_submit(&e);
	return 0;
}

/* signalfd / signalfd4: fd, mask, flags (sysdig: mask and flags 0) */
SQ_ENTER(signalfd)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_SIGNALFD_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u32(&e, 0);
	sq_push_u8(&e, 0);
	sq_evt_submit(&e);
	return 0;
}

/* timerfd_create: clockid, flags (sysdig: both 0) */
SQ_ENTER(timerfd_create)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_TIMERFD_CREATE_E))
		return 0;
	sq_push_u8(&e, 0);
	sq_push_u8(&e, 0);
	sq_evt_submit(&e);
	return 0;
}

/* inotify_init / inotify_init1: flags (sysdig: 0) */
SQ_ENTER(inotify_init)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_INOTIFY_INIT_E))
		return 0;
	sq_push_u8(&e, 0);
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(epoll_create)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_EPOLL_CREATE_E))
		return 0;
	sq_push_s32(&e, (__s32)SQ_ARG(0));
	sq_evt_submit(&e);
	return 0;
}

/* epoll_create1: flags (EPOLL_CLOEXEC -> 1, as falcosecurity/libs) */
SQ_ENTER(epoll_create1)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_EPOLL_CREATE1_E))
		return 0;
	sq_push_u32(&e, (SQ_ARG(0) & K_O_CLOEXEC) ? 1 : 0);
	sq_evt_submit(&e);
	return 0;
}

/* pipe / pipe2 exit: res, fd1, fd2, ino */
SQ_EXIT(pipe)
{
	struct sq_evt e;
	int fds[2] = {};

	if (!SQ_EVT_BEGIN(&e, SYSCALL_PIPE_X))
		return 0;
	bpf_probe_read_user(fds, sizeof(fds), SQ_PTR(0));
	sq_push_s64(&e, ret);
	sq_push_s64(&e, fds[0]);
	sq_push_s64(&e, fds[1]);
	sq_push_u64(&e, ret >= 0 ? sq_fd_ino(fds[0]) : 0);
	sq_evt_submit(&e);
	return 0;
}

/* struct io_uring_params (head) */
struct sq_io_uring_params {
	__u32 sq_entries;
	__u32 cq_entries;
	__u32 flags;
	__u32 sq_thread_cpu;
	__u32 sq_thread_idle;
	__u32 features;
};

SQ_EXIT(io_uring_setup)
{
	struct sq_evt e;
	struct sq_io_uring_params p = {};

	if (!SQ_EVT_BEGIN(&e, SYSCALL_IO_URING_SETUP_X))
		return 0;
	bpf_probe_read_user(&p, sizeof(p), SQ_PTR(1));
	sq_push_s64(&e, ret);
	sq_push_u32(&e, (__u32)SQ_ARG(0));
	sq_push_u32(&e, p.sq_entries);
	sq_push_u32(&e, p.cq_entries);
	sq_push_u32(&e, p.flags);
	sq_push_u32(&e, p.sq_thread_cpu);
	sq_push_u32(&e, p.sq_thread_idle);
	sq_push_u32(&e, p.features);
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(io_uring_enter)
{
	struct sq_evt e;
	__u64 sig = 0;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_IO_URING_ENTER_X))
		return 0;
	/* without IORING_ENTER_EXT_ARG, arg4 is a sigset_t pointer */
	if (SQ_ARG(4) && !(SQ_ARG(3) & 8))
		bpf_probe_read_user(&sig, sizeof(sig), SQ_PTR(4));
	sq_push_s64(&e, ret);
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u32(&e, (__u32)SQ_ARG(1));
	sq_push_u32(&e, (__u32)SQ_ARG(2));
	sq_push_u32(&e, (__u32)SQ_ARG(3));
	sq_push_u32(&e, (__u32)sig);
	sq_evt_submit(&e);
	return 0;
}

#endif
