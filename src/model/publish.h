/* Published ports: a listener on the host that stands for a container's.
 * Docker's userland proxy (docker-proxy -host-port H -container-ip A
 * -container-port P) listens on H and forwards to A:P; Podman's conmon
 * (conmon -c ID ...) holds a published port open for container ID while
 * the kernel's NAT forwards it. Each such listener is linked to the
 * listener inside the container it leads to, when that one is
 * certain. */
#ifndef PV_PUBLISH_H
#define PV_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

/* Sets forward_to on every listener of s that publishes a container's
 * port (0 on all others). */
void publish_link(struct pv_snapshot *s);

/* The value of option name ("-container-port") in a command line whose
 * arguments are joined by spaces, copied into out; false when absent. */
bool publish_option(const char *cmdline, size_t len, const char *name, char *out, size_t size);

#endif
