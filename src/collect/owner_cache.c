#include "config.h"

#include "owner_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include "addr.h"
#include "procfd.h"
#include "procinfo.h"
#include "states.h"
#include "u64map.h"
#include "xalloc.h"

/* Never equal to a count, nor to -1 for a directory we cannot stat. */
#define FD_COUNT_UNSEEN (-2L)

enum {
	FULL_WALK_EVERY = 60,  /* seconds: the safety net */
	UNRESOLVED_RETRY = 10, /* seconds between full walks for unknown owners */
};

/* What one process held when it was last walked. */
struct cached_process {
	int pid;
	long fd_count;   /* st_size of its fd directory then */
	bool unreadable; /* its fd table is closed to us */
	bool alive;      /* seen in this refresh's listing */
	bool has_info;
	struct pv_process info; /* strings owned here (malloc) */
	struct arena strings;
	uint32_t *inodes; /* every socket inode it held */
	uint32_t *fds;    /* beside each, the fd it held it by */
	size_t ninodes, inodes_cap;
};

struct owner_cache {
	struct cached_process *procs;
	size_t nprocs, cap;
	struct u64map by_pid; /* pid -> slot */
	/* inode -> first of its holders in holders[], each a cache slot, by
	 * pid; rebuilt only when some process was walked again or went. */
	struct u64map by_inode;
	uint32_t *holders;    /* runs of slots, each ended by UINT32_MAX */
	uint32_t *holder_fds; /* beside each slot, the fd it holds the inode by */
	size_t nholders;
	bool holders_stale;
	double last_full;
	bool ever_full, last_full_walk, counts_work;
	bool others_invisible; /* /proc hides other users' processes */
	/* Inodes of unowned accepted connections whose listener's owners
	 * were walked again for them: not again before the next full walk. */
	struct u64map rewalked;
	char *fd_dents;
};

struct owner_cache *owner_cache_new(void)
{
	struct owner_cache *c = xcalloc(1, sizeof(*c));
	struct stat st;

	u64map_init(&c->by_pid, 256);
	u64map_init(&c->rewalked, 16);
	u64map_init(&c->by_inode, 256);
	c->holders_stale = true;
	c->fd_dents = xmalloc(PROCFD_BUFFER);
	/* Before Linux 6.2 the fd directory's size is 0: counts tell nothing,
	 * so every refresh walks everything. */
	c->counts_work = stat("/proc/self/fd", &st) == 0 && st.st_size > 0;
	c->others_invisible = procfd_others_invisible();
	return c;
}

static void cached_process_clear(struct cached_process *p)
{
	arena_free(&p->strings);
	free(p->inodes);
	free(p->fds);
	p->fds = NULL;
	p->inodes = NULL;
	p->ninodes = p->inodes_cap = 0;
	p->has_info = false;
}

void owner_cache_free(struct owner_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nprocs; i++)
		cached_process_clear(&c->procs[i]);
	free(c->procs);
	free(c->fd_dents);
	free(c->holders);
	free(c->holder_fds);
	u64map_free(&c->by_pid);
	u64map_free(&c->rewalked);
	u64map_free(&c->by_inode);
	free(c);
}

bool owner_cache_last_was_full(const struct owner_cache *c)
{
	return c->last_full_walk;
}

static struct cached_process *cache_slot(struct owner_cache *c, int pid)
{
	int inserted;
	uint32_t *slot = u64map_put(&c->by_pid, (uint64_t)pid, (uint32_t)c->nprocs, &inserted);

	if (!inserted)
		return &c->procs[*slot];
	if (c->nprocs == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 128;
		c->procs = xreallocarray(c->procs, c->cap, sizeof(*c->procs));
	}
	memset(&c->procs[c->nprocs], 0, sizeof(c->procs[0]));
	c->procs[c->nprocs].pid = pid;
	c->procs[c->nprocs].fd_count = FD_COUNT_UNSEEN;
	return &c->procs[c->nprocs++];
}

static void cache_hold(uint32_t inode, uint32_t fd, void *arg)
{
	struct cached_process *p = arg;

	if (p->ninodes == p->inodes_cap) {
		p->inodes_cap = p->inodes_cap ? p->inodes_cap * 2 : 16;
		p->inodes = xreallocarray(p->inodes, p->inodes_cap, sizeof(*p->inodes));
		p->fds = xreallocarray(p->fds, p->inodes_cap, sizeof(*p->fds));
	}
	p->fds[p->ninodes] = fd;
	p->inodes[p->ninodes++] = inode;
}

/* Reads every socket inode process p holds, and its identity when it holds
 * any. Returns the number of fds read. */
static unsigned cache_walk_process(struct owner_cache *c, int procfd, struct cached_process *p,
				   const char *pid_name)
{
	long fds;

	cached_process_clear(p);
	memset(&p->info, 0, sizeof(p->info));
	fds = procfd_each_socket(procfd, pid_name, c->fd_dents, cache_hold, p);
	p->unreadable = fds < 0 && (errno == EACCES || errno == EPERM);
	if (p->ninodes && procinfo_read(procfd, pid_name, &p->info, &p->strings) == 0)
		p->has_info = true;
	return fds > 0 ? (unsigned)fds : 0;
}

/* Walks the processes that need it: all of them on a full walk, otherwise
 * the new ones and those whose fd count moved. Forgets the ones gone. */
static void cache_refresh(struct owner_cache *c, int procfd, bool full, struct owners_stats *stats)
{
	size_t i, kept = 0;

	char *names;
	uint32_t *offsets;
	size_t npids = procfd_list_pids(procfd, &names, &offsets), k;

	for (i = 0; i < c->nprocs; i++)
		c->procs[i].alive = false;
	for (k = 0; k < npids; k++) {
		const char *pid_name = names + offsets[k];
		struct cached_process *p;
		char path[32];
		struct stat st;
		long count = -1;

		snprintf(path, sizeof(path), "%s/fd", pid_name);
		if (fstatat(procfd, path, &st, 0) == 0)
			count = (long)st.st_size;
		else if (errno == ENOENT)
			continue; /* exited */
		p = cache_slot(c, atoi(pid_name));
		p->alive = true;
		if (full || !c->counts_work || count != p->fd_count) {
			c->holders_stale = true;
			stats->processes++;
			stats->fds += cache_walk_process(c, procfd, p, pid_name);
			p->fd_count = count;
		}
		stats->unreadable += p->unreadable;
	}
	free(names);
	free(offsets);
	/* Drop the dead and rebuild the pid index. */
	u64map_clear(&c->by_pid);
	for (i = 0; i < c->nprocs; i++) {
		if (!c->procs[i].alive) {
			cached_process_clear(&c->procs[i]);
			c->holders_stale = true;
			continue;
		}
		c->procs[kept] = c->procs[i];
		u64map_put(&c->by_pid, (uint64_t)c->procs[kept].pid, (uint32_t)kept, NULL);
		kept++;
	}
	c->nprocs = kept;
}

struct holding {
	uint32_t inode;
	int pid;
	uint32_t slot;
	uint32_t fd;
};

static int holding_cmp(const void *a, const void *b)
{
	const struct holding *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->fd < y->fd ? -1 : x->fd > y->fd; /* its lowest fd first */
}

/* Rebuilds the inode -> holders map from every process's holdings. */
static void cache_index_holders(struct owner_cache *c)
{
	struct holding *all = NULL;
	size_t n = 0, cap = 0, i, j;

	for (i = 0; i < c->nprocs; i++) {
		const struct cached_process *p = &c->procs[i];

		if (!p->has_info)
			continue;
		for (j = 0; j < p->ninodes; j++) {
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				all = xreallocarray(all, cap, sizeof(*all));
			}
			all[n].inode = p->inodes[j];
			all[n].pid = p->pid;
			all[n].slot = (uint32_t)i;
			all[n].fd = p->fds[j];
			n++;
		}
	}
	if (n)
		qsort(all, n, sizeof(*all), holding_cmp);
	u64map_free(&c->by_inode);
	u64map_init(&c->by_inode, n);
	c->holders = xreallocarray(c->holders, 2 * n + 1, sizeof(*c->holders));
	c->holder_fds = xreallocarray(c->holder_fds, 2 * n + 1, sizeof(*c->holder_fds));
	c->nholders = 0;
	for (i = 0; i < n; i++) {
		if (i == 0 || all[i].inode != all[i - 1].inode) {
			if (i > 0)
				c->holders[c->nholders++] = UINT32_MAX;
			u64map_put(&c->by_inode, all[i].inode, (uint32_t)c->nholders, NULL);
		} else if (all[i].pid == all[i - 1].pid) {
			continue; /* the same process holding it twice */
		}
		c->holder_fds[c->nholders] = all[i].fd;
		c->holders[c->nholders++] = all[i].slot;
	}
	if (n)
		c->holders[c->nholders++] = UINT32_MAX;
	c->holders_stale = false;
	free(all);
}

/* Gives the snapshot's sockets their owners from the cache. Returns the
 * number of sockets with an inode and no owner. */
static size_t cache_assign(struct owner_cache *c, struct pv_snapshot *s)
{
	size_t i, unresolved = 0, nrefs = 0;
	/* cache slot -> snapshot process index, made on first use */
	uint32_t *proc_index = xmalloc((c->nprocs ? c->nprocs : 1) * sizeof(uint32_t));
	uint32_t *first_holder = xmalloc((s->nsocks ? s->nsocks : 1) * sizeof(uint32_t));

	if (c->holders_stale)
		cache_index_holders(c);
	for (i = 0; i < c->nprocs; i++)
		proc_index[i] = UINT32_MAX;
	/* One look-up per socket, kept for the second pass. */
	for (i = 0; i < s->nsocks; i++) {
		const uint32_t *found;

		if (i + U64MAP_PREFETCH_AHEAD < s->nsocks && s->socks[i + U64MAP_PREFETCH_AHEAD].inode)
			u64map_prefetch(&c->by_inode, s->socks[i + U64MAP_PREFETCH_AHEAD].inode);
		found = s->socks[i].inode ? u64map_get(&c->by_inode, s->socks[i].inode) : NULL;
		first_holder[i] = found ? *found : UINT32_MAX;
		for (const uint32_t *h = found ? &c->holders[*found] : NULL; h && *h != UINT32_MAX; h++)
			nrefs++;
	}
	snapshot_reserve_refs(s, nrefs);
	s->nrefs = 0;
	for (i = 0; i < s->nsocks; i++) {
		struct pv_socket *k = &s->socks[i];
		const uint32_t *first = first_holder[i] != UINT32_MAX ? &c->holders[first_holder[i]] : NULL;

		k->owner_count = 0;
		k->owner_first = (uint32_t)s->nrefs;
		for (const uint32_t *h = first; h && *h != UINT32_MAX; h++) {
			if (proc_index[*h] == UINT32_MAX) {
				const struct cached_process *p = &c->procs[*h];
				uint32_t idx = snapshot_add_process(s);

				procinfo_copy_strings(&s->procs[idx], &p->info, &s->arena);
				proc_index[*h] = idx;
			}
			snapshot_push_ref(s, proc_index[*h], c->holder_fds[h - c->holders]);
			k->owner_count++;
		}
		unresolved += k->inode && !k->owner_count;
	}
	free(proc_index);
	free(first_holder);
	return unresolved;
}

/* The key of the listeners a connection like k may come from: the
 * family and port, or a UNIX socket's name. */
static uint64_t cache_listen_key(const struct pv_socket *k)
{
	return socket_is_unix(k) ? socket_name_hash(k) : ((uint64_t)k->family << 16 | k->local.port) + 1;
}

static bool cache_is_listener(const struct pv_socket *l)
{
	return l->state == PV_STATE_LISTEN && l->inode &&
	       (l->proto == IPPROTO_TCP || (socket_is_unix(l) && l->path_len));
}

/* The listener of s that connection k may have been accepted from, or
 * NULL: a TCP LISTEN socket of k's family and local port on k's address
 * or the wildcard, or a UNIX listener of k's name. The map holds the
 * first listener of each key; the others follow it in the dump. */
static const struct pv_socket *cache_listener_of(const struct pv_snapshot *s, const struct u64map *listeners,
						 const struct pv_socket *k)
{
	const uint32_t *at;

	if (!k->inode || k->owner_count || k->state == PV_STATE_LISTEN ||
	    (socket_is_unix(k) ? !k->path_len : k->proto != IPPROTO_TCP))
		return NULL;
	at = u64map_get(listeners, cache_listen_key(k));
	for (size_t i = at ? *at : s->nsocks; i < s->nsocks; i++) {
		const struct pv_socket *l = &s->socks[i];

		if (!cache_is_listener(l) || socket_is_unix(l) != socket_is_unix(k))
			continue;
		if (socket_is_unix(k) ? socket_same_name(l, k)
				      : l->family == k->family && l->local.port == k->local.port &&
						addr_is_wildcard_or_equal(&l->local.addr, &k->local.addr))
			return l;
	}
	return NULL;
}

/* Walks again every process the cache knows to hold inode. */
static void cache_rewalk_holders(struct owner_cache *c, int procfd, uint32_t inode,
				 struct owners_stats *stats)
{
	const uint32_t *first = u64map_get(&c->by_inode, inode);

	for (const uint32_t *h = first ? &c->holders[*first] : NULL; h && *h != UINT32_MAX; h++) {
		struct cached_process *p = &c->procs[*h];
		char pid_name[16];

		snprintf(pid_name, sizeof(pid_name), "%d", p->pid);
		stats->processes++;
		stats->fds += cache_walk_process(c, procfd, p, pid_name);
		c->holders_stale = true;
	}
}

/* A connection accepted from a listener of this host belongs to one of
 * the listener's owners, which may have accepted it into an fd it had
 * reserved already (a server blocked in accept(): its fd count does not
 * move). When a listener has more unowned connections than its accept
 * queue holds, some were accepted: its owners are walked again at once,
 * once per connection until the next full walk. Returns true when some
 * process was walked. */
static bool cache_rewalk_acceptors(struct owner_cache *c, int procfd, struct pv_snapshot *s,
				   struct owners_stats *stats)
{
	struct u64map listeners, waiting;
	bool walked = false;
	size_t i;

	u64map_init(&listeners, 64);
	u64map_init(&waiting, 16);
	for (i = 0; i < s->nsocks; i++)
		if (cache_is_listener(&s->socks[i]))
			u64map_put(&listeners, cache_listen_key(&s->socks[i]), (uint32_t)i, NULL);
	for (i = 0; i < s->nsocks; i++) {
		const struct pv_socket *l = cache_listener_of(s, &listeners, &s->socks[i]);
		int inserted;

		if (l && !u64map_get(&c->rewalked, s->socks[i].inode))
			(*u64map_put(&waiting, l->inode, 0, &inserted))++;
	}
	for (i = 0; i < s->nsocks; i++) {
		const struct pv_socket *l = &s->socks[i];
		uint32_t *n = cache_is_listener(l) ? u64map_get(&waiting, l->inode) : NULL;

		if (!n || *n <= l->rqueue) {
			if (n)
				*n = 0; /* all may still be queued: nothing to walk */
			continue;
		}
		cache_rewalk_holders(c, procfd, l->inode, stats);
		walked = true;
	}
	/* The connections whose listener's owners were walked: not again. */
	for (i = 0; i < s->nsocks; i++) {
		const struct pv_socket *l = cache_listener_of(s, &listeners, &s->socks[i]);
		const uint32_t *n = l ? u64map_get(&waiting, l->inode) : NULL;

		if (n && *n)
			u64map_put(&c->rewalked, s->socks[i].inode, 1, NULL);
	}
	u64map_free(&listeners);
	u64map_free(&waiting);
	return walked;
}

int owner_cache_collect(struct owner_cache *c, struct pv_snapshot *snap, const char *proc_root,
			struct users *users, double now, struct owners_stats *stats)
{
	int procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool full = !c->ever_full || now - c->last_full >= FULL_WALK_EVERY;
	size_t unresolved;

	memset(stats, 0, sizeof(*stats));
	if (procfd < 0)
		return -1;
	cache_refresh(c, procfd, full, stats);
	unresolved = cache_assign(c, snap);
	if (full)
		u64map_clear(&c->rewalked);
	else if (unresolved > 0 && cache_rewalk_acceptors(c, procfd, snap, stats)) {
		snap->nprocs = 0;
		unresolved = cache_assign(c, snap);
	}
	/* A socket nobody is known to hold may belong to a process whose count
	 * did not move (one fd closed, one opened): walk everything, but not
	 * every refresh when the owner is simply hidden from us. */
	if (!full && unresolved > 0 && now - c->last_full >= UNRESOLVED_RETRY) {
		struct owners_stats more = { 0 };

		full = true;
		cache_refresh(c, procfd, true, &more);
		stats->processes += more.processes;
		stats->fds += more.fds;
		stats->unreadable = more.unreadable;
		snap->nprocs = 0;
		cache_assign(c, snap);
	}
	close(procfd);
	if (full) {
		c->last_full = now;
		c->ever_full = true;
	}
	c->last_full_walk = full;
	owners_settle(snap, users, stats->unreadable, c->others_invisible);
	return 0;
}
