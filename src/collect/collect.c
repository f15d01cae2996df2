#include "config.h"

#include "collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "cgroup_ids.h"
#include "containers.h"
#include "netns.h"
#include "owner_cache.h"
#include "owners.h"
#include "owners_bpf.h"
#include "privilege.h"
#include "systemd_sockets.h"
#include "users.h"
#include "xalloc.h"

struct collector {
	struct netns_set *netns;
	struct containers *containers;
	struct cgroup_ids *cgroup_ids;
	struct systemd_sockets *systemd; /* .socket units, LISTEN_* of activated services */
	struct owner_cache *cache;       /* NULL: a full walk every run */
	struct owners_bpf *bpf;          /* the kernel's iterator, when it loads: a full pass every run */
	struct users *users;
	double boot_time;
	long clock_ticks;
};

/* Boot time from /proc/stat's btime line; 0 when it cannot be read. */
static double collector_boot_time(void)
{
	FILE *f = fopen("/proc/stat", "re");
	char line[256];
	double btime = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "btime ", 6) == 0)
			btime = strtod(line + 6, NULL);
	fclose(f);
	return btime;
}

struct collector *collector_open(const struct collector_options *opts, char *err, size_t errsize)
{
	struct collector *c = xcalloc(1, sizeof(*c));
	enum pv_owner_source owners = opts->owners;
	bool incremental = opts->incremental;
	char why[200];

	c->netns = netns_set_open(
		opts->netns, opts->nnetns,
		(opts->bound ? NETNS_BOUND : 0) | (opts->close_feeds ? NETNS_CLOSE_FEEDS : 0), err, errsize);
	if (!c->netns) {
		free(c);
		return NULL;
	}
	/* The dashboard's owner cache rereads only the processes whose fd
	 * count moved: at 40,000 sockets a refresh costs about 72 ms of CPU
	 * with it and 90 ms with a full BPF pass, so auto keeps it there. */
	if (owners == PV_OWNERS_BPF || (owners == PV_OWNERS_AUTO && !incremental)) {
		c->bpf = owners_bpf_open(why, sizeof(why));
		if (!c->bpf && owners == PV_OWNERS_BPF) {
			snprintf(err, errsize, "--owners=bpf: %s", why);
			netns_set_close(c->netns);
			free(c);
			return NULL;
		}
	}
	c->users = users_new();
	c->containers = containers_new("/");
	c->cgroup_ids = cgroup_ids_new(NULL);
	c->systemd = systemd_sockets_new(NULL, "/proc");
	if (incremental && !c->bpf)
		c->cache = owner_cache_new();
	c->boot_time = collector_boot_time();
	c->clock_ticks = sysconf(_SC_CLK_TCK);
	return c;
}

void collector_close(struct collector *c)
{
	if (!c)
		return;
	netns_set_close(c->netns);
	containers_free(c->containers);
	cgroup_ids_free(c->cgroup_ids);
	systemd_sockets_free(c->systemd);
	owners_bpf_close(c->bpf);
	owner_cache_free(c->cache);
	users_free(c->users);
	free(c);
}

/* True when root is a procfs this process can list: the owners walk
 * then means something. An empty or foreign /proc (a container without
 * it, a tmpfs over it) would make every socket look unowned. */
static bool collector_proc_usable(const char *root)
{
	struct statfs fs;
	char self[64];

	if (statfs(root, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC)
		return false;
	/* Every procfs lists the caller, whatever hidepid says. */
	snprintf(self, sizeof(self), "%s/%d", root, (int)getpid());
	return access(self, R_OK | X_OK) == 0;
}

/* No owner can be known: every socket a file holds is hidden. */
static void collector_owners_unknown(struct pv_snapshot *snap, struct users *users)
{
	owners_settle(snap, users, 0, false);
	snap->procs_unreadable = true;
	for (size_t i = 0; i < snap->nsocks; i++)
		if (snap->socks[i].inode)
			snap->socks[i].owner_status = PV_OWNER_HIDDEN;
}

/* Once owners are known: the containers they run in, and what socket
 * activation says of the listeners they share with a manager. */
static void collector_what_runs(struct collector *c, struct pv_snapshot *snap)
{
	containers_name_processes(c->containers, snap);
	systemd_sockets_fill(c->systemd, snap, snap->monotonic_taken);
}

int collector_run(struct collector *c, uint64_t kernel_mask, uint32_t info_states, struct pv_snapshot *snap,
		  char *err, size_t errsize)
{
	struct owners_stats stats;
	struct owners_walk *walk = NULL;
	struct timespec mono;
	bool proc_usable = collector_proc_usable("/proc");

	clock_gettime(CLOCK_REALTIME, &snap->taken);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	snap->monotonic_taken = (double)mono.tv_sec + (double)mono.tv_nsec / 1e9;
	snap->boot_time = c->boot_time;
	snap->clock_ticks = c->clock_ticks > 0 ? c->clock_ticks : 100;
	snap->kernel_mask = kernel_mask;
	/* A full walk does not need the dump's answer to start: it runs on its
	 * threads while this one dumps. */
	/* The walkers inherit the raised capabilities; this thread drops
	 * them while it dumps, which needs none. */
	snap->owner_source = PV_OWNERS_PROC;
	if (!c->cache && !c->bpf && proc_usable) {
		privilege_raise();
		walk = owners_walk_start("/proc");
		privilege_lower();
	}
	containers_refresh(c->containers);
	if (netns_set_collect(c->netns, c->containers, kernel_mask, info_states, snap, err, errsize) < 0) {
		if (walk)
			owners_walk_finish(walk, snap, c->users, &stats);
		return -1;
	}
	cgroup_ids_resolve(c->cgroup_ids, snap, snap->monotonic_taken);
	/* The iterator needs /proc too, for the owners' details; should it
	 * fail, this run walks /proc as it would without it. */
	if (c->bpf && proc_usable && owners_bpf_collect(c->bpf, snap, c->users, &stats) == 0) {
		collector_what_runs(c, snap);
		return 0;
	}
	if (c->bpf && proc_usable) {
		privilege_raise();
		walk = owners_walk_start("/proc");
		privilege_lower();
	}
	if (!proc_usable || (!c->cache && !walk)) {
		collector_owners_unknown(snap, c->users);
	} else if (c->cache) {
		int ret;

		privilege_raise();
		ret = owner_cache_collect(c->cache, snap, "/proc", c->users, snap->monotonic_taken, &stats);
		privilege_lower();
		if (ret < 0)
			snap->incomplete = true;
	} else {
		owners_walk_finish(walk, snap, c->users, &stats);
	}
	collector_what_runs(c, snap);
	return 0;
}

void collect_hostname(char *buf, size_t size)
{
	if (gethostname(buf, size) < 0)
		snprintf(buf, size, "?");
	buf[size - 1] = '\0';
}
