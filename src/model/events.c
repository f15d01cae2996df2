#include "config.h"

#include "events.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "kinds.h"
#include "states.h"
#include "u64map.h"
#include "xalloc.h"

const char *const event_kind_names[PV_EVENT_KIND_COUNT] = {
	[PV_EVENT_OPEN] = "open",
	[PV_EVENT_CLOSE] = "close",
	[PV_EVENT_STATE] = "state",
	[PV_EVENT_OVERRUN] = "overrun",
};

/* A socket a refresh found gone with no destroy record yet: its record
 * waits one refresh for the kernel's, which may come late (the kernel
 * sends it when it frees the socket, after it left the tables). */
struct pending_close {
	uint32_t sock;  /* in the log's snapshot */
	double noticed; /* the look that found it gone: the close's time */
	double lifetime;
	bool lifetime_known;
};

struct event_log {
	struct pv_snapshot snap; /* the events' sockets and owners */
	struct u64map procs;     /* (pid, start time) -> its process in snap */
	struct pv_event *events; /* a ring of capacity */
	size_t capacity, first, count;
	uint64_t total;
	bool started;
	double start; /* wall clock of the baseline */
	unsigned overruns;
	/* cookie -> index in opened_at: sockets seen to open */
	struct u64map opened;
	double *opened_at;
	size_t nopened;
	/* cookies the kernel said closed and a dump still shows (TIME_WAIT) */
	uint64_t *closed;
	size_t nclosed;
	struct pending_close *pending;
	size_t npending;
};

struct event_log *event_log_new(size_t capacity)
{
	struct event_log *log = xcalloc(1, sizeof(*log));

	log->capacity = capacity ? capacity : 1;
	log->events = xcalloc(log->capacity, sizeof(*log->events));
	snapshot_init(&log->snap);
	u64map_init(&log->procs, 64);
	u64map_init(&log->opened, 64);
	return log;
}

void event_log_free(struct event_log *log)
{
	if (!log)
		return;
	snapshot_free(&log->snap);
	u64map_free(&log->procs);
	free(log->events);
	u64map_free(&log->opened);
	free(log->opened_at);
	free(log->closed);
	free(log->pending);
	free(log);
}

size_t event_log_count(const struct event_log *log)
{
	return log->count;
}

const struct pv_event *event_log_at(const struct event_log *log, size_t i)
{
	return &log->events[(log->first + i) % log->capacity];
}

uint64_t event_log_total(const struct event_log *log)
{
	return log->total;
}

const struct pv_snapshot *event_log_snapshot(const struct event_log *log)
{
	return &log->snap;
}

static const char *copy_text(struct pv_snapshot *dst, const char *text)
{
	return text ? arena_strdup(&dst->arena, text) : NULL;
}

/* A process of dst with from's identity (pid and start time): copied the
 * first time, shared by every event after, so that a busy server's
 * thousands of closes hold one record of it, not thousands. */
static uint32_t copy_process(struct pv_snapshot *dst, struct u64map *procs, const struct pv_process *from)
{
	uint64_t key = ((uint64_t)(uint32_t)from->pid << 32 ^ from->start_time) | 1;
	const uint32_t *slot = u64map_get(procs, key);
	struct pv_process *to;
	uint32_t p;
	int inserted;

	if (slot && dst->procs[*slot].pid == from->pid && dst->procs[*slot].start_time == from->start_time)
		return *slot;
	p = snapshot_add_process(dst);
	to = &dst->procs[p];
	*to = *from;
	to->user = copy_text(dst, from->user);
	to->comm = copy_text(dst, from->comm);
	to->cmdline = from->cmdline ? arena_strdup(&dst->arena, from->cmdline) : NULL;
	to->workload = copy_text(dst, from->workload);
	to->workload_id = copy_text(dst, from->workload_id);
	to->pod = copy_text(dst, from->pod);
	to->cgroup = copy_text(dst, from->cgroup);
	to->listen_fdnames = copy_text(dst, from->listen_fdnames);
	if (!slot)
		u64map_put(procs, key, p, &inserted);
	return p;
}

/* Copies record k (its owners from src, where it lives, or none when src
 * is NULL) into dst; returns its index there. */
static uint32_t copy_socket(struct pv_snapshot *dst, struct u64map *procs, const struct pv_socket *k,
			    const struct pv_snapshot *src, const struct pv_socket *owned)
{
	struct pv_socket rec = *k;
	uint32_t count = src && owned ? owned->owner_count : 0;

	rec.user = copy_text(dst, k->user);
	/* A destroy record knows nothing of relations: the last look does. */
	if (owned && owned != k) {
		rec.side = owned->side;
		rec.accepted = owned->accepted;
	}
	rec.path = NULL;
	rec.has_peer = false;
	rec.forward_to = 0;
	rec.owner_first = (uint32_t)dst->nrefs;
	rec.owner_count = count;
	rec.owner_status = owned ? owned->owner_status : PV_OWNER_NONE;
	snapshot_reserve_refs(dst, dst->nrefs + count);
	for (uint32_t o = 0; o < count; o++)
		snapshot_push_ref(dst, copy_process(dst, procs, snapshot_owner(src, owned, o)),
				  PV_FD_UNKNOWN);
	snapshot_append_socket(dst, &rec);
	return (uint32_t)(dst->nsocks - 1);
}

/* Gives dst the namespaces from (n of them): their identity and names,
 * not their interfaces or port rules, which events do not show. */
static void copy_netns(struct pv_snapshot *dst, const struct pv_netns *from, size_t n)
{
	dst->netns = arena_alloc(&dst->arena, (n ? n : 1) * sizeof(*dst->netns));
	dst->nnetns = n;
	for (size_t i = 0; i < n; i++) {
		dst->netns[i] = (struct pv_netns){ .inode = from[i].inode,
						   .kind = from[i].kind,
						   .dumped = from[i].dumped,
						   .sockets = from[i].sockets };
		dst->netns[i].name = copy_text(dst, from[i].name);
	}
}

static struct pv_event *add_event(struct event_log *log, enum pv_event_kind kind, double time)
{
	struct pv_event *e;

	if (log->count == log->capacity) {
		log->first = (log->first + 1) % log->capacity;
		log->count--;
	}
	e = &log->events[(log->first + log->count) % log->capacity];
	log->count++;
	log->total++;
	memset(e, 0, sizeof(*e));
	e->kind = (uint8_t)kind;
	e->time = time;
	return e;
}

/* A live TCP or UDP socket, not a minisocket, of a kind and state the
 * other look asked of the kernel too (other_mask): what events are of.
 * A socket the other look did not ask for neither opened nor closed. */
static bool is_watched(const struct pv_socket *k, uint64_t other_mask)
{
	return !k->gone && !socket_is_unix(k) && !socket_is_minisocket(k->proto, k->state) &&
	       (other_mask >> kind_mask_bit(k->family, k->proto, k->state) & 1);
}

/* The live record of cookie in s, or NULL. */
static const struct pv_socket *find_live(const struct pv_snapshot *s, uint64_t cookie)
{
	const uint32_t *slot = s ? u64map_get(&s->by_cookie, cookie) : NULL;

	return slot && !s->socks[*slot].gone ? &s->socks[*slot] : NULL;
}

static bool closed_before(const struct event_log *log, uint64_t cookie)
{
	for (size_t i = 0; i < log->nclosed; i++)
		if (log->closed[i] == cookie)
			return true;
	return false;
}

static void remember_closed(struct event_log *log, uint64_t cookie)
{
	log->closed = xreallocarray(log->closed, log->nclosed + 1, sizeof(*log->closed));
	log->closed[log->nclosed++] = cookie;
}

/* How long cookie has been open, as far as the log knows. */
static double age(const struct event_log *log, uint64_t cookie, double now, bool *known)
{
	const uint32_t *slot = u64map_get(&log->opened, cookie);

	*known = slot != NULL;
	return now - (slot ? log->opened_at[*slot] : log->start);
}

static double wall_time(const struct pv_snapshot *s)
{
	return (double)s->taken.tv_sec + (double)s->taken.tv_nsec / 1e9;
}

/* The kernel's destroy records: each a close, its owners from the last
 * refresh that saw it. */
static void fold_kernel_closes(struct event_log *log, const struct pv_snapshot *s,
			       const struct pv_snapshot *prev, double now)
{
	for (size_t i = 0; i < s->nclosed; i++) {
		const struct pv_socket *rec = &s->closed[i];
		const struct pv_socket *seen = find_live(s, rec->cookie);
		const struct pv_snapshot *owners = s;
		struct pv_event *e;

		if (closed_before(log, rec->cookie))
			continue;
		/* In this look it may already be a TIME_WAIT minisocket, which
		 * no process holds: the look before knew its owners. */
		if (!seen || !seen->owner_count) {
			const struct pv_socket *before = find_live(prev, rec->cookie);

			if (before || !seen) {
				seen = before;
				owners = prev;
			}
		}
		e = add_event(log, PV_EVENT_CLOSE, now);
		e->from_kernel = true;
		e->lifetime = age(log, rec->cookie, now, &e->lifetime_known);
		/* Opened and closed between two looks: younger than one. */
		if (!seen && !e->lifetime_known)
			e->lifetime = -1;
		e->sock = copy_socket(&log->snap, &log->procs, rec, seen ? owners : NULL, seen);
		remember_closed(log, rec->cookie);
	}
}

/* Closes a refresh noticed a look ago whose destroy record has not come
 * since: now they are said, from the refresh. */
static void fold_pending(struct event_log *log)
{
	for (size_t i = 0; i < log->npending; i++) {
		const struct pending_close *p = &log->pending[i];
		struct pv_event *e;

		if (closed_before(log, log->snap.socks[p->sock].cookie))
			continue;
		e = add_event(log, PV_EVENT_CLOSE, p->noticed);
		e->sock = p->sock;
		e->lifetime = p->lifetime;
		e->lifetime_known = p->lifetime_known;
		remember_closed(log, log->snap.socks[p->sock].cookie);
	}
	log->npending = 0;
}

/* prev's sockets that s no longer has and the kernel did not report:
 * closed, said now when no destroy record can follow (no feed, or one
 * that overran), else a look later. */
static void fold_gone(struct event_log *log, const struct pv_snapshot *s, const struct pv_snapshot *prev,
		      double now, bool wait_for_kernel)
{
	for (size_t i = 0; i < prev->nsocks; i++) {
		const struct pv_socket *k = &prev->socks[i];
		struct pending_close p;
		const struct pv_socket *now_k;

		if (!is_watched(k, s->kernel_mask) || closed_before(log, k->cookie))
			continue;
		/* Still there as a full socket: open. As a TIME_WAIT
		 * minisocket of the same cookie: the connection closed. */
		now_k = find_live(s, k->cookie);
		if (now_k && !socket_is_minisocket(now_k->proto, now_k->state))
			continue;
		p.noticed = now;
		p.lifetime = age(log, k->cookie, now, &p.lifetime_known);
		p.sock = copy_socket(&log->snap, &log->procs, k, prev, k);
		if (!wait_for_kernel) {
			struct pv_event *e = add_event(log, PV_EVENT_CLOSE, now);

			e->sock = p.sock;
			e->lifetime = p.lifetime;
			e->lifetime_known = p.lifetime_known;
			remember_closed(log, k->cookie);
			continue;
		}
		log->pending = xreallocarray(log->pending, log->npending + 1, sizeof(*log->pending));
		log->pending[log->npending++] = p;
	}
}

/* s's sockets prev did not have (opened) or had in another state. */
static void fold_new_and_changed(struct event_log *log, const struct pv_snapshot *s,
				 const struct pv_snapshot *prev, double now)
{
	size_t guess = 0;

	for (size_t i = 0; i < s->nsocks; i++) {
		const struct pv_socket *k = &s->socks[i];
		size_t j;
		struct pv_event *e;
		int inserted;

		if (!is_watched(k, prev->kernel_mask) || closed_before(log, k->cookie))
			continue;
		j = snapshot_find_prev(prev, guess, k->cookie);
		if (j != SIZE_MAX && !prev->socks[j].gone) {
			guess = j + 1;
			if (prev->socks[j].state == k->state)
				continue;
			e = add_event(log, PV_EVENT_STATE, now);
			e->old_state = prev->socks[j].state;
			e->sock = copy_socket(&log->snap, &log->procs, k, s, k);
			continue;
		}
		e = add_event(log, PV_EVENT_OPEN, now);
		e->sock = copy_socket(&log->snap, &log->procs, k, s, k);
		log->opened_at = xreallocarray(log->opened_at, log->nopened + 1, sizeof(*log->opened_at));
		log->opened_at[log->nopened] = now;
		u64map_put(&log->opened, k->cookie, (uint32_t)log->nopened, &inserted);
		log->nopened++;
	}
}

/* Forgets what no dump shows any more: open times, and closed cookies
 * whose TIME_WAIT has ended. */
static void forget_gone(struct event_log *log, const struct pv_snapshot *s)
{
	struct u64map kept;
	double *times = xmalloc((log->nopened ? log->nopened : 1) * sizeof(*times));
	size_t n = 0, c = 0;
	int inserted;

	u64map_init(&kept, log->opened.count ? log->opened.count : 16);
	for (size_t i = 0; log->opened.slots && i <= log->opened.mask; i++) {
		const struct u64map_slot *slot = &log->opened.slots[i];

		if (!slot->key || !find_live(s, slot->key))
			continue;
		times[n] = log->opened_at[slot->value];
		u64map_put(&kept, slot->key, (uint32_t)n++, &inserted);
	}
	u64map_free(&log->opened);
	free(log->opened_at);
	log->opened = kept;
	log->opened_at = times;
	log->nopened = n;
	for (size_t i = 0; i < log->nclosed; i++)
		if (u64map_get(&s->by_cookie, log->closed[i]))
			log->closed[c++] = log->closed[i];
	log->nclosed = c;
}

/* Keeps the log's snapshot to the records the kept events and pending
 * closes use: it grows with every event, the ring does not. */
static void compact(struct event_log *log)
{
	struct pv_snapshot fresh;
	struct u64map fresh_procs;

	if (log->snap.nsocks < log->capacity + log->capacity / 4 + 64)
		return;
	/* Sized once: arrays that never regrow leave no holes behind. */
	snapshot_init_sized(&fresh, log->capacity + log->capacity / 4 + 64);
	u64map_init(&fresh_procs, 64);
	for (size_t i = 0; i < log->count; i++) {
		struct pv_event *e = &log->events[(log->first + i) % log->capacity];

		if (e->kind != PV_EVENT_OVERRUN)
			e->sock = copy_socket(&fresh, &fresh_procs, &log->snap.socks[e->sock], &log->snap,
					      &log->snap.socks[e->sock]);
	}
	for (size_t i = 0; i < log->npending; i++)
		log->pending[i].sock =
			copy_socket(&fresh, &fresh_procs, &log->snap.socks[log->pending[i].sock], &log->snap,
				    &log->snap.socks[log->pending[i].sock]);
	copy_netns(&fresh, log->snap.netns, log->snap.nnetns);
	snapshot_free(&log->snap);
	log->snap = fresh;
	u64map_free(&log->procs);
	log->procs = fresh_procs;
}

/* The namespaces' names, copied when the set changes: events name them
 * as sockets do. */
static void sync_netns(struct event_log *log, const struct pv_snapshot *s)
{
	bool same = log->snap.nnetns == s->nnetns;

	for (size_t i = 0; same && i < s->nnetns; i++)
		same = log->snap.netns[i].inode == s->netns[i].inode;
	if (same)
		return;
	copy_netns(&log->snap, s->netns, s->nnetns);
}

void event_log_update(struct event_log *log, const struct pv_snapshot *s, const struct pv_snapshot *prev)
{
	double now = wall_time(s);
	bool overran = s->close_overruns > 0;

	sync_netns(log, s);
	if (!log->started || !prev) {
		log->started = true;
		log->start = now;
		return;
	}
	if (overran) {
		struct pv_event *e = add_event(log, PV_EVENT_OVERRUN, now);

		log->overruns += s->close_overruns;
		e->overruns = log->overruns;
	}
	fold_kernel_closes(log, s, prev, now);
	fold_pending(log);
	fold_gone(log, s, prev, now, s->close_feeds && !overran);
	fold_new_and_changed(log, s, prev, now);
	forget_gone(log, s);
	compact(log);
}
