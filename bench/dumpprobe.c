/* The floor under a refresh: sends the sock_diag dumps a dashboard
 * refresh sends (TCP and UDP over IPv4 and IPv6, every state, tcp_info
 * for TCP unless -n), reads every reply and throws it away, ROUNDS times,
 * then prints the CPU (user + system) one round took, in microseconds.
 * Whatever portview spends above this is its own processing.
 *
 *   dumpprobe [-n] [ROUNDS]
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

enum { PROBE_BUFFER = 32768, PROBE_ALL_STATES = 0x0ffe };

static const struct {
	int family, proto;
} probe_kinds[] = {
	{ AF_INET, IPPROTO_TCP },
	{ AF_INET6, IPPROTO_TCP },
	{ AF_INET, IPPROTO_UDP },
	{ AF_INET6, IPPROTO_UDP },
};

/* One dump to its NLMSG_DONE; returns the messages it held, -1 on error. */
static long probe_dump(int fd, int family, int proto, int info, unsigned seq, char *buf)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg;
	long count = 0;

	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.nlh.nlmsg_seq = seq;
	msg.req.sdiag_family = (unsigned char)family;
	msg.req.sdiag_protocol = (unsigned char)proto;
	msg.req.idiag_states = PROBE_ALL_STATES;
	if (info && proto == IPPROTO_TCP)
		msg.req.idiag_ext = 1u << (INET_DIAG_INFO - 1);
	if (send(fd, &msg, sizeof(msg), 0) < 0)
		return -1;
	for (;;) {
		ssize_t n = recv(fd, buf, PROBE_BUFFER, 0);
		struct nlmsghdr *h;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return count;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -1;
			count++;
		}
	}
}

int main(int argc, char **argv)
{
	int info = 1, rounds = 10, fd;
	char *buf = malloc(PROBE_BUFFER);
	struct rusage ru;
	long sockets = 0;
	double cpu;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		info = 0;
		argc--;
		argv++;
	}
	if (argc > 1)
		rounds = atoi(argv[1]);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0 || !buf || rounds < 1) {
		perror("dumpprobe");
		return 1;
	}
	for (int r = 0; r < rounds; r++) {
		sockets = 0;
		for (size_t k = 0; k < sizeof(probe_kinds) / sizeof(probe_kinds[0]); k++) {
			long n = probe_dump(fd, probe_kinds[k].family, probe_kinds[k].proto, info,
					    (unsigned)(r * 4 + k + 1), buf);

			if (n < 0) {
				perror("dumpprobe: dump");
				return 1;
			}
			sockets += n;
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec +
	      (double)ru.ru_stime.tv_sec * 1e6 + (double)ru.ru_stime.tv_usec;
	printf("%.0f %ld\n", cpu / rounds, sockets);
	close(fd);
	free(buf);
	return 0;
}
