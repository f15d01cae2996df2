/* What a network namespace says of its ports and addresses: the port
 * sysctls (ephemeral range, reserved ports, where unprivileged binds
 * start) and its interfaces with their addresses, from a NETLINK_ROUTE
 * socket. Both are opened in the namespace they describe and keep
 * describing it after the thread has left it, as a sock_diag socket does. */
#ifndef PV_NETFACTS_H
#define PV_NETFACTS_H

#include "snapshot.h"

struct netfacts;

/* Opens in the calling thread's network namespace; never NULL (what
 * cannot be opened is reported not known when read). */
struct netfacts *netfacts_open(void);
void netfacts_close(struct netfacts *f);

/* Reads them afresh into ns (its ports, addrs and links), allocating in
 * arena. What cannot be read is left empty, ports.known false. */
void netfacts_read(struct netfacts *f, struct pv_netns *ns, struct arena *arena);

#endif
