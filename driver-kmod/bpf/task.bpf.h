/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading syscall arguments and task/file/mm state with CO-RE.
 */
#ifndef SQ_TASK_BPF_H
#define SQ_TASK_BPF_H

#define K_PAGE_SHIFT 12
#define K_RLIMIT_NOFILE 7
#define K_S_IFMT 00170000
#define K_S_IFSOCK 0140000

/* A register of a syscall's pt_regs: read through CO-RE in the eBPF probe; the kernel
 * module's probes get the task's own registers and read them directly. */
#ifndef SQ_REGS_READ
#define SQ_REGS_READ(regs, reg) BPF_CORE_READ(regs, reg)
#endif

/* Syscall argument i (x86_64 ABI: di, si, dx, r10, r8, r9). */
static __always_inline unsigned long sq_arg(struct pt_regs *regs, int i)
{
	switch (i) {
	case 0:
		return SQ_REGS_READ(regs, di);
	case 1:
		return SQ_REGS_READ(regs, si);
	case 2:
		return SQ_REGS_READ(regs, dx);
	case 3:
		return SQ_REGS_READ(regs, r10);
	case 4:
		return SQ_REGS_READ(regs, r8);
	case 5:
		return SQ_REGS_READ(regs, r9);
	}
	return 0;
}

static __always_inline struct task_struct *sq_current(void)
{
	return (struct task_struct *)bpf_get_current_task_btf();
}

/* The struct file of fd in the current task, or NULL. */
static __always_inline struct file *sq_fd_file(__s64 fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct file **fds;
	struct file *f = NULL;
	unsigned int max;

	if (fd < 0)
		return NULL;
	max = BPF_CORE_READ(t, files, fdt, max_fds);
	if ((__u64)fd >= max)
		return NULL;
	fds = BPF_CORE_READ(t, files, fdt, fd);
	if (!fds)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/* new_encode_dev() of a kernel dev_t (major << 20 | minor). */
static __always_inline __u32 sq_encode_dev(__u32 dev)
{
	__u32 major = dev >> 20, minor = dev & 0xfffff;

	return (minor & 0xff) | (major << 8) | ((minor & ~0xffU) << 12);
}

/* Device of the filesystem holding fd (sysdig's "dev" of open). */
static __always_inline __u32 sq_fd_dev(__s64 fd)
{
	struct file *f = sq_fd_file(fd);

	if (!f)
		return 0;
	return sq_encode_dev(BPF_CORE_READ(f, f_inode, i_sb, s_dev));
}

static __always_inline __u64 sq_fd_ino(__s64 fd)
{
	struct file *f = sq_fd_file(fd);

	if (!f)
		return 0;
	return BPF_CORE_READ(f, f_inode, i_ino);
}

/* The struct socket of fd, or NULL if fd is not a socket. */
static __always_inline struct socket *sq_fd_socket(__s64 fd)
{
	struct file *f = sq_fd_file(fd);
	umode_t mode;

	if (!f)
		return NULL;
	mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & K_S_IFMT) != K_S_IFSOCK)
		return NULL;
	return (struct socket *)BPF_CORE_READ(f, private_data);
}

#ifdef SQ_KERNEL_MODULE
/* The module is built against its kernel's own headers, which know the layout. */
static __always_inline __s64 sq_mm_counter(struct mm_struct *mm, int i)
{
	__s64 v = get_mm_counter(mm, i & 3);

	return v < 0 ? 0 : v;
}
#else
/* Kernels before 6.2 (Debian 12's 6.1): mm->rss_stat is a struct of atomic counters, not an
 * array of percpu_counters. */
struct mm_rss_stat___old {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
} __attribute__((preserve_access_index));

static __always_inline __s64 sq_mm_counter(struct mm_struct *mm, int i)
{
	__s64 v = 0;

	if (bpf_core_type_exists(struct mm_rss_stat___old))
		bpf_probe_read_kernel(&v, sizeof(v),
				      &((struct mm_struct___old *)mm)->rss_stat.count[i & 3]);
	else
		bpf_probe_read_kernel(&v, sizeof(v), &mm->rss_stat[i & 3].count);
	return v < 0 ? 0 : v;
}
#endif

/* vm_size, vm_rss, vm_swap in KiB, as sysdig reports them. */
static __always_inline void sq_task_vm(struct task_struct *t, __u32 *size, __u32 *rss, __u32 *swap)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);

	*size = *rss = *swap = 0;
	if (!mm)
		return;
	*size = BPF_CORE_READ(mm, total_vm) << (K_PAGE_SHIFT - 10);
	/* MM_FILEPAGES 0, MM_ANONPAGES 1, MM_SWAPENTS 2, MM_SHMEMPAGES 3 */
	*rss = (sq_mm_counter(mm, 0) + sq_mm_counter(mm, 1) + sq_mm_counter(mm, 3))
	       << (K_PAGE_SHIFT - 10);
	*swap = sq_mm_counter(mm, 2) << (K_PAGE_SHIFT - 10);
}

static __always_inline void sq_push_vm(struct sq_evt *e, struct task_struct *t)
{
	__u32 size, rss, swap;

	sq_task_vm(t, &size, &rss, &swap);
	sq_push_u32(e, size);
	sq_push_u32(e, rss);
	sq_push_u32(e, swap);
}

static __always_inline __u64 sq_task_nofile(struct task_struct *t)
{
	return BPF_CORE_READ(t, signal, rlim[K_RLIMIT_NOFILE].rlim_cur);
}

/* pid number of a struct pid at namespace level `level`. */
static __always_inline __s64 sq_pid_nr_at(struct pid *pid, unsigned int level)
{
	int nr = 0;

	if (!pid)
		return 0;
	if (BPF_CORE_READ(pid, level) < level)
		return 0;
	bpf_probe_read_kernel(&nr, sizeof(nr), &pid->numbers[level & 31].nr);
	return nr;
}

static __always_inline unsigned int sq_task_ns_level(struct task_struct *t)
{
	return BPF_CORE_READ(t, thread_pid, level);
}

/* tid as seen from the task's own pid namespace */
static __always_inline __s64 sq_task_vtid(struct task_struct *t)
{
	return sq_pid_nr_at(BPF_CORE_READ(t, thread_pid), sq_task_ns_level(t));
}

static __always_inline __s64 sq_task_vpid(struct task_struct *t)
{
	return sq_pid_nr_at(BPF_CORE_READ(t, group_leader, thread_pid), sq_task_ns_level(t));
}

/* process group id in the task's pid namespace */
static __always_inline __s64 sq_task_pgid(struct task_struct *t)
{
	/* PIDTYPE_PGID = 2 */
	return sq_pid_nr_at(BPF_CORE_READ(t, signal, pids[2]), sq_task_ns_level(t));
}

static __always_inline bool sq_task_in_pidns(struct task_struct *t)
{
	unsigned int level = sq_task_ns_level(t);
	struct pid *pid = BPF_CORE_READ(t, thread_pid);
	struct pid_namespace *ns = NULL;
	struct pid_namespace *child_ns = BPF_CORE_READ(t, nsproxy, pid_ns_for_children);

	if (level != 0)
		return true;
	if (pid)
		bpf_probe_read_kernel(&ns, sizeof(ns), &pid->numbers[0].ns);
	return child_ns && child_ns != ns;
}

/* Controlling tty as sysdig encodes it (new_encode_dev of the tty's dev). */
static __always_inline __s32 sq_task_tty(struct task_struct *t)
{
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	__u32 major, minor_start;
	int index;

	if (!tty)
		return 0;
	index = BPF_CORE_READ(tty, index);
	major = BPF_CORE_READ(tty, driver, major);
	minor_start = BPF_CORE_READ(tty, driver, minor_start);
	return (__s32)sq_encode_dev(((major << 20) | minor_start) + index);
}

#endif
