/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel flag values -> sysdig-encoded flags (include/sysql_flags.h), with
 * the semantics of sysdig's ppm_flag_helpers.h. vmlinux.h carries no macros,
 * so the x86_64 kernel constants are spelled out here (K_ prefix).
 */
#ifndef SQ_FLAGS_BPF_H
#define SQ_FLAGS_BPF_H

/* open(2) */
#define K_O_WRONLY 01
#define K_O_RDWR 02
#define K_O_CREAT 0100
#define K_O_EXCL 0200
#define K_O_TRUNC 01000
#define K_O_APPEND 02000
#define K_O_NONBLOCK 04000
#define K_O_DSYNC 010000
#define K_O_DIRECT 040000
#define K_O_LARGEFILE 0100000
#define K_O_DIRECTORY 0200000
#define K_O_CLOEXEC 02000000
#define K_O_SYNC (04000000 | K_O_DSYNC)
#define K_O_TMPFILE (020000000 | K_O_DIRECTORY)

static __always_inline __u32 sq_open_flags(__u64 f)
{
	__u32 r;

	switch (f & (K_O_WRONLY | K_O_RDWR)) {
	case K_O_WRONLY:
		r = SQ_O_WRONLY;
		break;
	case K_O_RDWR:
		r = SQ_O_RDWR;
		break;
	default:
		r = SQ_O_RDONLY;
		break;
	}
	if (f & K_O_CREAT)
		r |= SQ_O_CREAT;
	if (f & K_O_TMPFILE)
		r |= SQ_O_TMPFILE;
	if (f & K_O_APPEND)
		r |= SQ_O_APPEND;
	if (f & K_O_DSYNC)
		r |= SQ_O_DSYNC;
	if (f & K_O_EXCL)
		r |= SQ_O_EXCL;
	if (f & K_O_NONBLOCK)
		r |= SQ_O_NONBLOCK;
	if (f & K_O_SYNC)
		r |= SQ_O_SYNC;
	if (f & K_O_TRUNC)
		r |= SQ_O_TRUNC;
	if (f & K_O_DIRECT)
		r |= SQ_O_DIRECT;
	if (f & K_O_DIRECTORY)
		r |= SQ_O_DIRECTORY;
	if (f & K_O_LARGEFILE)
		r |= SQ_O_LARGEFILE;
	if (f & K_O_CLOEXEC)
		r |= SQ_O_CLOEXEC;
	return r;
}

/* The SQ_S_* bits are the kernel's permission bits (07777). */
static __always_inline __u32 sq_mode_bits(__u64 mode)
{
	return (__u32)(mode & 07777);
}

/* Mode of open/openat: only meaningful with O_CREAT or O_TMPFILE. */
static __always_inline __u32 sq_open_mode(__u64 flags, __u64 mode)
{
	if ((flags & (K_O_CREAT | K_O_TMPFILE)) == 0)
		return 0;
	return sq_mode_bits(mode);
}

static __always_inline __u32 sq_openat2_resolve(__u64 f)
{
	__u32 r = 0;

	if (f & 0x01)
		r |= SQ_RESOLVE_NO_XDEV;
	if (f & 0x02)
		r |= SQ_RESOLVE_NO_MAGICLINKS;
	if (f & 0x04)
		r |= SQ_RESOLVE_NO_SYMLINKS;
	if (f & 0x08)
		r |= SQ_RESOLVE_BENEATH;
	if (f & 0x10)
		r |= SQ_RESOLVE_IN_ROOT;
	if (f & 0x20)
		r |= SQ_RESOLVE_CACHED;
	return r;
}

/* clone(2) */
static __always_inline __u32 sq_clone_flags(__u64 f)
{
	__u32 r = 0;

	if (f & 0x00000400)
		r |= SQ_CL_CLONE_FILES;
	if (f & 0x00000200)
		r |= SQ_CL_CLONE_FS;
	if (f & 0x80000000)
		r |= SQ_CL_CLONE_IO;
	if (f & 0x08000000)
		r |= SQ_CL_CLONE_NEWIPC;
	if (f & 0x40000000)
		r |= SQ_CL_CLONE_NEWNET;
	if (f & 0x00020000)
		r |= SQ_CL_CLONE_NEWNS;
	if (f & 0x20000000)
		r |= SQ_CL_CLONE_NEWPID;
	if (f & 0x04000000)
		r |= SQ_CL_CLONE_NEWUTS;
	if (f & 0x00100000)
		r |= SQ_CL_CLONE_PARENT_SETTID;
	if (f & 0x00008000)
		r |= SQ_CL_CLONE_PARENT;
	if (f & 0x00002000)
		r |= SQ_CL_CLONE_PTRACE;
	if (f & 0x00000800)
		r |= SQ_CL_CLONE_SIGHAND;
	if (f & 0x00040000)
		r |= SQ_CL_CLONE_SYSVSEM;
	if (f & 0x00010000)
		r |= SQ_CL_CLONE_THREAD;
	if (f & 0x00800000)
		r |= SQ_CL_CLONE_UNTRACED;
	if (f & 0x00000100)
		r |= SQ_CL_CLONE_VM;
	if (f & 0x10000000)
		r |= SQ_CL_CLONE_NEWUSER;
	if (f & 0x00200000)
		r |= SQ_CL_CLONE_CHILD_CLEARTID;
	if (f & 0x01000000)
		r |= SQ_CL_CLONE_CHILD_SETTID;
	if (f & 0x00080000)
		r |= SQ_CL_CLONE_SETTLS;
	if (f & 0x00004000)
		r |= SQ_CL_CLONE_VFORK;
	if (f & 0x02000000)
		r |= SQ_CL_CLONE_NEWCGROUP;
	return r;
}

/* Address families: SQ_AF_* are the kernel's numbers; unknown ones are
 * AF_UNSPEC as in sysdig. */
static __always_inline __u8 sq_socket_family(__u64 fam)
{
	if (fam <= SQ_AF_NFC)
		return (__u8)fam;
	return SQ_AF_UNSPEC;
}

static __always_inline __u32 sq_prot_flags(__u64 p)
{
	__u32 r = 0;

	if (p & 0x1)
		r |= SQ_PROT_READ;
	if (p & 0x2)
		r |= SQ_PROT_WRITE;
	if (p & 0x4)
		r |= SQ_PROT_EXEC;
	if (p & 0x8)
		r |= SQ_PROT_SEM;
	if (p & 0x01000000)
		r |= SQ_PROT_GROWSDOWN;
	if (p & 0x02000000)
		r |= SQ_PROT_GROWSUP;
	return r;
}

static __always_inline __u32 sq_mmap_flags(__u64 f)
{
	__u32 r = 0;

	if (f & 0x01)
		r |= SQ_MAP_SHARED;
	if (f & 0x02)
		r |= SQ_MAP_PRIVATE;
	if (f & 0x10)
		r |= SQ_MAP_FIXED;
	if (f & 0x20)
		r |= SQ_MAP_ANONYMOUS;
	if (f & 0x40)
		r |= SQ_MAP_32BIT;
	if (f & 0x4000)
		r |= SQ_MAP_NORESERVE;
	if (f & 0x8000)
		r |= SQ_MAP_POPULATE;
	if (f & 0x10000)
		r |= SQ_MAP_NONBLOCK;
	if (f & 0x0100)
		r |= SQ_MAP_GROWSDOWN;
	if (f & 0x0800)
		r |= SQ_MAP_DENYWRITE;
	if (f & 0x1000)
		r |= SQ_MAP_EXECUTABLE;
	if (f & 0x2000)
		r |= SQ_MAP_LOCKED;
	return r;
}

static __always_inline __u8 sq_fcntl_cmd(__u64 cmd)
{
	switch (cmd) {
	case 0:
		return SQ_FCNTL_F_DUPFD;
	case 1:
		return SQ_FCNTL_F_GETFD;
	case 2:
		return SQ_FCNTL_F_SETFD;
	case 3:
		return SQ_FCNTL_F_GETFL;
	case 4:
		return SQ_FCNTL_F_SETFL;
	case 5:
		return SQ_FCNTL_F_GETLK;
	case 6:
		return SQ_FCNTL_F_SETLK;
	case 7:
		return SQ_FCNTL_F_SETLKW;
	case 8:
		return SQ_FCNTL_F_SETOWN;
	case 9:
		return SQ_FCNTL_F_GETOWN;
	case 10:
		return SQ_FCNTL_F_SETSIG;
	case 11:
		return SQ_FCNTL_F_GETSIG;
	case 15:
		return SQ_FCNTL_F_SETOWN_EX;
	case 16:
		return SQ_FCNTL_F_GETOWN_EX;
	case 1024:
		return SQ_FCNTL_F_SETLEASE;
	case 1025:
		return SQ_FCNTL_F_GETLEASE;
	case 1029:
		return SQ_FCNTL_F_CANCELLK;
	case 1030:
		return SQ_FCNTL_F_DUPFD_CLOEXEC;
	case 1026:
		return SQ_FCNTL_F_NOTIFY;
	case 1031:
		return SQ_FCNTL_F_SETPIPE_SZ;
	case 1032:
		return SQ_FCNTL_F_GETPIPE_SZ;
	case 36:
		return SQ_FCNTL_F_OFD_GETLK;
	case 37:
		return SQ_FCNTL_F_OFD_SETLK;
	case 38:
		return SQ_FCNTL_F_OFD_SETLKW;
	}
	return SQ_FCNTL_UNKNOWN;
}

#define K_SOL_SOCKET 1
#define K_SOL_TCP 6

static __always_inline __u8 sq_sockopt_level(__u64 level)
{
	if (level == K_SOL_SOCKET)
		return SQ_SOCKOPT_LEVEL_SOL_SOCKET;
	if (level == K_SOL_TCP)
		return SQ_SOCKOPT_LEVEL_SOL_TCP;
	return SQ_SOCKOPT_LEVEL_UNKNOWN;
}

/* SOL_SOCKET option names: SQ_SOCKOPT_SO_* equal the kernel's up to
 * SO_ATTACH_BPF (50); the later ones are renumbered. */
static __always_inline __u8 sq_sockopt_optname(__u64 level, __u64 name)
{
	if (level != K_SOL_SOCKET)
		return SQ_SOCKOPT_LEVEL_UNKNOWN;
	if (name >= 1 && name <= 50)
		return (__u8)name;
	if (name == 59)
		return SQ_SOCKOPT_SO_PEERGROUPS;
	if (name == 55)
		return SQ_SOCKOPT_SO_MEMINFO;
	if (name == 57)
		return SQ_SOCKOPT_SO_COOKIE;
	return SQ_SOCKOPT_UNKNOWN;
}

static __always_inline __u16 sq_poll_events(__u16 ev)
{
	__u16 r = 0;

	if (ev & 0x001)
		r |= SQ_POLLIN;
	if (ev & 0x002)
		r |= SQ_POLLPRI;
	if (ev & 0x004)
		r |= SQ_POLLOUT;
	if (ev & 0x2000)
		r |= SQ_POLLRDHUP;
	if (ev & 0x008)
		r |= SQ_POLLERR;
	if (ev & 0x010)
		r |= SQ_POLLHUP;
	if (ev & 0x020)
		r |= SQ_POLLNVAL;
	if (ev & 0x040)
		r |= SQ_POLLRDNORM;
	if (ev & 0x080)
		r |= SQ_POLLRDBAND;
	if (ev & 0x100)
		r |= SQ_POLLWRNORM;
	if (ev & 0x200)
		r |= SQ_POLLWRBAND;
	return r;
}

/* Futex commands 0..12 and the two option bits keep their numbers. */
static __always_inline __u16 sq_futex_op(__u64 op)
{
	__u16 r = 0;
	__u64 cmd = op & 127;

	if (cmd <= 12)
		r = (__u16)cmd;
	if (op & 128)
		r |= SQ_FU_FUTEX_PRIVATE_FLAG;
	if (op & 256)
		r |= SQ_FU_FUTEX_CLOCK_REALTIME;
	return r;
}

static __always_inline __u32 sq_access_flags(__u64 f)
{
	__u32 r = 0;

	if (f == 0)
		return SQ_F_OK;
	if (f & 1)
		r |= SQ_X_OK;
	if (f & 4)
		r |= SQ_R_OK;
	if (f & 2)
		r |= SQ_W_OK;
	return r;
}

static __always_inline __u8 sq_rlimit_resource(__u64 r)
{
	return r <= 15 ? (__u8)r : SQ_RLIMIT_UNKNOWN;
}

static __always_inline __u8 sq_shutdown_how(__u64 how)
{
	/* sysdig passes unknown values through */
	return (__u8)how;
}

static __always_inline __u8 sq_lseek_whence(__u64 w)
{
	return w <= 2 ? (__u8)w : 0;
}

/* LOCK_SH/EX/NB/UN keep their kernel values. */
static __always_inline __u32 sq_flock_flags(__u64 f)
{
	return (__u32)(f & 0xf);
}

static __always_inline __u32 sq_splice_flags(__u64 f)
{
	return (__u32)(f & 0xf);
}

/* AT_REMOVEDIR / AT_SYMLINK_FOLLOW / AT_EMPTY_PATH keep their values. */
static __always_inline __u32 sq_unlinkat_flags(__u64 f)
{
	return (f & 0x200) ? SQ_AT_REMOVEDIR : 0;
}

/* newfstatat's AT_* flags (sysdig's values are the kernel's). */
static __always_inline __u32 sq_newfstatat_flags(__u64 f)
{
	return f & (SQ_AT_EMPTY_PATH | SQ_AT_NO_AUTOMOUNT | SQ_AT_SYMLINK_NOFOLLOW);
}

static __always_inline __u32 sq_linkat_flags(__u64 f)
{
	__u32 r = 0;

	if (f & 0x400)
		r |= SQ_AT_SYMLINK_FOLLOW;
	if (f & 0x1000)
		r |= SQ_AT_EMPTY_PATH;
	return r;
}

static __always_inline __u32 sq_renameat2_flags(__u64 f)
{
	return (__u32)(f & 0x7);
}

static __always_inline __u32 sq_execveat_flags(__u64 f)
{
	__u32 r = 0;

	if (f & 0x1000)
		r |= SQ_EXVAT_AT_EMPTY_PATH;
	if (f & 0x100)
		r |= SQ_EXVAT_AT_SYMLINK_NOFOLLOW;
	return r;
}

/* mount(2): strip the old magic number. SQ_MS_* are the kernel's MS_*. */
static __always_inline __u32 sq_mount_flags(__u64 f)
{
	if ((f & 0xffff0000) == 0xC0ED0000)
		f &= ~0xffff0000ULL;
	return (__u32)f;
}

static __always_inline __u16 sq_ptrace_request(__u64 req)
{
	switch (req) {
	case 0:
		return SQ_PTRACE_TRACEME;
	case 1:
		return SQ_PTRACE_PEEKTEXT;
	case 2:
		return SQ_PTRACE_PEEKDATA;
	case 3:
		return SQ_PTRACE_PEEKUSR;
	case 4:
		return SQ_PTRACE_POKETEXT;
	case 5:
		return SQ_PTRACE_POKEDATA;
	case 6:
		return SQ_PTRACE_POKEUSR;
	case 7:
		return SQ_PTRACE_CONT;
	case 8:
		return SQ_PTRACE_KILL;
	case 9:
		return SQ_PTRACE_SINGLESTEP;
	case 12:
		return SQ_PTRACE_GETREGS;
	case 13:
		return SQ_PTRACE_SETREGS;
	case 14:
		return SQ_PTRACE_GETFPREGS;
	case 15:
		return SQ_PTRACE_SETFPREGS;
	case 16:
		return SQ_PTRACE_ATTACH;
	case 17:
		return SQ_PTRACE_DETACH;
	case 18:
		return SQ_PTRACE_GETFPXREGS;
	case 19:
		return SQ_PTRACE_SETFPXREGS;
	case 21:
		return SQ_PTRACE_OLDSETOPTIONS;
	case 24:
		return SQ_PTRACE_SYSCALL;
	case 25:
		return SQ_PTRACE_GET_THREAD_AREA;
	case 26:
		return SQ_PTRACE_SET_THREAD_AREA;
	case 30:
		return SQ_PTRACE_ARCH_PRCTL;
	case 31:
		return SQ_PTRACE_SYSEMU;
	case 32:
		return SQ_PTRACE_SYSEMU_SINGLESTEP;
	case 33:
		return SQ_PTRACE_SINGLEBLOCK;
	case 0x4200:
		return SQ_PTRACE_SETOPTIONS;
	case 0x4201:
		return SQ_PTRACE_GETEVENTMSG;
	case 0x4202:
		return SQ_PTRACE_GETSIGINFO;
	case 0x4203:
		return SQ_PTRACE_SETSIGINFO;
	case 0x4204:
		return SQ_PTRACE_GETREGSET;
	case 0x4205:
		return SQ_PTRACE_SETREGSET;
	case 0x4206:
		return SQ_PTRACE_SEIZE;
	case 0x4207:
		return SQ_PTRACE_INTERRUPT;
	case 0x4208:
		return SQ_PTRACE_LISTEN;
	case 0x4209:
		return SQ_PTRACE_PEEKSIGINFO;
	case 0x420a:
		return SQ_PTRACE_GETSIGMASK;
	case 0x420b:
		return SQ_PTRACE_SETSIGMASK;
	}
	return SQ_PTRACE_UNKNOWN;
}

#endif
