/* Reverse DNS without waiting: a cache of host names for addresses, filled
 * by worker threads in the background. The dashboard asks while it draws
 * and redraws when told an answer came; --once asks for every address,
 * then waits a bounded time for the answers. */
#ifndef PV_RESOLVER_H
#define PV_RESOLVER_H

#include "snapshot.h"

struct resolver;

/* Starts the workers. After each answer, notify_fd (an eventfd, or -1 for
 * none) gets one count added. */
struct resolver *resolver_new(int notify_fd);
/* Stops asking. Workers busy with a slow lookup finish it on their own and
 * free what they share; nothing waits for DNS here. */
void resolver_free(struct resolver *r);

/* The name of a, or NULL when it has none or is not known yet; the first
 * call for a queues a lookup. The name's bytes are the resolver's answer,
 * unsanitised, and live as long as r. Never blocks on DNS. */
const char *resolver_name(struct resolver *r, const struct pv_addr *a);
/* Waits until no lookup is queued or under way, or timeout_ms passed.
 * Returns the number still unanswered. */
size_t resolver_settle(struct resolver *r, int timeout_ms);

#endif
