#include "config.h"

#include "exposure.h"

#include <string.h>
#include <netinet/in.h>

#include "addr.h"

const char *const exposure_names[PV_EXPOSURE_COUNT] = {
	[PV_EXPOSURE_NONE] = "",
	[PV_EXPOSURE_LOOPBACK] = "loopback",
	[PV_EXPOSURE_ADDRESS] = "address",
	[PV_EXPOSURE_ALL] = "all",
};

static bool addr_is_loopback(const struct pv_addr *a)
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->bytes[0] == 127;
	return memcmp(a->bytes, v6_loopback, sizeof(v6_loopback)) == 0;
}

enum pv_exposure socket_exposure(const struct pv_snapshot *s, const struct pv_socket *k)
{
	if (socket_is_unix(k) || !socket_is_listener(k))
		return PV_EXPOSURE_NONE;
	if (addr_is_loopback(&k->local.addr))
		return PV_EXPOSURE_LOOPBACK;
	/* SO_BINDTODEVICE narrows even a wildcard to one interface. */
	if (k->ifindex) {
		const struct pv_link *link = snapshot_link(s, k->netns, k->ifindex);

		return link && link->loopback ? PV_EXPOSURE_LOOPBACK : PV_EXPOSURE_ADDRESS;
	}
	return addr_is_wildcard(&k->local.addr) ? PV_EXPOSURE_ALL : PV_EXPOSURE_ADDRESS;
}

const char *exposure_interface(const struct pv_snapshot *s, const struct pv_socket *k)
{
	uint32_t ifindex = k->ifindex ? k->ifindex : snapshot_addr_ifindex(s, k->netns, &k->local.addr);
	const struct pv_link *link = ifindex ? snapshot_link(s, k->netns, ifindex) : NULL;

	return link ? link->name : NULL;
}
