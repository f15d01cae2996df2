/* Names for the listing (-r, the n key): service names from /etc/services
 * and host names from reverse DNS, looked up in the background. Ties the
 * services table, the resolver and the column formatters together. */
#ifndef PV_NAMES_H
#define PV_NAMES_H

#include "rows.h"
#include "snapshot.h"

struct names;

/* Loads the services table and starts the resolver, which adds to
 * notify_fd (an eventfd, or -1) after each answer; then makes the column
 * formatters use names. */
struct names *names_open(int notify_fd);
/* Makes the formatters use numbers again and frees n. */
void names_close(struct names *n);

/* Asks for the host names of every address the rows show, then waits up to
 * timeout_ms for the answers: for output that is written once. */
void names_prefetch(struct names *n, const struct pv_snapshot *s, const struct pv_rows *r, int timeout_ms);

#endif
