/* The one refresh pipeline every mode runs: collect (sock_diag dumps and
 * owners, on a worker thread when asked to run in the background) ->
 * relations (roles, local peers, accept-queue joins) on everything
 * collected -> health (rates, flags) and history (tracker) against the
 * refresh before -> an immutable struct pv_model. Views filter, group,
 * sort and draw only after that. Free of curses.
 *
 * Two snapshots alternate: the model last handed out stays valid until
 * the collection after the one that replaced it starts, so a consumer must
 * move to a new model before it asks for another refresh. */
#ifndef PV_REFRESH_H
#define PV_REFRESH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct refresh_options {
	bool incremental;            /* remember owners between refreshes (the dashboard) */
	bool tcp_info;               /* ask for tcp_info: rates, RTT, stalls */
	bool age_info;               /* without tcp_info, still ask it of the states whose age it bounds */
	bool peers;                  /* join the two ends of local connections */
	bool track;                  /* keep change marks and tombstones */
	double highlight;            /* seconds marks and tombstones last, with track */
	enum pv_owner_source owners; /* where owners come from */
	const char *netns;           /* --netns words joined by commas; NULL: every namespace */
	bool bound;                  /* bound-but-inactive TCP sockets too */
	size_t events;               /* keep a log of this many opens, closes, state changes (0: none) */
	bool metrics;                /* keep Prometheus counters (metrics.h) */
	/* --remote: the hosts' streams are the collection, instead of this
	 * host's kernel; relations, health and rates come derived from each
	 * host's own pipeline. Owned by the caller. */
	struct fleet *fleet;
};

struct refresh;

/* Returns NULL with a message in err when sock_diag cannot be used. */
struct refresh *refresh_open(const struct refresh_options *opts, char *err, size_t errsize);
/* Waits for a collection still running, then frees everything. */
void refresh_close(struct refresh *r);

/* One refresh on the calling thread. Returns the new model, or NULL with
 * a message in err (the last model, if any, stays current). */
const struct pv_model *refresh_now(struct refresh *r, uint64_t kernel_mask, char *err, size_t errsize);

/* Starts a refresh on the worker thread; refresh_fd becomes readable when
 * it has finished. While one runs, another start only notes that one more
 * is wanted (refresh_finish then says so). */
void refresh_start(struct refresh *r, uint64_t kernel_mask);
/* An eventfd, readable when a background refresh has finished. */
int refresh_fd(const struct refresh *r);
/* After refresh_fd was readable: folds the finished collection in and
 * returns the new model, or NULL with a message in err when it failed or
 * nothing had finished (err then empty). *again is set when a start was
 * asked for while it ran. */
const struct pv_model *refresh_finish(struct refresh *r, bool *again, char *err, size_t errsize);

/* The current model, or NULL before the first refresh succeeded. */
const struct pv_model *refresh_model(const struct refresh *r);

#endif
