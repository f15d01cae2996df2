/* How far a listener reaches: only this host (loopback), one interface
 * (a specific address, or a wildcard bound to one device), or every
 * address the host has. Anything reachable beyond loopback is attack
 * surface a firewall should cover; portview does not read the firewall. */
#ifndef PV_EXPOSURE_H
#define PV_EXPOSURE_H

#include "snapshot.h"

enum pv_exposure {
	PV_EXPOSURE_NONE,     /* not a TCP or UDP listener */
	PV_EXPOSURE_LOOPBACK, /* 127.0.0.0/8, ::1, or bound to a loopback device */
	PV_EXPOSURE_ADDRESS,  /* one address, or one device */
	PV_EXPOSURE_ALL,      /* 0.0.0.0, :: (dual-stack or IPv6 only) */
	PV_EXPOSURE_COUNT
};

/* Names as JSON says them, in enum order ("" for NONE). */
extern const char *const exposure_names[PV_EXPOSURE_COUNT];

/* Of a TCP listener or an unconnected UDP socket; NONE for the rest. */
enum pv_exposure socket_exposure(const struct pv_snapshot *s, const struct pv_socket *k);

/* True for a listener reachable from beyond this host. */
static inline bool exposure_beyond_loopback(enum pv_exposure e)
{
	return e == PV_EXPOSURE_ADDRESS || e == PV_EXPOSURE_ALL;
}

/* The interface an ADDRESS listener is reached through: the device it is
 * bound to, else the one holding its address; NULL when not known (an
 * address no interface has: IP_FREEBIND). Raw bytes. */
const char *exposure_interface(const struct pv_snapshot *s, const struct pv_socket *k);

#endif
