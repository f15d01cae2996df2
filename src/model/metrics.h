/* The model as Prometheus metrics (text exposition format 0.0.4): per
 * listener and per server process and port, never per client connection,
 * so the number of series stays bounded by the services, not the load.
 * Counters (bytes and retransmissions of servers' connections) are kept
 * across refreshes from each connection's tcp_info, closes included from
 * the kernel's last record. doc/FORMATS.md lists every metric. */
#ifndef PV_METRICS_H
#define PV_METRICS_H

#include "snapshot.h"
#include "strbuf.h"

struct metrics;

struct metrics *metrics_new(void);
void metrics_free(struct metrics *mt);

/* Folds the refresh s (relations computed) in against prev, the refresh
 * before (NULL for the first, which sets the baseline: bytes moved before
 * portview started are not counted). */
void metrics_update(struct metrics *mt, const struct pv_snapshot *s, const struct pv_snapshot *prev);

/* Writes the exposition of s and the counters; duration is how long the
 * refresh took, in seconds. */
void metrics_render(const struct metrics *mt, const struct pv_snapshot *s, double duration,
		    struct strbuf *out);

/* Appends text as a label value: valid UTF-8 kept, '\\', '"' and
 * newlines escaped as the format asks, other bytes below 0x20 and invalid
 * UTF-8 written as \\xNN so that the value stays valid UTF-8. */
void metrics_label_value(struct strbuf *out, const char *text, size_t len);

#endif
