/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * sysql-storm: makes a known number of system calls, as fast as possible or
 * paced, for tests and benchmarks.
 *
 *   sysql-storm [-r CALLS_PER_SEC [-s]] [-d START_DELAY_MS] [-t THREADS] OP COUNT
 *     OP: getppid | openat (open+close /dev/null) | write (1 byte to /dev/null)
 *         | read (1 byte from /dev/zero) | mixed (openat, read, write, close)
 *
 * With -t, THREADS threads share COUNT and the rate equally. With -r, a thread spins until its next call is
 * due (it keeps a core busy); with -s it runs up to 1 ms ahead of its schedule and then sleeps, so a paced
 * storm leaves the CPU it does not need to others (one nanosleep per thread and ms, 2 events more).
 * Prints one line at the end: "<op> <count> calls in <ns> ns = <ns/call> ns/call" (wall time of the
 * whole run, so ns/call is per call of the process, not per thread).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr, "usage: sysql-storm [-r CALLS_PER_SEC [-s]] [-d START_DELAY_MS] [-t "
			"THREADS] getppid|openat|write|read|mixed COUNT\n");
	exit(2);
}

struct job {
	int kind;
	long long count;
	double rate;
	int null_fd;
	int zero_fd;
	int sleep;
	int failed;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	char b = 'x';
	long long start = now_ns();
	long long step = j->rate > 0 ? (long long)(1e9 / j->rate) : 0;
	long long next = start;
	for (long long i = 0; i < j->count; i++) {
		if (step) {
			/* Pace in small bursts: check the clock every 64 calls. */
			if ((i & 63) == 0) {
				long long now;
				while ((now = now_ns()) < next) {
					if (!j->sleep)
						continue;
					if (next - now > 1000000) {
						struct timespec ts = {(next - now) / 1000000000LL,
								      (next - now) % 1000000000LL};
						nanosleep(&ts, NULL);
					}
					break; /* less than 1 ms ahead: go on */
				}
			}
			next += step;
		}
		switch (j->kind) {
		case 0:
			syscall(SYS_getppid);
			break;
		case 1: {
			int fd = openat(AT_FDCWD, "/dev/null", O_RDONLY);
			if (fd >= 0)
				close(fd);
			break;
		}
		case 2:
			if (write(j->null_fd, &b, 1) < 0)
				j->failed = 1;
			break;
		case 3:
			if (read(j->zero_fd, &b, 1) < 0)
				j->failed = 1;
			break;
		case 4: {
			int fd = openat(AT_FDCWD, "/dev/zero", O_RDONLY);
			if (fd >= 0) {
				if (read(fd, &b, 1) < 0)
					j->failed = 1;
				close(fd);
			}
			if (write(j->null_fd, &b, 1) < 0)
				j->failed = 1;
			break;
		}
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	double rate = 0;
	long delay_ms = 0;
	int threads = 1;
	int sleep = 0;
	int opt;
	while ((opt = getopt(argc, argv, "r:sd:t:")) != -1) {
		switch (opt) {
		case 'r':
			rate = atof(optarg);
			break;
		case 's':
			sleep = 1;
			break;
		case 'd':
			delay_ms = atol(optarg);
			break;
		case 't':
			threads = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2 || threads < 1 || threads > 64)
		usage();
	const char *op = argv[optind];
	long long count = atoll(argv[optind + 1]);
	if (count < 0)
		usage();
	int kind;
	if (!strcmp(op, "getppid"))
		kind = 0;
	else if (!strcmp(op, "openat"))
		kind = 1;
	else if (!strcmp(op, "write"))
		kind = 2;
	else if (!strcmp(op, "read"))
		kind = 3;
	else if (!strcmp(op, "mixed"))
		kind = 4;
	else
		usage();

	int null_fd = open("/dev/null", O_WRONLY);
	int zero_fd = open("/dev/zero", O_RDONLY);
	if (null_fd < 0 || zero_fd < 0) {
		perror("sysql-storm: open /dev/null or /dev/zero");
		return 1;
	}
	if (delay_ms > 0)
		usleep((useconds_t)delay_ms * 1000);

	struct job jobs[64];
	pthread_t tids[64];
	long long start = now_ns();
	for (int t = 0; t < threads; t++) {
		jobs[t] = (struct job){kind,
				       count / threads + (t < count % threads ? 1 : 0),
				       rate / threads,
				       null_fd,
				       zero_fd,
				       sleep,
				       0};
		if (t > 0 && pthread_create(&tids[t], NULL, run_job, &jobs[t]) != 0) {
			perror("sysql-storm: pthread_create");
			return 1;
		}
	}
	run_job(&jobs[0]);
	int failed = jobs[0].failed;
	for (int t = 1; t < threads; t++) {
		pthread_join(tids[t], NULL);
		failed |= jobs[t].failed;
	}
	long long took = now_ns() - start;
	if (failed) {
		fprintf(stderr, "sysql-storm: a %s call failed\n", op);
		return 1;
	}
	printf("%s %lld calls in %lld ns = %.1f ns/call\n", op, count, took,
	       count ? (double)took / (double)count : 0.0);
	return 0;
}
