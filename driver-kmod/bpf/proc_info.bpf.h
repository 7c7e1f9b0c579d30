/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process description shared by the clone/fork/vfork/clone3 and
 * execve/execveat exit events (sysdig's f_proc_startupdate).
 */
#ifndef SQ_PROC_INFO_BPF_H
#define SQ_PROC_INFO_BPF_H

#define SQ_ARGS_MAX 4096 /* sysdig copies at most one page of argv/env */
#define SQ_ARGV_MAX 64 /* argv/envp entries walked for a failed execve */
#define SQ_CGROUP_DEPTH 12
#define SQ_CGROUP_SUBSYS 12
#define SQ_CGROUP_NAMES_MASK 15 /* index mask of a names array (>= SQ_CGROUP_DEPTH entries) */
#define SQ_TASK_COMM_LEN 16

#ifdef SQ_KERNEL_MODULE
/* kernfs_node's parent became __parent in 6.15. */
static __always_inline struct kernfs_node *sq_kn_parent(struct kernfs_node *kn)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
	return BPF_CORE_READ(kn, __parent);
#else
	return BPF_CORE_READ(kn, parent);
#endif
}
#else
struct kernfs_node___old {
	struct kernfs_node___old *parent;
};

static __always_inline struct kernfs_node *sq_kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return BPF_CORE_READ(kn, __parent);
	return (struct kernfs_node *)BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}
#endif

struct sq_cg_ctx {
	__u8 *buf;
	struct css_set *cs;
	__u32 off;
	__u32 len;
	/* the subsystem being written: its cgroup's kernfs node walked up to the root, the names
	 * met on the way (leaf first) and their count */
	struct kernfs_node *kn;
	__u32 depth;
	const char *names[SQ_CGROUP_NAMES_MASK + 1];
};

/*
 * The path of one subsystem is walked with bpf_loop callbacks, so that the verifier checks each
 * body once instead of every iteration of every depth.
 */

/* Level j of the walk up: the node's name, then its parent (none: the root, where the walk stops). */
static long sq_cgroup_up_cb(__u32 j, void *data)
{
	struct sq_cg_ctx *c = data;
	struct kernfs_node *kn = c->kn;
	struct kernfs_node *parent = sq_kn_parent(kn);

	if (!parent || j >= SQ_CGROUP_DEPTH)
		return 1;
	barrier_var(j); /* keeps the mask below, which the verifier needs */
	c->names[j & SQ_CGROUP_NAMES_MASK] = BPF_CORE_READ(kn, name);
	c->depth = j + 1;
	c->kn = parent;
	return 0;
}

/* Step k of the path, root first: "/" + the name met at level depth - 1 - k of the walk up. */
static long sq_cgroup_down_cb(__u32 k, void *data)
{
	struct sq_cg_ctx *c = data;
	__u32 len = c->len;
	__u32 j;
	long n;

	if (k >= c->depth)
		return 1;
	j = c->depth - 1 - k;
	if (j >= SQ_CGROUP_DEPTH)
		return 1;
	barrier_var(j);
	c->buf[(c->off + len++) & SQ_HALF_MASK] = '/';
	n = bpf_probe_read_kernel_str(c->buf + ((c->off + len) & SQ_HALF_MASK), 256,
				      c->names[j & SQ_CGROUP_NAMES_MASK]);
	if (n > 0)
		len += n - 1;
	c->len = len;
	return 0;
}

/* One cgroup subsystem: "name=/path\0" (the path's last SQ_CGROUP_DEPTH levels). */
static long sq_cgroup_cb(__u32 i, void *data)
{
	struct sq_cg_ctx *c = data;
	struct cgroup_subsys_state *css = NULL;
	struct kernfs_node *kn;
	const char *ssname;
	__u32 len = c->len;
	long n;

	if (i >= SQ_CGROUP_SUBSYS || len > SQ_ARGS_MAX)
		return 1;
	bpf_probe_read_kernel(&css, sizeof(css), &c->cs->subsys[i]);
	if (!css)
		return 0;
	ssname = BPF_CORE_READ(css, ss, name);
	kn = BPF_CORE_READ(css, cgroup, kn);
	if (!ssname || !kn)
		return 0;
	n = bpf_probe_read_kernel_str(c->buf + ((c->off + len) & SQ_HALF_MASK), 64, ssname);
	if (n <= 0)
		return 0;
	len += n; /* the NUL becomes '=' */
	c->buf[(c->off + len - 1) & SQ_HALF_MASK] = '=';
	c->kn = kn;
	c->depth = 0;
	bpf_loop(SQ_CGROUP_DEPTH, sq_cgroup_up_cb, c, 0);
	if (c->depth == 0)
		c->buf[(c->off + len++) & SQ_HALF_MASK] = '/';
	c->len = len;
	bpf_loop(SQ_CGROUP_DEPTH, sq_cgroup_down_cb, c, 0);
	len = c->len;
	c->buf[(c->off + len++) & SQ_HALF_MASK] = 0;
	c->len = len;
	return 0;
}

/*
 * cgroups: "subsys=/path\0" for every cgroup subsystem of a css_set, written at offset off of
 * the scratch buffer (cgroup paths from the kernfs node names, root-relative); returns the
 * length. A global function: the verifier checks it once per program, not once per state of
 * its callers.
 */
__noinline __u32 sq_write_cgroups(struct sq_scratch_buf *buf, unsigned long cs, __u32 off)
{
	struct sq_cg_ctx c = {.cs = (struct css_set *)cs, .off = off, .len = 0};

	if (!buf) /* never NULL: the check is for the verifier */
		return 0;
	c.buf = buf->data;
	if (c.cs)
		bpf_loop(SQ_CGROUP_SUBSYS, sq_cgroup_cb, &c, 0);
	return c.len;
}

static __always_inline void sq_push_cgroups(struct sq_evt *e, struct task_struct *t)
{
	__u32 len = sq_write_cgroups((struct sq_scratch_buf *)e->buf,
				     (unsigned long)BPF_CORE_READ(t, cgroups), e->off);

	if (len > SQ_PARAM_MAX)
		len = 0;
	barrier_var(len); /* keeps the mask below, which the verifier needs */
	sq_param_done(e, len & SQ_PARAM_MAX);
}

/* A user memory area of NUL-separated strings (mm arg or env area):
 * at most SQ_ARGS_MAX bytes, the last byte forced to NUL. */
static __always_inline void sq_push_user_area(struct sq_evt *e, unsigned long start,
					      unsigned long end)
{
	__u64 len = end > start ? end - start : 0;

	if (len > SQ_ARGS_MAX)
		len = SQ_ARGS_MAX;
	if (len == 0 ||
	    bpf_probe_read_user(sq_cur(e), len & (2 * SQ_ARGS_MAX - 1), (const void *)start)) {
		sq_param_done(e, 0);
		return;
	}
	e->buf[(e->off + len - 1) & SQ_HALF_MASK] = 0;
	sq_param_done(e, (__u32)len);
}

/* exe (first string of the mm arg area) and args (the rest). */
static __always_inline void sq_push_exe_args_mm(struct sq_evt *e, struct task_struct *t)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	unsigned long start = 0, end = 0;
	__u64 len;
	long n;

	if (mm) {
		start = BPF_CORE_READ(mm, arg_start);
		end = BPF_CORE_READ(mm, arg_end);
	}
	len = end > start ? end - start : 0;
	if (len > SQ_ARGS_MAX)
		len = SQ_ARGS_MAX;
	if (len == 0) {
		sq_push_empty_str(e);
		sq_param_done(e, 0);
		return;
	}
	n = bpf_probe_read_user_str(sq_cur(e), len & (2 * SQ_ARGS_MAX - 1), (const void *)start);
	if (n <= 0) {
		sq_push_empty_str(e);
		sq_param_done(e, 0);
		return;
	}
	sq_param_done(e, (__u32)n);
	sq_push_user_area(e, start + n, start + len);
}

struct sq_argv_ctx {
	__u8 *buf;
	const char *const *argv;
	__u32 off;
	__u32 len;
	int first;
};

static long sq_argv_cb(__u32 i, void *data)
{
	struct sq_argv_ctx *c = data;
	const char *s = NULL;
	long n;

	if ((int)i < c->first)
		return 0;
	if (bpf_probe_read_user(&s, sizeof(s), &c->argv[i]) || !s)
		return 1;
	if (c->len >= SQ_ARGS_MAX)
		return 1;
	n = bpf_probe_read_user_str(c->buf + ((c->off + c->len) & SQ_HALF_MASK), SQ_ARGS_MAX, s);
	if (n <= 0)
		return 1;
	c->len += n;
	return 0;
}

/* NUL-separated concatenation of a user char *[] from entry `first`
 * (failed execve), written at offset off of the scratch buffer; returns its
 * length (at most SQ_ARGS_MAX). A global function: verified once per program. */
__noinline __u32 sq_write_argv_at(struct sq_scratch_buf *buf, unsigned long argv, __u32 off,
				  int first)
{
	struct sq_argv_ctx c = {
		.argv = (const char *const *)argv, .off = off, .len = 0, .first = first};

	if (!buf) /* never NULL: the check is for the verifier */
		return 0;
	c.buf = buf->data;
	if (c.argv)
		bpf_loop(SQ_ARGV_MAX, sq_argv_cb, &c, 0);
	return c.len > SQ_ARGS_MAX ? SQ_ARGS_MAX : c.len;
}

/* The same at the current offset of an event. */
static __always_inline __u32 sq_write_argv(struct sq_evt *e, const char *const *argv, int first)
{
	__u32 n = sq_write_argv_at((struct sq_scratch_buf *)e->buf, (unsigned long)argv, e->off,
				   first);

	if (n > SQ_ARGS_MAX) /* never: the bound is for the verifier */
		n = SQ_ARGS_MAX;
	barrier_var(n);
	return n & (2 * SQ_ARGS_MAX - 1);
}

static __always_inline void sq_push_exe_args_user(struct sq_evt *e, const char *const *argv)
{
	__u32 n = sq_write_argv(e, argv, 0);

	if (n == 0) {
		sq_push_empty_str(e);
		sq_param_done(e, 0);
		return;
	}
	/* exe: the first string only */
	n = 0;
	{
		const char *s = NULL;
		long r = -1;

		if (!bpf_probe_read_user(&s, sizeof(s), &argv[0]) && s)
			r = bpf_probe_read_user_str(sq_cur(e), SQ_ARGS_MAX, s);
		if (r <= 0) {
			sq_push_empty_str(e);
		} else {
			sq_param_done(e, (__u32)r);
		}
	}
	sq_param_done(e, sq_write_argv(e, argv, 1) & SQ_PARAM_MAX);
}

/* Common fields after exe/args: tid, pid, ptid, cwd, fdlimit, pgft_maj,
 * pgft_min, vm_size, vm_rss, vm_swap, comm, cgroups. */
static __always_inline void sq_push_proc_common(struct sq_evt *e, struct task_struct *t)
{
	sq_push_s64(e, BPF_CORE_READ(t, pid));
	sq_push_s64(e, BPF_CORE_READ(t, tgid));
	sq_push_s64(e, BPF_CORE_READ(t, real_parent, pid));
	sq_push_empty_str(e); /* cwd: sysdig's drivers push it empty */
	sq_push_u64(e, sq_task_nofile(t));
	sq_push_u64(e, BPF_CORE_READ(t, maj_flt));
	sq_push_u64(e, BPF_CORE_READ(t, min_flt));
	sq_push_vm(e, t);
	sq_push_kernel_str(e, &t->comm[0], SQ_TASK_COMM_LEN);
	sq_push_cgroups(e, t);
}

/*
 * clone/fork/vfork/clone3 exit (20 params) describing task t, res the
 * syscall result as seen by t, flags the clone flags (kernel values).
 */
static __always_inline void sq_fill_clone_x(struct sq_evt *e, struct task_struct *t, long res,
					    __u64 kflags)
{
	const struct cred *cred;
	__u32 flags;

	sq_push_s64(e, res);
	if (res < 0) {
		sq_push_empty_str(e);
		sq_param_done(e, 0);
	} else {
		sq_push_exe_args_mm(e, t);
	}
	sq_push_proc_common(e, t);
	flags = sq_clone_flags(kflags);
	if (sq_task_in_pidns(t))
		flags |= SQ_CL_CHILD_IN_PIDNS;
	sq_push_u32(e, flags);
	cred = BPF_CORE_READ(t, cred);
	sq_push_u32(e, BPF_CORE_READ(cred, euid.val));
	sq_push_u32(e, BPF_CORE_READ(cred, egid.val));
	sq_push_s64(e, sq_task_vtid(t));
	sq_push_s64(e, sq_task_vpid(t));
}

/* PROCEXIT_1_E's parameters from a task's exit code: status, ret, sig, core. */
static __always_inline void sq_fill_procexit(struct sq_evt *e, __s32 code)
{
	__u32 sig = code & 0x7f;

	sq_push_s64(e, code);
	sq_push_s64(e, (code >> 8) & 0xff);
	sq_push_u8(e, (sig != 0 && sig != 0x7f) ? sig : 0);
	sq_push_u8(e, (code & 0x80) ? 1 : 0);
}

/* Clone flags of the clone-family syscall `id` whose arguments are in regs. */
static __always_inline __u64 sq_clone_kflags(struct pt_regs *regs, long id)
{
	__u64 f = 0;

	if (id == SQ_NR_clone)
		return sq_arg(regs, 0);
	if (id == SQ_NR_clone3) /* struct clone_args starts with u64 flags */
		bpf_probe_read_user(&f, sizeof(f), (const void *)sq_arg(regs, 0));
	return f;
}

/* The clone family's exit events, one of which sq_clone_exit_type names, have
 * one parameter count. */
#define SQ_NP_CLONE_FAMILY_X SQ_NP_SYSCALL_CLONE_20_X
_Static_assert(SQ_NP_SYSCALL_FORK_20_X == SQ_NP_CLONE_FAMILY_X &&
		       SQ_NP_SYSCALL_VFORK_20_X == SQ_NP_CLONE_FAMILY_X &&
		       SQ_NP_SYSCALL_CLONE3_X == SQ_NP_CLONE_FAMILY_X,
	       "clone, fork, vfork and clone3 exit events differ in their parameter count");

static __always_inline __u16 sq_clone_exit_type(long id)
{
	switch (id) {
	case SQ_NR_fork:
		return SQE_SYSCALL_FORK_20_X;
	case SQ_NR_vfork:
		return SQE_SYSCALL_VFORK_20_X;
	case SQ_NR_clone3:
		return SQE_SYSCALL_CLONE3_X;
	}
	return SQE_SYSCALL_CLONE_20_X;
}

#endif
