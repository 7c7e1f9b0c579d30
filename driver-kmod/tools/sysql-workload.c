/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * sysql-workload: a scripted process for the SQL tests, making exactly the
 * system calls it is told to (it is linked statically, so no loader opens
 * libraries before it starts).
 *
 *   sysql-workload [-d DELAY_MS] [-o N PATH] [-s N PATH] [-w M] [-c K PORT] [-r RATE] [-H SECONDS] [-T NAME]
 *     -d  wait DELAY_MS before the first call (with nanosleep)
 *     -o  N times: openat(AT_FDCWD, PATH, O_RDONLY) and close
 *     -s  N times: newfstatat(AT_FDCWD, PATH, &st, AT_SYMLINK_NOFOLLOW), after the other calls
 *     -w  M times: write one byte to fd 1
 *     -c  K times: socket, connect to 127.0.0.1:PORT (TCP), close
 *     -r  do the calls at RATE rounds per second (one round: an openat, a write and a connect, as far as
 *         each count goes), for a stream a test watches while it runs
 *     -H  then keep PATH open and one connection to PORT open for SECONDS (for the state tables)
 *     -T  make the calls in a second thread that first renames itself NAME (prctl PR_SET_NAME), as
 *         memcached's workers become mc-worker; the main thread waits for it
 *
 * Writes nothing else (a message would be a write): with -H it prints "holding" on stderr once the file and
 * the connection are open.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: sysql-workload [-d DELAY_MS] [-o N PATH] [-s N PATH] [-w M] [-c K "
			"PORT] [-r RATE] [-H SECONDS] [-T NAME]\n");
	exit(2);
}

static void sleep_ns(long long ns)
{
	struct timespec ts = {ns / 1000000000LL, ns % 1000000000LL};

	while (nanosleep(&ts, &ts) != 0)
		;
}

static long number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0)
		usage();
	return v;
}

static int connect_to(int port)
{
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0) {
		perror("socket");
		exit(1);
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("connect");
		exit(1);
	}
	return s;
}

static long delay = 0, opens = 0, writes = 0, connects = 0, port = 0, hold = -1, stats = 0;
static double rate = 0;
static const char *path = NULL, *stat_path = NULL, *thread_name = NULL;

/* The calls the options ask for; 0, or 1 when one failed. */
static int calls(void)
{
	char b = 'x';

	if (delay)
		sleep_ns(delay * 1000000LL);
	long rounds = opens > writes ? opens : writes;
	rounds = connects > rounds ? connects : rounds;
	for (long r = 0; r < rounds; r++) {
		if (r < opens) {
			int fd = openat(AT_FDCWD, path, O_RDONLY);
			if (fd < 0) {
				perror(path);
				return 1;
			}
			close(fd);
		}
		if (r < writes && write(1, &b, 1) != 1) {
			perror("write");
			return 1;
		}
		if (r < connects)
			close(connect_to((int)port));
		if (rate > 0)
			sleep_ns((long long)(1e9 / rate));
	}
	for (long r = 0; r < stats; r++) {
		struct stat st;

		if (syscall(SYS_newfstatat, AT_FDCWD, stat_path, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			perror(stat_path);
			return 1;
		}
	}
	if (hold >= 0) {
		int fd = path ? openat(AT_FDCWD, path, O_RDONLY) : -1;
		int s = port ? connect_to((int)port) : -1;

		fprintf(stderr, "holding\n");
		sleep_ns(hold * 1000000000LL);
		if (fd >= 0)
			close(fd);
		if (s >= 0)
			close(s);
	}
	return 0;
}

static void *renamed_thread(void *result)
{
	prctl(PR_SET_NAME, thread_name);
	*(int *)result = calls();
	return NULL;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			delay = number(argv[++i]);
		} else if (!strcmp(argv[i], "-o") && i + 2 < argc) {
			opens = number(argv[++i]);
			path = argv[++i];
		} else if (!strcmp(argv[i], "-s") && i + 2 < argc) {
			stats = number(argv[++i]);
			stat_path = argv[++i];
		} else if (!strcmp(argv[i], "-w") && i + 1 < argc) {
			writes = number(argv[++i]);
		} else if (!strcmp(argv[i], "-c") && i + 2 < argc) {
			connects = number(argv[++i]);
			port = number(argv[++i]);
		} else if (!strcmp(argv[i], "-r") && i + 1 < argc) {
			rate = (double)number(argv[++i]);
		} else if (!strcmp(argv[i], "-H") && i + 1 < argc) {
			hold = number(argv[++i]);
		} else if (!strcmp(argv[i], "-T") && i + 1 < argc) {
			thread_name = argv[++i];
		} else {
			usage();
		}
	}
	if (thread_name) {
		pthread_t t;
		int result = 1;

		if (pthread_create(&t, NULL, renamed_thread, &result) != 0 ||
		    pthread_join(t, NULL) != 0) {
			perror("pthread");
			return 1;
		}
		return result;
	}
	return calls();
}
