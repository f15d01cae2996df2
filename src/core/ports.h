/* What a port number means: its IANA class, and the rules a network
 * namespace sets for it (its sysctls): which ports the kernel hands out
 * to clients, which it keeps back, and where unprivileged binds start. */
#ifndef PV_PORTS_H
#define PV_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pv_port_class {
	PV_PORT_WELL_KNOWN, /* 0-1023: system services */
	PV_PORT_REGISTERED, /* 1024-49151 */
	PV_PORT_DYNAMIC,    /* 49152-65535: private and dynamic */
	PV_PORT_CLASS_COUNT
};

/* The classes' names as JSON and the details say them, in enum order. */
extern const char *const port_class_names[PV_PORT_CLASS_COUNT];

enum pv_port_class port_class(uint16_t port);

/* A namespace's port sysctls, as read (net.ipv4.*: they govern IPv6
 * too). known is false when they could not be read. */
struct pv_port_rules {
	bool known;
	uint16_t ephemeral_lo, ephemeral_hi; /* ip_local_port_range */
	uint32_t unprivileged_start;         /* ip_unprivileged_port_start */
	const char *reserved; /* ip_local_reserved_ports as the kernel prints it: "" or "8080,9000-9010" */
};

/* True when the kernel may give port to a client's connect or bind(0):
 * inside the ephemeral range and not reserved. */
bool ports_ephemeral(const struct pv_port_rules *rules, uint16_t port);
/* True when port is in the reserved list. */
bool ports_reserved(const struct pv_port_rules *rules, uint16_t port);

/* Parses ip_local_port_range's "LOW<whitespace>HIGH". Returns false on
 * anything else (then *lo and *hi are untouched). */
bool ports_parse_range(const char *text, uint16_t *lo, uint16_t *hi);
/* Checks a reserved-ports list: comma-separated ports and LOW-HIGH ranges. */
bool ports_valid_list(const char *text);

/* The binds `why` tries for real, each alone: a TCP try binds and listens
 * (listen is where a clash with another listener shows), with
 * SO_REUSEADDR as servers set it; NO_REUSE is the IPv4 wildcard without
 * it, which TIME_WAIT connections of the port still block. UDP tries
 * bind without SO_REUSEADDR, and not NO_REUSE. */
enum pv_bind_form { PV_BIND_V4, PV_BIND_V6_ONLY, PV_BIND_DUAL, PV_BIND_V4_NO_REUSE, PV_BIND_FORM_COUNT };

struct pv_bind_try {
	bool tried;
	int error; /* 0: it bound (and listened); else the errno */
};

#endif
