#include "config.h"

#include "owners.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "procinfo.h"
#include "u64map.h"
#include "xalloc.h"

/* Raw getdents64 records: the walk reads directories with no DIR streams,
 * and no path strings are built per fd. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

enum { OWNERS_DENTS_BUFFER = 65536, OWNERS_MAX_THREADS = 4 };

struct owner_pair {
	uint32_t sock;           /* socket index */
	uint32_t proc;           /* process index, local to the walker until merged */
	int pid;                 /* owners are listed by pid, whichever walker found them */
};

/* One walker's share of the work and its results. Walkers share only
 * read-only data (the inode map, the pid list), so they need no locks. */
struct walker {
	const struct u64map *by_inode;
	const char *pids;        /* NUL-separated pid names */
	const uint32_t *pid_offsets;
	size_t first, step, npids;
	int procfd;
	struct pv_process *procs;
	size_t nprocs, procs_cap;
	struct arena arena;
	struct owner_pair *pairs;
	size_t npairs, pairs_cap;
	char *dents;
	struct owners_stats stats;
};

/* Parses "socket:[12345]" from a readlink result; 0 when it is no socket. */
static uint32_t owners_socket_inode(const char *link, ssize_t len)
{
	uint64_t ino = 0;
	ssize_t i;

	if (len < 10 || memcmp(link, "socket:[", 8) != 0 || link[len - 1] != ']')
		return 0;
	for (i = 8; i < len - 1; i++) {
		if (link[i] < '0' || link[i] > '9')
			return 0;
		ino = ino * 10 + (uint64_t)(link[i] - '0');
		if (ino > UINT32_MAX)
			return 0;
	}
	return (uint32_t)ino;
}

static bool owners_is_pid(const char *name)
{
	if (*name < '1' || *name > '9')
		return false;
	while (*++name)
		if (*name < '0' || *name > '9')
			return false;
	return true;
}

static void walker_add_pair(struct walker *w, uint32_t sock, uint32_t proc)
{
	if (w->npairs == w->pairs_cap) {
		w->pairs_cap = w->pairs_cap ? w->pairs_cap * 2 : 256;
		w->pairs = xreallocarray(w->pairs, w->pairs_cap, sizeof(*w->pairs));
	}
	w->pairs[w->npairs].sock = sock;
	w->pairs[w->npairs].proc = proc;
	w->pairs[w->npairs].pid = w->procs[proc].pid;
	w->npairs++;
}

/* Makes the walker's record of process pid_name; -1 when it is gone. */
static int64_t walker_add_process(struct walker *w, const char *pid_name)
{
	struct pv_process *pr;

	if (w->nprocs == w->procs_cap) {
		w->procs_cap = w->procs_cap ? w->procs_cap * 2 : 64;
		w->procs = xreallocarray(w->procs, w->procs_cap, sizeof(*w->procs));
	}
	pr = &w->procs[w->nprocs];
	memset(pr, 0, sizeof(*pr));
	if (procinfo_read(w->procfd, pid_name, pr, &w->arena) < 0)
		return -1;
	return (int64_t)w->nprocs++;
}

/* Walks one process's fd table. The process record is made on its first
 * matching socket, so processes without sockets of interest cost no reads
 * of stat or cmdline. */
static void walker_process(struct walker *w, const char *pid_name)
{
	char path[32];
	int fddir;
	int64_t proc = -1;

	snprintf(path, sizeof(path), "%s/fd", pid_name);
	fddir = openat(w->procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fddir < 0) {
		/* Gone since the listing is not an error; unreadable is counted. */
		if (errno == EACCES || errno == EPERM) {
			w->stats.processes++;
			w->stats.unreadable++;
		}
		return;
	}
	w->stats.processes++;
	for (;;) {
		long n = syscall(SYS_getdents64, fddir, w->dents, OWNERS_DENTS_BUFFER);
		long off;

		if (n <= 0)
			break;
		for (off = 0; off < n;) {
			const struct linux_dirent64 *d = (const void *)(w->dents + off);
			char link[64];
			ssize_t len;
			uint32_t ino;
			const uint32_t *sock;

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			w->stats.fds++;
			len = readlinkat(fddir, d->d_name, link, sizeof(link));
			if (len <= 0)
				continue;
			ino = owners_socket_inode(link, len);
			sock = ino ? u64map_get(w->by_inode, ino) : NULL;
			if (!sock)
				continue;
			if (proc < 0 && (proc = walker_add_process(w, pid_name)) < 0)
				goto out;   /* it exited between the fd read and now */
			walker_add_pair(w, *sock, (uint32_t)proc);
		}
		/* getdents fills the buffer while entries remain: a short read
		 * means the end, and saves the call that would return 0. */
		if (n < OWNERS_DENTS_BUFFER - 1024)
			break;
	}
out:
	close(fddir);
}

static void *walker_run(void *arg)
{
	struct walker *w = arg;
	size_t i;

	w->dents = xmalloc(OWNERS_DENTS_BUFFER);
	for (i = w->first; i < w->npids; i += w->step)
		walker_process(w, w->pids + w->pid_offsets[i]);
	free(w->dents);
	return NULL;
}

/* Lists the numeric entries of /proc as NUL-separated names. */
static size_t owners_list_pids(int procfd, char **names, uint32_t **offsets)
{
	char *dents = xmalloc(OWNERS_DENTS_BUFFER);
	size_t n = 0, used = 0, cap = 4096, ocap = 256;

	*names = xmalloc(cap);
	*offsets = xmalloc(ocap * sizeof(**offsets));
	for (;;) {
		long got = syscall(SYS_getdents64, procfd, dents, OWNERS_DENTS_BUFFER);
		long off;

		if (got <= 0)
			break;
		for (off = 0; off < got;) {
			const struct linux_dirent64 *d = (const void *)(dents + off);
			size_t len = strlen(d->d_name) + 1;

			off += d->d_reclen;
			if (!owners_is_pid(d->d_name))
				continue;
			if (used + len > cap)
				*names = xreallocarray(*names, cap *= 2, 1);
			if (n == ocap)
				*offsets = xreallocarray(*offsets, ocap *= 2, sizeof(**offsets));
			memcpy(*names + used, d->d_name, len);
			(*offsets)[n++] = (uint32_t)used;
			used += len;
		}
	}
	free(dents);
	return n;
}

static int owners_pair_cmp(const void *a, const void *b)
{
	const struct owner_pair *x = a, *y = b;

	if (x->sock != y->sock)
		return x->sock < y->sock ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return 0;
}

/* Moves the walkers' processes into the snapshot and turns all pairs into
 * per-socket owner lists, dropping repeats (one process may hold a socket in
 * several fds). */
static void owners_merge(struct pv_snapshot *s, struct walker *walkers, size_t nwalkers)
{
	struct owner_pair *pairs;
	size_t total = 0, i, j, at = 0;

	for (i = 0; i < nwalkers; i++)
		total += walkers[i].npairs;
	pairs = xmalloc((total ? total : 1) * sizeof(*pairs));
	for (i = 0; i < nwalkers; i++) {
		struct walker *w = &walkers[i];
		uint32_t base = (uint32_t)s->nprocs;

		for (j = 0; j < w->nprocs; j++) {
			/* Not folded into one statement: the call may move s->procs. */
			uint32_t p = snapshot_add_process(s);

			s->procs[p] = w->procs[j];
		}
		for (j = 0; j < w->npairs; j++) {
			pairs[at] = w->pairs[j];
			pairs[at].proc += base;
			at++;
		}
		arena_adopt(&s->arena, &w->arena);
	}
	qsort(pairs, total, sizeof(*pairs), owners_pair_cmp);
	s->owner_refs = xreallocarray(s->owner_refs, total ? total : 1, sizeof(*s->owner_refs));
	s->nrefs = 0;
	for (i = 0; i < total; i++) {
		struct pv_socket *k = &s->socks[pairs[i].sock];

		if (i > 0 && pairs[i].sock == pairs[i - 1].sock && pairs[i].proc == pairs[i - 1].proc)
			continue;
		if (k->owner_count == 0)
			k->owner_first = (uint32_t)s->nrefs;
		s->owner_refs[s->nrefs++] = pairs[i].proc;
		k->owner_count++;
	}
	free(pairs);
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

int owners_collect(struct pv_snapshot *snap, const char *proc_root, struct users *users,
		   struct owners_stats *stats)
{
	struct walker walkers[OWNERS_MAX_THREADS];
	pthread_t threads[OWNERS_MAX_THREADS];
	bool started[OWNERS_MAX_THREADS] = { false };
	struct u64map by_inode;
	char *pids = NULL;
	uint32_t *offsets = NULL;
	size_t npids = 0, nwalkers, i;
	int procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	memset(stats, 0, sizeof(*stats));
	if (procfd < 0)
		return -1;
	u64map_init(&by_inode, snap->nsocks);
	for (i = 0; i < snap->nsocks; i++) {
		snap->socks[i].owner_count = 0;
		if (snap->socks[i].inode)
			u64map_put(&by_inode, snap->socks[i].inode, (uint32_t)i, NULL);
	}
	if (by_inode.count > 0)
		npids = owners_list_pids(procfd, &pids, &offsets);
	nwalkers = owners_thread_count(npids);
	memset(walkers, 0, sizeof(walkers));
	for (i = 0; i < nwalkers; i++) {
		walkers[i].by_inode = &by_inode;
		walkers[i].pids = pids;
		walkers[i].pid_offsets = offsets;
		walkers[i].npids = npids;
		walkers[i].first = i;
		walkers[i].step = nwalkers;
		walkers[i].procfd = procfd;
	}
	/* The first walker runs here; a thread that cannot start leaves its
	 * share to this one. */
	for (i = 1; i < nwalkers; i++)
		started[i] = pthread_create(&threads[i], NULL, walker_run, &walkers[i]) == 0;
	walker_run(&walkers[0]);
	for (i = 1; i < nwalkers; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		else
			walker_run(&walkers[i]);
	}
	close(procfd);

	owners_merge(snap, walkers, nwalkers);
	for (i = 0; i < nwalkers; i++) {
		stats->processes += walkers[i].stats.processes;
		stats->unreadable += walkers[i].stats.unreadable;
		stats->fds += walkers[i].stats.fds;
		free(walkers[i].procs);
		free(walkers[i].pairs);
	}
	snap->hidden_procs = stats->unreadable;
	for (i = 0; i < snap->nsocks; i++) {
		struct pv_socket *k = &snap->socks[i];

		if (k->owner_count)
			k->owner_status = PV_OWNER_OK;
		else if (k->inode && stats->unreadable)
			k->owner_status = PV_OWNER_HIDDEN;
		else
			k->owner_status = PV_OWNER_NONE;
		k->user = users_name(users, k->uid);
	}
	for (i = 0; i < snap->nprocs; i++)
		snap->procs[i].user = users_name(users, snap->procs[i].uid);
	free(pids);
	free(offsets);
	u64map_free(&by_inode);
	return 0;
}
