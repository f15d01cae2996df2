/* What successive snapshots say about each TCP connection: bytes a second
 * in and out (from the change of tcp_info's byte counters, keyed by socket
 * cookie; no packet capture, no privilege), data that waits without being
 * acknowledged, retransmissions, a zero window, and how long a socket has
 * been in its state (a CLOSE_WAIT that lasts means its owner forgot to
 * close it). Needs snapshots taken with tcp_info for the TCP figures. */
#ifndef PV_HEALTH_H
#define PV_HEALTH_H

#include "snapshot.h"
#include "states.h"
#include "strbuf.h"

/* Seconds without ACK progress, with data waiting, before "stalled". */
#define HEALTH_STALL_SECONDS 5.0
/* Seconds a retransmission keeps a connection flagged. */
#define HEALTH_RETRANS_SECONDS 10.0
/* Seconds in CLOSE_WAIT before it is flagged. */
#define HEALTH_CLOSE_WAIT_SECONDS 10.0

/* The states whose age tcp_info bounds from below on one look: worth its
 * cost even when nothing else of tcp_info is asked for (few sockets are
 * in them, and a CLOSE_WAIT that lasts is a bug worth flagging at once). */
#define HEALTH_AGE_INFO_STATES (1u << PV_STATE_CLOSE_WAIT | 1u << PV_STATE_FIN_WAIT2)

/* Seconds socket k has been in its state at least, by its tcp_info alone,
 * or 0 when tcp_info tells nothing about it. Entering CLOSE_WAIT (the
 * peer's FIN) and FIN_WAIT2 (the ACK of ours) is receiving a segment with
 * an ACK, and every later one resets tcp_info's last_ack_recv, so that
 * is a lower bound there. An ESTABLISHED connection has been so at least
 * as long ago as its last data sent or received or ACK received: the
 * kernel sets all three when the handshake completes. uptime (seconds
 * since boot) rejects a bound from counters the kernel never set. */
double health_state_lower_bound(const struct pv_socket *k, double uptime);
struct health;

struct health *health_new(void);
void health_free(struct health *h);

/* Updates from prev (the snapshot given last time, or NULL) to cur, taken
 * at monotonic time now: fills cur's rates, state_since and the
 * PV_FLAG_STALLED, RETRANS, ZERO_WINDOW and CLOSE_WAIT flags. */
void health_update(struct health *h, const struct pv_snapshot *prev, struct pv_snapshot *cur, double now);

/* The rate between two readings of a byte counter dt seconds apart; a
 * counter that went back (a different socket reusing the cookie cannot
 * happen, but a kernel may reset) gives 0. */
double health_rate(uint64_t before, uint64_t after, double dt);

/* The names of flags, for filters, JSON and the detail pane. */
const char *health_flag_name(unsigned flag_bit);
/* Parses a flag name; returns the PV_FLAG_* bit or 0. */
unsigned health_flag_parse(const char *name, size_t len);

/* Writes "! 3 saturated, 1 stalled" for the flagged sockets counted in c,
 * or nothing when none is: the same words for the text summary and the
 * dashboard's header. */
void health_describe(const struct pv_counts *c, struct strbuf *sb);

#endif
