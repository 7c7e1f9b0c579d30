/* SPDX-License-Identifier: GPL-2.0 */
/* Fillers of file-system syscalls (open family, paths, metadata). */
#ifndef SQ_FILLERS_FILE_BPF_H
#define SQ_FILLERS_FILE_BPF_H

SQ_ENTER(open)
{
	struct sq_evt e;
	__u64 flags = SQ_ARG(1);

	if (!SQ_EVT_BEGIN(&e, SYSCALL_OPEN_E))
		return 0;
	sq_push_user_str(&e, SQ_PTR(0));
	sq_push_u32(&e, sq_open_flags(flags));
	sq_push_u32(&e, sq_open_mode(flags, SQ_ARG(2)));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(open)
{
	struct sq_evt e;
	__u64 flags = SQ_ARG(1);

	if (!SQ_EVT_BEGIN(&e, SYSCALL_OPEN_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_user_str(&e, SQ_PTR(0));
	sq_push_u32(&e, sq_open_flags(flags));
	sq_push_u32(&e, sq_open_mode(flags, SQ_ARG(2)));
	sq_push_u32(&e, sq_fd_dev(ret));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(creat)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_CREAT_E))
		return 0;
	sq_push_user_str(&e, SQ_PTR(0));
	sq_push_u32(&e, sq_open_mode(K_O_CREAT, SQ_ARG(1)));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(creat)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_CREAT_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_user_str(&e, SQ_PTR(0));
	sq_push_u32(&e, sq_open_mode(K_O_CREAT, SQ_ARG(1)));
	sq_push_u32(&e, sq_fd_dev(ret));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(openat)
{
	struct sq_evt e;
	__u64 flags = SQ_ARG(2);

	if (!SQ_EVT_BEGIN(&e, SYSCALL_OPENAT_2_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_user_str(&e, SQ_PTR(1));
	sq_push_u32(&e, sq_open_flags(flags));
	sq_push_u32(&e, sq_open_mode(flags, SQ_ARG(3)));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(openat)
{
	struct sq_evt e;
	__u64 flags = SQ_ARG(2);

	if (!SQ_EVT_BEGIN(&e, SYSCALL_OPENAT_2_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_user_str(&e, SQ_PTR(1));
	sq_push_u32(&e, sq_open_flags(flags));
	sq_push_u32(&e, sq_open_mode(flags, SQ_ARG(3)));
	sq_push_u32(&e, sq_fd_dev(ret));
	sq_evt_submit(&e);
	return 0;
}

/* struct open_how of openat2(2) */
struct sq_open_how {
	__u64 flags;
	__u64 mode;
	__u64 resolve;
};

static __always_inline void sq_openat2_common(struct sq_evt *e, struct pt_regs *regs)
{
	struct sq_open_how how = {};

	bpf_probe_read_user(&how, sizeof(how), SQ_PTR(2));
	sq_push_s64(e, SQ_FD(SQ_ARG(0)));
	sq_push_user_str(e, SQ_PTR(1));
	sq_push_u32(e, sq_open_flags(how.flags));
	sq_push_u32(e, sq_open_mode(how.flags, how.mode));
	sq_push_u32(e, sq_openat2_resolve(how.resolve));
}

SQ_ENTER(openat2)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_OPENAT2_E))
		return 0;
	sq_openat2_common(&e, regs);
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(openat2)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_OPENAT2_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_openat2_common(&e, regs);
	sq_evt_submit(&e);
	return 0;
}

/* Exit events: res + path(arg0): stat, lstat, chdir, getcwd, rmdir, unlink,
 * mkdir, access, chroot, umount (type from the syscall table). */
SQ_EXIT_ROW(res_path0, 2)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(sq_regs_id(regs)) + 1, SQ_FNP_x_res_path0))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_user_str(&e, SQ_PTR(0));
	sq_evt_submit(&e);
	return 0;
}

/* Exit events: res + path(arg0) + path(arg1): rename, link, symlink. */
SQ_EXIT_ROW(res_path01, 3)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(sq_regs_id(regs)) + 1, SQ_FNP_x_res_path01))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_user_str(&e, SQ_PTR(0));
	sq_push_user_str(&e, SQ_PTR(1));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(lseek)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_LSEEK_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u64(&e, SQ_ARG(1));
	sq_push_u8(&e, sq_lseek_whence(SQ_ARG(2)));
	sq_evt_submit(&e);
	return 0;
}

/* mkdir: sysdig always reports mode 0 on enter (autofill default). */
SQ_ENTER(mkdir)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_MKDIR_2_E))
		return 0;
	sq_push_u32(&e, 0);
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(mkdirat)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_MKDIRAT_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_user_str(&e, SQ_PTR(1));
	sq_push_u32(&e, (__u32)SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(unlinkat)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_UNLINKAT_2_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_user_str(&e, SQ_PTR(1));
	sq_push_u32(&e, sq_unlinkat_flags(SQ_ARG(2)));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(linkat)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_LINKAT_2_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_user_str(&e, SQ_PTR(1));
	sq_push_s64(&e, SQ_FD(SQ_ARG(2)));
	sq_push_user_str(&e, SQ_PTR(3));
	sq_push_u32(&e, sq_linkat_flags(SQ_ARG(4)));
	sq_evt_submit(&e);
	return 0;
}

/* renameat / renameat2 (flags only for the latter). */
SQ_EXIT(renameat)
{
	struct sq_evt e;
	bool two = sq_regs_id(regs) == SQ_NR_renameat2;

	if (!(two ? SQ_EVT_BEGIN(&e, SYSCALL_RENAMEAT2_X) : SQ_EVT_BEGIN(&e, SYSCALL_RENAMEAT_X)))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_user_str(&e, SQ_PTR(1));
	sq_push_s64(&e, SQ_FD(SQ_ARG(2)));
	sq_push_user_str(&e, SQ_PTR(3));
	if (two)
		sq_push_u32(&e, sq_renameat2_flags(SQ_ARG(4)));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(symlinkat)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_SYMLINKAT_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_user_str(&e, SQ_PTR(0));
	sq_push_s64(&e, SQ_FD(SQ_ARG(1)));
	sq_push_user_str(&e, SQ_PTR(2));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(chmod)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_CHMOD_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_user_str(&e, SQ_PTR(0));
	sq_push_u32(&e, sq_mode_bits(SQ_ARG(1)));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(fchmod)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_FCHMOD_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u32(&e, sq_mode_bits(SQ_ARG(1)));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(fchmodat)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_FCHMODAT_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_user_str(&e, SQ_PTR(1));
	sq_push_u32(&e, sq_mode_bits(SQ_ARG(2)));
	sq_evt_submit(&e);
	return 0;
}

/* chown / lchown: res, path, uid, gid */
SQ_EXIT_ROW(chown, 4)
{
	struct sq_evt e;

	if (!sq_evt_begin(&e, sq_enter_type(sq_regs_id(regs)) + 1, SQ_FNP_x_chown))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_user_str(&e, SQ_PTR(0));
	sq_push_u32(&e, (__u32)SQ_ARG(1));
	sq_push_u32(&e, (__u32)SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(fchown)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_FCHOWN_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u32(&e, (__u32)SQ_ARG(1));
	sq_push_u32(&e, (__u32)SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

/* newfstatat (the stat family): dirfd, path, flags; the struct stat is not kept. */
SQ_EXIT(newfstatat)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_NEWFSTATAT_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_user_str(&e, SQ_PTR(1));
	sq_push_u32(&e, sq_newfstatat_flags(SQ_ARG(3)));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(fchownat)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_FCHOWNAT_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_user_str(&e, SQ_PTR(1));
	sq_push_u32(&e, (__u32)SQ_ARG(2));
	sq_push_u32(&e, (__u32)SQ_ARG(3));
	sq_push_u32(&e, (__u32)SQ_ARG(4));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(access)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_ACCESS_E))
		return 0;
	sq_push_u32(&e, sq_access_flags(SQ_ARG(1)));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(mount)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_MOUNT_E))
		return 0;
	sq_push_u32(&e, sq_mount_flags(SQ_ARG(3)));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(mount)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_MOUNT_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_user_str(&e, SQ_PTR(0));
	sq_push_user_str(&e, SQ_PTR(1));
	sq_push_user_str(&e, SQ_PTR(2));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(umount)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_UMOUNT_E))
		return 0;
	sq_push_u32(&e, (__u32)SQ_ARG(1));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(flock)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_FLOCK_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u32(&e, sq_flock_flags(SQ_ARG(1)));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(fcntl)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_FCNTL_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u8(&e, sq_fcntl_cmd(SQ_ARG(1)));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(ioctl)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_IOCTL_3_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u64(&e, SQ_ARG(1));
	sq_push_u64(&e, SQ_ARG(2));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(memfd_create)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_MEMFD_CREATE_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_user_str(&e, SQ_PTR(0));
	sq_push_u32(&e, (__u32)SQ_ARG(1));
	sq_evt_submit(&e);
	return 0;
}

/* userfaultfd: res, flags (raw, as sysdig's autofill) */
SQ_EXIT(userfaultfd)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_USERFAULTFD_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_u32(&e, (__u32)SQ_ARG(0));
	sq_evt_submit(&e);
	return 0;
}

SQ_ENTER(copy_file_range)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_COPY_FILE_RANGE_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_u64(&e, SQ_ARG(1));
	sq_push_u64(&e, SQ_ARG(4));
	sq_evt_submit(&e);
	return 0;
}

SQ_EXIT(copy_file_range)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_COPY_FILE_RANGE_X))
		return 0;
	sq_push_s64(&e, ret);
	sq_push_s64(&e, SQ_FD(SQ_ARG(2)));
	sq_push_u64(&e, SQ_ARG(3));
	sq_evt_submit(&e);
	return 0;
}

/* splice: fd_in, fd_out, size, flags (raw, as sysdig's autofill) */
SQ_ENTER(splice)
{
	struct sq_evt e;

	if (!SQ_EVT_BEGIN(&e, SYSCALL_SPLICE_E))
		return 0;
	sq_push_s64(&e, SQ_FD(SQ_ARG(0)));
	sq_push_s64(&e, SQ_FD(SQ_ARG(2)));
	sq_push_u64(&e, SQ_ARG(4));
	sq_push_u32(&e, (__u32)SQ_ARG(5));
	sq_evt_submit(&e);
	return 0;
}

#endif
