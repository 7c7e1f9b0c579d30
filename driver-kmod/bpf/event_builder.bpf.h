/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building one event in the per-CPU scratch buffer and sending it to this
 * CPU's ring (shared by the eBPF probe and the kernel module, which define
 * sq_evt_begin and sq_evt_submit: event_output.bpf.h here, the module its own):
 *
 *   struct sq_evt e;
 *   if (!SQ_EVT_BEGIN(&e, X)) return 0;   (sq_evt_begin(&e, SQE_X, SQ_NP_X))
 *   sq_push_s64(&e, fd); sq_push_user_str(&e, path); ...
 *   sq_evt_submit(&e);
 *
 * Each push appends one parameter: its bytes at the current payload offset
 * and its length in the header's u16 length array. Offsets are masked with
 * SQ_HALF_MASK so that the verifier sees every access inside the scratch
 * value (SQ_SCRATCH_SIZE is at least twice the largest event).
 */
#ifndef SQ_EVENT_BUILDER_BPF_H
#define SQ_EVENT_BUILDER_BPF_H

#define SQ_HALF_MASK (SQ_SCRATCH_SIZE / 2 - 1)
/* Largest parameter: its length is a u16. */
#define SQ_PARAM_MAX 65535
/* Most parameters of one event (length array index mask). */
#define SQ_NPARAMS_MASK 31

struct sq_evt {
	__u8 *buf;
	__u64 ts;
	__u64 tid;
	__u32 off; /* next payload byte */
	__u32 idx; /* next parameter */
	__u32 nparams;
	__u16 type;
};

/* An event starting in buf (a driver's sq_evt_begin): the header and the length array come first, the
 * parameters after them. */
static __always_inline void sq_evt_init(struct sq_evt *e, __u8 *buf, __u64 ts, __u64 tid,
					__u16 type, __u32 nparams)
{
	e->buf = buf;
	e->ts = ts;
	e->tid = tid;
	e->type = type;
	e->nparams = nparams;
	e->idx = 0;
	e->off = SQ_EVT_HDR_LEN + SQ_PARAM_LEN_SIZE * nparams;
}

/* sq_evt_begin for the event type SQE_<ID>, with the event table's parameter
 * count for it (SQ_NP_<ID>): a filler names its event, never a count. */
#define SQ_EVT_BEGIN(e, ID) sq_evt_begin(e, SQE_##ID, SQ_NP_##ID)

/* Records the length of the next parameter and advances. */
static __always_inline void sq_param_done(struct sq_evt *e, __u32 len)
{
	__u32 i = e->idx & SQ_NPARAMS_MASK;

	*(__u16 *)(e->buf + SQ_EVT_HDR_LEN + SQ_PARAM_LEN_SIZE * i) = (__u16)len;
	e->idx++;
	e->off += len;
}

static __always_inline __u8 *sq_cur(struct sq_evt *e)
{
	return e->buf + (e->off & SQ_HALF_MASK);
}

static __always_inline void sq_push_u8(struct sq_evt *e, __u8 v)
{
	*(__u8 *)sq_cur(e) = v;
	sq_param_done(e, 1);
}

static __always_inline void sq_push_u16(struct sq_evt *e, __u16 v)
{
	*(__u16 *)sq_cur(e) = v;
	sq_param_done(e, 2);
}

static __always_inline void sq_push_u32(struct sq_evt *e, __u32 v)
{
	*(__u32 *)sq_cur(e) = v;
	sq_param_done(e, 4);
}

static __always_inline void sq_push_u64(struct sq_evt *e, __u64 v)
{
	*(__u64 *)sq_cur(e) = v;
	sq_param_done(e, 8);
}

#define sq_push_s64(e, v) sq_push_u64(e, (__u64)(__s64)(v))
#define sq_push_s32(e, v) sq_push_u32(e, (__u32)(__s32)(v))

static __always_inline void sq_push_empty(struct sq_evt *e)
{
	sq_param_done(e, 0);
}

/* A DYN parameter: u8 index into the dynamic type table + the value. */
static __always_inline void sq_push_dyn_u64(struct sq_evt *e, __u8 idx, __u64 v)
{
	__u8 *p = sq_cur(e);

	p[0] = idx;
	*(__u64 *)(p + 1) = v;
	sq_param_done(e, 9);
}

static __always_inline void sq_push_dyn_u32(struct sq_evt *e, __u8 idx, __u32 v)
{
	__u8 *p = sq_cur(e);

	p[0] = idx;
	*(__u32 *)(p + 1) = v;
	sq_param_done(e, 5);
}

static __always_inline void sq_push_dyn_u8(struct sq_evt *e, __u8 idx, __u8 v)
{
	__u8 *p = sq_cur(e);

	p[0] = idx;
	p[1] = v;
	sq_param_done(e, 2);
}

/* A constant string, NUL included. */
static __always_inline void sq_push_const_str(struct sq_evt *e, const char *s, __u32 len_with_nul)
{
	__u8 *p = sq_cur(e);

	for (__u32 i = 0; i < len_with_nul && i < 8; i++)
		p[i] = s[i];
	sq_param_done(e, len_with_nul);
}

static __always_inline void sq_push_empty_str(struct sq_evt *e)
{
	*sq_cur(e) = 0;
	sq_param_done(e, 1);
}

/*
 * A NUL-terminated user string (path or name), NUL included, at most
 * SQ_PATH_MAX bytes. NULL pointer: "(NULL)" as sysdig's drivers write it.
 * Unreadable memory: an empty parameter (sysdig would drop the event).
 */
static __always_inline __u32 sq_push_user_str(struct sq_evt *e, const void *uptr)
{
	long n;

	if (!uptr) {
		sq_push_const_str(e, "(NULL)", 7);
		return 7;
	}
	n = bpf_probe_read_user_str(sq_cur(e), SQ_PATH_MAX, uptr);
	if (n < 0)
		n = 0;
	sq_param_done(e, (__u32)n);
	return (__u32)n;
}

/* Same as sq_push_user_str with "<NA>" when unreadable (execve filename). */
static __always_inline void sq_push_user_str_na(struct sq_evt *e, const void *uptr)
{
	long n = -1;

	if (uptr)
		n = bpf_probe_read_user_str(sq_cur(e), SQ_PATH_MAX, uptr);
	if (n <= 0) {
		sq_push_const_str(e, uptr ? "<NA>" : "(NULL)", uptr ? 5 : 7);
		return;
	}
	sq_param_done(e, (__u32)n);
}

/* A NUL-terminated kernel string, at most max bytes (<= SQ_PATH_MAX). */
static __always_inline void sq_push_kernel_str(struct sq_evt *e, const void *kptr, __u32 max)
{
	long n;

	if (max > SQ_PATH_MAX)
		max = SQ_PATH_MAX;
	n = bpf_probe_read_kernel_str(sq_cur(e), max, kptr);
	if (n <= 0) {
		*sq_cur(e) = 0;
		n = 1;
	}
	sq_param_done(e, (__u32)n);
}

/* Copies len bytes of user memory (len capped at SQ_PARAM_MAX). Returns the
 * bytes copied; an unreadable buffer gives an empty parameter. */
static __always_inline __u32 sq_push_user_bytes(struct sq_evt *e, const void *uptr, __u64 len)
{
	__u32 n = len > SQ_PARAM_MAX ? SQ_PARAM_MAX : (__u32)len;

	if (!uptr || n == 0) {
		sq_param_done(e, 0);
		return 0;
	}
	if (bpf_probe_read_user(sq_cur(e), n & SQ_PARAM_MAX, uptr) != 0)
		n = 0;
	sq_param_done(e, n);
	return n;
}

/* Snaplen for data buffers: sq_cfg.snaplen, bounded to 1..SQ_PARAM_MAX. */
static __always_inline __u32 sq_snaplen(void)
{
	__u32 s = sq_cfg.snaplen;

	if (s == 0)
		s = SQ_SNAPLEN_DEFAULT;
	if (s > SQ_PARAM_MAX)
		s = SQ_PARAM_MAX;
	return s;
}

/* I/O data buffer: the first min(len, snaplen) bytes. */
static __always_inline void sq_push_data(struct sq_evt *e, const void *uptr, __s64 len)
{
	__u32 s = sq_snaplen();

	if (len <= 0 || !uptr) {
		sq_param_done(e, 0);
		return;
	}
	sq_push_user_bytes(e, uptr, (__u64)len < s ? (__u64)len : s);
}

#endif
