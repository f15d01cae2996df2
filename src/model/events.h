/* What happened between looks, kept as a log: sockets that opened (seen
 * by a refresh and not by the one before), closed (the kernel's destroy
 * record, with its final tcp_info, or, where none came, noticed by a
 * refresh) and changed state, and the times the kernel dropped destroy
 * records (an overrun: closes are then found by the refreshes, and the
 * gap is said). Each event's socket is a record of the log's own
 * snapshot, owners included, so the filter language selects events as
 * it selects sockets. The refresh pipeline keeps it (app/refresh.h). */
#ifndef PV_EVENTS_H
#define PV_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"
#include "strbuf.h"

enum pv_event_kind { PV_EVENT_OPEN, PV_EVENT_CLOSE, PV_EVENT_STATE, PV_EVENT_OVERRUN, PV_EVENT_KIND_COUNT };

/* "open", "close", "state", "overrun", as JSON says them. */
extern const char *const event_kind_names[PV_EVENT_KIND_COUNT];

struct pv_event {
	uint8_t kind;
	uint8_t old_state;   /* STATE: the state it left */
	bool from_kernel;    /* CLOSE: the kernel's destroy record (tcp_info); else a refresh saw it gone */
	bool lifetime_known; /* CLOSE: it opened while watched, so lifetime is its age */
	double time;         /* wall clock, seconds since the epoch */
	double lifetime;     /* CLOSE: seconds from the refresh that first saw it; else at least the
			      * time since watching began; -1: it opened and closed between two looks */
	uint32_t sock;       /* OPEN, CLOSE, STATE: the socket, in event_log_snapshot() */
	unsigned overruns;   /* OVERRUN: how many so far */
};

struct event_log;

/* Keeps up to capacity events, dropping the oldest. */
struct event_log *event_log_new(size_t capacity);
void event_log_free(struct event_log *log);

/* Folds in the refresh s, whose relations are computed, against prev, the
 * refresh before it (NULL for the first, which is the baseline: nothing
 * opened then). Both stay valid for the call only. */
void event_log_update(struct event_log *log, const struct pv_snapshot *s, const struct pv_snapshot *prev);

/* The events kept, oldest first: i from 0 to event_log_count() - 1. */
size_t event_log_count(const struct event_log *log);
const struct pv_event *event_log_at(const struct event_log *log, size_t i);
/* Events ever added: a consumer that remembers it reads only what is new
 * (the last total - before of the kept ones). */
uint64_t event_log_total(const struct event_log *log);
/* The snapshot the events' sockets and owners live in. */
const struct pv_snapshot *event_log_snapshot(const struct event_log *log);

/* One line for e, as --watch prints it and the event pane shows it:
 * "12:41:20.123  close  tcp  127.0.0.1:8080 <- 127.0.0.1:41234  nginx 812
 * open 1.5 s  in 1.2K out 340  retrans 0"; untrusted text sanitised. */
void event_describe(const struct event_log *log, const struct pv_event *e, bool utf8, struct strbuf *out);

#endif
