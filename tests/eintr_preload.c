/* Preloaded into portview by tests/errors.sh: every read from a netlink
 * socket fails with EINTR, as under a storm of signals, so the test can
 * check that a dump gives up with a message instead of spinning. */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/socket.h>

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	(void)msg;
	(void)flags;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 && ss.ss_family == AF_NETLINK) {
		errno = EINTR;
		return -1;
	}
	errno = ENOSYS; /* portview reads nothing else with recvmsg */
	return -1;
}
