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
 * Every event is built by the eBPF probe's own fillers (the ../bpf/ headers),
 * compiled here through sysql_bpf_api.h (the probe's helpers in kernel
 * terms): the same syscall table rows pick the same fillers, which write the
 * same parameters; only where an event is built (this CPU's scratch area) and
 * sent (this CPU's ring) is the module's own.
 */
#include <linux/bsearch.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/kernfs.h>
#include <linux/kprobes.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/tty.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vmalloc.h>
#include <net/af_unix.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <asm/syscall.h>

#include "sysql_event.h"
#include "sysql_kmod.h"
#include "sysql_probe.h"
#include "sysql_bpf_api.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sysql: system calls as sysdig-encoded events in per-CPU rings");

struct sq_ring {
	struct sq_kmod_ring_ctl *ctl; /* the control page, then the data */
	u8 *data;
	struct sq_scratch_buf *scratch; /* where a probe builds an event */
};

static DEFINE_MUTEX(sq_open_lock);
static bool sq_opened;
static struct sq_ring *sq_rings; /* one per possible CPU while open */
static unsigned int sq_nrings;
static pid_t sq_reader_tgid;
/* capture_on, snaplen and sched_events_on: the probe's configuration, under the probe's names (the
 * fillers read sq_cfg.snaplen and sq_cfg.sched_events_on) */
static struct sq_probe_config sq_cfg;
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

/*
 * Each thread group's name as sysql gives it (proc.name, like sysdig): its comm at exec, at fork the forking
 * thread's, kept when a thread renames itself (memcached's workers become mc-worker); what the comm filter
 * compares, as the probe's sq_proc_names map. Direct-mapped by tgid and allocated at open, so that a probe
 * never allocates: a group whose slot another took, or older than the open, falls back to its leader's comm.
 * Written by the sched probes (exec, fork of a process, a group's end) under sq_names_lock, read by every
 * probe without a lock (each slot's seqcount says whether a read saw a whole name).
 */
#define SQ_NAME_SLOTS 65536
struct sq_name_slot {
	seqcount_t seq;
	u32 tgid;
	char comm[SQ_COMM_LEN];
};
static struct sq_name_slot *sq_names;
static DEFINE_RAW_SPINLOCK(sq_names_lock);

static void sq_name_write(u32 slot_of, u32 tgid, const char *comm)
{
	struct sq_name_slot *slot = &sq_names[slot_of & (SQ_NAME_SLOTS - 1)];
	unsigned long flags;

	raw_spin_lock_irqsave(&sq_names_lock, flags);
	if (comm || slot->tgid == slot_of) {
		raw_write_seqcount_begin(&slot->seq);
		slot->tgid = tgid;
		if (comm)
			strscpy_pad(slot->comm, comm, SQ_COMM_LEN);
		else
			memset(slot->comm, 0, SQ_COMM_LEN);
		raw_write_seqcount_end(&slot->seq);
	}
	raw_spin_unlock_irqrestore(&sq_names_lock, flags);
}

static void sq_name_set(u32 tgid, const char *comm)
{
	sq_name_write(tgid, tgid, comm);
}

/* Empties tgid's slot, unless another group has taken it. */
static void sq_name_forget(u32 tgid)
{
	sq_name_write(tgid, 0, NULL);
}

/* The name of task's thread group into comm (SQ_COMM_LEN bytes, NUL padded). */
static void sq_proc_name(struct task_struct *task, char *comm)
{
	struct sq_name_slot *slot = &sq_names[task->tgid & (SQ_NAME_SLOTS - 1)];
	unsigned int seq;
	bool known;

	do {
		seq = raw_read_seqcount_begin(&slot->seq);
		known = slot->tgid == (u32)task->tgid;
		if (known)
			memcpy(comm, slot->comm, SQ_COMM_LEN);
	} while (read_seqcount_retry(&slot->seq, seq));
	if (!known)
		strscpy_pad(comm, task->group_leader->comm, SQ_COMM_LEN);
}

/* Copies one event (len bytes) into this CPU's ring, or counts it lost. Preemption is off (a probe), so
 * the ring is this CPU's alone. */
static void sq_ring_write(struct sq_ring *r, const void *event, u32 len)
{
	struct sq_kmod_ring_ctl *ctl = r->ctl;
	u32 reclen = SQ_KMOD_ALIGN(sizeof(struct sq_kmod_record) + len);
	u64 head = ctl->head, tail = READ_ONCE(ctl->tail), off, room;
	struct sq_kmod_record *rec;

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
	rec = (struct sq_kmod_record *)(r->data + off);
	rec->len = len;
	rec->reserved = 0;
	memcpy(rec + 1, event, len);
	ctl->stats.events++;
	ctl->stats.bytes += len;
	/* the record's bytes before the head that publishes them */
	smp_store_release(&ctl->head, head + reclen);
}

/* The module's side of event building (the probe's is ../bpf/event_output.bpf.h): this CPU's scratch
 * area, then its ring. */
#include "event_builder.bpf.h"

static __always_inline bool sq_evt_begin(struct sq_evt *e, __u16 type, __u32 nparams)
{
	unsigned int cpu = smp_processor_id();

	if (cpu >= sq_nrings)
		return false;
	sq_evt_init(e, sq_rings[cpu].scratch->data, ktime_get_real_ns(), current->pid, type,
		    nparams);
	return true;
}

static __always_inline void sq_evt_submit(struct sq_evt *e)
{
	struct sq_ring *r = &sq_rings[smp_processor_id()];
	struct sq_evt_hdr *h = (struct sq_evt_hdr *)e->buf;

	if (e->off > SQ_EVENT_MAX_SIZE || e->idx != e->nparams) {
		r->ctl->stats.drops_invalid++;
		return;
	}
	h->ts = e->ts;
	h->tid = e->tid;
	h->len = e->off;
	h->type = e->type;
	h->nparams = e->nparams;
	sq_ring_write(r, e->buf, e->off);
}

#include "flags.bpf.h"
#include "task.bpf.h"
#include "sockets.bpf.h"
#include "proc_info.bpf.h"
#include "fillers_common.bpf.h"
#include "fillers_file.bpf.h"
#include "fillers_io.bpf.h"
#include "fillers_net.bpf.h"
#include "fillers_proc.bpf.h"
#include "fillers_misc.bpf.h"

/* Per syscall number, its table row's fillers (NULL: generic, GENERIC_ARGS_E/X), as the probe's tail-call
 * tables hold them. */
typedef int (*sq_filler_fn)(struct pt_regs *regs, long arg);

static const sq_filler_fn sq_enter_fillers[SQ_SYSCALL_TABLE_SIZE] = {
#define SQ_SYSCALL(nr, native, sc, event, flags, enter_filler, exit_filler) \
	[nr] = sq_e_##enter_filler,
#include "sysql_syscall_table.h"
#undef SQ_SYSCALL
};

static const sq_filler_fn sq_exit_fillers[SQ_SYSCALL_TABLE_SIZE] = {
#define SQ_SYSCALL(nr, native, sc, event, flags, enter_filler, exit_filler) \
	[nr] = sq_x_##exit_filler,
#include "sysql_syscall_table.h"
#undef SQ_SYSCALL
};

static void sq_count_filtered(unsigned int events)
{
	unsigned int cpu = smp_processor_id();

	if (cpu < sq_nrings)
		sq_rings[cpu].ctl->stats.filtered += events;
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

static bool sq_comm_hit(const struct sq_threads *t, struct task_struct *task)
{
	char comm[SQ_COMM_LEN];
	u32 i;

	sq_proc_name(task, comm);
	for (i = 0; i < t->ncomms; i++)
		if (!memcmp(comm, t->comms[i], SQ_COMM_LEN))
			return true;
	return false;
}

/* True if the thread must not be captured: the eBPF probe's sq_skip_thread, over the same settings. */
static bool sq_skip_thread(struct task_struct *task)
{
	const struct sq_threads *t;
	bool pid_hit, comm_on;

	if (task->tgid == sq_reader_tgid)
		return true;
	t = rcu_dereference_sched(sq_threads);
	if (!t || (t->pid_filter_mode == SQ_PID_FILTER_OFF && !t->ncomms))
		return false;
	comm_on = t->ncomms > 0;
	pid_hit = t->pid_filter_mode != SQ_PID_FILTER_OFF && sq_pid_hit(t, task->pid, task->tgid);
	if (t->pid_filter_mode == SQ_PID_FILTER_EXCLUDE)
		return pid_hit || (comm_on && !sq_comm_hit(t, task));
	if (pid_hit)
		return false;
	return !(comm_on && sq_comm_hit(t, task));
}

/* Whether syscall id of the current thread is captured; if the filters leave it out, filtered_events are
 * counted (the events it would have given that nothing else will look at). */
static bool sq_wanted(long id, unsigned int filtered_events)
{
	if (!READ_ONCE(sq_cfg.capture_on) || id < 0 || id >= SQ_SYSCALL_TABLE_SIZE)
		return false;
	if (current->tgid == sq_reader_tgid)
		return false;
	if (!READ_ONCE(sq_interest[id]) || sq_skip_thread(current)) {
		sq_count_filtered(filtered_events);
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

/* The syscall's enter and exit events, by its table row's fillers (preemption off, a wanted syscall). */
static void sq_emit_enter(struct pt_regs *regs, long id)
{
	sq_filler_fn filler = sq_enter_fillers[id];

	if (filler)
		filler(regs, id);
	else
		sq_emit_generic_enter(regs, id);
}

static void sq_emit_exit(struct pt_regs *regs, long id, long ret)
{
	sq_filler_fn filler = sq_exit_fillers[id];

	if (filler)
		filler(regs, ret);
	else
		sq_emit_generic_exit(id, ret);
}

/*
 * How the syscall set is caught (SET_CATCH): 0 while the sys_enter/sys_exit tracepoints catch it, else the
 * generation of the kretprobes on the set's functions that do. A probe whose way is not the current one
 * returns at once, so that no call is captured twice while the way changes.
 */
static unsigned long sq_catch_gen;

/* The dispatchers: the probe's sq_sys_enter / sq_sys_exit, the table's fillers called instead of
 * tail-called. Preemption stays off while an event is built in this CPU's scratch area (a tracepoint
 * probe runs so on 6.1; later kernels may call syscall tracepoints' probes preemptible). */
static void sq_probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
	if (READ_ONCE(sq_catch_gen))
		return;
	preempt_disable_notrace();
	if (sq_wanted(id, 1))
		sq_emit_enter(regs, id);
	preempt_enable_notrace();
}

static void sq_probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	long id = syscall_get_nr(current, regs);

	if (READ_ONCE(sq_catch_gen))
		return;
	preempt_disable_notrace();
	if (sq_wanted(id, 1))
		sq_emit_exit(regs, id, ret);
	preempt_enable_notrace();
}

/* The child's clone/fork/vfork/clone3 exit event (res 0), built from the child while the parent is still
 * in the syscall: the probe's sq_sched_process_fork. */
static void sq_probe_process_fork(void *data, struct task_struct *parent, struct task_struct *child)
{
	struct pt_regs *pregs = task_pt_regs(parent);
	long id = SQ_NR_clone, nr;
	struct sq_evt e;

	if (child->pid == child->tgid)
		sq_name_set(child->tgid,
			    child->comm); /* a new process: named as its clone event names it */
	if (!READ_ONCE(sq_cfg.capture_on) || !READ_ONCE(sq_cfg.sched_events_on) ||
	    (child->flags & PF_KTHREAD))
		return;
	preempt_disable_notrace();
	if (sq_skip_thread(child)) {
		sq_count_filtered(1);
		goto out;
	}
	nr = syscall_get_nr(parent, pregs);
	if (nr == SQ_NR_fork || nr == SQ_NR_vfork || nr == SQ_NR_clone3)
		id = nr;
	if (!READ_ONCE(sq_interest[id])) {
		sq_count_filtered(1);
		goto out;
	}
	if (!sq_evt_begin(&e, sq_clone_exit_type(id), SQ_NP_CLONE_FAMILY_X))
		goto out;
	e.tid = child->pid;
	sq_fill_clone_x(&e, child, 0, sq_clone_kflags(pregs, id));
	sq_evt_submit(&e);
out:
	preempt_enable_notrace();
}

/* A thread's end: PROCEXIT_1_E, as the probe's sq_sched_process_exit builds it. */
static void sq_probe_process_exit(void *data, struct task_struct *p)
{
	struct sq_evt e;

	if (!READ_ONCE(sq_cfg.capture_on) || !READ_ONCE(sq_cfg.sched_events_on) ||
	    (p->flags & PF_KTHREAD))
		goto forget;
	preempt_disable_notrace();
	if (sq_skip_thread(current)) {
		sq_count_filtered(1);
		goto out;
	}
	if (!SQ_EVT_BEGIN(&e, PROCEXIT_1_E))
		goto out;
	sq_fill_procexit(&e, p->exit_code);
	sq_evt_submit(&e);
out:
	preempt_enable_notrace();
forget:
	/* the group's last thread: its name goes, once its end was filtered by it */
	if (atomic_read(&p->signal->live) == 0)
		sq_name_forget(p->tgid);
}

/* The syscall table's rows: every one has its events (its fillers, or GENERIC_ARGS). */
static const int sq_table_rows = 0
#define SQ_SYSCALL(nr, native, sc, event, flags, enter_filler, exit_filler) +1
#include "sysql_syscall_table.h"
#undef SQ_SYSCALL
	;

/* A process's new name at exec: the comm the kernel has just given it. */
static void sq_probe_process_exec(void *data, struct task_struct *p, pid_t old_pid,
				  struct linux_binprm *bprm)
{
	sq_name_set(p->tgid, p->comm);
}

/* The tracepoints the module hooks while the device is open, and their probes (the first SQ_SYSCALL_HOOKS
 * only while they catch the syscall set). */
static struct sq_hook {
	const char *name;
	void *probe;
	struct tracepoint *tp; /* found at module init */
	bool registered;
} sq_hooks[] = {
	{"sys_enter", sq_probe_sys_enter},
	{"sys_exit", sq_probe_sys_exit},
	{"sched_process_fork", sq_probe_process_fork},
	{"sched_process_exit", sq_probe_process_exit},
	{"sched_process_exec", sq_probe_process_exec},
};
#define SQ_SYSCALL_HOOKS 2

static void sq_find_tracepoint(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(sq_hooks); i++)
		if (!strcmp(tp->name, sq_hooks[i].name))
			sq_hooks[i].tp = tp;
}

/* Registers hooks first..end-1: 0, or the error (none of them registered then). */
static int sq_hook(int first, int end)
{
	int i, err;

	for (i = first; i < end; i++) {
		err = tracepoint_probe_register(sq_hooks[i].tp, sq_hooks[i].probe, NULL);
		if (err) {
			while (i-- > first) {
				tracepoint_probe_unregister(sq_hooks[i].tp, sq_hooks[i].probe,
							    NULL);
				sq_hooks[i].registered = false;
			}
			tracepoint_synchronize_unregister();
			return err;
		}
		sq_hooks[i].registered = true;
	}
	return 0;
}

/* Unregisters the registered ones of hooks first..end-1 and waits until none of their probes runs. */
static void sq_unhook(int first, int end)
{
	int i;

	for (i = first; i < end; i++) {
		if (sq_hooks[i].registered)
			tracepoint_probe_unregister(sq_hooks[i].tp, sq_hooks[i].probe, NULL);
		sq_hooks[i].registered = false;
	}
	tracepoint_synchronize_unregister();
}

/*
 * A small syscall set caught by its syscalls' own functions (SET_CATCH): while a probe is on sys_enter or
 * sys_exit, every syscall of every task takes the kernel's slow path into the probe only to be filtered
 * out; a kretprobe on each __x64_sys_<name> of the set (ftrace's entry hook, the kernel's return hook)
 * leaves every other syscall untraced. The handlers build the same events from the same registers (the
 * task's saved user registers, as the tracepoints pass them), through the same checks.
 */
#ifdef CONFIG_KRETPROBES
struct sq_fn_probe {
	struct kretprobe rp;
	unsigned long gen; /* sq_catch_gen while it catches */
	int missed_seen; /* of rp.nmissed, what is counted in drops_full already */
	char symbol[64];
};

static struct sq_fn_probes {
	struct sq_fn_probe *probes;
	struct kretprobe **rps;
	int n;
} sq_fn;
static unsigned long sq_fn_last_gen;

/* Per syscall number, its name: its kernel function is __x64_sys_<name>. */
static const char *const sq_syscall_names[SQ_SYSCALL_TABLE_SIZE] = {
#define SQ_SYSCALL(nr, native, sc, event, flags, enter_filler, exit_filler) [nr] = #native,
#include "sysql_syscall_table.h"
#undef SQ_SYSCALL
};

static struct sq_fn_probe *sq_fn_probe_of(struct kretprobe_instance *ri)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
	return container_of(get_kretprobe(ri), struct sq_fn_probe, rp);
#else
	return container_of(ri->rp, struct sq_fn_probe, rp);
#endif
}

/* A call that found every kretprobe instance taken (maxactive calls in flight) lost both its events: the
 * misses since the last look go into this CPU's drops_full (preemption off). */
static void sq_fn_count_missed(struct sq_fn_probe *p)
{
	int seen = READ_ONCE(p->missed_seen), now = READ_ONCE(p->rp.nmissed);
	unsigned int cpu = smp_processor_id();

	if (now != seen && cpu < sq_nrings && cmpxchg(&p->missed_seen, seen, now) == seen)
		sq_rings[cpu].ctl->stats.drops_full += 2 * (u64)(unsigned int)(now - seen);
}

/* At the function's entry: the enter event; the return is hooked only for a call that is captured. */
static int sq_fn_enter(struct kretprobe_instance *ri, struct pt_regs *fn_regs)
{
	struct sq_fn_probe *p = sq_fn_probe_of(ri);
	struct pt_regs *regs = task_pt_regs(current);
	long id = syscall_get_nr(current, regs);
	bool wanted;

	if (p->gen != READ_ONCE(sq_catch_gen))
		return 1;
	preempt_disable_notrace();
	sq_fn_count_missed(p);
	/* left out: its exit too, which nothing will look at */
	wanted = sq_wanted(id, 2);
	if (wanted)
		sq_emit_enter(regs, id);
	preempt_enable_notrace();
	return wanted ? 0 : 1;
}

/* At the function's return: the exit event, with the value it returns. */
static int sq_fn_exit(struct kretprobe_instance *ri, struct pt_regs *fn_regs)
{
	struct sq_fn_probe *p = sq_fn_probe_of(ri);
	struct pt_regs *regs = task_pt_regs(current);
	long id = syscall_get_nr(current, regs);

	if (p->gen != READ_ONCE(sq_catch_gen))
		return 0;
	preempt_disable_notrace();
	if (sq_wanted(id, 1))
		sq_emit_exit(regs, id, regs_return_value(fn_regs));
	preempt_enable_notrace();
	return 0;
}

/* Unregisters fn's kretprobes (none of their handlers runs after), counts their last misses, frees them. */
static void sq_fn_free(struct sq_fn_probes *fn)
{
	int i;

	if (!fn->n)
		return;
	unregister_kretprobes(fn->rps, fn->n);
	preempt_disable();
	for (i = 0; i < fn->n; i++)
		sq_fn_count_missed(&fn->probes[i]);
	preempt_enable();
	kfree(fn->rps);
	kfree(fn->probes);
	memset(fn, 0, sizeof(*fn));
}

/* Kretprobes on the functions of the syscall set as it is now, registered but not catching yet (their
 * generation is not sq_catch_gen): 0, or the error. */
static int sq_fn_register(struct sq_fn_probes *fn)
{
	int nr, n = 0, i = 0, err;

	for (nr = 0; nr < SQ_SYSCALL_TABLE_SIZE; nr++)
		if (READ_ONCE(sq_interest[nr]) && ++n > SQ_NARROW_MAX)
			return -E2BIG;
	if (!n)
		return -EINVAL;
	fn->probes = kcalloc(n, sizeof(*fn->probes), GFP_KERNEL);
	fn->rps = kcalloc(n, sizeof(*fn->rps), GFP_KERNEL);
	if (!fn->probes || !fn->rps) {
		err = -ENOMEM;
		goto fail;
	}
	if (++sq_fn_last_gen == 0)
		++sq_fn_last_gen;
	for (nr = 0; nr < SQ_SYSCALL_TABLE_SIZE; nr++) {
		struct sq_fn_probe *p = &fn->probes[i];

		if (!READ_ONCE(sq_interest[nr]))
			continue;
		if (!sq_syscall_names[nr] || i == n) {
			err = -ENOENT;
			goto fail;
		}
		snprintf(p->symbol, sizeof(p->symbol), "__x64_sys_%s", sq_syscall_names[nr]);
		p->rp.kp.symbol_name = p->symbol;
		p->rp.entry_handler = sq_fn_enter;
		p->rp.handler = sq_fn_exit;
		/* calls of the syscall in flight at once, a blocked read or accept among them */
		p->rp.maxactive = max_t(int, 256, 16 * num_possible_cpus());
		p->gen = sq_fn_last_gen;
		fn->rps[i++] = &p->rp;
	}
	fn->n = i;
	err = register_kretprobes(fn->rps, fn->n);
	if (err == 0)
		return 0;
fail:
	kfree(fn->rps);
	kfree(fn->probes);
	memset(fn, 0, sizeof(*fn));
	return err;
}
#endif

/* The tracepoints catch the syscall set (again): 0, or the error (the way stays as it was). Under
 * sq_open_lock. */
static int sq_catch_by_tracepoints(void)
{
	int err;

	if (!READ_ONCE(sq_catch_gen))
		return 0;
	err = sq_hook(0, SQ_SYSCALL_HOOKS);
	if (err)
		return err;
	WRITE_ONCE(sq_catch_gen, 0);
#ifdef CONFIG_KRETPROBES
	sq_fn_free(&sq_fn);
#endif
	return 0;
}

/* SET_CATCH: the syscall set caught by the tracepoints or by its functions (sysql_kmod.h). Under
 * sq_open_lock. */
static int sq_set_catch(u32 how)
{
#ifdef CONFIG_KRETPROBES
	struct sq_fn_probes next = {0}, old = sq_fn;
	int err;

	if (how == SQ_KMOD_CATCH_TRACEPOINTS)
		return sq_catch_by_tracepoints();
	if (how != SQ_KMOD_CATCH_FUNCTIONS)
		return -EINVAL;
	err = sq_fn_register(&next);
	if (err) {
		sq_catch_by_tracepoints();
		return err;
	}
	/* the new kretprobes catch from here; then the old way goes */
	WRITE_ONCE(sq_catch_gen, next.probes[0].gen);
	sq_fn = next;
	if (old.n)
		sq_fn_free(&old);
	else
		sq_unhook(0, SQ_SYSCALL_HOOKS);
	return 0;
#else
	return how == SQ_KMOD_CATCH_TRACEPOINTS ? sq_catch_by_tracepoints() : -EOPNOTSUPP;
#endif
}

static void sq_free_rings(void)
{
	unsigned int cpu;

	vfree(sq_names);
	sq_names = NULL;
	if (!sq_rings)
		return;
	for (cpu = 0; cpu < sq_nrings; cpu++) {
		vfree(sq_rings[cpu].ctl);
		vfree(sq_rings[cpu].scratch);
	}
	kfree(sq_rings);
	sq_rings = NULL;
	sq_nrings = 0;
}

static int sq_open(struct inode *inode, struct file *f)
{
	unsigned int cpu, n = nr_cpu_ids;
	int err, i;

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
		sq_rings[cpu].scratch = vmalloc(sizeof(struct sq_scratch_buf));
		if (!sq_rings[cpu].scratch) {
			err = -ENOMEM;
			goto out;
		}
	}
	sq_names = vzalloc(array_size(SQ_NAME_SLOTS, sizeof(*sq_names)));
	if (!sq_names) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < SQ_NAME_SLOTS; i++)
		seqcount_init(&sq_names[i].seq);
	sq_reader_tgid = current->tgid;
	/* every syscall of every thread but the reader's, as the eBPF probe after sq_open */
	WRITE_ONCE(sq_cfg.capture_on, 0);
	WRITE_ONCE(sq_cfg.snaplen, SQ_SNAPLEN_DEFAULT);
	WRITE_ONCE(sq_cfg.sched_events_on, 1);
	memset(sq_interest, 1, sizeof(sq_interest));
	sq_free_threads(rcu_replace_pointer(sq_threads, NULL, lockdep_is_held(&sq_open_lock)));
	WRITE_ONCE(sq_catch_gen, 0);
	err = sq_hook(0, ARRAY_SIZE(sq_hooks));
	if (err)
		goto out;
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
	WRITE_ONCE(sq_cfg.capture_on, 0);
	/* no probe runs past this point: the rings can go */
#ifdef CONFIG_KRETPROBES
	sq_fn_free(&sq_fn);
#endif
	sq_unhook(0, ARRAY_SIZE(sq_hooks));
	WRITE_ONCE(sq_catch_gen, 0);
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
		WRITE_ONCE(sq_cfg.capture_on, 1);
		return 0;
	case SQ_KMOD_IOCTL_STOP:
		WRITE_ONCE(sq_cfg.capture_on, 0);
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
	case SQ_KMOD_IOCTL_SET_CATCH: {
		u32 how;
		int err;

		if (get_user(how, (u32 __user *)arg))
			return -EFAULT;
		mutex_lock(&sq_open_lock);
		err = sq_set_catch(how);
		mutex_unlock(&sq_open_lock);
		return err;
	}
	case SQ_KMOD_IOCTL_SET_SCHED_EVENTS: {
		u32 on;

		if (get_user(on, (u32 __user *)arg))
			return -EFAULT;
		WRITE_ONCE(sq_cfg.sched_events_on, on ? 1 : 0);
		return 0;
	}
	case SQ_KMOD_IOCTL_SET_SNAPLEN: {
		u32 snaplen;

		if (get_user(snaplen, (u32 __user *)arg))
			return -EFAULT;
		if (snaplen == 0 || snaplen > SQ_SNAPLEN_MAX)
			return -EINVAL;
		WRITE_ONCE(sq_cfg.snaplen, snaplen);
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
	int i;

	for_each_kernel_tracepoint(sq_find_tracepoint, NULL);
	for (i = 0; i < ARRAY_SIZE(sq_hooks); i++) {
		if (!sq_hooks[i].tp) {
			pr_err("sysql: the kernel has no %s tracepoint "
			       "(CONFIG_HAVE_SYSCALL_TRACEPOINTS, "
			       "CONFIG_TRACEPOINTS)\n",
			       sq_hooks[i].name);
			return -ENODEV;
		}
	}
	pr_info("sysql: events for %d syscalls of the table, built by the eBPF probe's fillers\n",
		sq_table_rows);
	return misc_register(&sq_device);
}

static void __exit sq_exit(void)
{
	misc_deregister(&sq_device);
	rcu_barrier(); /* a replaced thread filter's free has run */
}

module_init(sq_init);
module_exit(sq_exit);
