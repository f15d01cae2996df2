/* The kinds of socket the kernel dumps apart, in one table: each kind's
 * family and protocol, the bit that says its dump was refused, its name in
 * JSON and in words, and its place in a kernel mask. Every module that
 * walks the kinds (the dumps, the filter's kernel mask, the tombstones,
 * the notices and JSON) walks this table, so a new kind is one row. */
#ifndef PV_KINDS_H
#define PV_KINDS_H

#include <stdint.h>

/* Protocols the kernel could not dump, as a bit set (snapshot.unavailable). */
enum {
	PV_DUMP_TCP4 = 1u << 0,
	PV_DUMP_TCP6 = 1u << 1,
	PV_DUMP_UDP4 = 1u << 2,
	PV_DUMP_UDP6 = 1u << 3,
	PV_DUMP_UNIX = 1u << 4,
};

struct socket_kind {
	uint8_t family;          /* AF_INET, AF_INET6 or AF_UNIX */
	uint8_t proto;           /* IPPROTO_TCP, IPPROTO_UDP or PV_PROTO_UNIX */
	unsigned dump_bit;       /* PV_DUMP_* */
	const char *json_name;   /* "tcp4" */
	const char *description; /* "TCP over IPv4" */
};

/* A kernel mask gives each kind KIND_MASK_STATES bits: states 1..11 are
 * all a dump can return (see PV_STATES_ALL), so five kinds fit in 64. */
enum { SOCKET_KIND_COUNT = 5, KIND_MASK_STATES = 12 };

/* Every state bit a kernel mask holds for one kind of socket (0..11). */
#define KIND_MASK_ALL_STATES 0xfffu

extern const struct socket_kind socket_kinds[SOCKET_KIND_COUNT];

/* The index in socket_kinds of (family, proto). */
unsigned kind_index(uint8_t family, uint8_t proto);

/* Bit position for family, proto and state (1..11; others share bit 0)
 * within a kernel mask: the bit is set when a socket of that kind and
 * state is asked of the kernel. */
unsigned kind_mask_bit(uint8_t family, uint8_t proto, uint8_t state);
/* The states (a 1 << state mask) of family and proto present in mask. */
uint32_t kind_mask_states(uint64_t mask, uint8_t family, uint8_t proto);
/* The bits of UNIX sockets in a kernel mask. */
uint64_t kind_mask_unix(void);
/* Every bit of every kind. */
uint64_t kind_mask_all(void);

#endif
