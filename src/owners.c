#include "config.h"

#include "owners.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

enum { OWNERS_DENTS_BUFFER = 65536 };

struct owner_pair {
	uint32_t sock;           /* socket index */
	uint32_t proc;           /* process index */
};

struct owners_walk {
	struct pv_snapshot *snap;
	struct u64map by_inode;  /* socket inode -> socket index */
	struct owner_pair *pairs;
	size_t npairs, cap;
	char *dents;
	struct owners_stats *stats;
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

static void owners_add_pair(struct owners_walk *w, uint32_t sock, uint32_t proc)
{
	if (w->npairs == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 256;
		w->pairs = xreallocarray(w->pairs, w->cap, sizeof(*w->pairs));
	}
	w->pairs[w->npairs].sock = sock;
	w->pairs[w->npairs].proc = proc;
	w->npairs++;
}

/* Walks one process's fd table. The process record is made on its first
 * matching socket, so processes without sockets of interest cost no reads
 * of stat, status or cmdline. */
static void owners_walk_process(struct owners_walk *w, int procfd, const char *pid_name)
{
	int piddir = openat(procfd, pid_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fddir;
	int64_t proc = -1;

	if (piddir < 0)
		return;   /* gone since the listing: not an error */
	w->stats->processes++;
	fddir = openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fddir < 0) {
		if (errno == EACCES || errno == EPERM)
			w->stats->unreadable++;
		close(piddir);
		return;
	}
	for (;;) {
		long n = syscall(SYS_getdents64, fddir, w->dents, OWNERS_DENTS_BUFFER);
		long off;

		if (n <= 0)
			break;
		for (off = 0; off < n;) {
			const struct linux_dirent64 *d = (const void *)(w->dents + off);
			char link[64];
			ssize_t len;
			uint32_t ino, *sock;

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			w->stats->fds++;
			len = readlinkat(fddir, d->d_name, link, sizeof(link));
			if (len <= 0)
				continue;
			ino = owners_socket_inode(link, len);
			sock = ino ? u64map_get(&w->by_inode, ino) : NULL;
			if (!sock)
				continue;
			if (proc < 0) {
				uint32_t idx = snapshot_add_process(w->snap);
				struct pv_process *pr = &w->snap->procs[idx];

				pr->pid = atoi(pid_name);
				if (procinfo_read(piddir, pr, &w->snap->arena) < 0) {
					/* It exited between the fd read and now. */
					w->snap->nprocs--;
					goto out;
				}
				proc = idx;
			}
			owners_add_pair(w, *sock, (uint32_t)proc);
		}
	}
out:
	close(fddir);
	close(piddir);
}

static int owners_pair_cmp(const void *a, const void *b)
{
	const struct owner_pair *x = a, *y = b;

	if (x->sock != y->sock)
		return x->sock < y->sock ? -1 : 1;
	if (x->proc != y->proc)
		return x->proc < y->proc ? -1 : 1;
	return 0;
}

/* Turns the (socket, process) pairs into per-socket owner lists, dropping
 * repeats (one process may hold a socket in several fds). */
static void owners_assign(struct owners_walk *w)
{
	struct pv_snapshot *s = w->snap;
	size_t i;

	qsort(w->pairs, w->npairs, sizeof(*w->pairs), owners_pair_cmp);
	s->owner_refs = xreallocarray(s->owner_refs, w->npairs ? w->npairs : 1, sizeof(*s->owner_refs));
	s->nrefs = 0;
	for (i = 0; i < w->npairs; i++) {
		struct pv_socket *k = &s->socks[w->pairs[i].sock];

		if (i > 0 && w->pairs[i].sock == w->pairs[i - 1].sock &&
		    w->pairs[i].proc == w->pairs[i - 1].proc)
			continue;
		if (k->owner_count == 0)
			k->owner_first = (uint32_t)s->nrefs;
		s->owner_refs[s->nrefs++] = w->pairs[i].proc;
		k->owner_count++;
	}
}

int owners_collect(struct pv_snapshot *snap, const char *proc_root, struct users *users,
		   struct owners_stats *stats)
{
	struct owners_walk w = { .snap = snap, .stats = stats };
	int procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t i;

	memset(stats, 0, sizeof(*stats));
	if (procfd < 0)
		return -1;
	u64map_init(&w.by_inode, snap->nsocks);
	for (i = 0; i < snap->nsocks; i++) {
		snap->socks[i].owner_count = 0;
		if (snap->socks[i].inode)
			u64map_put(&w.by_inode, snap->socks[i].inode, (uint32_t)i, NULL);
	}
	w.dents = xmalloc(OWNERS_DENTS_BUFFER);
	if (w.by_inode.count > 0) {
		char *pids = xmalloc(OWNERS_DENTS_BUFFER);

		for (;;) {
			long n = syscall(SYS_getdents64, procfd, pids, OWNERS_DENTS_BUFFER);
			long off;

			if (n <= 0)
				break;
			for (off = 0; off < n;) {
				const struct linux_dirent64 *d = (const void *)(pids + off);

				off += d->d_reclen;
				if (owners_is_pid(d->d_name))
					owners_walk_process(&w, procfd, d->d_name);
			}
		}
		free(pids);
	}
	close(procfd);
	owners_assign(&w);
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
	free(w.dents);
	free(w.pairs);
	u64map_free(&w.by_inode);
	return 0;
}
