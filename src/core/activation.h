/* Socket activation: a manager (systemd as PID 1 or a user's manager,
 * systemd-socket-activate, inetd) holds a listener and starts the service
 * that serves it, passing it the socket. Which process is which, and the
 * .socket unit and service behind a listener. */
#ifndef PV_ACTIVATION_H
#define PV_ACTIVATION_H

#include <stdbool.h>

#include "snapshot.h"

/* True for a process that holds listeners for services it starts. */
bool process_is_activator(const struct pv_process *p);

struct pv_activation {
	const struct pv_process *activator; /* holds the listener for the service; NULL when it
					     * passed it on and went (systemd-socket-activate execs) */
	const struct pv_process *service;   /* started with it, when running; else NULL */
	const char *socket_unit;            /* "cups.socket", or NULL when not known */
	const char *service_unit;           /* "cups.service", or NULL */
};

/* Fills out for listener k when a socket activator holds it, or an owner
 * was passed it (LISTEN_FDS). */
bool socket_activation(const struct pv_snapshot *s, const struct pv_socket *k, struct pv_activation *out);

#endif
