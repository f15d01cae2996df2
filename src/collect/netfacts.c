#include "config.h"

#include "netfacts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "xalloc.h"

/* The sysctls, kept open: /proc/sys/net answers for the namespace of
 * whoever opened the file, so a file opened inside one keeps reading it. */
enum sysctl_slot { SYSCTL_RANGE, SYSCTL_RESERVED, SYSCTL_UNPRIVILEGED, SYSCTL_COUNT };

static const char *const sysctl_paths[SYSCTL_COUNT] = {
	[SYSCTL_RANGE] = "/proc/sys/net/ipv4/ip_local_port_range",
	[SYSCTL_RESERVED] = "/proc/sys/net/ipv4/ip_local_reserved_ports",
	[SYSCTL_UNPRIVILEGED] = "/proc/sys/net/ipv4/ip_unprivileged_port_start",
};

/* A dump of routes' tables is a few datagrams; an interface list fits. */
/* NETFACTS_EINTR_MAX: interrupted reads in a row before one is given up:
 * a storm of signals must not keep portview spinning. */
enum {
	NETFACTS_BUFFER = 32768,
	NETFACTS_SYSCTL_MAX = 4096,
	NETFACTS_MAX_ENTRIES = 4096,
	NETFACTS_EINTR_MAX = 100
};

struct netfacts {
	int sysctl_fds[SYSCTL_COUNT];
	struct mnl_socket *nl;
	uint32_t portid, seq;
	char *buf;
};

struct netfacts *netfacts_open(void)
{
	struct netfacts *f = xcalloc(1, sizeof(*f));

	for (int i = 0; i < SYSCTL_COUNT; i++)
		f->sysctl_fds[i] = open(sysctl_paths[i], O_RDONLY | O_CLOEXEC);
	f->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (f->nl && mnl_socket_bind(f->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(f->nl);
		f->nl = NULL;
	}
	if (f->nl)
		f->portid = mnl_socket_get_portid(f->nl);
	f->buf = xmalloc(NETFACTS_BUFFER);
	return f;
}

void netfacts_close(struct netfacts *f)
{
	if (!f)
		return;
	for (int i = 0; i < SYSCTL_COUNT; i++)
		if (f->sysctl_fds[i] >= 0)
			close(f->sysctl_fds[i]);
	if (f->nl)
		mnl_socket_close(f->nl);
	free(f->buf);
	free(f);
}

/* The sysctl's text from the start, without its newline, in buf; false
 * when it cannot be read. */
static bool sysctl_read(const struct netfacts *f, enum sysctl_slot slot, char *buf, size_t size)
{
	ssize_t n;
	int tries = 0;

	if (f->sysctl_fds[slot] < 0)
		return false;
	do
		n = pread(f->sysctl_fds[slot], buf, size - 1, 0);
	while (n < 0 && errno == EINTR && ++tries < NETFACTS_EINTR_MAX);
	if (n < 0)
		return false;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return true;
}

static void read_port_rules(const struct netfacts *f, struct pv_port_rules *rules, struct arena *arena)
{
	char text[NETFACTS_SYSCTL_MAX];
	char *end;
	unsigned long start;

	memset(rules, 0, sizeof(*rules));
	if (!sysctl_read(f, SYSCTL_RANGE, text, sizeof(text)) ||
	    !ports_parse_range(text, &rules->ephemeral_lo, &rules->ephemeral_hi))
		return;
	/* Before Linux 4.11 there is no unprivileged start: 1024 always. */
	rules->unprivileged_start = 1024;
	if (sysctl_read(f, SYSCTL_UNPRIVILEGED, text, sizeof(text))) {
		errno = 0;
		start = strtoul(text, &end, 10);
		if (errno || end == text || *end || start > 65536)
			return;
		rules->unprivileged_start = (uint32_t)start;
	}
	rules->reserved = "";
	if (sysctl_read(f, SYSCTL_RESERVED, text, sizeof(text))) {
		if (!ports_valid_list(text))
			return;
		rules->reserved = arena_strdup(arena, text);
	}
	rules->known = true;
}

/* One dump's collected entries, grown as replies come. */
struct facts_dump {
	struct pv_netns *ns;
	struct arena *arena;
	size_t cap;
};

/* Room for one more item of size bytes in *items, which holds n: arena
 * arrays do not grow in place, so a full one is copied to one twice as
 * big (what a dump of a few dozen entries wastes is nothing). */
static void *dump_grow(struct facts_dump *d, void *items, size_t n, size_t size)
{
	void *grown;

	if (n < d->cap)
		return items;
	d->cap = d->cap ? 2 * d->cap : 16;
	grown = arena_alloc(d->arena, d->cap * size);
	if (n)
		memcpy(grown, items, n * size);
	return grown;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct facts_dump *d = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*ifi))
	{
		if (mnl_attr_get_type(attr) != IFLA_IFNAME ||
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			continue;
		if (d->ns->nlinks == NETFACTS_MAX_ENTRIES)
			return MNL_CB_OK;
		d->ns->links = dump_grow(d, d->ns->links, d->ns->nlinks, sizeof(*d->ns->links));
		d->ns->links[d->ns->nlinks++] = (struct pv_link){
			.ifindex = (uint32_t)ifi->ifi_index,
			.loopback = (ifi->ifi_flags & IFF_LOOPBACK) != 0,
			.name = arena_strdup(d->arena, mnl_attr_get_str(attr)),
		};
	}
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct facts_dump *d = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr, *local = NULL, *address = NULL, *chosen;
	size_t len;
	struct pv_ifaddr *a;

	if (nlh->nlmsg_type != RTM_NEWADDR || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return MNL_CB_OK;
	len = ifa->ifa_family == AF_INET ? 4 : ifa->ifa_family == AF_INET6 ? 16 : 0;
	if (!len)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa))
	{
		if (mnl_attr_get_payload_len(attr) != len)
			continue;
		if (mnl_attr_get_type(attr) == IFA_LOCAL)
			local = attr;
		else if (mnl_attr_get_type(attr) == IFA_ADDRESS)
			address = attr;
	}
	/* On a point-to-point link IFA_ADDRESS is the far end's. */
	chosen = local ? local : address;
	if (!chosen || d->ns->naddrs == NETFACTS_MAX_ENTRIES)
		return MNL_CB_OK;
	d->ns->addrs = dump_grow(d, d->ns->addrs, d->ns->naddrs, sizeof(*d->ns->addrs));
	a = &d->ns->addrs[d->ns->naddrs++];
	memset(a, 0, sizeof(*a));
	a->ifindex = ifa->ifa_index;
	a->addr.family = ifa->ifa_family;
	memcpy(a->addr.bytes, mnl_attr_get_payload(chosen), len);
	return MNL_CB_OK;
}

/* One RTM_GET* dump through f's socket into d; false when it failed
 * (what came before the failure stays). */
static bool route_dump(struct netfacts *f, uint16_t type, mnl_cb_t cb, struct facts_dump *d)
{
	char req[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct rtgenmsg *gen;
	ssize_t n;
	int ret = MNL_CB_OK;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++f->seq;
	gen = mnl_nlmsg_put_extra_header(nlh, sizeof(*gen));
	gen->rtgen_family = AF_UNSPEC;
	if (mnl_socket_sendto(f->nl, nlh, nlh->nlmsg_len) < 0)
		return false;
	while (ret > MNL_CB_STOP) {
		int tries = 0;

		do
			n = mnl_socket_recvfrom(f->nl, f->buf, NETFACTS_BUFFER);
		while (n < 0 && errno == EINTR && ++tries < NETFACTS_EINTR_MAX);
		if (n <= 0)
			return false;
		ret = mnl_cb_run(f->buf, (size_t)n, f->seq, f->portid, cb, d);
	}
	return ret == MNL_CB_STOP;
}

void netfacts_read(struct netfacts *f, struct pv_netns *ns, struct arena *arena)
{
	struct facts_dump d = { .ns = ns, .arena = arena };

	read_port_rules(f, &ns->ports, arena);
	ns->links = NULL;
	ns->nlinks = 0;
	ns->addrs = NULL;
	ns->naddrs = 0;
	if (!f->nl)
		return;
	if (!route_dump(f, RTM_GETLINK, link_cb, &d))
		ns->nlinks = 0;
	d.cap = 0;
	if (!route_dump(f, RTM_GETADDR, addr_cb, &d))
		ns->naddrs = 0;
}
