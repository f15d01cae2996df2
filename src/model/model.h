/* The finished model of one refresh, as the pipeline (app/refresh.h)
 * hands it to every consumer: the dashboard, --once and whatever comes
 * next. Everything in it is computed on all that was collected (what
 * the kernel mask asked for), before any view filters, groups or sorts:
 * roles, local peers, accept-queue joins, health, rates and change marks
 * do not depend on how a view looks at them. Consumers only read it. */
#ifndef PV_MODEL_H
#define PV_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"
#include "events.h"
#include "metrics.h"
#include "tracker.h"

struct pv_model {
	const struct pv_snapshot *snap; /* sockets with relations, health and tombstones */
	const struct tracker *tracker;  /* new / changed / gone marks; NULL when not tracked */
	const struct event_log *events; /* opens, closes, state changes; NULL when not kept */
	const struct metrics *metrics;  /* Prometheus counters; NULL when not kept */
	double duration;                /* seconds the collection took */
	bool same_rows;                 /* snap holds the sockets, states, queues and owners
					  * of the model before it (snapshot_same_rows) */
	bool rates;                     /* rates were measured (tcp_info over two looks) */
	struct pv_counts counts;        /* of the live sockets */
	const char *notice;             /* what the snapshot could not show; "" for nothing */
	uint64_t serial;                /* 1 for the first refresh, then one more each */
};

#endif
