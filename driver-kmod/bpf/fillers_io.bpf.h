/* SPDX-License-Identifier: GPL-2.0 */
/* Fillers of data syscalls: read/write families, vectored I/O, sendfile. */
#ifndef SQ_FILLERS_IO_BPF_H
#define SQ_FILLERS_IO_BPF_H

#define SQ_IOV_MAX 32

struct sq_iovec {
	__u64 base;
	__u64 len;
};

struct sq_iov_sum_ctx {
	const struct sq_iovec *uiov;
	__u64 cnt;
	__u64 total;
};

static long sq_iov_sum_cb(__u32 i, void *data)
{
	struct sq_iov_sum_ctx *c = data;
	struct sq_iovec v;

	if (i >= c->cnt)
		return 1;
	if (bpf_probe_read_user(&v, sizeof(v), &c->uiov[i]))
		return 1;
	c->total += v.len;
	return 0;
}

/* Sum of the iov_len of an iovec array (first SQ_IOV_MAX entries). */
static __always_inline __u64 sq_iov_total(const struct sq_iovec *uiov, __u64 cnt)
{
	struct sq_iov_sum_ctx c = {.uiov = uiov, .cnt = cnt, .total = 0};

	bpf_loop(SQ_IOV_MAX, sq_iov_sum_cb, &c, 0);
	return c.total;
}

struct sq_iov_ctx {
	__u8 *buf;
	const struct sq_iovec *uiov;
	__u64 cnt;
	__u32 off;
	__u32 snap;
	__u32 copied;
};

static long sq_iov_copy_cb(__u32 i, void *data)
{
	struct sq_iov_ctx *c = data;
	struct sq_iovec v;
	__u32 n;

	if (i >= c->cnt || c->copied >= c->snap)
		return 1;
	/* never (copied < snap <= SQ_PARAM_MAX): bounds copied for the verifier, which then
	 * needs a few passes over this callback instead of one per possible iteration */
	if (c->copied > SQ_PARAM_MAX)
		return 1;
	if (bpf_probe_read_user(&v, sizeof(v), &c->uiov[i]))
		return 1;
	n = c->snap - c->copied;
	if (v.len < n)
		n = (__u32)v.len;
	n &= SQ_PARAM_MAX;
	if (n == 0)
		return 0;
	if (bpf_probe_read_user(c->buf + ((c->off + c->copied) & SQ_HALF_MASK), n,
				(const void *)v.base))
		return 1;
	c->copied += n;
	return 0;
}

/* Data param gathered from an iovec array: at most min(limit, snaplen) bytes. */
static __always_inline void sq_push_iov_data(struct sq_evt *e, const struct sq_iovec *uiov,
					     __u64 cnt, __s64 limit)
{
	struct sq_iov_ctx c = {
		.buf = e->buf,
		.uiov = uiov,
		.cnt = cnt,
		.off = e->off,
		.snap = sq_snaplen(),
		.copied = 0,
	};

	if (limit <= 0 || !uiov || cnt == 0) {
		sq_param_done(e, 0);
		return;
	}
	if ((__u64)limit < c.snap)
		c.snap = (__u32)limit;
	bpf_loop(SQ_IOV_MAX, sq_iov_copy_cb, &c, 0);
	sq_param_done(e, c.copied > SQ_PARAM_MAX ? SQ_PARAM_MAX : c.copied);
}

/* read, pread64 enter: fd, size [, pos] */
SQ_ENTER(read)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_READ_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u32(&e, (__u32)SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

/* write, send... : fd, size (type from the table) */
SQ_ENTER_ROW(fd_size, 2)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(id), SQ_FNP_e_fd_size))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u32(&e, (__u32)SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

/* pread64 / pwrite64: fd, size, pos */
SQ_ENTER_ROW(fd_size_pos, 3)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(id), SQ_FNP_e_fd_size_pos))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u32(&e, (__u32)SQ_ARG(2));
	sq_push_u64(&e, SQ_ARG(3));
	sq_evt_submit(&e);
	return 0;
}

/* read-like exits (read, pread64, recvfrom w/o tuple): res, data of res bytes */
SQ_EXIT_ROW(read, 2)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(sq_regs_id(regs)) + 1, SQ_FNP_x_read))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_data(&e, SQ_PTR(1), ret);
	sq_evt_submit(&e);
	return 0;
}

/* write-like exits (write, pwrite64): res, data of the requested size */
SQ_EXIT_ROW(write, 2)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(sq_regs_id(regs)) + 1, SQ_FNP_x_write))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_data(&e, SQ_PTR(1), (__s64)SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

/* preadv enter: fd, pos */
SQ_ENTER(preadv)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_PREADV_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u64(&e, SQ_ARG(3));
	sq_evt_submit(&e);
	return 0;
}

/* writev / pwritev enter: fd, size [, pos] */
SQ_ENTER(writev)
{
	struct sq_evt e;
	bool p = id == SQ_NR_pwritev;

	if (!(p ? SQ_EVT_BEGIN(&e, SYSCALL_PWRITEV_E) : SQ_EVT_BEGIN(&e, SYSCALL_WRITEV_E)))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u32(&e, (__u32)sq_iov_total(SQ_PTR(1), SQ_ARG(2)));
	if (p)
		sq_push_u64(&e, SQ_ARG(3));
	sq_evt_submit(&e);
	return 0;
}

/* readv / preadv exit: res, size, data */
SQ_EXIT_ROW(readv, 3)
{
	struct sq_evt e;
	__u64 size;

	if (!sq_evt_begin(&e, sq_enter_type(sq_regs_id(regs)) + 1, SQ_FNP_x_readv))
		return 0;
	sq_push_s64(&e, ret);
	size = sq_iov_total(SQ_PTR(1), SQ_ARG(2));
	if (size > (__u64)ret)
		size = ret;
	sq_push_u32(&e, (__u32)size);
	sq_push_iov_data(&e, SQ_PTR(1), SQ_ARG(2), ret);
	sq_evt_submit(&e);
	return 0;
}

/* writev / pwritev exit: res, data (the buffers given, up to snaplen) */
SQ_EXIT_ROW(writev, 2)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(sq_regs_id(regs)) + 1, SQ_FNP_x_writev))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_iov_data(&e, SQ_PTR(1), SQ_ARG(2), SQ_PARAM_MAX);
	sq_evt_submit(&e);
	return 0;
}

static __always_inline __u64 sq_user_off(const void *p)
{
	__u64 v = 0;

	if (p && bpf_probe_read_user(&v, sizeof(v), p))
		v = 0;
	return v;
}

SQ_ENTER(sendfile)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_SENDFILE_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_s64(&e, SQ_FD(SQ_ARG(1)));
	sq_push_u64(&e, sq_user_off(SQ_PTR(2)));
	sq_push_u64(&e, SQ_ARG(3));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(sendfile)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_SENDFILE_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_u64(&e, sq_user_off(SQ_PTR(2)));
	sq_evt_submit(&e);
	return 0;
}

#endif
