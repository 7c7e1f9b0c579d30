// SPDX-License-Identifier: GPL-2.0
/*
 * sysql's kernel module, the twin of the eBPF probe (bpf/): the syscall
 * tracepoints' probes write events in the ABI's encoding (include/) into one
 * ring per CPU, which the reader maps (include/sysql_kmod.h).
 *
 * The probes are registered while /dev/sysql is open, and unregistered (with
 * every running probe waited for) before its rings are freed. A probe never
 * sleeps, allocates or blocks: an event that does not fit in its CPU's ring
 * is counted (drops_full) and lost.
 *
 * What it emits so far: the events of the syscalls whose fillers in the
 * syscall table are generic (GENERIC_ARGS_E/X), none, fd and res, built from
 * the same table rows as the eBPF probe's; the other syscalls are counted as
 * filtered until their fillers are shared with the probe.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/bsearch.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vmalloc.h>
#include <asm/syscall.h>

#include "sysql_event.h"
#include "sysql_kmod.h"
#include "sysql_syscall_lookup.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sysql: system calls as sysdig-encoded events in per-CPU rings");

/* How a syscall's events are built (its table row's fillers). */
enum sq_kind { SQ_KIND_SKIP = 0, SQ_KIND_GENERIC, SQ_KIND_NONE, SQ_KIND_FD, SQ_KIND_RES };

static const char *const sq_enter_filler[SQ_SYSCALL_TABLE_SIZE] = {
#define SQ_SYSCALL(nr, native, sc, event, flags, enter_filler, exit_filler) [nr] = #enter_filler,
#include "sysql_syscall_table.h"
#undef SQ_SYSCALL
};
static const char *const sq_exit_filler[SQ_SYSCALL_TABLE_SIZE] = {
#define SQ_SYSCALL(nr, native, sc, event, flags, enter_filler, exit_filler) [nr] = #exit_filler,
#include "sysql_syscall_table.h"
#undef SQ_SYSCALL
};
/* Parameters per event code, from the event table. */
static const u8 sq_event_nparams[SQ_EVENT_CODE_LIMIT] = {
#define SQ_EVENT(code, id, name, cat, flags, nparams, params) [code] = nparams,
#include "sysql_event_table.h"
#undef SQ_EVENT
};

/* Per syscall number: how its enter and exit events are built (module init). */
static u8 sq_enter_kind[SQ_SYSCALL_TABLE_SIZE];
static u8 sq_exit_kind[SQ_SYSCALL_TABLE_SIZE];

static u8 sq_kind_of(const char *filler)
{
	if (!filler)
		return SQ_KIND_SKIP;
	if (!strcmp(filler, "generic"))
		return SQ_KIND_GENERIC;
	if (!strcmp(filler, "none"))
		return SQ_KIND_NONE;
	if (!strcmp(filler, "fd"))
		return SQ_KIND_FD;
	if (!strcmp(filler, "res"))
		return SQ_KIND_RES;
	return SQ_KIND_SKIP;
}

struct sq_ring {
	struct sq_kmod_ring_ctl *ctl; /* the control page, then the data */
	u8 *data;
};

static DEFINE_MUTEX(sq_open_lock);
static bool sq_opened;
static struct sq_ring *sq_rings; /* one per possible CPU while open */
static unsigned int sq_nrings;
static pid_t sq_reader_tgid;
static int sq_capture_on;
static int sq_sched_events_on;
/* The threads filter (sysql_probe.h), replaced whole by SET_THREADS and read by the probes under RCU (a
 * tracepoint probe runs with preemption off: synchronize_rcu() waits for it). */
struct sq_threads {
	u32 pid_filter_mode;
	u32 npids; /* sorted */
	u32 ncomms;
	u32 *pids;
	char (*comms)[SQ_COMM_LEN];
	struct rcu_head rcu;
};
static struct sq_threads __rcu *sq_threads;
static u8 sq_interest[SQ_SYSCALL_TABLE_SIZE];
static struct tracepoint *sq_tp_sys_enter;
static struct tracepoint *sq_tp_sys_exit;
static struct tracepoint *sq_tp_process_exit;

/* Writes one event into this CPU's ring: its header, its parameters' lengths
 * (lens) and values (vals, 8 bytes each, of which the first lens[i] bytes).
 * Preemption is off (a tracepoint probe), so the ring is this CPU's alone. */
static void sq_emit(u16 type, u32 nparams, const u16 *lens, const u64 *vals)
{
	unsigned int cpu = smp_processor_id();
	struct sq_ring *r;
	struct sq_kmod_ring_ctl *ctl;
	struct sq_evt_hdr hdr;
	u32 evlen, reclen, i;
	u64 head, tail, off, room;
	u8 *p;

	if (cpu >= sq_nrings)
		return;
	r = &sq_rings[cpu];
	ctl = r->ctl;
	evlen = SQ_EVT_HDR_LEN + SQ_PARAM_LEN_SIZE * nparams;
	for (i = 0; i < nparams; i++)
		evlen += lens[i];
	reclen = SQ_KMOD_ALIGN(sizeof(struct sq_kmod_record) + evlen);
	head = ctl->head;
	tail = READ_ONCE(ctl->tail);
	if (head - tail > SQ_KMOD_RING_SIZE) {
		/* the reader wrote a tail its ring never had: nothing it has not read is overwritten */
		ctl->stats.drops_invalid++;
		return;
	}
	off = head & (SQ_KMOD_RING_SIZE - 1);
	room = SQ_KMOD_RING_SIZE - off;
	/* a record never wraps: past the end's room, a wrap marker and offset 0 */
	if (SQ_KMOD_RING_SIZE - (head - tail) < reclen + (room < reclen ? room : 0)) {
		ctl->stats.drops_full++;
		return;
	}
	if (room < reclen) {
		((struct sq_kmod_record *)(r->data + off))->len = SQ_KMOD_RECORD_WRAP;
		head += room;
		off = 0;
	}
	p = r->data + off;
	((struct sq_kmod_record *)p)->len = evlen;
	((struct sq_kmod_record *)p)->reserved = 0;
	p += sizeof(struct sq_kmod_record);
	hdr.ts = ktime_get_real_ns();
	hdr.tid = current->pid;
	hdr.len = evlen;
	hdr.type = type;
	hdr.nparams = nparams;
	memcpy(p, &hdr, SQ_EVT_HDR_LEN);
	p += SQ_EVT_HDR_LEN;
	memcpy(p, lens, SQ_PARAM_LEN_SIZE * nparams);
	p += SQ_PARAM_LEN_SIZE * nparams;
	for (i = 0; i < nparams; i++) {
		memcpy(p, &vals[i], lens[i]);
		p += lens[i];
	}
	ctl->stats.events++;
	ctl->stats.bytes += evlen;
	/* the record's bytes before the head that publishes them */
	smp_store_release(&ctl->head, head + reclen);
}

static void sq_count_filtered(void)
{
	unsigned int cpu = smp_processor_id();

	if (cpu < sq_nrings)
		sq_rings[cpu].ctl->stats.filtered++;
}

static int sq_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

static bool sq_pid_hit(const struct sq_threads *t, u32 tid, u32 tgid)
{
	return bsearch(&tid, t->pids, t->npids, sizeof(u32), sq_cmp_u32) ||
	       bsearch(&tgid, t->pids, t->npids, sizeof(u32), sq_cmp_u32);
}

static bool sq_comm_hit(const struct sq_threads *t)
{
	char comm[SQ_COMM_LEN] = {};
	u32 i;

	/* the process's name (sysql_probe.h): its group leader's comm, which a renamed worker thread does not change */
	strncpy(comm, current->group_leader->comm, SQ_COMM_LEN - 1);
	for (i = 0; i < t->ncomms; i++)
		if (!memcmp(comm, t->comms[i], SQ_COMM_LEN))
			return true;
	return false;
}

/* True if the current thread must not be captured: the eBPF probe's sq_skip_thread, over the same settings. */
static bool sq_skip_thread(void)
{
	const struct sq_threads *t = rcu_dereference_sched(sq_threads);
	bool pid_hit, comm_on;

	if (!t || (t->pid_filter_mode == SQ_PID_FILTER_OFF && !t->ncomms))
		return false;
	comm_on = t->ncomms > 0;
	pid_hit = t->pid_filter_mode != SQ_PID_FILTER_OFF &&
		  sq_pid_hit(t, current->pid, current->tgid);
	if (t->pid_filter_mode == SQ_PID_FILTER_EXCLUDE)
		return pid_hit || (comm_on && !sq_comm_hit(t));
	if (pid_hit)
		return false;
	return !(comm_on && sq_comm_hit(t));
}

static bool sq_wanted(long id)
{
	if (!READ_ONCE(sq_capture_on) || id < 0 || id >= SQ_SYSCALL_TABLE_SIZE)
		return false;
	if (current->tgid == sq_reader_tgid)
		return false;
	if (!READ_ONCE(sq_interest[id]) || sq_skip_thread()) {
		sq_count_filtered();
		return false;
	}
	return true;
}

static void sq_free_threads(struct sq_threads *t)
{
	if (!t)
		return;
	kfree(t->pids);
	kfree(t->comms);
	kfree(t);
}

static void sq_free_threads_rcu(struct rcu_head *head)
{
	sq_free_threads(container_of(head, struct sq_threads, rcu));
}

static long sq_set_threads(unsigned long arg)
{
	struct sq_kmod_threads req;
	struct sq_threads *t, *old;

	if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
		return -EFAULT;
	if (req.pid_filter_mode > SQ_PID_FILTER_EXCLUDE || req.npids > SQ_PID_FILTER_MAX ||
	    req.ncomms > SQ_COMM_FILTER_MAX)
		return -EINVAL;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->pid_filter_mode = req.pid_filter_mode;
	t->npids = req.npids;
	t->ncomms = req.ncomms;
	if (req.npids) {
		t->pids = memdup_user(u64_to_user_ptr(req.pids), req.npids * sizeof(u32));
		if (IS_ERR(t->pids)) {
			long err = PTR_ERR(t->pids);

			t->pids = NULL;
			sq_free_threads(t);
			return err;
		}
		sort(t->pids, t->npids, sizeof(u32), sq_cmp_u32, NULL);
	}
	if (req.ncomms) {
		t->comms =
			memdup_user(u64_to_user_ptr(req.comms), (size_t)req.ncomms * SQ_COMM_LEN);
		if (IS_ERR(t->comms)) {
			long err = PTR_ERR(t->comms);

			t->comms = NULL;
			sq_free_threads(t);
			return err;
		}
	}
	mutex_lock(&sq_open_lock);
	old = rcu_dereference_protected(sq_threads, lockdep_is_held(&sq_open_lock));
	rcu_assign_pointer(sq_threads, t);
	mutex_unlock(&sq_open_lock);
	if (old)
		call_rcu(&old->rcu, sq_free_threads_rcu);
	return 0;
}

static void sq_probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
	unsigned long args[6];
	u16 lens[8];
	u64 vals[8];
	int i;

	if (!sq_wanted(id))
		return;
	switch (sq_enter_kind[id]) {
	case SQ_KIND_GENERIC:
		syscall_get_arguments(current, regs, args);
		lens[0] = 2;
		vals[0] = sq_sc_code[id];
		lens[1] = 2;
		vals[1] = (u16)id;
		for (i = 0; i < 6; i++) {
			lens[2 + i] = 8;
			vals[2 + i] = args[i];
		}
		BUILD_BUG_ON(SQ_NP_GENERIC_ARGS_E != 8);
		sq_emit(SQE_GENERIC_ARGS_E, SQ_NP_GENERIC_ARGS_E, lens, vals);
		return;
	case SQ_KIND_NONE:
		sq_emit(sq_sc_enter_evt[id], 0, lens, vals);
		return;
	case SQ_KIND_FD:
		syscall_get_arguments(current, regs, args);
		lens[0] = 8;
		vals[0] = (u64)(s64)(s32)args[0]; /* an fd is a C int */
		sq_emit(sq_sc_enter_evt[id], 1, lens, vals);
		return;
	default:
		sq_count_filtered();
	}
}

static void sq_probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	long id = syscall_get_nr(current, regs);
	u16 lens[3];
	u64 vals[3];

	if (!sq_wanted(id))
		return;
	switch (sq_exit_kind[id]) {
	case SQ_KIND_GENERIC:
		lens[0] = 2;
		vals[0] = sq_sc_code[id];
		lens[1] = 2;
		vals[1] = (u16)id;
		lens[2] = 8;
		vals[2] = (u64)ret;
		BUILD_BUG_ON(SQ_NP_GENERIC_ARGS_X != 3);
		sq_emit(SQE_GENERIC_ARGS_X, SQ_NP_GENERIC_ARGS_X, lens, vals);
		return;
	case SQ_KIND_NONE:
		sq_emit(sq_sc_enter_evt[id] + 1, 0, lens, vals);
		return;
	case SQ_KIND_RES:
		lens[0] = 8;
		vals[0] = (u64)ret;
		sq_emit(sq_sc_enter_evt[id] + 1, 1, lens, vals);
		return;
	default:
		sq_count_filtered();
	}
}

/* A thread's end: PROCEXIT_1_E, as the eBPF probe's sched_process_exit program builds it. */
static void sq_probe_process_exit(void *data, struct task_struct *p)
{
	u16 lens[4] = {8, 8, 1, 1};
	u64 vals[4];
	s32 code;
	u32 sig;

	if (!READ_ONCE(sq_capture_on) || !READ_ONCE(sq_sched_events_on) ||
	    (p->flags & PF_KTHREAD) || current->tgid == sq_reader_tgid)
		return;
	if (sq_skip_thread()) {
		sq_count_filtered();
		return;
	}
	code = p->exit_code;
	sig = code & 0x7f;
	vals[0] = (u64)(s64)code;
	vals[1] = (u64)(s64)((code >> 8) & 0xff);
	vals[2] = (sig != 0 && sig != 0x7f) ? sig : 0;
	vals[3] = (code & 0x80) ? 1 : 0;
	BUILD_BUG_ON(SQ_NP_PROCEXIT_1_E != 4);
	sq_emit(SQE_PROCEXIT_1_E, SQ_NP_PROCEXIT_1_E, lens, vals);
}

static void sq_find_tracepoint(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sys_enter"))
		sq_tp_sys_enter = tp;
	else if (!strcmp(tp->name, "sys_exit"))
		sq_tp_sys_exit = tp;
	else if (!strcmp(tp->name, "sched_process_exit"))
		sq_tp_process_exit = tp;
}

static void sq_free_rings(void)
{
	unsigned int cpu;

	if (!sq_rings)
		return;
	for (cpu = 0; cpu < sq_nrings; cpu++)
		vfree(sq_rings[cpu].ctl);
	kfree(sq_rings);
	sq_rings = NULL;
	sq_nrings = 0;
}

static int sq_open(struct inode *inode, struct file *f)
{
	unsigned int cpu, n = nr_cpu_ids;
	int err;

	mutex_lock(&sq_open_lock);
	if (sq_opened) {
		mutex_unlock(&sq_open_lock);
		return -EBUSY;
	}
	sq_rings = kcalloc(n, sizeof(*sq_rings), GFP_KERNEL);
	if (!sq_rings) {
		err = -ENOMEM;
		goto out;
	}
	sq_nrings = n;
	for (cpu = 0; cpu < n; cpu++) {
		void *mem = vmalloc_user(SQ_KMOD_PAGE_SIZE + SQ_KMOD_RING_SIZE);

		if (!mem) {
			err = -ENOMEM;
			goto out;
		}
		sq_rings[cpu].ctl = mem;
		sq_rings[cpu].data = (u8 *)mem + SQ_KMOD_PAGE_SIZE;
	}
	sq_reader_tgid = current->tgid;
	WRITE_ONCE(sq_capture_on, 0);
	/* every syscall of every thread but the reader's, as the eBPF probe after sq_open */
	memset(sq_interest, 1, sizeof(sq_interest));
	WRITE_ONCE(sq_sched_events_on, 1);
	sq_free_threads(rcu_replace_pointer(sq_threads, NULL, lockdep_is_held(&sq_open_lock)));
	err = tracepoint_probe_register(sq_tp_sys_enter, sq_probe_sys_enter, NULL);
	if (err)
		goto out;
	err = tracepoint_probe_register(sq_tp_sys_exit, sq_probe_sys_exit, NULL);
	if (err) {
		tracepoint_probe_unregister(sq_tp_sys_enter, sq_probe_sys_enter, NULL);
		tracepoint_synchronize_unregister();
		goto out;
	}
	err = tracepoint_probe_register(sq_tp_process_exit, sq_probe_process_exit, NULL);
	if (err) {
		tracepoint_probe_unregister(sq_tp_sys_enter, sq_probe_sys_enter, NULL);
		tracepoint_probe_unregister(sq_tp_sys_exit, sq_probe_sys_exit, NULL);
		tracepoint_synchronize_unregister();
		goto out;
	}
	sq_opened = true;
	mutex_unlock(&sq_open_lock);
	return 0;
out:
	sq_free_rings();
	mutex_unlock(&sq_open_lock);
	return err;
}

static int sq_release(struct inode *inode, struct file *f)
{
	mutex_lock(&sq_open_lock);
	WRITE_ONCE(sq_capture_on, 0);
	tracepoint_probe_unregister(sq_tp_sys_enter, sq_probe_sys_enter, NULL);
	tracepoint_probe_unregister(sq_tp_sys_exit, sq_probe_sys_exit, NULL);
	tracepoint_probe_unregister(sq_tp_process_exit, sq_probe_process_exit, NULL);
	/* no probe runs past this point: the rings can go */
	tracepoint_synchronize_unregister();
	sq_free_rings();
	sq_free_threads(rcu_replace_pointer(sq_threads, NULL, lockdep_is_held(&sq_open_lock)));
	sq_opened = false;
	mutex_unlock(&sq_open_lock);
	return 0;
}

static long sq_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct sq_kmod_info info = {
		.abi_version = SQ_KMOD_ABI_VERSION,
		.ring_size = SQ_KMOD_RING_SIZE,
	};

	switch (cmd) {
	case SQ_KMOD_IOCTL_INFO:
		info.ncpus = sq_nrings;
		return copy_to_user((void __user *)arg, &info, sizeof(info)) ? -EFAULT : 0;
	case SQ_KMOD_IOCTL_START:
		WRITE_ONCE(sq_capture_on, 1);
		return 0;
	case SQ_KMOD_IOCTL_STOP:
		WRITE_ONCE(sq_capture_on, 0);
		/* a probe past its check still writes: wait for it (probes run with preemption off), so that
		 * after STOP the rings hold everything there will be */
		synchronize_rcu();
		return 0;
	case SQ_KMOD_IOCTL_SET_SYSCALLS: {
		struct sq_kmod_syscalls *set = memdup_user((void __user *)arg, sizeof(*set));
		int nr;

		if (IS_ERR(set))
			return PTR_ERR(set);
		for (nr = 0; nr < SQ_SYSCALL_TABLE_SIZE; nr++)
			WRITE_ONCE(sq_interest[nr], set->interest[nr] ? 1 : 0);
		kfree(set);
		return 0;
	}
	case SQ_KMOD_IOCTL_SET_THREADS:
		return sq_set_threads(arg);
	case SQ_KMOD_IOCTL_SET_SCHED_EVENTS: {
		u32 on;

		if (get_user(on, (u32 __user *)arg))
			return -EFAULT;
		WRITE_ONCE(sq_sched_events_on, on ? 1 : 0);
		return 0;
	}
	default:
		return -ENOTTY;
	}
}

/* A CPU's control page (read-write) or its data (read-only): see sysql_kmod.h. */
static int sq_mmap(struct file *f, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;
	u64 cpu = vma->vm_pgoff / (1 + SQ_KMOD_RING_PAGES);
	u64 part = vma->vm_pgoff % (1 + SQ_KMOD_RING_PAGES);

	if (cpu >= sq_nrings)
		return -EINVAL;
	if (part == 0) {
		if (size != SQ_KMOD_PAGE_SIZE)
			return -EINVAL;
		return remap_vmalloc_range(vma, sq_rings[cpu].ctl, 0);
	}
	if (part != 1 || size != SQ_KMOD_RING_SIZE)
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_clear(vma, VM_MAYWRITE);
#else
	vma->vm_flags &= ~VM_MAYWRITE;
#endif
	return remap_vmalloc_range(vma, sq_rings[cpu].ctl, 1);
}

static const struct file_operations sq_fops = {
	.owner = THIS_MODULE,
	.open = sq_open,
	.release = sq_release,
	.unlocked_ioctl = sq_ioctl,
	.mmap = sq_mmap,
};

static struct miscdevice sq_device = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "sysql",
	.fops = &sq_fops,
	.mode = 0600,
};

static int __init sq_init(void)
{
	int nr, emitted = 0;

	for (nr = 0; nr < SQ_SYSCALL_TABLE_SIZE; nr++) {
		u8 enter = sq_kind_of(sq_enter_filler[nr]);
		u8 exit = sq_kind_of(sq_exit_filler[nr]);

		/* both sides or neither: a pair the reader can match */
		if (enter == SQ_KIND_SKIP || exit == SQ_KIND_SKIP ||
		    (enter == SQ_KIND_GENERIC) != (exit == SQ_KIND_GENERIC) ||
		    (enter != SQ_KIND_GENERIC &&
		     sq_event_nparams[sq_sc_enter_evt[nr]] != (enter == SQ_KIND_FD ? 1 : 0)) ||
		    (exit != SQ_KIND_GENERIC &&
		     sq_event_nparams[sq_sc_enter_evt[nr] + 1] != (exit == SQ_KIND_RES ? 1 : 0)))
			continue;
		sq_enter_kind[nr] = enter;
		sq_exit_kind[nr] = exit;
		emitted++;
	}
	pr_info("sysql: events for %d syscalls of the table\n", emitted);
	for_each_kernel_tracepoint(sq_find_tracepoint, NULL);
	if (!sq_tp_sys_enter || !sq_tp_sys_exit || !sq_tp_process_exit) {
		pr_err("sysql: the kernel has no sys_enter, sys_exit or sched_process_exit "
		       "tracepoint "
		       "(CONFIG_HAVE_SYSCALL_TRACEPOINTS)\n");
		return -ENODEV;
	}
	return misc_register(&sq_device);
}

static void __exit sq_exit(void)
{
	misc_deregister(&sq_device);
	rcu_barrier(); /* a replaced thread filter's free has run */
}

module_init(sq_init);
module_exit(sq_exit);
