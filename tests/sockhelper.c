/* A process that opens the sockets a test asks for and holds them.
 *
 *   sockhelper [ACTION ARGS]...
 *     name NAME                 set this process's name (comm) with prctl
 *     listen tcp|tcp6|tcp6only ADDR PORT [BACKLOG]
 *     udp ADDR PORT             an unconnected UDP socket (udp6 for IPv6)
 *     udp6 ADDR PORT
 *     udpconn ADDR PORT         a UDP socket connected to ADDR PORT
 *     connect ADDR PORT         a TCP connection to ADDR PORT
 *     noaccept                  leave connections in the accept queue
 *     reuseport                 set SO_REUSEPORT on the sockets opened after it
 *     bind ADDR PORT            a TCP socket bound to ADDR PORT, not listening
 *     unlisten                  accept the connections made so far, then close
 *                               every listener
 *     acceptone                 once ready, block in accept() on the first listener
 *                               (as nc -l does: the new fd is reserved meanwhile)
 *     hangup                    close each connection as soon as it is accepted
 *                               (this end closes first: TIME_WAIT here)
 *     fork                      fork a child holding every socket too
 *     passfd                    fork a child (named by childname) holding nothing
 *                               but the last socket, passed to it with SCM_RIGHTS
 *                               as fd 100 or above; this process closes its copy;
 *                               prints "passed CHILDPID FD"
 *     threads N                 start N threads that only sleep
 *     childname NAME            the name the child of a later fork takes
 *     pad ARG                   ignored: makes the command line long
 *     udpmany N                 N UDP sockets on 127.0.0.1, ephemeral ports,
 *                               not reported one by one
 *     send N                    write up to N bytes on the last socket without
 *                               blocking; prints "sent BYTES"
 *     stream RATE               keep writing RATE bytes a second on the last socket
 *     drain                     read and discard what accepted connections receive;
 *                               one its peer closed stays open (CLOSE_WAIT)
 *     drainclose                the same, but close each one its peer has closed
 *     tcpmany N ADDR PORT       N TCP connections to ADDR PORT, not reported one by one
 *     closeall                  close every socket held so far
 *     close                     close the last socket (its peer goes to CLOSE_WAIT)
 *     ulisten stream|seqpacket PATH [BACKLOG]
 *                               a UNIX listener; a PATH starting with '@' is
 *                               abstract, and \e in it stands for ESC
 *     udgram PATH               a bound, unconnected UNIX datagram socket
 *     uconnect stream|seqpacket|dgram PATH
 *                               a UNIX socket connected to PATH
 *     upair                     a UNIX stream socketpair; with fork after it,
 *                               the child keeps one end and the parent the other
 *
 * It prints one line per socket ("sock tcp 127.0.0.1 8080 <inode>"), then
 * "ready PID [CHILDPID]", then accepts connections on its listeners until
 * standard input closes or a signal ends it. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum { MAX_FDS = 1024 };

static int listeners[MAX_FDS], nlisteners;
static int held[MAX_FDS], nheld;

static void die(const char *what)
{
	fprintf(stderr, "sockhelper: %s: %s\n", what, strerror(errno));
	exit(1);
}

static socklen_t make_addr(const char *addr, const char *port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)atoi(port));
		return sizeof(*in4);
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)atoi(port));
		return sizeof(*in6);
	}
	fprintf(stderr, "sockhelper: bad address %s\n", addr);
	exit(2);
}

static void report(int fd, const char *proto)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char buf[INET6_ADDRSTRLEN];
	struct stat st;
	unsigned port;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 || fstat(fd, &st) < 0)
		die("getsockname");
	if (ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, buf, sizeof(buf));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	} else {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, buf, sizeof(buf));
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	printf("sock %s %s %u %lu\n", proto, buf, port, (unsigned long)st.st_ino);
}

static int reuse_port;

static int open_bound(int type, const char *addr, const char *port, int v6only)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(addr, port, &ss);
	int fd = socket(ss.ss_family, type, 0), one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (reuse_port)
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (ss.ss_family == AF_INET6 && v6only >= 0)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind");
	return fd;
}

static void hold(int fd)
{
	if (nheld < MAX_FDS)
		held[nheld++] = fd;
}

/* A UNIX address for name: '@' makes it abstract; "\e" stands for ESC so
 * tests can name a socket with an escape sequence. */
static socklen_t make_unix_addr(const char *name, struct sockaddr_un *sun)
{
	size_t n = 0;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (name[0] == '@') {
		sun->sun_path[n++] = '\0';
		name++;
	}
	for (; *name && n < sizeof(sun->sun_path) - 1; name++) {
		if (name[0] == '\\' && name[1] == 'e') {
			sun->sun_path[n++] = '\x1b';
			name++;
		} else {
			sun->sun_path[n++] = *name;
		}
	}
	/* An abstract name is exactly its bytes; a path ends in a NUL. */
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (sun->sun_path[0] ? 1 : 0));
}

static int unix_type(const char *kind)
{
	if (!strcmp(kind, "stream"))
		return SOCK_STREAM;
	if (!strcmp(kind, "seqpacket"))
		return SOCK_SEQPACKET;
	if (!strcmp(kind, "dgram"))
		return SOCK_DGRAM;
	fprintf(stderr, "sockhelper: bad UNIX socket type %s\n", kind);
	exit(2);
}

static void report_unix(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat");
	printf("sock unix %lu\n", (unsigned long)st.st_ino);
}

/* Opens n UDP sockets and keeps them open until exit: enough sockets to
 * make the dashboard's next refresh need memory. */
static void open_many_udp(int n)
{
	struct rlimit r = { (rlim_t)n + 64, (rlim_t)n + 64 };
	int k;

	if (setrlimit(RLIMIT_NOFILE, &r) < 0)
		die("setrlimit");
	for (k = 0; k < n; k++)
		open_bound(SOCK_DGRAM, "127.0.0.1", "0", -1);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes up to n bytes to fd without blocking; returns how many went. */
static long send_some(int fd, long n)
{
	static char chunk[65536];
	long sent = 0;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (sent < n) {
		long want = n - sent < (long)sizeof(chunk) ? n - sent : (long)sizeof(chunk);
		ssize_t w = write(fd, chunk, (size_t)want);

		if (w <= 0)
			break;
		sent += w;
	}
	return sent;
}

/* Closes fd and forgets it. */
static void drop_held(int fd)
{
	int i;

	for (i = 0; i < nheld; i++) {
		if (held[i] == fd) {
			held[i] = held[--nheld];
			break;
		}
	}
	close(fd);
}

static int hangup_on_accept;

static void accept_pending(int lfd)
{
	int c = accept(lfd, NULL, NULL);

	if (c >= 0 && hangup_on_accept)
		close(c);
	else if (c >= 0)
		hold(c);
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* passfd: the last socket goes to a new child over a socketpair with
 * SCM_RIGHTS, as a server hands a connection to a worker; the child keeps
 * nothing else, and this process closes its copy once the child has it. */
static void pass_last_socket(const char *name)
{
	int sv[2], fd = held[nheld - 1];
	char byte = 0, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
	};
	struct cmsghdr *cm;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int got, high;

		prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
		if (name)
			prctl(PR_SET_NAME, name, 0, 0, 0);
		for (int j = 0; j < nheld; j++)
			close(held[j]);
		for (int j = 0; j < nlisteners; j++)
			close(listeners[j]);
		if (recvmsg(sv[1], &msg, 0) < 0 || !(cm = CMSG_FIRSTHDR(&msg)) || cm->cmsg_type != SCM_RIGHTS)
			die("recvmsg");
		memcpy(&got, CMSG_DATA(cm), sizeof(got));
		high = fcntl(got, F_DUPFD, 100);
		close(got);
		printf("passed %d %d\n", (int)getpid(), high);
		fflush(stdout);
		if (write(sv[1], &byte, 1) != 1)
			die("ack");
		for (;;)
			pause();
	}
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm)
		die("cmsg");
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	if (sendmsg(sv[0], &msg, 0) < 0 || read(sv[0], &byte, 1) != 1)
		die("sendmsg");
	close(held[--nheld]);
	close(sv[0]);
	close(sv[1]);
}

int main(int argc, char **argv)
{
	int i, accepting = 1, draining = 0, stream_fd = -1, first_accepted;
	int pair_fds[2] = { -1, -1 }, close_at_eof = 0, accept_one = 0;
	/* Connections whose peer closed and that stay open: not polled again. */
	static unsigned char at_eof[65536];
	const char *child_name = NULL;
	long stream_rate = 0, next_send_ms;
	pid_t child = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "name") && i + 1 < argc) {
			prctl(PR_SET_NAME, argv[++i], 0, 0, 0);
		} else if (!strcmp(a, "listen") && i + 3 < argc) {
			const char *kind = argv[i + 1];
			int v6only = !strcmp(kind, "tcp6only") ? 1 : !strcmp(kind, "tcp6") ? 0 : -1;
			int fd = open_bound(SOCK_STREAM, argv[i + 2], argv[i + 3], v6only);
			int backlog = 128;

			i += 3;
			if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9')
				backlog = atoi(argv[++i]);
			if (listen(fd, backlog) < 0)
				die("listen");
			listeners[nlisteners++] = fd;
			report(fd, "tcp");
		} else if ((!strcmp(a, "udp") || !strcmp(a, "udp6")) && i + 2 < argc) {
			int fd =
				open_bound(SOCK_DGRAM, argv[i + 1], argv[i + 2], !strcmp(a, "udp6") ? 1 : -1);

			i += 2;
			hold(fd);
			report(fd, "udp");
		} else if ((!strcmp(a, "connect") || !strcmp(a, "udpconn")) && i + 2 < argc) {
			struct sockaddr_storage ss;
			socklen_t len = make_addr(argv[i + 1], argv[i + 2], &ss);
			int tcp = !strcmp(a, "connect");
			int fd = socket(ss.ss_family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);

			i += 2;
			if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0)
				die("connect");
			hold(fd);
			report(fd, tcp ? "tcp" : "udp");
		} else if ((!strcmp(a, "ulisten") || !strcmp(a, "udgram")) && i + 1 < argc) {
			int listening = !strcmp(a, "ulisten");
			int type = listening ? unix_type(argv[++i]) : SOCK_DGRAM;
			struct sockaddr_un sun;
			socklen_t len;
			int fd, backlog = 16;

			if (i + 1 >= argc)
				break;
			len = make_unix_addr(argv[++i], &sun);
			fd = socket(AF_UNIX, type, 0);
			if (fd < 0 || bind(fd, (struct sockaddr *)&sun, len) < 0)
				die("bind unix");
			if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9')
				backlog = atoi(argv[++i]);
			if (listening) {
				if (listen(fd, backlog) < 0)
					die("listen unix");
				listeners[nlisteners++] = fd;
			} else {
				hold(fd);
			}
			report_unix(fd);
		} else if (!strcmp(a, "uconnect") && i + 2 < argc) {
			int type = unix_type(argv[i + 1]);
			struct sockaddr_un sun;
			socklen_t len = make_unix_addr(argv[i + 2], &sun);
			int fd = socket(AF_UNIX, type, 0);

			i += 2;
			if (fd < 0 || connect(fd, (struct sockaddr *)&sun, len) < 0)
				die("connect unix");
			hold(fd);
			report_unix(fd);
		} else if (!strcmp(a, "upair")) {
			int sv[2];

			if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
				die("socketpair");
			pair_fds[0] = sv[0];
			pair_fds[1] = sv[1];
			report_unix(sv[0]);
			report_unix(sv[1]);
		} else if (!strcmp(a, "childname") && i + 1 < argc) {
			child_name = argv[++i];
		} else if (!strcmp(a, "pad") && i + 1 < argc) {
			i++;
		} else if (!strcmp(a, "send") && i + 1 < argc && nheld) {
			printf("sent %ld\n", send_some(held[nheld - 1], atol(argv[++i])));
		} else if (!strcmp(a, "stream") && i + 1 < argc && nheld) {
			stream_fd = held[nheld - 1];
			stream_rate = atol(argv[++i]);
		} else if (!strcmp(a, "drain")) {
			draining = 1;
		} else if (!strcmp(a, "drainclose")) {
			draining = 1;
			close_at_eof = 1;
		} else if (!strcmp(a, "close") && nheld) {
			close(held[--nheld]);
		} else if (!strcmp(a, "tcpmany") && i + 3 < argc) {
			struct sockaddr_storage ss;
			socklen_t len = make_addr(argv[i + 2], argv[i + 3], &ss);
			int n = atoi(argv[i + 1]);

			i += 3;
			while (n-- > 0) {
				int fd = socket(ss.ss_family, SOCK_STREAM, 0);

				if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0)
					die("connect");
				hold(fd);
			}
		} else if (!strcmp(a, "closeall")) {
			/* In batches: hundreds of closes at once overflow the
			 * loopback's packet backlog, and lost segments end some
			 * connections in a reset instead of TIME_WAIT. */
			for (int closed = 0; nheld; closed++) {
				close(held[--nheld]);
				if (closed % 50 == 49)
					nanosleep(&(struct timespec){ .tv_nsec = 20000000 }, NULL);
			}
		} else if (!strcmp(a, "udpmany") && i + 1 < argc) {
			open_many_udp(atoi(argv[++i]));
		} else if (!strcmp(a, "reuseport")) {
			reuse_port = 1;
		} else if (!strcmp(a, "bind") && i + 2 < argc) {
			int fd = open_bound(SOCK_STREAM, argv[i + 1], argv[i + 2], -1);

			i += 2;
			hold(fd);
			report(fd, "tcp");
		} else if (!strcmp(a, "unlisten")) {
			/* The connections made so far are accepted, then the
			 * listeners close: servers' ends with no listener. */
			for (int j = 0; j < nlisteners; j++) {
				int c;

				fcntl(listeners[j], F_SETFL, O_NONBLOCK);
				while ((c = accept(listeners[j], NULL, NULL)) >= 0)
					hold(c);
				close(listeners[j]);
			}
			nlisteners = 0;
		} else if (!strcmp(a, "noaccept")) {
			accepting = 0;
		} else if (!strcmp(a, "acceptone")) {
			accept_one = 1;
		} else if (!strcmp(a, "hangup")) {
			hangup_on_accept = 1;
		} else if (!strcmp(a, "passfd") && nheld) {
			pass_last_socket(child_name);
		} else if (!strcmp(a, "threads") && i + 1 < argc) {
			for (int t = atoi(argv[++i]); t > 0; t--) {
				pthread_t th;

				if (pthread_create(&th, NULL, sleeper, NULL) != 0)
					die("pthread_create");
			}
		} else if (!strcmp(a, "fork")) {
			child = fork();
			if (child < 0)
				die("fork");
			/* Of a socketpair, each side keeps its own end. */
			if (pair_fds[0] >= 0) {
				close(pair_fds[child == 0 ? 0 : 1]);
				hold(pair_fds[child == 0 ? 1 : 0]);
				pair_fds[0] = pair_fds[1] = -1;
			}
			if (child == 0) {
				/* The child holds the same sockets and waits for its parent. */
				prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
				if (child_name)
					prctl(PR_SET_NAME, child_name, 0, 0, 0);
				for (;;)
					pause();
			}
		} else {
			fprintf(stderr, "sockhelper: bad action '%s'\n", a);
			return 2;
		}
	}
	/* A socketpair no fork split: this process keeps both ends. */
	if (pair_fds[0] >= 0) {
		hold(pair_fds[0]);
		hold(pair_fds[1]);
	}
	if (child)
		printf("ready %d %d\n", (int)getpid(), (int)child);
	else
		printf("ready %d\n", (int)getpid());
	if (accept_one && nlisteners) {
		int c = accept(listeners[0], NULL, NULL);

		if (c < 0)
			die("accept");
		hold(c);
		printf("accepted\n");
	}

	/* Sockets held from here on were accepted. */
	first_accepted = nheld;
	next_send_ms = now_ms();
	for (;;) {
		struct pollfd pfd[2 * MAX_FDS + 1];
		int n = 0, j, nlisten;

		pfd[n].fd = STDIN_FILENO;
		pfd[n++].events = POLLIN;
		for (j = 0; accepting && j < nlisteners; j++) {
			pfd[n].fd = listeners[j];
			pfd[n++].events = POLLIN;
		}
		nlisten = n;
		for (j = first_accepted; draining && j < nheld; j++) {
			if (held[j] < (int)sizeof(at_eof) && at_eof[held[j]])
				continue;
			pfd[n].fd = held[j];
			pfd[n++].events = POLLIN;
		}
		/* A stream writes a tenth of its rate every 100 ms. */
		if (poll(pfd, (nfds_t)n, stream_fd >= 0 ? 100 : -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[0].revents) {
			char c;

			if (read(STDIN_FILENO, &c, 1) <= 0)
				break;
		}
		for (j = 1; j < nlisten; j++)
			if (pfd[j].revents & POLLIN)
				accept_pending(pfd[j].fd);
		for (j = nlisten; j < n; j++) {
			static char sink[65536];

			if (!(pfd[j].revents & (POLLIN | POLLHUP)) ||
			    read(pfd[j].fd, sink, sizeof(sink)) != 0)
				continue;
			/* End of stream: close, so the peer's close completes,
			 * or leave it in CLOSE_WAIT. */
			if (close_at_eof)
				drop_held(pfd[j].fd);
			else if (pfd[j].fd < (int)sizeof(at_eof))
				at_eof[pfd[j].fd] = 1;
		}
		if (stream_fd >= 0 && now_ms() >= next_send_ms) {
			send_some(stream_fd, stream_rate / 10);
			next_send_ms += 100;
		}
	}
	if (child)
		kill(child, SIGTERM);
	return 0;
}
