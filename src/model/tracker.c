#include "config.h"

#include "tracker.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kinds.h"
#include "u64map.h"
#include "xalloc.h"

struct track_entry {
	double first_seen; /* when it appeared; -1: present from the start */
	double changed_at; /* when its state last changed; -1: never */
	uint8_t state;
};

/* A closed socket with copies of everything needed to show it. */
struct tombstone {
	struct pv_socket rec;
	struct pv_process *owners;
	uint32_t nowners;
	double gone_at;
};

/* Entries are kept by socket index in the last snapshot; the snapshot's
 * own cookie map finds them, so no map of the tracker's is built. */
struct tracker {
	const struct pv_snapshot *snap; /* the last snapshot updated from */
	struct track_entry *entries;
	size_t nentries;
	struct tombstone *tombs;
	size_t ntombs, tombs_cap;
	double highlight;
	bool started;
	/* The instants, after the last update, at which a mark or tombstone
	 * expires: the dashboard asks for the next one on every wake-up, and
	 * these are few where the entries are tens of thousands. */
	double *deadlines;
	size_t ndeadlines, deadlines_cap;
};

struct tracker *tracker_new(void)
{
	return xcalloc(1, sizeof(struct tracker));
}

static void tombstone_free(struct tombstone *tb)
{
	uint32_t i;

	for (i = 0; i < tb->nowners; i++) {
		free((char *)tb->owners[i].comm);
		free((char *)tb->owners[i].cmdline);
	}
	free(tb->owners);
	free((char *)tb->rec.path);
}

void tracker_free(struct tracker *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->ntombs; i++)
		tombstone_free(&t->tombs[i]);
	free(t->tombs);
	free(t->entries);
	free(t->deadlines);
	free(t);
}

/* Copies socket k of prev, with its owners, into a new tombstone. */
static void tracker_bury(struct tracker *t, const struct pv_snapshot *prev, const struct pv_socket *k,
			 double now)
{
	struct tombstone *tb;
	uint32_t i;

	if (t->ntombs == t->tombs_cap) {
		t->tombs_cap = t->tombs_cap ? t->tombs_cap * 2 : 64;
		t->tombs = xreallocarray(t->tombs, t->tombs_cap, sizeof(*t->tombs));
	}
	tb = &t->tombs[t->ntombs++];
	tb->rec = *k;
	tb->rec.gone = true;
	/* Closed, it moves nothing, waits for nothing and is wrong in
	 * nothing: no rate, queue or flag of its last look may be summed. */
	tb->rec.has_rate = false;
	tb->rec.rate_in = tb->rec.rate_out = 0;
	tb->rec.rqueue = tb->rec.wqueue = 0;
	tb->rec.flags = 0;
	/* A UNIX socket's name lives in prev's arena, which goes first. */
	tb->rec.path = k->path_len ? xstrndup(k->path, k->path_len) : NULL;
	tb->gone_at = now;
	tb->nowners = k->owner_count;
	tb->owners = xcalloc(k->owner_count ? k->owner_count : 1, sizeof(*tb->owners));
	for (i = 0; i < k->owner_count; i++) {
		const struct pv_process *p = snapshot_owner(prev, k, i);

		tb->owners[i] = *p;
		tb->owners[i].comm = xstrdup(p->comm);
		tb->owners[i].cmdline = xstrndup(p->cmdline, p->cmdline_len);
	}
}

/* Finds the process (pid, start time) in s through by_pid, or adds a copy
 * of p (and indexes it). */
static uint32_t tracker_process_in(struct pv_snapshot *s, struct u64map *by_pid, const struct pv_process *p)
{
	int inserted;
	uint32_t *slot = u64map_put(by_pid, (uint64_t)p->pid, (uint32_t)s->nprocs, &inserted);
	uint32_t idx;

	if (!inserted && s->procs[*slot].start_time == p->start_time)
		return *slot;
	idx = snapshot_add_process(s);
	s->procs[idx] = *p;
	s->procs[idx].comm = arena_strdup(&s->arena, p->comm);
	s->procs[idx].cmdline = arena_strndup(&s->arena, p->cmdline, p->cmdline_len);
	*slot = idx; /* a reused pid: the tombstone's process is the newer entry */
	return idx;
}

/* Appends a tombstone to s as a gone socket owned by the same processes. */
static void tracker_resurrect(struct pv_snapshot *s, struct u64map *by_pid, const struct tombstone *tb)
{
	struct pv_socket rec = tb->rec;
	uint32_t i;

	rec.has_peer = false; /* an index into a snapshot that is gone */
	rec.peer_queued = false;
	if (rec.path_len)
		rec.path = arena_strndup(&s->arena, tb->rec.path, rec.path_len);

	rec.owner_first = (uint32_t)s->nrefs;
	rec.owner_count = tb->nowners;
	snapshot_reserve_refs(s, s->nrefs + tb->nowners + 1);
	/* Closed: no fd holds it any more. */
	for (i = 0; i < tb->nowners; i++)
		snapshot_push_ref(s, tracker_process_in(s, by_pid, &tb->owners[i]), PV_FD_UNKNOWN);
	snapshot_add_socket(s, &rec);
}

static bool tracker_asked(const struct pv_snapshot *s, const struct pv_socket *k)
{
	return (s->kernel_mask >> kind_mask_bit(k->family, k->proto, k->state)) & 1;
}

static void tracker_add_deadline(struct tracker *t, double at, double now)
{
	if (at < 0 || at + t->highlight <= now)
		return;
	if (t->ndeadlines == t->deadlines_cap) {
		t->deadlines_cap = t->deadlines_cap ? t->deadlines_cap * 2 : 64;
		t->deadlines = xreallocarray(t->deadlines, t->deadlines_cap, sizeof(*t->deadlines));
	}
	t->deadlines[t->ndeadlines++] = at + t->highlight;
}

/* Notes when each mark and tombstone still showing at now expires. */
static void tracker_note_deadlines(struct tracker *t, double now)
{
	t->ndeadlines = 0;
	if (t->highlight <= 0)
		return;
	for (size_t i = 0; i < t->nentries; i++) {
		tracker_add_deadline(t, t->entries[i].first_seen, now);
		tracker_add_deadline(t, t->entries[i].changed_at, now);
	}
	for (size_t i = 0; i < t->ntombs; i++)
		tracker_add_deadline(t, t->tombs[i].gone_at, now);
}

void tracker_update(struct tracker *t, const struct pv_snapshot *prev, struct pv_snapshot *cur, double now,
		    double highlight)
{
	struct track_entry *entries = xmalloc((cur->nsocks ? cur->nsocks : 1) * sizeof(*entries));
	/* prev's sockets that cur still has */
	bool *kept_in_cur = xcalloc(prev && prev->nsocks ? prev->nsocks : 1, sizeof(bool));
	size_t i, kept = 0, guess = 0;

	t->highlight = highlight;
	/* A socket the previous snapshot did not ask the kernel for is not new,
	 * and one this snapshot did not ask for has not closed. */
	for (i = 0; i < cur->nsocks; i++) {
		const struct pv_socket *k = &cur->socks[i];
		size_t at = prev ? snapshot_find_prev(prev, guess, k->cookie) : SIZE_MAX;
		const struct track_entry *old = at < t->nentries ? &t->entries[at] : NULL;
		struct track_entry *e = &entries[i];

		if (at != SIZE_MAX) {
			kept_in_cur[at] = true;
			guess = at + 1;
		}
		if (old) {
			*e = *old;
			if (old->state != k->state)
				e->changed_at = now;
		} else {
			bool was_asked = prev && tracker_asked(prev, k);

			e->first_seen = t->started && was_asked ? now : -1;
			e->changed_at = -1;
		}
		e->state = k->state;
	}
	if (prev && highlight > 0) {
		for (i = 0; i < prev->nsocks; i++) {
			const struct pv_socket *k = &prev->socks[i];

			if (!k->gone && !kept_in_cur[i] && tracker_asked(cur, k))
				tracker_bury(t, prev, k, now);
		}
	}
	free(kept_in_cur);
	free(t->entries);
	t->snap = cur;
	t->entries = entries;
	t->nentries = cur->nsocks;
	t->started = true;

	/* Expire old tombstones, then show the rest. */
	for (i = 0; i < t->ntombs; i++) {
		if (now - t->tombs[i].gone_at < highlight)
			t->tombs[kept++] = t->tombs[i];
		else
			tombstone_free(&t->tombs[i]);
	}
	t->ntombs = kept;
	if (t->ntombs) {
		struct u64map by_pid;

		u64map_init(&by_pid, cur->nprocs);
		for (i = 0; i < cur->nprocs; i++)
			u64map_put(&by_pid, (uint64_t)cur->procs[i].pid, (uint32_t)i, NULL);
		for (i = 0; i < t->ntombs; i++)
			tracker_resurrect(cur, &by_pid, &t->tombs[i]);
		u64map_free(&by_pid);
	}
	tracker_note_deadlines(t, now);
}

enum change_mark tracker_mark(const struct tracker *t, const struct pv_socket *k, double now)
{
	const struct track_entry *e;

	if (k->gone)
		return MARK_GONE;
	e = t->snap && k >= t->snap->socks && k < t->snap->socks + t->nentries
		    ? &t->entries[k - t->snap->socks]
		    : NULL;
	if (!e || t->highlight <= 0)
		return MARK_NONE;
	if (e->first_seen >= 0 && now - e->first_seen < t->highlight)
		return MARK_NEW;
	if (e->changed_at >= 0 && now - e->changed_at < t->highlight)
		return MARK_CHANGED;
	return MARK_NONE;
}

double tracker_next_expiry(const struct tracker *t, double now)
{
	double next = -1;

	for (size_t i = 0; i < t->ndeadlines; i++) {
		double left = t->deadlines[i] - now;

		if (left > 0 && (next < 0 || left < next))
			next = left;
	}
	return next;
}
