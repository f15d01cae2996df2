/* What changed between refreshes: sockets that appeared, changed state or
 * closed. Closed sockets are kept as tombstones for a while so they can be
 * shown in place, as TCPView does, and nothing that happened between two
 * glances is missed. Sockets are followed by cookie. */
#ifndef PV_TRACKER_H
#define PV_TRACKER_H

#include "snapshot.h"

enum change_mark { MARK_NONE, MARK_NEW, MARK_CHANGED, MARK_GONE };

struct tracker;

struct tracker *tracker_new(void);
void tracker_free(struct tracker *t);

/* Folds in cur, taken at now (seconds on a monotonic clock), against prev
 * (the snapshot the last update folded in, NULL at the start; it must
 * still be valid).
 * Sockets of prev missing from cur become tombstones; then every tombstone
 * younger than highlight seconds is appended to cur as a socket with gone
 * set, with its owners. A highlight of 0 keeps no marks and no tombstones.
 * Nothing is marked new in the first snapshot. */
void tracker_update(struct tracker *t, const struct pv_snapshot *prev, struct pv_snapshot *cur, double now,
		    double highlight);

/* The mark socket k (a pointer into the last updated snapshot, which must
 * not have been freed) carries at now. */
enum change_mark tracker_mark(const struct tracker *t, const struct pv_socket *k, double now);

/* Seconds until the next mark or tombstone expires, or -1 when none will:
 * the dashboard redraws then even while paused. */
double tracker_next_expiry(const struct tracker *t, double now);

#endif
