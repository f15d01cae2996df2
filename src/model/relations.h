/* What one snapshot says about how its sockets relate to each other: the
 * two ends of a connection made on this host (so a client's socket leads to
 * the server process and back), the half-open handshakes waiting on each
 * listener, and listeners whose accept queue is full. */
#ifndef PV_RELATIONS_H
#define PV_RELATIONS_H

#include "snapshot.h"

/* TIME_WAIT sockets of one server port, or towards one remote endpoint,
 * that make a pile worth flagging. */
enum { RELATIONS_TIME_WAIT_MANY = 500 };

/* Fills syn_recv, time_wait, accepted, PV_FLAG_SATURATED and
 * PV_FLAG_TIME_WAIT for every socket of s (other flags are left as they
 * are), with peers has_peer and peer, and each process's listen_count and
 * conn_count: whether it serves is decided on everything collected. prev, when not NULL, is the
 * snapshot before, computed with the same peers: where s holds the same
 * sockets in the same states, what does not follow the queues is taken
 * from it instead of joined again. */
void relations_compute(struct pv_snapshot *s, const struct pv_snapshot *prev, bool peers);

/* True when the listener's accept queue is full: the kernel then drops or
 * delays new connections. */
bool relations_queue_full(const struct pv_socket *listener);

#endif
