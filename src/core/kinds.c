#include "config.h"

#include "kinds.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include "snapshot.h"

/* The order fixes each kind's place in a kernel mask. */
const struct socket_kind socket_kinds[SOCKET_KIND_COUNT] = {
	{ AF_INET, IPPROTO_TCP, PV_DUMP_TCP4, "tcp4", "TCP over IPv4" },
	{ AF_INET6, IPPROTO_TCP, PV_DUMP_TCP6, "tcp6", "TCP over IPv6" },
	{ AF_INET, IPPROTO_UDP, PV_DUMP_UDP4, "udp4", "UDP over IPv4" },
	{ AF_INET6, IPPROTO_UDP, PV_DUMP_UDP6, "udp6", "UDP over IPv6" },
	{ AF_UNIX, PV_PROTO_UNIX, PV_DUMP_UNIX, "unix", "UNIX domain sockets" },
};

enum { KIND_UNIX = 4 };

/* Computed rather than searched: it runs once per socket in the tracker. */
unsigned kind_index(uint8_t family, uint8_t proto)
{
	if (proto == PV_PROTO_UNIX)
		return KIND_UNIX;
	return (family == AF_INET6 ? 1u : 0u) + (proto == IPPROTO_UDP ? 2u : 0u);
}

unsigned kind_mask_bit(uint8_t family, uint8_t proto, uint8_t state)
{
	return kind_index(family, proto) * KIND_MASK_STATES + (state < KIND_MASK_STATES ? state : 0u);
}

uint32_t kind_mask_states(uint64_t mask, uint8_t family, uint8_t proto)
{
	return (uint32_t)(mask >> kind_mask_bit(family, proto, 0)) & KIND_MASK_ALL_STATES;
}

uint64_t kind_mask_unix(void)
{
	return (uint64_t)KIND_MASK_ALL_STATES << (KIND_UNIX * KIND_MASK_STATES);
}

uint64_t kind_mask_all(void)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < SOCKET_KIND_COUNT; i++)
		m |= (uint64_t)KIND_MASK_ALL_STATES << (i * KIND_MASK_STATES);
	return m;
}
