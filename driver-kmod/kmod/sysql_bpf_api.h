/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The eBPF probe's programming interface in kernel terms, so that the
 * module compiles the probe's fillers (the ../bpf/ headers) as they are: one
 * source for how every event is built.
 *
 * - Kernel memory is read as the probe reads it: never trusting a pointer.
 *   BPF_CORE_READ(p, a, b, c) is p->a->b->c with every hop read by
 *   copy_from_kernel_nofault (a bad or NULL pointer reads as 0, as
 *   bpf_probe_read_kernel gives), user memory by the *_nofault user copies
 *   (never sleeping: a page not present reads as a fault, as in the probe).
 * - bpf_loop calls its callback in a plain loop; the helpers that name the
 *   current task, CPU and time are their kernel functions.
 * - The pt_regs of a syscall are the task's own: read directly.
 *
 * Included after the kernel headers and before the probe's headers, with
 * SQ_KERNEL_MODULE defined (Kbuild).
 */
#ifndef SYSQL_BPF_API_H
#define SYSQL_BPF_API_H

#include <linux/compiler.h>
#include <linux/string.h>
#include <linux/uaccess.h>

/* One hop: the value of lvalue lv, or 0 if its memory cannot be read. */
#define SQ_KREAD(lv)                                                          \
	({                                                                    \
		__unqual_scalar_typeof(lv) __sq_v;                            \
		if (copy_from_kernel_nofault(&__sq_v, &(lv), sizeof(__sq_v))) \
			memset(&__sq_v, 0, sizeof(__sq_v));                   \
		__sq_v;                                                       \
	})

#define SQ_CR1(s, a) SQ_KREAD((s)->a)
#define SQ_CR2(s, a, b) SQ_KREAD(SQ_CR1(s, a)->b)
#define SQ_CR3(s, a, b, c) SQ_KREAD(SQ_CR2(s, a, b)->c)
#define SQ_CR4(s, a, b, c, d) SQ_KREAD(SQ_CR3(s, a, b, c)->d)
#define SQ_CR5(s, a, b, c, d, e) SQ_KREAD(SQ_CR4(s, a, b, c, d)->e)
#define SQ_CR_PICK(_1, _2, _3, _4, _5, N, ...) N
#define BPF_CORE_READ(s, ...) \
	SQ_CR_PICK(__VA_ARGS__, SQ_CR5, SQ_CR4, SQ_CR3, SQ_CR2, SQ_CR1)(s, __VA_ARGS__)

#define bpf_core_read(dst, n, src) copy_from_kernel_nofault(dst, src, n)
#define bpf_probe_read_kernel(dst, n, src) copy_from_kernel_nofault(dst, src, n)
#define bpf_probe_read_kernel_str(dst, n, src) sq_kernel_str_nofault((char *)(dst), src, n)
#define bpf_probe_read_user(dst, n, src) copy_from_user_nofault(dst, (const void __user *)(src), n)
#define bpf_probe_read_user_str(dst, n, src) \
	sq_user_str_nofault((char *)(dst), (const void __user *)(src), n)

/*
 * The string helpers' contract (bpf_probe_read_*_str): at most n bytes, the
 * last one a NUL; returns the bytes written with the NUL, or a negative error
 * (dst then holds an empty string). The kernel's own strncpy_from_*_nofault
 * are not exported to modules.
 */
static __always_inline long sq_user_str_nofault(char *dst, const void __user *src, long n)
{
	long r;

	if (n <= 0)
		return 0;
	pagefault_disable();
	r = strncpy_from_user(dst, src, n);
	pagefault_enable();
	if (r < 0) {
		dst[0] = 0;
		return r;
	}
	if (r >= n) {
		dst[n - 1] = 0;
		return n;
	}
	return r + 1;
}

static __always_inline long sq_kernel_str_nofault(char *dst, const void *src, long n)
{
	long i;
	char c;

	if (n <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (copy_from_kernel_nofault(&c, (const char *)src + i, 1)) {
			dst[0] = 0;
			return -EFAULT;
		}
		dst[i] = c;
		if (!c)
			return i + 1;
	}
	dst[n - 1] = 0;
	return n;
}

/* The probe's global functions (verified once): plain functions here. */
#define __noinline noinline

#define SQ_REGS_READ(regs, reg) ((regs)->reg)
#define bpf_get_current_task() current
#define bpf_get_current_task_btf() current
#define bpf_task_pt_regs(t) task_pt_regs(t)
#define bpf_get_current_pid_tgid() (((u64)current->tgid << 32) | (u32)current->pid)
#define bpf_ntohs(v) ntohs(v)

/* A bound the verifier needs: nothing to hide from a compiler here, but kept opaque alike. */
#define barrier_var(v) OPTIMIZER_HIDE_VAR(v)

static __always_inline long bpf_loop(u32 n, long (*cb)(u32 i, void *ctx), void *ctx, u64 flags)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (cb(i, ctx))
			return i + 1;
	return n;
}

#endif
