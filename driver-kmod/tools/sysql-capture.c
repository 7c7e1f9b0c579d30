// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * sysql-capture: captures one command through libsysqlcap into a sysdig
 * .scap file, with either driver. The kernel module's tests run it in the
 * qemu guest (where no JVM runs) and read the file with the Java engine on
 * the host.
 *
 *   sysql-capture [--driver auto|bpf|kmod] [-x NR]... [-s NR]... -o FILE.scap -- COMMAND [ARG...]
 *
 * -x NR leaves the syscall numbered NR out in the kernel (the benchmark's
 * cost of a syscall outside the filter); -s NR captures only the syscalls
 * named so (a small set: the eBPF probe then catches them by their own
 * functions, where the kernel lets it).
 *
 * Opens the driver, starts capturing, then runs COMMAND (forked and exec'd
 * only once the capture runs, so its execve and everything after is in the
 * file), waits for it and 300 ms more, stops, takes what the rings still
 * hold, and writes: a section
 * header block, then one event block (EV_V2: u16 cpu, the event) per event,
 * in timestamp order. Every thread of the host is captured but this one's.
 * Where the driver lost events, the file says so as sysql's own captures do
 * (capture/DropNotices.java): a notification event "sysql.drops" with
 * "lost=N cpu=C full=F invalid=I since=A until=B", after the batch that
 * found a CPU's counters grown.
 * Prints "sysql-capture: driver=D events=N drops=F filtered=X narrow=0|1
 * exit=S" on stderr (filtered: syscalls the kernel filter left out; narrow:
 * whether the set was caught by the syscalls' own functions) and
 * exits 0 if COMMAND exited 0 and no event was lost.
 *
 * Linked statically (libbpf, libelf, zlib), so that it runs in a bare
 * initramfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sysqlcap.h"

#define SCAP_SHB 0x0A0D0D0Au
#define SCAP_SHB_MAGIC 0x1A2B3C4Du
#define SCAP_EV_V2 0x216u
#define BATCH_BYTES (4u << 20)

static void usage(void)
{
	fprintf(stderr,
		"usage: sysql-capture [--driver auto|bpf|kmod] [-x NR]... [-s NR]... -o FILE.scap "
		"-- COMMAND [ARG...]\n");
	exit(2);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Lays one block out at out: type, total length, body, padding to 4, total length. Returns its size
 * (at most len + 15). */
static uint32_t put_block(uint8_t *out, uint32_t type, const void *body, uint32_t len)
{
	uint32_t pad = (4 - len % 4) % 4, total = 12 + len + pad;

	memcpy(out, &type, 4);
	memcpy(out + 4, &total, 4);
	memcpy(out + 8, body, len);
	memset(out + 8 + len, 0, pad);
	memcpy(out + 8 + len + pad, &total, 4);
	return total;
}

/* One small block (a header, a notice), written. */
static int write_block(FILE *f, uint32_t type, const void *body, uint32_t len)
{
	uint8_t out[512];

	if (len + 15 > sizeof(out))
		return -1;
	uint32_t total = put_block(out, type, body, len);
	return fwrite(out, 1, total, f) == total ? 0 : -1;
}

static int write_section_header(FILE *f)
{
	uint8_t body[16];
	uint32_t magic = SCAP_SHB_MAGIC;
	uint16_t major = 1, minor = 2;
	int64_t section_len = -1;

	memcpy(body, &magic, 4);
	memcpy(body + 4, &major, 2);
	memcpy(body + 6, &minor, 2);
	memcpy(body + 8, &section_len, 8);
	return write_block(f, SCAP_SHB, body, sizeof(body));
}

/* Writes a batch's records (u16 cpu, event) as event blocks; returns the events written or -1. */
static long write_batch(FILE *f, const uint8_t *buf, uint32_t bytes)
{
	/* the batch's blocks laid out whole, then one write: a block adds at most 15 bytes to its record */
	static uint8_t *out;
	static size_t cap;
	size_t need =
		(size_t)bytes + (size_t)(bytes / (SQ_BATCH_RECORD_HDR + SQ_EVT_HDR_LEN) + 1) * 15;
	size_t used = 0;
	long n = 0;
	uint32_t off = 0;

	if (need > cap) {
		free(out);
		out = malloc(need);
		cap = out ? need : 0;
		if (!out)
			return -1;
	}
	while (off + SQ_BATCH_RECORD_HDR + SQ_EVT_HDR_LEN <= bytes) {
		const struct sq_evt_hdr *h =
			(const struct sq_evt_hdr *)(buf + off + SQ_BATCH_RECORD_HDR);
		uint32_t len = SQ_BATCH_RECORD_HDR + h->len;

		used += put_block(out + used, SCAP_EV_V2, buf + off, len);
		off += len;
		n++;
	}
	return fwrite(out, 1, used, f) == used ? n : -1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The drops seen so far per CPU and when the counters were last looked at. */
static uint64_t seen_full[SQ_MAX_CPUS], seen_invalid[SQ_MAX_CPUS], seen_at;

/* A notification event "sysql.drops" per CPU whose drop counters grew since the last look; returns the
 * notices written or -1. */
static long write_drop_notices(FILE *f, sq_capture *c)
{
	static struct sq_cpu_stats stats[SQ_MAX_CPUS];
	int ncpus = sq_get_stats(c, stats, sq_ncpus(c));
	uint64_t now = now_ns();
	long n = 0;

	for (int cpu = 0; cpu < ncpus; cpu++) {
		uint64_t full = stats[cpu].drops_full - seen_full[cpu];
		uint64_t invalid = stats[cpu].drops_invalid - seen_invalid[cpu];
		if (full + invalid == 0)
			continue;
		uint8_t block[SQ_BATCH_RECORD_HDR + SQ_EVT_HDR_LEN + 2 * SQ_PARAM_LEN_SIZE + 256];
		static const char id[] = "sysql.drops";
		char desc[200];
		int dlen = snprintf(desc, sizeof(desc),
				    "lost=%llu cpu=%d full=%llu invalid=%llu since=%llu until=%llu",
				    (unsigned long long)(full + invalid), cpu,
				    (unsigned long long)full, (unsigned long long)invalid,
				    (unsigned long long)seen_at, (unsigned long long)now) +
			   1;
		uint16_t cpu16 = (uint16_t)cpu, lens[2] = {sizeof(id), (uint16_t)dlen};
		struct sq_evt_hdr h = {
			.ts = now,
			.tid = UINT64_MAX,
			.len = SQ_EVT_HDR_LEN + 2 * SQ_PARAM_LEN_SIZE + sizeof(id) + (uint32_t)dlen,
			.type = SQE_NOTIFICATION_E,
			.nparams = 2,
		};
		uint8_t *p = block;
		memcpy(p, &cpu16, 2);
		p += 2;
		memcpy(p, &h, SQ_EVT_HDR_LEN);
		p += SQ_EVT_HDR_LEN;
		memcpy(p, lens, sizeof(lens));
		p += sizeof(lens);
		memcpy(p, id, sizeof(id));
		p += sizeof(id);
		memcpy(p, desc, (size_t)dlen);
		p += dlen;
		if (write_block(f, SCAP_EV_V2, block, (uint32_t)(p - block)) != 0)
			return -1;
		seen_full[cpu] = stats[cpu].drops_full;
		seen_invalid[cpu] = stats[cpu].drops_invalid;
		n++;
	}
	seen_at = now;
	return n;
}

int main(int argc, char **argv)
{
	int driver = SQ_DRIVER_AUTO, i, err_code = 0, sync[2], status = 0;
	const char *out = NULL;
	char err[512];
	int off[64], noff = 0, only[64], nonly = 0;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (!strcmp(argv[i], "--driver") && i + 1 < argc) {
			const char *d = argv[++i];
			driver = !strcmp(d, "bpf")    ? SQ_DRIVER_BPF
				 : !strcmp(d, "kmod") ? SQ_DRIVER_KMOD
				 : !strcmp(d, "auto") ? SQ_DRIVER_AUTO
						      : (usage(), 0);
		} else if (!strcmp(argv[i], "-s") && i + 1 < argc && nonly < 64) {
			only[nonly++] = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-x") && i + 1 < argc && noff < 64) {
			off[noff++] = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else {
			usage();
		}
	}
	if (!out || i + 1 >= argc)
		usage();
	char **command = &argv[i + 1];

	FILE *f = fopen(out, "wb");
	if (!f) {
		fprintf(stderr, "sysql-capture: cannot create %s: %s\n", out, strerror(errno));
		return 2;
	}
	sq_capture *c = sq_open(driver, 0, 0, NULL, &err_code, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "sysql-capture: %s\n", err);
		return 2;
	}
	for (i = 0; i < noff; i++)
		if (sq_set_syscall(c, off[i], 0) < 0) {
			fprintf(stderr, "sysql-capture: %s\n", sq_last_error(c));
			return 2;
		}
	if (nonly > 0) {
		static uint8_t set[SQ_SYSCALL_TABLE_SIZE];
		for (i = 0; i < nonly; i++)
			if (only[i] >= 0 && only[i] < SQ_SYSCALL_TABLE_SIZE)
				set[only[i]] = 1;
		if (sq_set_syscalls(c, set, SQ_SYSCALL_TABLE_SIZE) < 0) {
			fprintf(stderr, "sysql-capture: %s\n", sq_last_error(c));
			return 2;
		}
	}
	uint8_t *buf = malloc(BATCH_BYTES);
	if (!buf || write_section_header(f) != 0 || pipe(sync) != 0) {
		fprintf(stderr, "sysql-capture: cannot start: %s\n", strerror(errno));
		return 2;
	}
	seen_at = now_ns();
	if (sq_start(c) < 0) {
		fprintf(stderr, "sysql-capture: %s\n", sq_last_error(c));
		return 2;
	}
	pid_t child = fork();
	if (child == 0) {
		char go;

		close(sync[1]);
		if (read(sync[0], &go, 1) != 1)
			_exit(127);
		execv(command[0], command);
		fprintf(stderr, "sysql-capture: cannot run %s: %s\n", command[0], strerror(errno));
		_exit(127);
	}
	close(sync[0]);
	if (child < 0 || write(sync[1], "g", 1) != 1) {
		fprintf(stderr, "sysql-capture: cannot run %s: %s\n", command[0], strerror(errno));
		return 2;
	}
	close(sync[1]);

	long events = 0;
	uint64_t stop_at = 0;
	while (!stop_at || now_ms() < stop_at) {
		uint32_t bytes = 0;
		int n = sq_next_batch(c, buf, BATCH_BYTES, 100, &bytes);

		if (n < 0) {
			fprintf(stderr, "sysql-capture: %s\n", sq_last_error(c));
			return 2;
		}
		long w = write_batch(f, buf, bytes);
		if (w >= 0 && n > 0 && write_drop_notices(f, c) < 0)
			w = -1;
		if (w < 0) {
			fprintf(stderr, "sysql-capture: cannot write %s: %s\n", out,
				strerror(errno));
			return 2;
		}
		events += w;
		/* the command's last events are in the rings once it is reaped: a little longer for the merge */
		if (!stop_at && waitpid(child, &status, WNOHANG) == child)
			stop_at = now_ms() + 300;
	}
	int narrow = sq_narrow(c);
	sq_stop(c);
	for (;;) {
		uint32_t bytes = 0;
		int n = sq_next_batch(c, buf, BATCH_BYTES, 50, &bytes);

		if (n <= 0)
			break;
		events += write_batch(f, buf, bytes);
	}
	if (write_drop_notices(f, c) < 0) {
		fprintf(stderr, "sysql-capture: cannot write %s: %s\n", out, strerror(errno));
		return 2;
	}
	struct sq_cpu_stats stats[SQ_MAX_CPUS];
	int ncpus = sq_get_stats(c, stats, sq_ncpus(c));
	uint64_t drops = 0, invalid = 0, filtered = 0;
	for (i = 0; i < ncpus; i++) {
		drops += stats[i].drops_full + stats[i].drops_invalid;
		filtered += stats[i].filtered;
	}
	sq_get_delivered(c, NULL, NULL, &invalid);
	drops += invalid;
	int kind = sq_driver(c);
	sq_close(c);
	if (fclose(f) != 0) {
		fprintf(stderr, "sysql-capture: cannot write %s: %s\n", out, strerror(errno));
		return 2;
	}
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(stderr,
		"sysql-capture: driver=%s events=%ld drops=%llu filtered=%llu narrow=%d exit=%d\n",
		kind == SQ_DRIVER_KMOD ? "kmod" : "bpf", events, (unsigned long long)drops,
		(unsigned long long)filtered, narrow, code);
	return code == 0 && drops == 0 ? 0 : 1;
}
