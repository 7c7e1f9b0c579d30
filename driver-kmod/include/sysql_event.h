/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * The sysql event ABI: the one definition of an event shared by every driver
 * (the eBPF probe, the kernel module), libsysqlcap and, through a generated
 * mirror, the Java decoder.
 *
 * The encoding is sysdig's scap/ppm event format, so that sysdig capture
 * files hold sysql events and sysdig can read what sysql writes:
 *
 *   header (26 bytes, packed, little endian)
 *     u64 ts       nanoseconds since the epoch
 *     u64 tid      thread id (host pid namespace)
 *     u32 len      whole event length, header included
 *     u16 type     event code (sysql_event_table.h); even = enter, odd = exit
 *     u32 nparams  number of parameters
 *   u16 len[nparams]   length of each parameter in bytes
 *   parameters, back to back, no padding
 *
 * Events larger than 64 KiB per parameter do not exist on the syscall path.
 *
 * This header is usable from the kernel (BPF or module, with the kernel's own
 * integer types already defined) and from userspace C.
 */
#ifndef SYSQL_EVENT_H
#define SYSQL_EVENT_H

#if !defined(__KERNEL__) && !defined(__bpf__) && !defined(__VMLINUX_H__)
#include <stdint.h>
typedef uint8_t sq_u8;
typedef uint16_t sq_u16;
typedef uint32_t sq_u32;
typedef uint64_t sq_u64;
#else
typedef __u8 sq_u8;
typedef __u16 sq_u16;
typedef __u32 sq_u32;
typedef __u64 sq_u64;
#endif

#include "sysql_flags.h"

struct sq_evt_hdr {
	sq_u64 ts;
	sq_u64 tid;
	sq_u32 len;
	sq_u16 type;
	sq_u32 nparams;
} __attribute__((packed));

#define SQ_EVT_HDR_LEN 26
#define SQ_PARAM_LEN_SIZE 2

/* Bytes of a data buffer (read/write/send/recv...) copied into an event. */
#define SQ_SNAPLEN_DEFAULT 80
#define SQ_SNAPLEN_MAX \
	65536 /* one parameter holds at most 65535 bytes (u16 length): 65536 copies 65535 */
/* Longest path or string argument copied by a driver. */
#define SQ_PATH_MAX 4096
/* Upper bound of one event's size on the syscall path. */
#define SQ_EVENT_MAX_SIZE (SQ_SNAPLEN_MAX + 4 * SQ_PATH_MAX + 1024)

/* Size of the socket tuple parameters, per family (sysdig layout). */
#define SQ_SOCKTUPLE_IPV4_LEN 13 /* family, sip, sport, dip, dport */
#define SQ_SOCKTUPLE_IPV6_LEN 37
#define SQ_SOCKADDR_IPV4_LEN 7 /* family, ip, port */
#define SQ_SOCKADDR_IPV6_LEN 19

/* Parameter types. */
enum sq_param_type {
	SQ_PT_NONE = 0,
	SQ_PT_INT8 = 1,
	SQ_PT_INT16 = 2,
	SQ_PT_INT32 = 3,
	SQ_PT_INT64 = 4,
	SQ_PT_UINT8 = 5,
	SQ_PT_UINT16 = 6,
	SQ_PT_UINT32 = 7,
	SQ_PT_UINT64 = 8,
	SQ_PT_CHARBUF = 9, /* NUL-terminated printable string */
	SQ_PT_BYTEBUF = 10, /* raw bytes */
	SQ_PT_ERRNO = 11, /* int64 return value, negative = -errno */
	SQ_PT_SOCKADDR = 12, /* u8 family + address */
	SQ_PT_SOCKTUPLE = 13, /* u8 family + source + destination */
	SQ_PT_FD = 14, /* int64 */
	SQ_PT_PID = 15, /* int64 */
	SQ_PT_FDLIST = 16, /* u16 count + count * (u64 fd, u16 flags) */
	SQ_PT_FSPATH = 17, /* NUL-terminated path */
	SQ_PT_SYSCALLID = 18, /* u16 sysdig syscall code */
	SQ_PT_SIGTYPE = 19, /* u8 signal number */
	SQ_PT_RELTIME = 20, /* u64 nanoseconds */
	SQ_PT_ABSTIME = 21, /* u64 nanoseconds since the epoch */
	SQ_PT_PORT = 22, /* u16 */
	SQ_PT_L4PROTO = 23, /* u8 */
	SQ_PT_SOCKFAMILY = 24, /* u8 */
	SQ_PT_BOOL = 25, /* u32 */
	SQ_PT_IPV4ADDR = 26, /* 4 bytes */
	SQ_PT_DYN = 27, /* u8 index into a dynamic type table + value */
	SQ_PT_FLAGS8 = 28,
	SQ_PT_FLAGS16 = 29,
	SQ_PT_FLAGS32 = 30,
	SQ_PT_UID = 31, /* u32 */
	SQ_PT_GID = 32, /* u32 */
	SQ_PT_DOUBLE = 33,
	SQ_PT_SIGSET = 34, /* u32, the low word of sigset_t */
	SQ_PT_CHARBUFARRAY = 35,
	SQ_PT_CHARBUF_PAIR_ARRAY = 36,
	SQ_PT_IPV4NET = 37,
	SQ_PT_IPV6ADDR = 38, /* 16 bytes */
	SQ_PT_IPV6NET = 39,
	SQ_PT_IPADDR = 40,
	SQ_PT_IPNET = 41,
	SQ_PT_MODE = 42, /* u32 file mode bits */
	SQ_PT_FSRELPATH = 43, /* path relative to a dirfd parameter */
	SQ_PT_MAX = 44
};

/* How a numeric parameter is printed. */
enum sq_print_format {
	SQ_PF_NA = 0,
	SQ_PF_DEC = 1,
	SQ_PF_HEX = 2,
	SQ_PF_10_PADDED_DEC = 3,
	SQ_PF_ID = 4,
	SQ_PF_DIR = 5,
	SQ_PF_OCT = 6,
};

/* Event categories (sysdig's evt.category). */
enum sq_event_category {
	SQ_EC_UNKNOWN = 0,
	SQ_EC_OTHER = 1,
	SQ_EC_FILE = 2,
	SQ_EC_NET = 3,
	SQ_EC_IPC = 4,
	SQ_EC_MEMORY = 5,
	SQ_EC_PROCESS = 6,
	SQ_EC_SLEEP = 7,
	SQ_EC_SYSTEM = 8,
	SQ_EC_SIGNAL = 9,
	SQ_EC_USER = 10,
	SQ_EC_TIME = 11,
	SQ_EC_PROCESSING = 12,
	SQ_EC_IO_BASE = 32,
	SQ_EC_IO_READ = 32,
	SQ_EC_IO_WRITE = 33,
	SQ_EC_IO_OTHER = 34,
	SQ_EC_WAIT = 64,
	SQ_EC_SCHEDULER = 128,
	SQ_EC_INTERNAL = 256,
};

/* Event flags. */
enum sq_event_flags {
	SQ_EF_NONE = 0,
	SQ_EF_CREATES_FD = (1 << 0),
	SQ_EF_DESTROYS_FD = (1 << 1),
	SQ_EF_USES_FD = (1 << 2),
	SQ_EF_READS_FROM_FD = (1 << 3),
	SQ_EF_WRITES_TO_FD = (1 << 4),
	SQ_EF_MODIFIES_STATE = (1 << 5),
	SQ_EF_UNUSED = (1 << 6),
	SQ_EF_WAITS = (1 << 7),
	SQ_EF_SKIPPARSERESET = (1 << 8),
	SQ_EF_OLD_VERSION = (1 << 9),
	SQ_EF_DROP_SIMPLE_CONS = (1 << 10),
	SQ_EF_LARGE_PAYLOAD = (1 << 11),
};

/* Syscall table flags (sysql_syscall_table.h). */
enum sq_syscall_flags {
	SQ_UF_NONE = 0,
	SQ_UF_USED = (1 << 0),
	SQ_UF_NEVER_DROP = (1 << 1),
	SQ_UF_ALWAYS_DROP = (1 << 2),
	SQ_UF_SIMPLEDRIVER_KEEP = (1 << 3),
	SQ_UF_ATOMIC = (1 << 4),
	SQ_UF_UNINTERESTING = (1 << 5),
};

/* Event codes: SQE_<ID> = code, from the event table. */
enum sq_event_code {
#define SQ_EVENT(code, id, name, cat, flags, nparams, params) SQE_##id = code,
#include "sysql_event_table.h"
#undef SQ_EVENT
	SQE_EXTENSION_BASE = 1000,
};
/* Parameters of each event type: SQ_NP_<ID> = nparams, from the event table. */
enum sq_event_nparams {
#define SQ_EVENT(code, id, name, cat, flags, nparams, params) SQ_NP_##id = nparams,
#include "sysql_event_table.h"
#undef SQ_EVENT
};

/* One past the largest event code in the table. */
#define SQ_EVENT_CODE_LIMIT 1002

/* sysdig syscall codes: SQ_SC_<ID> = code. */
enum sq_syscall_code {
#define SQ_SC(code, id, name, cat) SQ_SC_##id = code,
#include "sysql_syscall_table.h"
#undef SQ_SC
};

/* x86_64 syscall numbers: SQ_NR_<native_name> = nr, from the syscall table. */
enum sq_syscall_nr {
#define SQ_SYSCALL(nr, native, sc, event, flags, enter_filler, exit_filler) SQ_NR_##native = nr,
#include "sysql_syscall_table.h"
#undef SQ_SYSCALL
};

/* x86_64 syscall numbers handled by the drivers are below this bound. */
#define SQ_SYSCALL_TABLE_SIZE 512

#endif /* SYSQL_EVENT_H */
