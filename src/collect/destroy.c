#include "config.h"

#include "destroy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <sys/stat.h>

/* The request naming k exactly: the kernel finds it by its endpoints and
 * checks the cookie. An IPv4 client of a dual-stack listener is an IPv6
 * socket whose addresses portview shows as IPv4: mapped back. */
static void destroy_request(const struct pv_socket *k, struct inet_diag_req_v2 *req)
{
	const struct pv_endpoint *ends[2] = { &k->local, &k->remote };
	__be32 *addrs[2] = { req->id.idiag_src, req->id.idiag_dst };

	memset(req, 0, sizeof(*req));
	req->sdiag_family = k->family;
	req->sdiag_protocol = k->proto;
	req->idiag_states = ~0u;
	req->id.idiag_sport = htons(k->local.port);
	req->id.idiag_dport = htons(k->remote.port);
	req->id.idiag_if = k->ifindex;
	req->id.idiag_cookie[0] = (uint32_t)k->cookie;
	req->id.idiag_cookie[1] = (uint32_t)(k->cookie >> 32);
	for (int i = 0; i < 2; i++) {
		uint8_t *bytes = (uint8_t *)addrs[i];

		if (k->family == AF_INET6 && ends[i]->addr.family == AF_INET) {
			bytes[10] = bytes[11] = 0xff;
			memcpy(bytes + 12, ends[i]->addr.bytes, 4);
		} else {
			memcpy(bytes, ends[i]->addr.bytes, k->family == AF_INET ? 4 : 16);
		}
	}
}

/* Sends the request on a socket of the calling thread's namespace and
 * reads the kernel's answer. Returns 0 or an errno. */
static int destroy_here(const struct pv_socket *k)
{
	char buf[8192];
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	struct nlmsghdr *nlh;
	struct inet_diag_req_v2 *req;
	int error = 0;
	ssize_t n;

	if (!nl)
		return errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		error = errno;
		mnl_socket_close(nl);
		return error;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DESTROY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	destroy_request(k, req);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		error = errno;
	} else {
		do
			n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		while (n < 0 && errno == EINTR);
		if (n < 0)
			error = errno;
		else if (mnl_cb_run(buf, (size_t)n, 1, mnl_socket_get_portid(nl), NULL, NULL) < 0)
			error = errno;
	}
	mnl_socket_close(nl);
	return error;
}

/* A file that enters namespace inode: a process's, or a named one. */
static int open_namespace(uint32_t inode)
{
	static const char *const named[] = { "/run/netns", "/var/run/netns", "/run/docker/netns" };
	char path[300];
	struct stat st;
	struct dirent *de;
	DIR *dir = opendir("/proc");

	while (dir && (de = readdir(dir))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		if (stat(path, &st) == 0 && (uint32_t)st.st_ino == inode) {
			closedir(dir);
			return open(path, O_RDONLY | O_CLOEXEC);
		}
	}
	if (dir)
		closedir(dir);
	for (size_t d = 0; d < sizeof(named) / sizeof(named[0]); d++) {
		dir = opendir(named[d]);
		while (dir && (de = readdir(dir))) {
			snprintf(path, sizeof(path), "%s/%s", named[d], de->d_name);
			if (de->d_name[0] != '.' && stat(path, &st) == 0 && (uint32_t)st.st_ino == inode) {
				closedir(dir);
				return open(path, O_RDONLY | O_CLOEXEC);
			}
		}
		if (dir)
			closedir(dir);
	}
	errno = ENOENT;
	return -1;
}

static void destroy_reason(int error, char *err, size_t errsize)
{
	switch (error) {
	case EPERM:
	case EACCES:
		snprintf(err, errsize, "closing a connection needs CAP_NET_ADMIN: run portview as root");
		break;
	case EOPNOTSUPP:
		snprintf(err, errsize,
			 "this kernel cannot close sockets (it was built without CONFIG_INET_DIAG_DESTROY)");
		break;
	case ENOENT: snprintf(err, errsize, "it has closed already"); break;
	default: snprintf(err, errsize, "the kernel refused: %s", strerror(error)); break;
	}
}

int socket_destroy(const struct pv_socket *k, char *err, size_t errsize)
{
	struct stat own;
	int error, self = -1, target;

	if (socket_is_unix(k) || socket_is_minisocket(k->proto, k->state)) {
		snprintf(err, errsize, "%s",
			 socket_is_unix(k) ? "UNIX sockets cannot be closed this way"
					   : "it holds no connection to close (TIME_WAIT or a "
					     "handshake)");
		errno = EINVAL;
		return -1;
	}
	if (stat("/proc/self/ns/net", &own) < 0 || (uint32_t)own.st_ino == k->netns || !k->netns) {
		error = destroy_here(k);
	} else {
		target = open_namespace(k->netns);
		self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (target < 0 || self < 0 || setns(target, CLONE_NEWNET) < 0) {
			error = errno == EPERM ? EPERM : ENOENT;
		} else {
			error = destroy_here(k);
			/* Not back home is no state to go on in. */
			if (setns(self, CLONE_NEWNET) < 0) {
				perror("portview: cannot return to its network namespace");
				_exit(1);
			}
		}
		if (target >= 0)
			close(target);
		if (self >= 0)
			close(self);
	}
	if (!error)
		return 0;
	destroy_reason(error, err, errsize);
	errno = error;
	return -1;
}
