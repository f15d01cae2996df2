#include "config.h"

#include "netns.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "diag.h"
#include "closefeed.h"
#include "netfacts.h"
#include "privilege.h"
#include "procinfo.h"
#include "workload.h"
#include "xalloc.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

/* Where namespaces are kept open by a file rather than a process: `ip
 * netns` and CNI name theirs (the file name is the name); Docker names
 * its sandboxes by id, which tells a person nothing, so those are only
 * a way in. */
static const struct {
	const char *dir;
	bool names;
} namespace_dirs[] = {
	{ "/run/netns", true },
	{ "/var/run/netns", true },
	{ "/run/docker/netns", false },
};

/* One namespace found on this run. */
struct found_ns {
	uint32_t inode;
	int pid;     /* the lowest pid in it, 0 when none was seen */
	char *named; /* its `ip netns` name, or NULL */
	char *path;  /* a file that enters it */
	bool selected;
};

/* A namespace's sock_diag socket, kept between runs. */
struct ns_conn {
	uint32_t inode;
	struct diag_conn *diag;
	struct netfacts *facts;
	struct close_feed *feed; /* with NETNS_CLOSE_FEEDS */
	bool seen;               /* found on this run */
};

struct netns_set {
	char **specs;
	size_t nspecs;
	bool current_only;
	bool may_enter;
	bool validated; /* the specs matched on a first run */
	int self_fd;    /* this process's namespace, to return to */
	uint32_t self_inode;
	struct diag_conn *own;
	struct netfacts *own_facts;
	unsigned flags;              /* NETNS_* */
	struct close_feed *own_feed; /* with NETNS_CLOSE_FEEDS, when the kernel has one */
	struct ns_conn *conns;
	size_t nconns;
	struct found_ns *found;
	size_t nfound, found_cap;
};

struct netns_set *netns_set_open(const char *const *specs, size_t nspecs, unsigned flags, char *err,
				 size_t errsize)
{
	struct netns_set *set = xcalloc(1, sizeof(*set));
	struct stat st;

	set->self_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (set->self_fd >= 0 && fstat(set->self_fd, &st) == 0)
		set->self_inode = (uint32_t)st.st_ino;
	set->own = diag_open(set->self_inode, err, errsize);
	if (!set->own) {
		if (set->self_fd >= 0)
			close(set->self_fd);
		free(set);
		return NULL;
	}
	set->own_facts = netfacts_open();
	set->flags = flags;
	if (flags & NETNS_BOUND)
		diag_want_bound(set->own);
	if (flags & NETNS_CLOSE_FEEDS)
		set->own_feed = close_feed_open(set->self_inode);
	for (size_t i = 0; i < nspecs; i++) {
		if (strcmp(specs[i], "current") == 0) {
			set->current_only = true;
			continue;
		}
		set->specs = xreallocarray(set->specs, set->nspecs + 1, sizeof(*set->specs));
		set->specs[set->nspecs++] = xstrdup(specs[i]);
	}
	/* "current" with others is those others and this one. */
	if (set->nspecs)
		set->current_only = false;
	set->may_enter = set->self_fd >= 0 && privilege_may_enter_netns();
	return set;
}

static void found_reset(struct netns_set *set)
{
	for (size_t i = 0; i < set->nfound; i++) {
		free(set->found[i].named);
		free(set->found[i].path);
	}
	set->nfound = 0;
}

void netns_set_close(struct netns_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->nconns; i++) {
		diag_close(set->conns[i].diag);
		netfacts_close(set->conns[i].facts);
		close_feed_close(set->conns[i].feed);
	}
	free(set->conns);
	found_reset(set);
	free(set->found);
	for (size_t i = 0; i < set->nspecs; i++)
		free(set->specs[i]);
	free(set->specs);
	diag_close(set->own);
	netfacts_close(set->own_facts);
	close_feed_close(set->own_feed);
	if (set->self_fd >= 0)
		close(set->self_fd);
	free(set);
}

static struct found_ns *found_get(struct netns_set *set, uint32_t inode)
{
	for (size_t i = 0; i < set->nfound; i++)
		if (set->found[i].inode == inode)
			return &set->found[i];
	if (set->nfound == set->found_cap) {
		set->found_cap = set->found_cap ? set->found_cap * 2 : 16;
		set->found = xreallocarray(set->found, set->found_cap, sizeof(*set->found));
	}
	memset(&set->found[set->nfound], 0, sizeof(set->found[0]));
	set->found[set->nfound].inode = inode;
	return &set->found[set->nfound++];
}

static void scan_dir(struct netns_set *set, const char *dir, bool names)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;
		struct statfs fs;
		struct found_ns *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		/* A file left behind by a namespace that was not mounted
		 * there (or no longer is) is no namespace. */
		if (statfs(path, &fs) < 0 || fs.f_type != NSFS_MAGIC || stat(path, &st) < 0)
			continue;
		f = found_get(set, (uint32_t)st.st_ino);
		if (!f->path)
			f->path = xstrdup(path);
		if (names && !f->named)
			f->named = xstrdup(e->d_name);
	}
	closedir(d);
}

/* Every process's namespace; /proc lists pids in order, so the first seen
 * in a namespace is its lowest: a container's own first process. */
static void scan_processes(struct netns_set *set)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char rel[300];
		struct stat st;
		struct found_ns *f;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(rel, sizeof(rel), "%s/ns/net", e->d_name);
		if (fstatat(dirfd(d), rel, &st, 0) < 0)
			continue;
		f = found_get(set, (uint32_t)st.st_ino);
		if (!f->pid) {
			char path[320];

			f->pid = atoi(e->d_name);
			snprintf(path, sizeof(path), "/proc/%s", rel);
			free(f->path);
			f->path = xstrdup(path);
		}
	}
	closedir(d);
}

static void scan(struct netns_set *set)
{
	found_reset(set);
	if (set->self_fd >= 0)
		found_get(set, set->self_inode);
	if (set->current_only)
		return;
	for (size_t i = 0; i < sizeof(namespace_dirs) / sizeof(namespace_dirs[0]); i++)
		scan_dir(set, namespace_dirs[i].dir, namespace_dirs[i].names);
	scan_processes(set);
}

/* What a process in the namespace runs as, from its cgroup. */
static void namespace_workload(const struct found_ns *f, struct pv_process *pr, struct arena *arena)
{
	char dir[32];

	memset(pr, 0, sizeof(*pr));
	if (!f->pid)
		return;
	snprintf(dir, sizeof(dir), "/proc/%d", f->pid);
	procinfo_read_workload(AT_FDCWD, dir, pr, arena);
}

static void name_namespace(const struct netns_set *set, const struct found_ns *f, struct containers *names,
			   struct pv_netns *ns, struct arena *arena)
{
	struct pv_process pr;

	ns->inode = f->inode;
	if (f->inode == set->self_inode) {
		ns->kind = PV_NETNS_HOST;
		ns->name = arena_strdup(arena, f->named ? f->named : "host");
		return;
	}
	namespace_workload(f, &pr, arena);
	if (pr.workload_id && workload_kinds[pr.workload_kind].container) {
		const char *name = containers_lookup(names, pr.workload_kind, pr.workload_id);

		ns->kind = PV_NETNS_CONTAINER;
		ns->name = name ? arena_strdup(arena, name) : pr.workload;
	} else if (pr.pod) {
		ns->kind = PV_NETNS_POD;
		ns->name = pr.pod;
	} else if (f->named) {
		ns->kind = PV_NETNS_NAMED;
		ns->name = arena_strdup(arena, f->named);
	} else if (pr.workload_kind == PV_WORKLOAD_UNIT) {
		ns->kind = PV_NETNS_UNIT;
		ns->name = pr.workload;
	} else if (f->pid) {
		char buf[32];

		ns->kind = PV_NETNS_PID;
		snprintf(buf, sizeof(buf), "pid %d", f->pid);
		ns->name = arena_strdup(arena, buf);
	} else {
		const char *base = strrchr(f->path, '/');

		ns->kind = PV_NETNS_NAMED;
		ns->name = arena_strdup(arena, base ? base + 1 : f->path);
	}
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* The inode spec names by pid or path, or 0 when it names by name. */
static uint32_t spec_inode(const char *spec)
{
	char path[64];
	struct stat st;

	if (all_digits(spec)) {
		snprintf(path, sizeof(path), "/proc/%s/ns/net", spec);
		return stat(path, &st) == 0 ? (uint32_t)st.st_ino : UINT32_MAX;
	}
	if (strchr(spec, '/'))
		return stat(spec, &st) == 0 ? (uint32_t)st.st_ino : UINT32_MAX;
	return 0;
}

static bool spec_matches(const char *spec, uint32_t inode, const struct found_ns *f,
			 const struct pv_netns *ns)
{
	if (inode)
		return inode == f->inode;
	return (f->named && strcmp(f->named, spec) == 0) || strcmp(ns->name, spec) == 0;
}

/* Marks the namespaces to dump. On the first run, a spec that matches
 * none is an error (a misspelt name must not show an empty screen). */
static int select_namespaces(struct netns_set *set, const struct pv_snapshot *snap, char *err, size_t errsize)
{
	for (size_t i = 0; i < set->nfound; i++)
		set->found[i].selected =
			!set->nspecs && (set->found[i].inode == set->self_inode || set->may_enter);
	for (size_t s = 0; s < set->nspecs; s++) {
		uint32_t inode = spec_inode(set->specs[s]);
		bool any = false;

		for (size_t i = 0; i < set->nfound; i++)
			if (spec_matches(set->specs[s], inode, &set->found[i], &snap->netns[i])) {
				set->found[i].selected = true;
				any = true;
			}
		if (!set->validated && !any) {
			snprintf(err, errsize,
				 "--netns %s: no such network namespace (give an ip netns name, a "
				 "container's, a pid or a namespace file)",
				 set->specs[s]);
			return -1;
		}
	}
	for (size_t i = 0; i < set->nfound; i++)
		if (!set->validated && set->found[i].selected && set->found[i].inode != set->self_inode &&
		    !set->may_enter) {
			snprintf(err, errsize,
				 "--netns: entering another network namespace needs root (CAP_SYS_ADMIN)");
			return -1;
		}
	set->validated = true;
	return 0;
}

/* Makes a sock_diag socket inside f's namespace, and its facts' files
 * and socket, and comes back. Returns NULL when the namespace cannot be
 * entered (gone, or its file now names another: pids are reused); -1 in
 * *lost when this thread could not come back, which leaves it nowhere
 * safe to dump from. */
static struct diag_conn *enter_and_open(const struct netns_set *set, const struct found_ns *f,
					struct netfacts **facts, struct close_feed **feed, bool *lost)
{
	struct diag_conn *c;
	struct stat st;
	char why[200];
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || (uint32_t)st.st_ino != f->inode || setns(fd, CLONE_NEWNET) < 0) {
		close(fd);
		return NULL;
	}
	close(fd);
	c = diag_open(f->inode, why, sizeof(why));
	*facts = c ? netfacts_open() : NULL;
	*feed = c && (set->flags & NETNS_CLOSE_FEEDS) ? close_feed_open(f->inode) : NULL;
	if (setns(set->self_fd, CLONE_NEWNET) < 0) {
		*lost = true;
		diag_close(c);
		netfacts_close(*facts);
		close_feed_close(*feed);
		return NULL;
	}
	if (c)
		diag_set_foreign(c);
	if (c && (set->flags & NETNS_BOUND))
		diag_want_bound(c);
	return c;
}

static struct ns_conn *conn_get(struct netns_set *set, const struct found_ns *f, bool *lost)
{
	struct diag_conn *diag;
	struct netfacts *facts;
	struct close_feed *feed;

	for (size_t i = 0; i < set->nconns; i++)
		if (set->conns[i].inode == f->inode)
			return &set->conns[i];
	diag = enter_and_open(set, f, &facts, &feed, lost);
	if (!diag)
		return NULL;
	set->conns = xreallocarray(set->conns, set->nconns + 1, sizeof(*set->conns));
	set->conns[set->nconns] =
		(struct ns_conn){ .inode = f->inode, .diag = diag, .facts = facts, .feed = feed };
	return &set->conns[set->nconns++];
}

/* Closes the sockets of namespaces not dumped on this run: gone from the
 * host, or no longer selected. Keeping one would keep its namespace. */
static void conns_sweep(struct netns_set *set)
{
	size_t kept = 0;

	for (size_t i = 0; i < set->nconns; i++) {
		if (set->conns[i].seen) {
			set->conns[i].seen = false;
			set->conns[kept++] = set->conns[i];
		} else {
			diag_close(set->conns[i].diag);
			netfacts_close(set->conns[i].facts);
			close_feed_close(set->conns[i].feed);
		}
	}
	set->nconns = kept;
}

int netns_set_collect(struct netns_set *set, struct containers *names, uint64_t kernel_mask,
		      uint32_t info_states, struct pv_snapshot *snap, char *err, size_t errsize)
{
	bool lost = false, all_feeds = (set->flags & NETNS_CLOSE_FEEDS) != 0;
	int ret = 0;

	scan(set);
	if (!set->nfound) /* no /proc: the own namespace alone, unnamed */
		found_get(set, set->self_inode);
	snap->netns = arena_alloc(&snap->arena, set->nfound * sizeof(*snap->netns));
	snap->nnetns = set->nfound;
	for (size_t i = 0; i < set->nfound; i++) {
		memset(&snap->netns[i], 0, sizeof(snap->netns[i]));
		name_namespace(set, &set->found[i], names, &snap->netns[i], &snap->arena);
	}
	if (select_namespaces(set, snap, err, errsize) < 0)
		return -1;
	for (size_t i = 0; i < set->nfound && ret == 0; i++) {
		const struct found_ns *f = &set->found[i];
		struct pv_netns *ns = &snap->netns[i];
		size_t before = snap->nsocks;
		struct close_feed *feed;

		if (!f->selected) {
			snap->netns_skipped += f->inode != set->self_inode;
			continue;
		}
		if (f->inode == set->self_inode) {
			ret = diag_collect(set->own, kernel_mask, info_states, snap, err, errsize);
			netfacts_read(set->own_facts, ns, &snap->arena);
			feed = set->own_feed;
		} else {
			struct ns_conn *conn = conn_get(set, f, &lost);
			char why[200];

			if (lost) {
				snprintf(err, errsize, "cannot return to portview's own network namespace");
				return -1;
			}
			if (!conn)
				continue; /* gone since the scan */
			conn->seen = true;
			/* Another namespace failing is its own loss, not the run's. */
			if (diag_collect(conn->diag, kernel_mask, info_states, snap, why, sizeof(why)) < 0)
				continue;
			netfacts_read(conn->facts, ns, &snap->arena);
			feed = conn->feed;
		}
		/* After the dump: a socket that closed meanwhile is in both,
		 * and its close is what counts. */
		if (feed)
			close_feed_drain(feed, snap);
		all_feeds &= feed != NULL;
		ns->dumped = true;
		ns->sockets = (uint32_t)(snap->nsocks - before);
	}
	conns_sweep(set);
	snap->close_feeds = all_feeds;
	snap->netns_denied = !set->may_enter && !set->nspecs && !set->current_only;
	return ret;
}
