/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The eBPF probe's side of event building (event_builder.bpf.h): an event
 * starts in this CPU's sq_scratch value and goes to its sq_rings ring;
 * counters in sq_stats. The kernel module has its own twins of these.
 */
#ifndef SQ_EVENT_OUTPUT_BPF_H
#define SQ_EVENT_OUTPUT_BPF_H

static __always_inline struct sq_cpu_stats *sq_stats_get(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&sq_stats, &zero);
}

static __always_inline void sq_count_filtered(void)
{
	struct sq_cpu_stats *s = sq_stats_get();
	if (s)
		s->filtered++;
}

static __always_inline void sq_count_invalid(void)
{
	struct sq_cpu_stats *s = sq_stats_get();
	if (s)
		s->drops_invalid++;
}

static __always_inline bool sq_evt_begin(struct sq_evt *e, __u16 type, __u32 nparams)
{
	__u32 cpu = bpf_get_smp_processor_id();

	e->buf = bpf_map_lookup_elem(&sq_scratch, &cpu);
	if (!e->buf) {
		sq_count_invalid();
		return false;
	}
	sq_evt_init(e, e->buf, bpf_ktime_get_boot_ns() + sq_cfg.boot_time_ns,
		    (__u32)bpf_get_current_pid_tgid(), type, nparams);
	return true;
}

static __always_inline void sq_evt_submit(struct sq_evt *e)
{
	struct sq_evt_hdr *h = (struct sq_evt_hdr *)e->buf;
	struct sq_cpu_stats *s = sq_stats_get();
	__u32 cpu = bpf_get_smp_processor_id();
	__u32 len = e->off;
	void *ring;

	if (len > SQ_EVENT_MAX_SIZE || e->idx != e->nparams) {
		if (s)
			s->drops_invalid++;
		return;
	}
	/* Keeps the `& SQ_HALF_MASK` below (a no-op after the check above, so the compiler would
	 * drop it): older verifiers (6.1) do not carry the check's bound over to the copy of len
	 * that bpf_ringbuf_output gets. */
	barrier_var(len);
	h->ts = e->ts;
	h->tid = e->tid;
	h->len = len;
	h->type = e->type;
	h->nparams = e->nparams;

	ring = bpf_map_lookup_elem(&sq_rings, &cpu);
	if (!ring) {
		if (s)
			s->drops_invalid++;
		return;
	}
	if (bpf_ringbuf_output(ring, e->buf, len & SQ_HALF_MASK, 0) != 0) {
		if (s)
			s->drops_full++;
		return;
	}
	if (s) {
		s->events++;
		s->bytes += len;
	}
}

#endif
