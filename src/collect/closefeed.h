/* What closed: a NETLINK_SOCK_DIAG socket subscribed to the kernel's
 * destroy groups (TCP and UDP, IPv4 and IPv6), which carry each socket's
 * last record, tcp_info included, as the kernel frees it. No privilege is
 * needed. Like a sock_diag socket it hears the namespace it was opened
 * in. */
#ifndef PV_CLOSEFEED_H
#define PV_CLOSEFEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

struct close_feed;

/* Opens in the calling thread's namespace, whose inode is netns; NULL
 * (errno set) when the kernel has no destroy groups. */
struct close_feed *close_feed_open(uint32_t netns);
void close_feed_close(struct close_feed *f);

/* Appends to snap->closed every record waiting, without blocking. When
 * the kernel dropped some (ENOBUFS: the socket's buffer filled before it
 * was read) counts one overrun in snap->close_overruns. */
void close_feed_drain(struct close_feed *f, struct pv_snapshot *snap);

#endif
