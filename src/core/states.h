/* Socket states by the kernel's numbers. Defined here because glibc's
 * <netinet/tcp.h> and <linux/tcp.h> cannot be included together. */
#ifndef PV_STATES_H
#define PV_STATES_H

#include <stddef.h>
#include <stdint.h>

enum pv_state {
	PV_STATE_ESTABLISHED = 1,
	PV_STATE_SYN_SENT,
	PV_STATE_SYN_RECV,
	PV_STATE_FIN_WAIT1,
	PV_STATE_FIN_WAIT2,
	PV_STATE_TIME_WAIT,
	PV_STATE_CLOSE,
	PV_STATE_CLOSE_WAIT,
	PV_STATE_LAST_ACK,
	PV_STATE_LISTEN,
	PV_STATE_CLOSING,
	PV_STATE_MAX = PV_STATE_CLOSING,
};

/* Every state a dump of "all" asks for (1..11). Bound-but-inactive TCP
 * sockets (bit 13, Linux >= 6.8) are left out as `ss -a` leaves them out. */
#define PV_STATES_ALL 0x0ffeu

/* A TCP socket bound to a port that neither listens nor connects: the
 * kernel dumps them only when asked for this state (Linux >= 6.8). They
 * hold their port as a listener does. */
#define PV_STATE_BOUND_INACTIVE 13

/* The kernel's name of state for proto (an IPPROTO_*): "LISTEN",
 * "TIME_WAIT"; an unconnected UDP or UNIX socket is "UNCONN". Never NULL. */
const char *state_name(uint8_t proto, uint8_t state);
/* A short column label ("ESTAB", "TIME-WAIT"), as ss prints them. */
const char *state_short_name(uint8_t proto, uint8_t state);
/* Parses a state name, case-insensitive, '-' or '_' alike, kernel or short
 * form, plus "unconn". Returns a state bit mask, 0 when unknown. */
uint32_t state_parse(const char *name, size_t len);

/* "tcp", "udp" or "unix" for IPPROTO_TCP, IPPROTO_UDP or PV_PROTO_UNIX. */
const char *proto_name(uint8_t proto);
/* "stream", "dgram" or "seqpacket" for a UNIX socket's type. */
const char *unix_type_name(uint8_t sock_type);

#endif
