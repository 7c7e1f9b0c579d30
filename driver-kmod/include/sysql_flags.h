/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * Encoded flag and constant values carried in event parameters (the driver
 * translates the kernel's own values to these, as sysdig's drivers do), and
 * the name tables used to print them.
 */
#ifndef SYSQL_FLAGS_H
#define SYSQL_FLAGS_H
#define SQ_MAX_EVENT_PARAMS (1 << 5)
#define SQ_MAX_PATH_SIZE 256
#define SQ_MAX_NAME_LEN 32
#define SQ_AF_UNSPEC 0
#define SQ_AF_UNIX 1
#define SQ_AF_LOCAL 1
#define SQ_AF_INET 2
#define SQ_AF_AX25 3
#define SQ_AF_IPX 4
#define SQ_AF_APPLETALK 5
#define SQ_AF_NETROM 6
#define SQ_AF_BRIDGE 7
#define SQ_AF_ATMPVC 8
#define SQ_AF_X25 9
#define SQ_AF_INET6 10
#define SQ_AF_ROSE 11
#define SQ_AF_DECnet 12
#define SQ_AF_NETBEUI 13
#define SQ_AF_SECURITY 14
#define SQ_AF_KEY 15
#define SQ_AF_NETLINK 16
#define SQ_AF_ROUTE SQ_AF_NETLINK
#define SQ_AF_PACKET 17
#define SQ_AF_ASH 18
#define SQ_AF_ECONET 19
#define SQ_AF_ATMSVC 20
#define SQ_AF_RDS 21
#define SQ_AF_SNA 22
#define SQ_AF_IRDA 23
#define SQ_AF_PPPOX 24
#define SQ_AF_WANPIPE 25
#define SQ_AF_LLC 26
#define SQ_AF_CAN 29
#define SQ_AF_TIPC 30
#define SQ_AF_BLUETOOTH 31
#define SQ_AF_IUCV 32
#define SQ_AF_RXRPC 33
#define SQ_AF_ISDN 34
#define SQ_AF_PHONET 35
#define SQ_AF_IEEE802154 36
#define SQ_AF_CAIF 37
#define SQ_AF_ALG 38
#define SQ_AF_NFC 39
#define SQ_O_NONE 0
#define SQ_O_RDONLY (1 << 0)
#define SQ_O_WRONLY (1 << 1)
#define SQ_O_RDWR (SQ_O_RDONLY | SQ_O_WRONLY)
#define SQ_O_CREAT (1 << 2)
#define SQ_O_APPEND (1 << 3)
#define SQ_O_DSYNC (1 << 4)
#define SQ_O_EXCL (1 << 5)
#define SQ_O_NONBLOCK (1 << 6)
#define SQ_O_SYNC (1 << 7)
#define SQ_O_TRUNC (1 << 8)
#define SQ_O_DIRECT (1 << 9)
#define SQ_O_DIRECTORY (1 << 10)
#define SQ_O_LARGEFILE (1 << 11)
#define SQ_O_CLOEXEC (1 << 12)
#define SQ_O_TMPFILE (1 << 13)
#define SQ_S_NONE 0
#define SQ_S_IXOTH (1 << 0)
#define SQ_S_IWOTH (1 << 1)
#define SQ_S_IROTH (1 << 2)
#define SQ_S_IXGRP (1 << 3)
#define SQ_S_IWGRP (1 << 4)
#define SQ_S_IRGRP (1 << 5)
#define SQ_S_IXUSR (1 << 6)
#define SQ_S_IWUSR (1 << 7)
#define SQ_S_IRUSR (1 << 8)
#define SQ_S_ISVTX (1 << 9)
#define SQ_S_ISGID (1 << 10)
#define SQ_S_ISUID (1 << 11)
#define SQ_LOCK_NONE 0
#define SQ_LOCK_SH (1 << 0)
#define SQ_LOCK_EX (1 << 1)
#define SQ_LOCK_NB (1 << 2)
#define SQ_LOCK_UN (1 << 3)
#define SQ_CL_NONE 0
#define SQ_CL_CLONE_FILES (1 << 0)
#define SQ_CL_CLONE_FS (1 << 1)
#define SQ_CL_CLONE_IO (1 << 2)
#define SQ_CL_CLONE_NEWIPC (1 << 3)
#define SQ_CL_CLONE_NEWNET (1 << 4)
#define SQ_CL_CLONE_NEWNS (1 << 5)
#define SQ_CL_CLONE_NEWPID (1 << 6)
#define SQ_CL_CLONE_NEWUTS (1 << 7)
#define SQ_CL_CLONE_PARENT (1 << 8)
#define SQ_CL_CLONE_PARENT_SETTID (1 << 9)
#define SQ_CL_CLONE_PTRACE (1 << 10)
#define SQ_CL_CLONE_SIGHAND (1 << 11)
#define SQ_CL_CLONE_SYSVSEM (1 << 12)
#define SQ_CL_CLONE_THREAD (1 << 13)
#define SQ_CL_CLONE_UNTRACED (1 << 14)
#define SQ_CL_CLONE_VM (1 << 15)
#define SQ_CL_CLONE_INVERTED (1 << 16)
#define SQ_CL_NAME_CHANGED (1 << 17)
#define SQ_CL_CLOSED (1 << 18)
#define SQ_CL_ACTIVE (1 << 19)
#define SQ_CL_CLONE_NEWUSER (1 << 20)
#define SQ_CL_PIPE_SRC (1 << 21)
#define SQ_CL_PIPE_DST (1 << 22)
#define SQ_CL_CLONE_CHILD_CLEARTID (1 << 23)
#define SQ_CL_CLONE_CHILD_SETTID (1 << 24)
#define SQ_CL_CLONE_SETTLS (1 << 25)
#define SQ_CL_CLONE_STOPPED (1 << 26)
#define SQ_CL_CLONE_VFORK (1 << 27)
#define SQ_CL_CLONE_NEWCGROUP (1 << 28)
#define SQ_CL_CHILD_IN_PIDNS (1 << 29)
#define SQ_CL_IS_MAIN_THREAD (1 << 30)
#define SQ_FU_FUTEX_WAIT 0
#define SQ_FU_FUTEX_WAKE 1
#define SQ_FU_FUTEX_FD 2
#define SQ_FU_FUTEX_REQUEUE 3
#define SQ_FU_FUTEX_CMP_REQUEUE 4
#define SQ_FU_FUTEX_WAKE_OP 5
#define SQ_FU_FUTEX_LOCK_PI 6
#define SQ_FU_FUTEX_UNLOCK_PI 7
#define SQ_FU_FUTEX_TRYLOCK_PI 8
#define SQ_FU_FUTEX_WAIT_BITSET 9
#define SQ_FU_FUTEX_WAKE_BITSET 10
#define SQ_FU_FUTEX_WAIT_REQUEUE_PI 11
#define SQ_FU_FUTEX_CMP_REQUEUE_PI 12
#define SQ_FU_FUTEX_PRIVATE_FLAG 128
#define SQ_FU_FUTEX_CLOCK_REALTIME 256
#define SQ_SEEK_SET 0
#define SQ_SEEK_CUR 1
#define SQ_SEEK_END 2
#define SQ_POLLIN (1 << 0)
#define SQ_POLLPRI (1 << 1)
#define SQ_POLLOUT (1 << 2)
#define SQ_POLLRDHUP (1 << 3)
#define SQ_POLLERR (1 << 4)
#define SQ_POLLHUP (1 << 5)
#define SQ_POLLNVAL (1 << 6)
#define SQ_POLLRDNORM (1 << 7)
#define SQ_POLLRDBAND (1 << 8)
#define SQ_POLLWRNORM (1 << 9)
#define SQ_POLLWRBAND (1 << 10)
#define SQ_MS_RDONLY (1 << 0)
#define SQ_MS_NOSUID (1 << 1)
#define SQ_MS_NODEV (1 << 2)
#define SQ_MS_NOEXEC (1 << 3)
#define SQ_MS_SYNCHRONOUS (1 << 4)
#define SQ_MS_REMOUNT (1 << 5)
#define SQ_MS_MANDLOCK (1 << 6)
#define SQ_MS_DIRSYNC (1 << 7)
#define SQ_MS_NOATIME (1 << 10)
#define SQ_MS_NODIRATIME (1 << 11)
#define SQ_MS_BIND (1 << 12)
#define SQ_MS_MOVE (1 << 13)
#define SQ_MS_REC (1 << 14)
#define SQ_MS_SILENT (1 << 15)
#define SQ_MS_POSIXACL (1 << 16)
#define SQ_MS_UNBINDABLE (1 << 17)
#define SQ_MS_PRIVATE (1 << 18)
#define SQ_MS_SLAVE (1 << 19)
#define SQ_MS_SHARED (1 << 20)
#define SQ_MS_RELATIME (1 << 21)
#define SQ_MS_KERNMOUNT (1 << 22)
#define SQ_MS_I_VERSION (1 << 23)
#define SQ_MS_STRICTATIME (1 << 24)
#define SQ_MS_LAZYTIME (1 << 25)
#define SQ_MS_NOSEC (1 << 28)
#define SQ_MS_BORN (1 << 29)
#define SQ_MS_ACTIVE (1 << 30)
#define SQ_MS_NOUSER (1 << 31)
#define SQ_MNT_FORCE 1
#define SQ_MNT_DETACH 2
#define SQ_MNT_EXPIRE 4
#define SQ_UMOUNT_NOFOLLOW 8
#define SQ_SHUT_RD 0
#define SQ_SHUT_WR 1
#define SQ_SHUT_RDWR 2
#define SQ_AT_FDCWD -100
#define SQ_AT_REMOVEDIR 0x200
#define SQ_AT_SYMLINK_FOLLOW 0x400
#define SQ_AT_EMPTY_PATH 0x1000
#define SQ_AT_NO_AUTOMOUNT 0x800
#define SQ_AT_SYMLINK_NOFOLLOW 0x100
#define SQ_RLIMIT_CPU 0
#define SQ_RLIMIT_FSIZE 1
#define SQ_RLIMIT_DATA 2
#define SQ_RLIMIT_STACK 3
#define SQ_RLIMIT_CORE 4
#define SQ_RLIMIT_RSS 5
#define SQ_RLIMIT_NPROC 6
#define SQ_RLIMIT_NOFILE 7
#define SQ_RLIMIT_MEMLOCK 8
#define SQ_RLIMIT_AS 9
#define SQ_RLIMIT_LOCKS 10
#define SQ_RLIMIT_SIGPENDING 11
#define SQ_RLIMIT_MSGQUEUE 12
#define SQ_RLIMIT_NICE 13
#define SQ_RLIMIT_RTPRIO 14
#define SQ_RLIMIT_RTTIME 15
#define SQ_RLIMIT_UNKNOWN 255
#define SQ_FCNTL_UNKNOWN 0
#define SQ_FCNTL_F_DUPFD 1
#define SQ_FCNTL_F_GETFD 2
#define SQ_FCNTL_F_SETFD 3
#define SQ_FCNTL_F_GETFL 4
#define SQ_FCNTL_F_SETFL 5
#define SQ_FCNTL_F_GETLK 6
#define SQ_FCNTL_F_SETLK 8
#define SQ_FCNTL_F_SETLKW 9
#define SQ_FCNTL_F_SETOWN 10
#define SQ_FCNTL_F_GETOWN 12
#define SQ_FCNTL_F_SETSIG 13
#define SQ_FCNTL_F_GETSIG 15
#define SQ_FCNTL_F_GETLK64 17
#define SQ_FCNTL_F_SETLK64 18
#define SQ_FCNTL_F_SETLKW64 19
#define SQ_FCNTL_F_SETOWN_EX 21
#define SQ_FCNTL_F_GETOWN_EX 22
#define SQ_FCNTL_F_SETLEASE 23
#define SQ_FCNTL_F_GETLEASE 24
#define SQ_FCNTL_F_CANCELLK 25
#define SQ_FCNTL_F_DUPFD_CLOEXEC 26
#define SQ_FCNTL_F_NOTIFY 27
#define SQ_FCNTL_F_SETPIPE_SZ 28
#define SQ_FCNTL_F_GETPIPE_SZ 29
#define SQ_FCNTL_F_OFD_GETLK 30
#define SQ_FCNTL_F_OFD_SETLK 31
#define SQ_FCNTL_F_OFD_SETLKW 32
#define SQ_SOCKOPT_LEVEL_UNKNOWN 0
#define SQ_SOCKOPT_LEVEL_SOL_SOCKET 1
#define SQ_SOCKOPT_LEVEL_SOL_TCP 2
#define SQ_SOCKOPT_UNKNOWN 0
#define SQ_SOCKOPT_SO_DEBUG 1
#define SQ_SOCKOPT_SO_REUSEADDR 2
#define SQ_SOCKOPT_SO_TYPE 3
#define SQ_SOCKOPT_SO_ERROR 4
#define SQ_SOCKOPT_SO_DONTROUTE 5
#define SQ_SOCKOPT_SO_BROADCAST 6
#define SQ_SOCKOPT_SO_SNDBUF 7
#define SQ_SOCKOPT_SO_RCVBUF 8
#define SQ_SOCKOPT_SO_SNDBUFFORCE 32
#define SQ_SOCKOPT_SO_RCVBUFFORCE 33
#define SQ_SOCKOPT_SO_KEEPALIVE 9
#define SQ_SOCKOPT_SO_OOBINLINE 10
#define SQ_SOCKOPT_SO_NO_CHECK 11
#define SQ_SOCKOPT_SO_PRIORITY 12
#define SQ_SOCKOPT_SO_LINGER 13
#define SQ_SOCKOPT_SO_BSDCOMPAT 14
#define SQ_SOCKOPT_SO_REUSEPORT 15
#define SQ_SOCKOPT_SO_PASSCRED 16
#define SQ_SOCKOPT_SO_PEERCRED 17
#define SQ_SOCKOPT_SO_RCVLOWAT 18
#define SQ_SOCKOPT_SO_SNDLOWAT 19
#define SQ_SOCKOPT_SO_RCVTIMEO 20
#define SQ_SOCKOPT_SO_SNDTIMEO 21
#define SQ_SOCKOPT_SO_SECURITY_AUTHENTICATION 22
#define SQ_SOCKOPT_SO_SECURITY_ENCRYPTION_TRANSPORT 23
#define SQ_SOCKOPT_SO_SECURITY_ENCRYPTION_NETWORK 24
#define SQ_SOCKOPT_SO_BINDTODEVICE 25
#define SQ_SOCKOPT_SO_ATTACH_FILTER 26
#define SQ_SOCKOPT_SO_DETACH_FILTER 27
#define SQ_SOCKOPT_SO_PEERNAME 28
#define SQ_SOCKOPT_SO_TIMESTAMP 29
#define SQ_SOCKOPT_SO_ACCEPTCONN 30
#define SQ_SOCKOPT_SO_PEERSEC 31
#define SQ_SOCKOPT_SO_PASSSEC 34
#define SQ_SOCKOPT_SO_TIMESTAMPNS 35
#define SQ_SOCKOPT_SO_MARK 36
#define SQ_SOCKOPT_SO_TIMESTAMPING 37
#define SQ_SOCKOPT_SO_PROTOCOL 38
#define SQ_SOCKOPT_SO_DOMAIN 39
#define SQ_SOCKOPT_SO_RXQ_OVFL 40
#define SQ_SOCKOPT_SO_WIFI_STATUS 41
#define SQ_SOCKOPT_SO_PEEK_OFF 42
#define SQ_SOCKOPT_SO_NOFCS 43
#define SQ_SOCKOPT_SO_LOCK_FILTER 44
#define SQ_SOCKOPT_SO_SELECT_ERR_QUEUE 45
#define SQ_SOCKOPT_SO_BUSY_POLL 46
#define SQ_SOCKOPT_SO_MAX_PACING_RATE 47
#define SQ_SOCKOPT_SO_BPF_EXTENSIONS 48
#define SQ_SOCKOPT_SO_INCOMING_CPU 49
#define SQ_SOCKOPT_SO_ATTACH_BPF 50
#define SQ_SOCKOPT_SO_PEERGROUPS 51
#define SQ_SOCKOPT_SO_MEMINFO 52
#define SQ_SOCKOPT_SO_COOKIE 53
#define SQ_SOCKOPT_IDX_UNKNOWN 0
#define SQ_SOCKOPT_IDX_ERRNO 1
#define SQ_SOCKOPT_IDX_UINT32 2
#define SQ_SOCKOPT_IDX_UINT64 3
#define SQ_SOCKOPT_IDX_TIMEVAL 4
#define SQ_SOCKOPT_IDX_MAX 5
#define SQ_PTRACE_UNKNOWN 0
#define SQ_PTRACE_TRACEME 1
#define SQ_PTRACE_PEEKTEXT 2
#define SQ_PTRACE_PEEKDATA 3
#define SQ_PTRACE_PEEKUSR 4
#define SQ_PTRACE_POKETEXT 5
#define SQ_PTRACE_POKEDATA 6
#define SQ_PTRACE_POKEUSR 7
#define SQ_PTRACE_CONT 8
#define SQ_PTRACE_KILL 9
#define SQ_PTRACE_SINGLESTEP 10
#define SQ_PTRACE_ATTACH 11
#define SQ_PTRACE_DETACH 12
#define SQ_PTRACE_SYSCALL 13
#define SQ_PTRACE_SETOPTIONS 14
#define SQ_PTRACE_GETEVENTMSG 15
#define SQ_PTRACE_GETSIGINFO 16
#define SQ_PTRACE_SETSIGINFO 17
#define SQ_PTRACE_GETREGSET 18
#define SQ_PTRACE_SETREGSET 19
#define SQ_PTRACE_SEIZE 20
#define SQ_PTRACE_INTERRUPT 21
#define SQ_PTRACE_LISTEN 22
#define SQ_PTRACE_PEEKSIGINFO 23
#define SQ_PTRACE_GETSIGMASK 24
#define SQ_PTRACE_SETSIGMASK 25
#define SQ_PTRACE_GETREGS 26
#define SQ_PTRACE_SETREGS 27
#define SQ_PTRACE_GETFPREGS 28
#define SQ_PTRACE_SETFPREGS 29
#define SQ_PTRACE_GETFPXREGS 30
#define SQ_PTRACE_SETFPXREGS 31
#define SQ_PTRACE_OLDSETOPTIONS 32
#define SQ_PTRACE_GET_THREAD_AREA 33
#define SQ_PTRACE_SET_THREAD_AREA 34
#define SQ_PTRACE_ARCH_PRCTL 35
#define SQ_PTRACE_SYSEMU 36
#define SQ_PTRACE_SYSEMU_SINGLESTEP 37
#define SQ_PTRACE_SINGLEBLOCK 38
#define SQ_PTRACE_IDX_UINT64 0
#define SQ_PTRACE_IDX_SIGTYPE 1
#define SQ_PTRACE_IDX_MAX 2
#define SQ_BPF_IDX_FD 0
#define SQ_BPF_IDX_RES 1
#define SQ_BPF_IDX_MAX 2
#define SQ_PROT_NONE 0
#define SQ_PROT_READ (1 << 0)
#define SQ_PROT_WRITE (1 << 1)
#define SQ_PROT_EXEC (1 << 2)
#define SQ_PROT_SEM (1 << 3)
#define SQ_PROT_GROWSDOWN (1 << 4)
#define SQ_PROT_GROWSUP (1 << 5)
#define SQ_PROT_SAO (1 << 6)
#define SQ_MAP_SHARED (1 << 0)
#define SQ_MAP_PRIVATE (1 << 1)
#define SQ_MAP_FIXED (1 << 2)
#define SQ_MAP_ANONYMOUS (1 << 3)
#define SQ_MAP_32BIT (1 << 4)
#define SQ_MAP_RENAME (1 << 5)
#define SQ_MAP_NORESERVE (1 << 6)
#define SQ_MAP_POPULATE (1 << 7)
#define SQ_MAP_NONBLOCK (1 << 8)
#define SQ_MAP_GROWSDOWN (1 << 9)
#define SQ_MAP_DENYWRITE (1 << 10)
#define SQ_MAP_EXECUTABLE (1 << 11)
#define SQ_MAP_INHERIT (1 << 12)
#define SQ_MAP_FILE (1 << 13)
#define SQ_MAP_LOCKED (1 << 14)
#define SQ_SPLICE_F_MOVE (1 << 0)
#define SQ_SPLICE_F_NONBLOCK (1 << 1)
#define SQ_SPLICE_F_MORE (1 << 2)
#define SQ_SPLICE_F_GIFT (1 << 3)
#define SQ_Q_QUOTAON (1 << 0)
#define SQ_Q_QUOTAOFF (1 << 1)
#define SQ_Q_GETFMT (1 << 2)
#define SQ_Q_GETINFO (1 << 3)
#define SQ_Q_SETINFO (1 << 4)
#define SQ_Q_GETQUOTA (1 << 5)
#define SQ_Q_SETQUOTA (1 << 6)
#define SQ_Q_SYNC (1 << 7)
#define SQ_Q_XQUOTAON (1 << 8)
#define SQ_Q_XQUOTAOFF (1 << 9)
#define SQ_Q_XGETQUOTA (1 << 10)
#define SQ_Q_XSETQLIM (1 << 11)
#define SQ_Q_XGETQSTAT (1 << 12)
#define SQ_Q_XQUOTARM (1 << 13)
#define SQ_Q_XQUOTASYNC (1 << 14)
#define SQ_Q_XGETQSTATV (1 << 15)
#define SQ_USRQUOTA (1 << 0)
#define SQ_GRPQUOTA (1 << 1)
#define SQ_DQF_NONE (1 << 0)
#define SQ_V1_DQF_RSQUASH (1 << 1)
#define SQ_QFMT_NOT_USED (1 << 0)
#define SQ_QFMT_VFS_OLD (1 << 1)
#define SQ_QFMT_VFS_V0 (1 << 2)
#define SQ_QFMT_VFS_V1 (1 << 3)
#define SQ_IPC_NOWAIT (1 << 0)
#define SQ_SEM_UNDO (1 << 1)
#define SQ_IPC_CREAT (1 << 13)
#define SQ_IPC_EXCL (1 << 14)
#define SQ_IPC_STAT (1 << 0)
#define SQ_IPC_SET (1 << 1)
#define SQ_IPC_RMID (1 << 2)
#define SQ_IPC_INFO (1 << 3)
#define SQ_SEM_INFO (1 << 4)
#define SQ_SEM_STAT (1 << 5)
#define SQ_GETALL (1 << 6)
#define SQ_GETNCNT (1 << 7)
#define SQ_GETPID (1 << 8)
#define SQ_GETVAL (1 << 9)
#define SQ_GETZCNT (1 << 10)
#define SQ_SETALL (1 << 11)
#define SQ_SETVAL (1 << 12)
#define SQ_F_OK (0)
#define SQ_X_OK (1 << 0)
#define SQ_W_OK (1 << 1)
#define SQ_R_OK (1 << 2)
#define SQ_PF_PROTECTION_VIOLATION (1 << 0)
#define SQ_PF_PAGE_NOT_PRESENT (1 << 1)
#define SQ_PF_WRITE_ACCESS (1 << 2)
#define SQ_PF_READ_ACCESS (1 << 3)
#define SQ_PF_USER_FAULT (1 << 4)
#define SQ_PF_SUPERVISOR_FAULT (1 << 5)
#define SQ_PF_RESERVED_PAGE (1 << 6)
#define SQ_PF_INSTRUCTION_FETCH (1 << 7)
#define SQ_RENAME_NOREPLACE (1 << 0)
#define SQ_RENAME_EXCHANGE (1 << 1)
#define SQ_RENAME_WHITEOUT (1 << 2)
#define SQ_RESOLVE_BENEATH (1 << 0)
#define SQ_RESOLVE_IN_ROOT (1 << 1)
#define SQ_RESOLVE_NO_MAGICLINKS (1 << 2)
#define SQ_RESOLVE_NO_SYMLINKS (1 << 3)
#define SQ_RESOLVE_NO_XDEV (1 << 4)
#define SQ_RESOLVE_CACHED (1 << 5)
#define SQ_EXE_WRITABLE (1 << 0)
#define SQ_EXVAT_AT_EMPTY_PATH (1 << 0)
#define SQ_EXVAT_AT_SYMLINK_NOFOLLOW (1 << 1)
#define SQ_MAX_AUTOFILL_ARGS (1 << 2)
#define SQ_MAX_ARG_SIZE 65000
#define SQ_SUCCESS 0
#define SQ_FAILURE_BUFFER_FULL -1
#define SQ_FAILURE_INVALID_USER_MEMORY -2
#define SQ_FAILURE_BUG -3
#define SQ_SKIP_EVENT -4
#define SQ_FAILURE_FRAME_SCRATCH_MAP_FULL -5
#endif /* SYSQL_FLAGS_H */
