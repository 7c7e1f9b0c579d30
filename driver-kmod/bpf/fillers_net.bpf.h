/* SPDX-License-Identifier: GPL-2.0 */
/* Fillers of socket syscalls. */
#ifndef SQ_FILLERS_NET_BPF_H
#define SQ_FILLERS_NET_BPF_H

/* socket / socketpair enter: domain, type, proto */
SQ_ENTER_ROW(socket, 3)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(id), SQ_FNP_e_socket))
		return 0;
	sq_push_u32(&e, sq_socket_family(SQ_ARG(0)));
	sq_push_u32(&e, (__u32)SQ_ARG(1));
	sq_push_u32(&e, (__u32)SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(socketpair)
{
	struct sq_evt e;
	int fds[2] = {};
	struct socket *sock = NULL;

	if (!SQ_EVT_BEGIN(&e, SOCKET_SOCKETPAIR_X))
		return 0;
	sq_push_s64(&e, ret);
	if (ret >= 0 && bpf_probe_read_user(fds, sizeof(fds), SQ_PTR(3)) == 0)
		sock = sq_fd_socket(fds[0]);
	if (ret >= 0) {
		sq_push_s64(&e, fds[0]);
		sq_push_s64(&e, fds[1]);
	} else {
		sq_push_s64(&e, 0);
		sq_push_s64(&e, 0);
	}
	if (sock) {
		struct unix_sock *us = (struct unix_sock *)BPF_CORE_READ(sock, sk);

		sq_push_u64(&e, (__u64)us);
		sq_push_u64(&e, (__u64)BPF_CORE_READ(us, peer));
	} else {
		sq_push_u64(&e, 0);
		sq_push_u64(&e, 0);
	}
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(bind)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SOCKET_BIND_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_user_sockaddr(&e, SQ_PTR(1), (__s64)(__s32)SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(connect)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SOCKET_CONNECT_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_user_sockaddr(&e, SQ_PTR(1), (__s64)(__s32)SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

/* Tuple with a user-given remote address; empty if none. */
static __always_inline void sq_push_user_tuple(struct sq_evt *e, __s64 fd, const void *uaddr,
					       __s64 ulen, bool inbound)
{
	if (fd < 0 || !uaddr || ulen <= 0 || ulen > 128) {
		sq_param_done(e, 0);
		return;
	}
	sq_push_socktuple(e, fd, uaddr, ulen, true, inbound);
}

SQ_EXIT(connect)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SOCKET_CONNECT_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_user_tuple(&e, SQ_FD(SQ_ARG(0)), SQ_PTR(1), (__s32)SQ_ARG(2), false);
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(listen)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SOCKET_LISTEN_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u32(&e, (__u32)SQ_ARG(1));
	sq_evt_submit(&e);
	return 0;
}

/* accept4 enter: flags (sysdig always writes 0) */
SQ_ENTER(accept4)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SOCKET_ACCEPT4_5_E))
		return 0;
	sq_push_u32(&e, 0);
	sq_evt_submit(&e);
	return 0;
}

/* accept / accept4 exit: fd, tuple (client -> server), queue stats of the
 * listening socket. */
SQ_EXIT_ROW(accept, 5)
{
	struct sq_evt e;
	struct socket *lsock;
	__u32 backlog = 0, maxq = 0;
	__u8 pct = 0;

	if (!sq_evt_begin(&e, sq_enter_type(sq_regs_id(regs)) + 1, SQ_FNP_x_accept))
		return 0;
	sq_push_s64(&e, ret);
	if (ret >= 0)
		sq_push_socktuple(&e, ret, NULL, 0, false, true);
	else
		sq_param_done(&e, 0);
	lsock = sq_fd_socket(SQ_FD(SQ_ARG(0)));
	if (lsock) {
		struct sock *sk = BPF_CORE_READ(lsock, sk);

		backlog = BPF_CORE_READ(sk, sk_ack_backlog);
		maxq = BPF_CORE_READ(sk, sk_max_ack_backlog);
		if (maxq)
			pct = (__u8)((__u64)backlog * 100 / maxq);
	}
	sq_push_u8(&e, pct);
	sq_push_u32(&e, backlog);
	sq_push_u32(&e, maxq);
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(sendto)
{
	struct sq_evt e;
	__s64 fd = SQ_FD(SQ_ARG(0));

	if (!SQ_EVT_BEGIN(&e, SOCKET_SENDTO_E))
		return 0;
	sq_push_s64(&e, fd);
	sq_push_u32(&e, (__u32)SQ_ARG(2));
	sq_push_user_tuple(&e, fd, SQ_PTR(4), (__s32)SQ_ARG(5), false);
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(recvfrom)
{
	struct sq_evt e;
	int alen = 0;

	if (!SQ_EVT_BEGIN(&e, SOCKET_RECVFROM_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_data(&e, SQ_PTR(1), ret);
	if (ret >= 0 && SQ_ARG(4) && SQ_ARG(5))
		bpf_probe_read_user(&alen, sizeof(alen), SQ_PTR(5));
	if (ret >= 0)
		sq_push_user_tuple(&e, SQ_FD(SQ_ARG(0)), SQ_PTR(4), alen, true);
	else
		sq_param_done(&e, 0);
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(shutdown)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SOCKET_SHUTDOWN_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u8(&e, sq_shutdown_how(SQ_ARG(1)));
	sq_evt_submit(&e);
	return 0;
}

/* struct user_msghdr */
struct sq_msghdr {
	__u64 name;
	__s32 namelen;
	__u32 pad;
	__u64 iov;
	__u64 iovlen;
	__u64 control;
	__u64 controllen;
	__u32 flags;
};

SQ_ENTER(sendmsg)
{
	struct sq_evt e;
	struct sq_msghdr mh = {};
	__s64 fd = SQ_FD(SQ_ARG(0));

	if (!SQ_EVT_BEGIN(&e, SOCKET_SENDMSG_E))
		return 0;
	bpf_probe_read_user(&mh, sizeof(mh), SQ_PTR(1));
	sq_push_s64(&e, fd);
	sq_push_u32(&e, (__u32)sq_iov_total((const void *)mh.iov, mh.iovlen));
	sq_push_user_tuple(&e, fd, (const void *)mh.name, mh.namelen, false);
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(sendmsg)
{
	struct sq_evt e;
	struct sq_msghdr mh = {};

	if (!SQ_EVT_BEGIN(&e, SOCKET_SENDMSG_X))
		return 0;
	bpf_probe_read_user(&mh, sizeof(mh), SQ_PTR(1));
	sq_push_s64(&e, ret);
	sq_push_iov_data(&e, (const void *)mh.iov, mh.iovlen, SQ_PARAM_MAX);
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(recvmsg)
{
	struct sq_evt e;
	struct sq_msghdr mh = {};
	__u64 size;

	if (!SQ_EVT_BEGIN(&e, SOCKET_RECVMSG_X))
		return 0;
	bpf_probe_read_user(&mh, sizeof(mh), SQ_PTR(1));
	sq_push_s64(&e, ret);
	size = sq_iov_total((const void *)mh.iov, mh.iovlen);
	if (size > (__u64)ret)
		size = ret;
	sq_push_u32(&e, (__u32)size);
	sq_push_iov_data(&e, (const void *)mh.iov, mh.iovlen, ret);
	if (ret >= 0)
		sq_push_user_tuple(&e, SQ_FD(SQ_ARG(0)), (const void *)mh.name, mh.namelen, true);
	else
		sq_param_done(&e, 0);
	sq_evt_submit(&e);
	return 0;
}

/* The "val" DYN parameter of setsockopt / getsockopt (sysdig parse_sockopt). */
static __always_inline void sq_push_sockopt_val(struct sq_evt *e, __u64 level, __u64 name,
						const void *uval, __s64 optlen)
{
	__u64 v64 = 0;
	__u32 v32 = 0;
	__u8 *p;

	if (level == K_SOL_SOCKET) {
		switch (name) {
		case 4: /* SO_ERROR */
			bpf_probe_read_user(&v32, sizeof(v32), uval);
			sq_push_dyn_u64(e, SQ_SOCKOPT_IDX_ERRNO, (__u64)(__s64)(-(__s32)v32));
			return;
		case 20: /* SO_RCVTIMEO */
		case 21: { /* SO_SNDTIMEO */
			struct {
				__s64 sec;
				__s64 usec;
			} tv = {};

			bpf_probe_read_user(&tv, sizeof(tv), uval);
			sq_push_dyn_u64(e, SQ_SOCKOPT_IDX_TIMEVAL,
					tv.sec * 1000000000ULL + tv.usec * 1000);
			return;
		}
		case 57: /* SO_COOKIE */
			bpf_probe_read_user(&v64, sizeof(v64), uval);
			sq_push_dyn_u64(e, SQ_SOCKOPT_IDX_UINT64, v64);
			return;
		case 13: /* SO_LINGER */
		case 17: /* SO_PEERCRED */
		case 26: /* SO_ATTACH_FILTER */
		case 28: /* SO_PEERNAME */
			break;
		default:
			if ((name >= 1 && name <= 49) || name == 50) {
				if (name == 50)
					break; /* SO_ATTACH_BPF */
				bpf_probe_read_user(&v32, sizeof(v32), uval);
				sq_push_dyn_u32(e, SQ_SOCKOPT_IDX_UINT32, v32);
				return;
			}
			break;
		}
	}
	/* unknown: index + the raw bytes (up to snaplen) */
	p = sq_cur(e);
	p[0] = SQ_SOCKOPT_IDX_UNKNOWN;
	{
		__u32 n = 0, s = sq_snaplen();

		if (uval && optlen > 0) {
			n = optlen < s ? (__u32)optlen : s;
			n &= SQ_PARAM_MAX;
			if (bpf_probe_read_user(e->buf + ((e->off + 1) & SQ_HALF_MASK), n, uval))
				n = 0;
		}
		sq_param_done(e, 1 + n);
	}
}

/* setsockopt / getsockopt exit: res, fd, level, optname, val, optlen */
SQ_EXIT(sockopt)
{
	struct sq_evt e;
	bool get = sq_regs_id(regs) == SQ_NR_getsockopt;
	__u64 level = SQ_ARG(1), name = SQ_ARG(2);
	__s32 optlen = 0;

	if (!(get ? SQ_EVT_BEGIN(&e, SOCKET_GETSOCKOPT_X) : SQ_EVT_BEGIN(&e, SOCKET_SETSOCKOPT_X)))
		return 0;
	if (get)
		bpf_probe_read_user(&optlen, sizeof(optlen), SQ_PTR(4));
	else
		optlen = (__s32)SQ_ARG(4);
	sq_push_s64(&e, ret);
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u8(&e, sq_sockopt_level(level));
	sq_push_u8(&e, sq_sockopt_optname(level, name));
	sq_push_sockopt_val(&e, level, name, SQ_PTR(3), optlen);
	sq_push_u32(&e, (__u32)optlen);
	sq_evt_submit(&e);
	return 0;
}

#endif
