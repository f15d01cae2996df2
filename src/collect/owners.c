#include "config.h"

#include "owners.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfd.h"
#include "procinfo.h"
#include "u64map.h"
#include "xalloc.h"

enum { OWNERS_MAX_THREADS = 4 };

/* A socket inode held by a process of the walker's list. */
struct holding {
	uint32_t inode;
	uint32_t pid_index; /* into the pid list */
	uint32_t fd;
};

/* One thread's share of the walk and its results. Walkers share only
 * read-only data (the pid list), so they need no locks. */
struct walker {
	const char *pids; /* NUL-separated pid names */
	const uint32_t *pid_offsets;
	size_t first, step, npids;
	int procfd;
	struct holding *held;
	size_t nheld, held_cap;
	char *dents;
	struct owners_stats stats;
	/* second phase: reading the details of owner processes */
	const uint32_t *owner_pids; /* pid indices */
	struct pv_process *procs;   /* one per owner pid, filled by stride */
	size_t nowners;
	struct arena arena;
};

struct owners_walk {
	int procfd;
	char *pids;
	uint32_t *offsets;
	size_t npids, nwalkers;
	struct walker walkers[OWNERS_MAX_THREADS];
	pthread_t threads[OWNERS_MAX_THREADS];
	bool started[OWNERS_MAX_THREADS];
};

static void walker_hold(struct walker *w, uint32_t inode, uint32_t fd, uint32_t pid_index)
{
	if (w->nheld == w->held_cap) {
		w->held_cap = w->held_cap ? w->held_cap * 2 : 1024;
		w->held = xreallocarray(w->held, w->held_cap, sizeof(*w->held));
	}
	w->held[w->nheld].inode = inode;
	w->held[w->nheld].pid_index = pid_index;
	w->held[w->nheld].fd = fd;
	w->nheld++;
}

struct walker_target {
	struct walker *w;
	uint32_t pid_index;
};

static void walker_found(uint32_t inode, uint32_t fd, void *arg)
{
	struct walker_target *t = arg;

	walker_hold(t->w, inode, fd, t->pid_index);
}

/* Reads one process's fd table: every socket inode it holds. Gone since
 * the listing is not an error; unreadable is counted. */
static void walker_process(struct walker *w, uint32_t pid_index)
{
	struct walker_target t = { w, pid_index };
	long fds = procfd_each_socket(w->procfd, w->pids + w->pid_offsets[pid_index], w->dents, walker_found,
				      &t);

	if (fds < 0 && errno != EACCES && errno != EPERM)
		return;
	w->stats.processes++;
	if (fds < 0)
		w->stats.unreadable++;
	else
		w->stats.fds += (unsigned)fds;
}

static void *walker_run(void *arg)
{
	struct walker *w = arg;
	size_t i;

	w->dents = xmalloc(PROCFD_BUFFER);
	for (i = w->first; i < w->npids; i += w->step)
		walker_process(w, (uint32_t)i);
	free(w->dents);
	w->dents = NULL;
	return NULL;
}

/* Second phase: the details of the owner processes given to this walker;
 * a process that has gone meanwhile is left with pid 0. */
static void *walker_read_owners(void *arg)
{
	struct walker *w = arg;
	size_t i;

	for (i = w->first; i < w->nowners; i += w->step) {
		struct pv_process *p = &w->procs[i];

		memset(p, 0, sizeof(*p));
		if (procinfo_read(w->procfd, w->pids + w->pid_offsets[w->owner_pids[i]], p, &w->arena) < 0)
			p->pid = 0;
	}
	return NULL;
}

/* Walkers for this machine: one per core, up to a few; the walk is mostly
 * kernel time spent per fd, and spreads evenly over processes. */
static size_t owners_thread_count(size_t npids)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cores > 0 ? (size_t)cores : 1;

	if (n > OWNERS_MAX_THREADS)
		n = OWNERS_MAX_THREADS;
	return npids < 8 ? 1 : n;
}

/* Runs fn on every walker: on threads, or here when a thread cannot start. */
static void owners_run_all(struct owners_walk *w, void *(*fn)(void *), bool wait)
{
	size_t i;

	for (i = 0; i < w->nwalkers; i++)
		w->started[i] = pthread_create(&w->threads[i], NULL, fn, &w->walkers[i]) == 0;
	for (i = 0; i < w->nwalkers; i++)
		if (!w->started[i])
			fn(&w->walkers[i]);
	if (wait)
		for (i = 0; i < w->nwalkers; i++)
			if (w->started[i])
				pthread_join(w->threads[i], NULL);
}

void owners_settle(struct pv_snapshot *snap, struct users *users, unsigned unreadable, bool invisible)
{
	size_t i;

	snap->hidden_procs = unreadable;
	snap->procs_invisible = invisible;
	for (i = 0; i < snap->nsocks; i++) {
		struct pv_socket *k = &snap->socks[i];

		if (k->owner_count)
			k->owner_status = PV_OWNER_OK;
		else if (k->inode && (unreadable || invisible))
			k->owner_status = PV_OWNER_HIDDEN;
		else
			k->owner_status = PV_OWNER_NONE;
		/* A UNIX socket from a kernel that does not report its uid
		 * (before 5.3) takes its first owner's. */
		if (k->uid == PV_UID_UNKNOWN && socket_is_unix(k) && k->owner_count)
			k->uid = snap->procs[snap->owner_refs[k->owner_first]].uid;
		k->user = k->uid == PV_UID_UNKNOWN ? NULL : users_name(users, k->uid);
	}
	for (i = 0; i < snap->nprocs; i++)
		snap->procs[i].user = users_name(users, snap->procs[i].uid);
}

struct owners_walk *owners_walk_start(const char *proc_root)
{
	struct owners_walk *w;
	int procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t i;

	if (procfd < 0)
		return NULL;
	w = xcalloc(1, sizeof(*w));
	w->procfd = procfd;
	w->npids = procfd_list_pids(procfd, &w->pids, &w->offsets);
	w->nwalkers = owners_thread_count(w->npids);
	for (i = 0; i < w->nwalkers; i++) {
		w->walkers[i].pids = w->pids;
		w->walkers[i].pid_offsets = w->offsets;
		w->walkers[i].npids = w->npids;
		w->walkers[i].first = i;
		w->walkers[i].step = w->nwalkers;
		w->walkers[i].procfd = procfd;
	}
	owners_run_all(w, walker_run, false);
	return w;
}

static int owners_pair_cmp(const void *a, const void *b)
{
	const struct owner_pair *x = a, *y = b;

	if (x->sock != y->sock)
		return x->sock < y->sock ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->fd < y->fd ? -1 : x->fd > y->fd; /* its lowest fd first */
}

void owners_assign_pairs(struct pv_snapshot *snap, struct owner_pair *pairs, size_t npairs)
{
	/* No pairs may mean no array at all, which qsort must not be given. */
	if (npairs)
		qsort(pairs, npairs, sizeof(*pairs), owners_pair_cmp);
	snapshot_reserve_refs(snap, npairs);
	snap->nrefs = 0;
	for (size_t i = 0; i < snap->nsocks; i++)
		snap->socks[i].owner_count = 0;
	for (size_t i = 0; i < npairs; i++) {
		struct pv_socket *k = &snap->socks[pairs[i].sock];

		if (i > 0 && pairs[i].sock == pairs[i - 1].sock && pairs[i].pid == pairs[i - 1].pid)
			continue;
		if (k->owner_count == 0)
			k->owner_first = (uint32_t)snap->nrefs;
		snapshot_push_ref(snap, pairs[i].proc, pairs[i].fd);
		k->owner_count++;
	}
}

void owners_walk_finish(struct owners_walk *w, struct pv_snapshot *snap, struct users *users,
			struct owners_stats *stats)
{
	struct u64map by_inode;
	uint32_t *owner_of =
		xmalloc((w->npids ? w->npids : 1) * sizeof(uint32_t)); /* pid index -> owner slot */
	uint32_t *owner_pids = NULL, *proc_of = NULL;
	struct pv_process *procs;
	struct owner_pair *pairs = NULL;
	size_t nowners = 0, npairs = 0, cap = 0, i, j;

	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < w->nwalkers; i++)
		if (w->started[i])
			pthread_join(w->threads[i], NULL);
	u64map_init(&by_inode, snap->nsocks);
	for (i = 0; i < snap->nsocks; i++) {
		snap->socks[i].owner_count = 0;
		if (i + U64MAP_PREFETCH_AHEAD < snap->nsocks)
			u64map_prefetch(&by_inode, snap->socks[i + U64MAP_PREFETCH_AHEAD].inode);
		if (snap->socks[i].inode)
			u64map_put(&by_inode, snap->socks[i].inode, (uint32_t)i, NULL);
	}
	for (i = 0; i < w->npids; i++)
		owner_of[i] = UINT32_MAX;

	/* Keep the holdings of wanted sockets; number their processes. */
	for (i = 0; i < w->nwalkers; i++) {
		const struct walker *wk = &w->walkers[i];

		for (j = 0; j < wk->nheld; j++) {
			const uint32_t *sock;
			uint32_t pi = wk->held[j].pid_index;

			if (j + U64MAP_PREFETCH_AHEAD < wk->nheld)
				u64map_prefetch(&by_inode, wk->held[j + U64MAP_PREFETCH_AHEAD].inode);
			sock = u64map_get(&by_inode, wk->held[j].inode);

			if (!sock)
				continue;
			if (owner_of[pi] == UINT32_MAX) {
				owner_pids = xreallocarray(owner_pids, nowners + 1, sizeof(*owner_pids));
				owner_pids[nowners] = pi;
				owner_of[pi] = (uint32_t)nowners++;
			}
			if (npairs == cap) {
				cap = cap ? cap * 2 : 1024;
				pairs = xreallocarray(pairs, cap, sizeof(*pairs));
			}
			pairs[npairs].sock = *sock;
			pairs[npairs].proc = owner_of[pi];
			pairs[npairs].fd = wk->held[j].fd;
			npairs++;
		}
		stats->processes += wk->stats.processes;
		stats->unreadable += wk->stats.unreadable;
		stats->fds += wk->stats.fds;
	}

	/* The owners' details, read in parallel too. */
	procs = xcalloc(nowners ? nowners : 1, sizeof(*procs));
	for (i = 0; i < w->nwalkers; i++) {
		w->walkers[i].owner_pids = owner_pids;
		w->walkers[i].procs = procs;
		w->walkers[i].nowners = nowners;
	}
	owners_run_all(w, walker_read_owners, true);
	proc_of = xmalloc((nowners ? nowners : 1) * sizeof(*proc_of));
	for (i = 0; i < nowners; i++) {
		proc_of[i] = UINT32_MAX;
		if (procs[i].pid) {
			uint32_t p = snapshot_add_process(snap);

			snap->procs[p] = procs[i];
			proc_of[i] = p;
		}
	}
	for (i = 0; i < w->nwalkers; i++)
		arena_adopt(&snap->arena, &w->walkers[i].arena);

	/* Owner lists, by pid; a process that exited before its details were
	 * read is dropped. */
	for (i = 0, j = 0; i < npairs; i++) {
		uint32_t p = proc_of[pairs[i].proc];

		if (p == UINT32_MAX)
			continue;
		pairs[j].sock = pairs[i].sock;
		pairs[j].fd = pairs[i].fd;
		pairs[j].proc = p;
		pairs[j].pid = snap->procs[p].pid;
		j++;
	}
	owners_assign_pairs(snap, pairs, j);

	owners_settle(snap, users, stats->unreadable, procfd_others_invisible());

	for (i = 0; i < w->nwalkers; i++)
		free(w->walkers[i].held);
	close(w->procfd);
	free(w->pids);
	free(w->offsets);
	free(w);
	free(owner_of);
	free(owner_pids);
	free(proc_of);
	free(procs);
	free(pairs);
	u64map_free(&by_inode);
}
