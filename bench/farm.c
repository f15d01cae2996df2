/* A socket farm for the benchmark: worker processes that each hold TCP
 * listeners and both ends of loopback connections to them, plus some UDP
 * sockets, in whatever network namespace it is started in.
 *
 *   farm [-p PROCS] [-c CONNECTIONS] [-l LISTENERS] [-u UDP] [-b BASEPORT]
 *        [-r CHURN_PER_SECOND]
 *
 * Prints "ready PID..." once every socket is open, then holds them until
 * standard input closes or SIGTERM. With -r, every worker also opens and
 * closes that many connections per second (split among the workers), for
 * soak tests. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct farm_config {
	int procs, conns, listeners, udp, base_port, churn;
};

static void die(const char *what)
{
	fprintf(stderr, "farm: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void raise_fd_limit(int need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("getrlimit");
	if (rl.rlim_cur < (rlim_t)need) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)need ? rl.rlim_max : (rlim_t)need;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			die("setrlimit");
	}
	if (rl.rlim_cur < (rlim_t)need) {
		fprintf(stderr, "farm: a worker needs %d fds, the limit is %llu: use more processes\n", need,
			(unsigned long long)rl.rlim_cur);
		exit(1);
	}
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int open_listener(int port)
{
	struct sockaddr_in a = loopback(port);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind");
	if (listen(fd, 4096) < 0)
		die("listen");
	return fd;
}

/* One connection to port, both ends kept: returns the two fds. */
static void open_pair(int port, int lfd, int *client, int *server)
{
	struct sockaddr_in a = loopback(port);

	*client = socket(AF_INET, SOCK_STREAM, 0);
	if (*client < 0)
		die("socket");
	if (connect(*client, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect");
	*server = accept(lfd, NULL, NULL);
	if (*server < 0)
		die("accept");
}

static void sleep_seconds(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

static void worker(const struct farm_config *cfg, int index, int ready_fd)
{
	int nlisten = cfg->listeners / cfg->procs + (index < cfg->listeners % cfg->procs);
	int nconn = cfg->conns / cfg->procs + (index < cfg->conns % cfg->procs);
	int first_port = cfg->base_port + index * (cfg->listeners / cfg->procs + 1);
	int *lfds = calloc((size_t)(nlisten ? nlisten : 1), sizeof(int));
	char name[16];
	int i;

	snprintf(name, sizeof(name), "farm-%d", index);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	raise_fd_limit(nlisten + 2 * nconn + cfg->udp + 64);
	for (i = 0; i < nlisten; i++)
		lfds[i] = open_listener(first_port + i);
	for (i = 0; i < nconn && nlisten > 0; i++) {
		int c, s;

		open_pair(first_port + i % nlisten, lfds[i % nlisten], &c, &s);
	}
	if (index == 0) {
		for (i = 0; i < cfg->udp; i++) {
			struct sockaddr_in a = loopback(cfg->base_port + 20000 + i);
			int fd = socket(AF_INET, SOCK_DGRAM, 0);

			if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
				die("udp");
		}
	}
	if (write(ready_fd, "r", 1) != 1)
		die("write");
	close(ready_fd);
	if (cfg->churn <= 0 || nlisten == 0) {
		for (;;)
			pause();
	}
	/* Churn: open and close connections at the requested rate, in batches
	 * ten times a second. */
	for (;;) {
		int batch = cfg->churn / cfg->procs / 10;

		for (i = 0; i < (batch > 0 ? batch : 1); i++) {
			int c, s;

			struct linger abort_close = { .l_onoff = 1, .l_linger = 0 };

			open_pair(first_port + i % nlisten, lfds[i % nlisten], &c, &s);
			/* An abortive close leaves no TIME_WAIT behind, so the
			 * number of sockets stays steady while they churn. */
			setsockopt(c, SOL_SOCKET, SO_LINGER, &abort_close, sizeof(abort_close));
			close(c);
			close(s);
		}
		sleep_seconds(0.1);
	}
}

int main(int argc, char **argv)
{
	struct farm_config cfg = {
		.procs = 8, .conns = 20000, .listeners = 64, .udp = 16, .base_port = 20000, .churn = 0
	};
	int ready[2], opt, i, got = 0;
	pid_t *pids;
	char c;

	while ((opt = getopt(argc, argv, "p:c:l:u:b:r:")) != -1) {
		switch (opt) {
		case 'p': cfg.procs = atoi(optarg); break;
		case 'c': cfg.conns = atoi(optarg); break;
		case 'l': cfg.listeners = atoi(optarg); break;
		case 'u': cfg.udp = atoi(optarg); break;
		case 'b': cfg.base_port = atoi(optarg); break;
		case 'r': cfg.churn = atoi(optarg); break;
		default:
			fprintf(stderr,
				"usage: farm [-p procs] [-c conns] [-l listeners] [-u udp] [-b port] [-r churn]\n");
			return 2;
		}
	}
	if (cfg.procs < 1 || cfg.listeners < cfg.procs) {
		fprintf(stderr, "farm: need at least one process and one listener per process\n");
		return 2;
	}
	if (pipe(ready) < 0)
		die("pipe");
	pids = calloc((size_t)cfg.procs, sizeof(pid_t));
	for (i = 0; i < cfg.procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork");
		if (pids[i] == 0) {
			close(ready[0]);
			worker(&cfg, i, ready[1]);
			_exit(0);
		}
	}
	close(ready[1]);
	while (got < cfg.procs && read(ready[0], &c, 1) == 1)
		got++;
	if (got < cfg.procs) {
		fprintf(stderr, "farm: %d of %d workers failed\n", cfg.procs - got, cfg.procs);
		for (i = 0; i < cfg.procs; i++)
			kill(pids[i], SIGTERM);
		return 1;
	}
	printf("ready");
	for (i = 0; i < cfg.procs; i++)
		printf(" %d", (int)pids[i]);
	printf("\n");
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	for (i = 0; i < cfg.procs; i++)
		kill(pids[i], SIGTERM);
	while (wait(NULL) > 0)
		;
	return 0;
}
