/* Asking the kernel whether a new server could take a port: bind (and,
 * for TCP, listen) on the wildcard addresses, then close at once. The
 * kernel's answer is the truth `why` explains; what holds the port comes
 * from the snapshot. */
#ifndef PV_BINDPROBE_H
#define PV_BINDPROBE_H

#include <stdint.h>

#include "ports.h"

/* Tries each form of enum pv_bind_form that applies to proto (IPPROTO_TCP
 * or IPPROTO_UDP) on port, in the calling thread's network namespace. */
void bind_probe(uint8_t proto, uint16_t port, struct pv_bind_try out[PV_BIND_FORM_COUNT]);

#endif
