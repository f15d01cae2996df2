/* Turns sock_diag reply buffers into socket records. Kept apart from the
 * socket I/O so tests can feed it buffers built in memory. */
#ifndef PV_DIAG_PARSE_H
#define PV_DIAG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

struct diag_parse_ctx {
	struct pv_snapshot *snap;
	uint8_t proto;       /* IPPROTO_* of the dump: replies do not say */
	uint8_t family;      /* AF_UNIX for a unix_diag dump, else the inet family */
	uint32_t netns;      /* the namespace the dump is of, for every record */
	unsigned added;      /* records added to the snapshot */
	unsigned duplicates; /* records dropped as repeats (same cookie) */
	unsigned malformed;  /* messages too short to hold a record */
};

/* Parses one received buffer of a dump with sequence seq to our portid.
 * Returns 1 when more messages follow, 0 when the dump ended, and -1 with
 * errno set on failure: ENOENT or EOPNOTSUPP when the kernel has no diag
 * handler for the protocol (even when it says so inside NLMSG_DONE), EINTR
 * when the kernel flagged the dump as interrupted, EPROTO or ESRCH for a
 * message of another sequence or port, EBADMSG when the buffer ends in a
 * message whose length is impossible, other values from NLMSG_ERROR. */
int diag_parse_buffer(const void *buf, size_t len, uint32_t seq, uint32_t portid, struct diag_parse_ctx *ctx);

/* One message a destroy group sent (sock_diag broadcasts a socket's last
 * record as it is freed), its nlmsg_len within len, into rec; its protocol
 * from the message's INET_DIAG_PROTOCOL. False for anything that is not a
 * TCP or UDP socket's record. */
bool diag_parse_event(const void *msg, size_t len, uint32_t netns, struct pv_socket *rec);

#endif
