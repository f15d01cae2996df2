/* Closing one socket as `ss -K` does: SOCK_DESTROY through sock_diag,
 * which aborts a TCP connection (both ends see it reset) or a UDP
 * socket. The kernel asks for CAP_NET_ADMIN and a kernel built with
 * CONFIG_INET_DIAG_DESTROY. */
#ifndef PV_DESTROY_H
#define PV_DESTROY_H

#include <stddef.h>

#include "snapshot.h"

/* Destroys k, entering its network namespace (k->netns) when it is not
 * the caller's, on this thread only. Returns 0, or -1 with errno and a
 * one-line reason in err (EPERM: no CAP_NET_ADMIN; EOPNOTSUPP: the kernel
 * cannot; ENOENT: it has gone already). */
int socket_destroy(const struct pv_socket *k, char *err, size_t errsize);

#endif
