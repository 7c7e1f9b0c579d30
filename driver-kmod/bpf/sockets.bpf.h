/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Socket addresses and tuples in sysdig's layout (ppm_events.c pack_addr and
 * fd_to_socktuple):
 *   sockaddr  inet : u8 family, u32 ip, u16 port                  (7)
 *             inet6: u8 family, 16 ip, u16 port                   (19)
 *             unix : u8 family, path NUL-terminated
 *   socktuple inet : u8 family, u32 sip, u16 sport, u32 dip, u16 dport (13)
 *             inet6: u8 family, 16 sip, u16 sport, 16 dip, u16 dport (37)
 *             unix : u8 family, u64 source, u64 dest (kernel unix_sock
 *                    addresses), path NUL-terminated
 * Addresses stay in network order, ports in host order. Abstract unix
 * names are written "@name". Other families: an empty parameter.
 */
#ifndef SQ_SOCKETS_BPF_H
#define SQ_SOCKETS_BPF_H

#define K_AF_UNIX 1
#define K_AF_INET 2
#define K_AF_INET6 10
#define K_UNIX_PATH_MAX 108

/* Unix socket path (user or kernel memory) at p, "@" for abstract names;
 * at most `max` bytes of sun_path are valid (the address length says so).
 * Returns the bytes written, NUL included. */
static __always_inline __u32 sq_write_unix_path(__u8 *p, const char *path, bool user, __s64 max)
{
	char c0 = 0;
	long n = -1;
	__u32 size;

	if (max > K_UNIX_PATH_MAX)
		max = K_UNIX_PATH_MAX;
	if (max <= 0) {
		p[0] = 0;
		return 1;
	}
	if (user)
		bpf_probe_read_user(&c0, 1, path);
	else
		bpf_probe_read_kernel(&c0, 1, path);
	if (c0 == 0) {
		/* abstract: max - 1 name bytes + NUL */
		p[0] = '@';
		size = (__u32)max & 127;
		if (size > 1) {
			if (user)
				n = bpf_probe_read_user_str(p + 1, size, path + 1);
			else
				n = bpf_probe_read_kernel_str(p + 1, size, path + 1);
		}
		if (n <= 0) {
			p[1] = 0;
			n = 1;
		}
		return 1 + (__u32)n;
	}
	size = ((__u32)max + 1) & 127;
	if (user)
		n = bpf_probe_read_user_str(p, size, path);
	else
		n = bpf_probe_read_kernel_str(p, size, path);
	if (n <= 0) {
		p[0] = 0;
		n = 1;
	}
	return (__u32)n;
}

/* sysdig sockaddr of a user sockaddr; 0 when absent or unsupported. */
static __always_inline __u32 sq_pack_user_addr(__u8 *p, const void *uaddr, __s64 ulen)
{
	__u16 fam = 0;

	if (!uaddr || ulen <= 0 || ulen > 128)
		return 0;
	if (bpf_probe_read_user(&fam, sizeof(fam), uaddr))
		return 0;
	switch (fam) {
	case K_AF_INET: {
		struct sockaddr_in sin = {};

		bpf_probe_read_user(&sin, sizeof(sin), uaddr);
		p[0] = SQ_AF_INET;
		*(__u32 *)(p + 1) = sin.sin_addr.s_addr;
		*(__u16 *)(p + 5) = bpf_ntohs(sin.sin_port);
		return SQ_SOCKADDR_IPV4_LEN;
	}
	case K_AF_INET6: {
		struct sockaddr_in6 sin6 = {};

		bpf_probe_read_user(&sin6, sizeof(sin6), uaddr);
		p[0] = SQ_AF_INET6;
		__builtin_memcpy(p + 1, &sin6.sin6_addr, 16);
		*(__u16 *)(p + 17) = bpf_ntohs(sin6.sin6_port);
		return SQ_SOCKADDR_IPV6_LEN;
	}
	case K_AF_UNIX:
		p[0] = SQ_AF_UNIX;
		return 1 + sq_write_unix_path(p + 1, (const char *)uaddr + 2, true, ulen - 2);
	}
	return 0;
}

static __always_inline void sq_push_user_sockaddr(struct sq_evt *e, const void *uaddr, __s64 ulen)
{
	sq_param_done(e, sq_pack_user_addr(sq_cur(e), uaddr, ulen));
}

/* Path of a unix socket's bound address (kernel), "" if unbound. */
static __always_inline __u32 sq_write_unix_sock_name(__u8 *p, struct unix_sock *us)
{
	struct unix_address *addr;

	if (!us) {
		p[0] = 0;
		return 1;
	}
	addr = BPF_CORE_READ(us, addr);
	if (!addr) {
		p[0] = 0;
		return 1;
	}
	return sq_write_unix_path(p, (const char *)&addr->name[0].sun_path[0], false,
				  (__s64)BPF_CORE_READ(addr, len) - 2);
}

/*
 * Tuple of socket fd. use_user: the remote end is the user sockaddr
 * (uaddr, ulen) instead of the socket's peer. inbound: source = remote,
 * destination = local; otherwise source = local.
 */
static __always_inline __u32 sq_pack_socktuple(__u8 *p, __s64 fd, const void *uaddr, __s64 ulen,
					       bool use_user, bool inbound)
{
	struct socket *sock = sq_fd_socket(fd);
	struct sock *sk;
	__u16 fam;

	if (!sock)
		return 0;
	sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return 0;
	fam = BPF_CORE_READ(sk, __sk_common.skc_family);

	if (fam == K_AF_INET) {
		__u32 lip = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		__u32 rip = 0;
		__u16 rport = 0;

		if (use_user) {
			struct sockaddr_in sin = {};

			bpf_probe_read_user(&sin, sizeof(sin), uaddr);
			rip = sin.sin_addr.s_addr;
			rport = bpf_ntohs(sin.sin_port);
		} else {
			rip = BPF_CORE_READ(sk, __sk_common.skc_daddr);
			rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
			if (rport == 0) /* not connected: getpeername fails */
				lip = lport = rip = 0;
		}
		p[0] = SQ_AF_INET;
		*(__u32 *)(p + 1) = inbound ? rip : lip;
		*(__u16 *)(p + 5) = inbound ? rport : lport;
		*(__u32 *)(p + 7) = inbound ? lip : rip;
		*(__u16 *)(p + 11) = inbound ? lport : rport;
		return SQ_SOCKTUPLE_IPV4_LEN;
	}
	if (fam == K_AF_INET6) {
		struct in6_addr lip = BPF_CORE_READ(sk, __sk_common.skc_v6_rcv_saddr);
		__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		struct in6_addr rip = {};
		__u16 rport = 0;

		if (use_user) {
			struct sockaddr_in6 sin6 = {};

			bpf_probe_read_user(&sin6, sizeof(sin6), uaddr);
			rip = sin6.sin6_addr;
			rport = bpf_ntohs(sin6.sin6_port);
		} else {
			rip = BPF_CORE_READ(sk, __sk_common.skc_v6_daddr);
			rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		}
		p[0] = SQ_AF_INET6;
		if (inbound) {
			__builtin_memcpy(p + 1, &rip, 16);
			*(__u16 *)(p + 17) = rport;
			__builtin_memcpy(p + 19, &lip, 16);
			*(__u16 *)(p + 35) = lport;
		} else {
			__builtin_memcpy(p + 1, &lip, 16);
			*(__u16 *)(p + 17) = lport;
			__builtin_memcpy(p + 19, &rip, 16);
			*(__u16 *)(p + 35) = rport;
		}
		return SQ_SOCKTUPLE_IPV6_LEN;
	}
	if (fam == K_AF_UNIX) {
		struct unix_sock *us = (struct unix_sock *)sk;
		struct unix_sock *peer = (struct unix_sock *)BPF_CORE_READ(us, peer);
		__u32 n;

		p[0] = SQ_AF_UNIX;
		*(__u64 *)(p + 1) = inbound ? (__u64)us : (__u64)peer;
		*(__u64 *)(p + 9) = inbound ? (__u64)peer : (__u64)us;
		if (inbound)
			n = sq_write_unix_sock_name(p + 17, us);
		else if (use_user)
			n = sq_write_unix_path(p + 17, (const char *)uaddr + 2, true, ulen - 2);
		else
			n = sq_write_unix_sock_name(p + 17, peer);
		return 17 + n;
	}
	return 0;
}

static __always_inline void sq_push_socktuple(struct sq_evt *e, __s64 fd, const void *uaddr,
					      __s64 ulen, bool use_user, bool inbound)
{
	sq_param_done(e, sq_pack_socktuple(sq_cur(e), fd, uaddr, ulen, use_user, inbound));
}

#endif
