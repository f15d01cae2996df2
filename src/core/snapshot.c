#include "config.h"

#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "exposure.h"
#include "states.h"

_Static_assert(IPPROTO_TCP == 6 && PV_STATE_LISTEN == 10 && PV_STATE_CLOSE == 7,
	       "socket_is_listener in snapshot.h spells these numbers out");
#include "xalloc.h"

void snapshot_init_sized(struct pv_snapshot *s, size_t expected)
{
	memset(s, 0, sizeof(*s));
	s->kernel_mask = ~0ull;
	u64map_init(&s->by_cookie, expected > 256 ? expected : 256);
	if (expected > 256) {
		s->socks_cap = expected + expected / 8;
		s->socks = xreallocarray(NULL, s->socks_cap, sizeof(*s->socks));
	}
}

void snapshot_init(struct pv_snapshot *s)
{
	snapshot_init_sized(s, 0);
}

void snapshot_recycle(struct pv_snapshot *s, size_t expected)
{
	struct pv_snapshot old = *s;
	size_t want = expected > 256 ? expected : 256;

	arena_free(&old.arena);
	memset(s, 0, sizeof(*s));
	s->kernel_mask = ~0ull;
	s->socks = old.socks;
	s->socks_cap = old.socks_cap;
	s->procs = old.procs;
	s->procs_cap = old.procs_cap;
	s->owner_refs = old.owner_refs;
	s->owner_fds = old.owner_fds;
	s->closed = old.closed;
	s->closed_cap = old.closed_cap;
	/* The map is kept while it is the size u64map_init would choose or up
	 * to four times more: a shrinking host gets a smaller one. */
	if (old.by_cookie.slots && old.by_cookie.mask + 1 >= want * 2 && old.by_cookie.mask + 1 <= want * 8) {
		s->by_cookie = old.by_cookie;
		u64map_clear(&s->by_cookie);
	} else {
		u64map_free(&old.by_cookie);
		u64map_init(&s->by_cookie, want);
	}
	if (s->socks_cap < expected + expected / 8) {
		s->socks_cap = expected + expected / 8;
		s->socks = xreallocarray(s->socks, s->socks_cap, sizeof(*s->socks));
	}
}

const char *const owner_source_names[] = {
	[PV_OWNERS_AUTO] = "auto",
	[PV_OWNERS_BPF] = "bpf",
	[PV_OWNERS_PROC] = "proc",
	NULL,
};

const char *owner_source_name(enum pv_owner_source source)
{
	return owner_source_names[source];
}

void snapshot_reserve_refs(struct pv_snapshot *s, size_t n)
{
	s->owner_refs = xreallocarray(s->owner_refs, n ? n : 1, sizeof(*s->owner_refs));
	s->owner_fds = xreallocarray(s->owner_fds, n ? n : 1, sizeof(*s->owner_fds));
}

void snapshot_free(struct pv_snapshot *s)
{
	free(s->socks);
	free(s->procs);
	free(s->owner_refs);
	free(s->owner_fds);
	free(s->closed);
	u64map_free(&s->by_cookie);
	arena_free(&s->arena);
	memset(s, 0, sizeof(*s));
}

void snapshot_append_socket(struct pv_snapshot *s, const struct pv_socket *rec)
{
	if (s->nsocks == s->socks_cap) {
		s->socks_cap = s->socks_cap ? s->socks_cap * 2 : 256;
		s->socks = xreallocarray(s->socks, s->socks_cap, sizeof(*s->socks));
	}
	s->socks[s->nsocks++] = *rec;
}

size_t snapshot_index_from(struct pv_snapshot *s, size_t first)
{
	size_t i, kept = first, n = s->nsocks;

	u64map_reserve(&s->by_cookie, s->by_cookie.count + (n - first));
	for (i = first; i < n; i++) {
		const struct pv_socket *k = &s->socks[i];
		int inserted = 1;

		if (i + U64MAP_PREFETCH_AHEAD < n)
			u64map_prefetch(&s->by_cookie, s->socks[i + U64MAP_PREFETCH_AHEAD].cookie);
		/* Cookie 0 would be a kernel without cookies: keep every such
		 * record. */
		if (k->cookie)
			u64map_put(&s->by_cookie, k->cookie, (uint32_t)kept, &inserted);
		if (!inserted)
			continue;
		if (kept != i)
			s->socks[kept] = *k;
		kept++;
	}
	s->nsocks = kept;
	return n - kept;
}

bool snapshot_add_socket(struct pv_snapshot *s, const struct pv_socket *rec)
{
	snapshot_append_socket(s, rec);
	return snapshot_index_from(s, s->nsocks - 1) == 0;
}

uint32_t snapshot_add_process(struct pv_snapshot *s)
{
	if (s->nprocs == s->procs_cap) {
		s->procs_cap = s->procs_cap ? s->procs_cap * 2 : 64;
		s->procs = xreallocarray(s->procs, s->procs_cap, sizeof(*s->procs));
	}
	memset(&s->procs[s->nprocs], 0, sizeof(s->procs[0]));
	return (uint32_t)s->nprocs++;
}

size_t snapshot_find_prev(const struct pv_snapshot *prev, size_t guess, uint64_t cookie)
{
	const uint32_t *slot;

	if (cookie && guess < prev->nsocks && prev->socks[guess].cookie == cookie)
		return guess;
	slot = u64map_get(&prev->by_cookie, cookie);
	return slot ? *slot : SIZE_MAX;
}

const char *const netns_kind_names[PV_NETNS_KIND_COUNT] = {
	[PV_NETNS_HOST] = "host", [PV_NETNS_NAMED] = "named", [PV_NETNS_CONTAINER] = "container",
	[PV_NETNS_POD] = "pod",   [PV_NETNS_UNIT] = "unit",   [PV_NETNS_PID] = "pid",
};

const char *const host_status_names[PV_HOST_STATUS_COUNT] = {
	[PV_HOST_CONNECTING] = "connecting", [PV_HOST_LIVE] = "live",
	[PV_HOST_STALE] = "stale",           [PV_HOST_DOWN] = "down",
	[PV_HOST_REFUSED] = "refused",
};

/* What a --remote host that is not live tells the user. */
static void snapshot_host_notice(const struct pv_host *h, char *msg, size_t size)
{
	const char *why = h->message ? h->message : "";
	const char *sep = why[0] ? ": " : "";

	switch (h->status) {
	case PV_HOST_CONNECTING: snprintf(msg, size, "%s: connecting%s%s", h->name, sep, why); break;
	case PV_HOST_STALE:
		snprintf(msg, size, "%s: stale, nothing for %.0f s; its sockets as last seen", h->name,
			 h->age);
		break;
	case PV_HOST_DOWN:
		if (h->age >= 0)
			snprintf(msg, size, "%s: down%s%s (last seen %.0f s ago); reconnecting", h->name, sep,
				 why, h->age);
		else
			snprintf(msg, size, "%s: down%s%s; reconnecting", h->name, sep, why);
		break;
	case PV_HOST_REFUSED: snprintf(msg, size, "%s: refused: %s", h->name, why); break;
	default: msg[0] = '\0'; break;
	}
}

const char *const side_names[PV_SIDE_COUNT] = {
	[PV_SIDE_UNKNOWN] = "",
	[PV_SIDE_SERVER] = "server",
	[PV_SIDE_CLIENT] = "client",
};

const struct pv_netns *snapshot_netns(const struct pv_snapshot *s, uint32_t inode)
{
	/* A handful of namespaces: a walk beats a map. */
	for (size_t i = 0; i < s->nnetns; i++)
		if (s->netns[i].inode == inode)
			return &s->netns[i];
	return NULL;
}

const struct pv_link *snapshot_link(const struct pv_snapshot *s, uint32_t netns, uint32_t ifindex)
{
	const struct pv_netns *ns = snapshot_netns(s, netns);

	for (size_t i = 0; ns && i < ns->nlinks; i++)
		if (ns->links[i].ifindex == ifindex)
			return &ns->links[i];
	return NULL;
}

uint32_t snapshot_addr_ifindex(const struct pv_snapshot *s, uint32_t netns, const struct pv_addr *addr)
{
	const struct pv_netns *ns = snapshot_netns(s, netns);
	size_t len = addr->family == AF_INET ? 4 : 16;

	for (size_t i = 0; ns && i < ns->naddrs; i++)
		if (ns->addrs[i].addr.family == addr->family &&
		    memcmp(ns->addrs[i].addr.bytes, addr->bytes, len) == 0)
			return ns->addrs[i].ifindex;
	return 0;
}

const struct pv_port_rules *snapshot_port_rules(const struct pv_snapshot *s, uint32_t netns)
{
	static const struct pv_port_rules unknown;
	const struct pv_netns *ns = snapshot_netns(s, netns);

	return ns ? &ns->ports : &unknown;
}

const char *snapshot_cgroup_path(const struct pv_snapshot *s, uint64_t id)
{
	size_t lo = 0, hi = s->ncgroups;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->cgroups[mid].id == id)
			return s->cgroups[mid].path;
		if (s->cgroups[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t snapshot_shown_netns(const struct pv_snapshot *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nnetns; i++)
		n += s->netns[i].dumped;
	return n;
}

const char *snapshot_netns_name(const struct pv_snapshot *s, uint32_t inode, char *buf, size_t size)
{
	const struct pv_netns *ns = snapshot_netns(s, inode);

	if (ns && ns->name)
		return ns->name;
	snprintf(buf, size, "net:[%u]", inode);
	return buf;
}

const struct pv_process *snapshot_owner(const struct pv_snapshot *s, const struct pv_socket *k, uint32_t i)
{
	return &s->procs[s->owner_refs[k->owner_first + i]];
}

bool snapshot_same_rows(const struct pv_snapshot *a, const struct pv_snapshot *b)
{
	size_t i;

	if (a->nsocks != b->nsocks || a->nprocs != b->nprocs || a->nrefs != b->nrefs)
		return false;
	for (i = 0; i < a->nprocs; i++) {
		const struct pv_process *x = &a->procs[i], *y = &b->procs[i];

		if (x->pid != y->pid || x->start_time != y->start_time || x->uid != y->uid ||
		    strcmp(x->comm, y->comm) != 0)
			return false;
	}
	for (i = 0; i < a->nsocks; i++) {
		const struct pv_socket *x = &a->socks[i], *y = &b->socks[i];

		if (x->cookie != y->cookie || x->state != y->state || x->rqueue != y->rqueue ||
		    x->wqueue != y->wqueue || x->owner_status != y->owner_status || x->gone != y->gone ||
		    x->flags != y->flags || x->owner_count != y->owner_count ||
		    (x->owner_count && x->owner_first != y->owner_first))
			return false;
	}
	return memcmp(a->owner_refs, b->owner_refs, a->nrefs * sizeof(*a->owner_refs)) == 0;
}

void snapshot_notices(const struct pv_snapshot *s, size_t hidden, snapshot_notice_fn emit, void *arg)
{
	char msg[400];
	size_t i;

	for (i = 0; i < s->nhosts; i++) {
		snapshot_host_notice(&s->hosts[i], msg, sizeof(msg));
		if (msg[0])
			emit(msg, arg);
	}
	for (i = 0; i < SOCKET_KIND_COUNT; i++) {
		if (!(s->unavailable & socket_kinds[i].dump_bit))
			continue;
		snprintf(msg, sizeof(msg), "%s: not available on this kernel", socket_kinds[i].description);
		emit(msg, arg);
	}
	if (s->netns_denied) {
		/* Without privilege others' namespaces may not even be seen. */
		if (s->netns_skipped)
			snprintf(msg, sizeof(msg),
				 "%u other network namespaces not shown: entering them needs root "
				 "(CAP_SYS_ADMIN)",
				 s->netns_skipped);
		else
			snprintf(msg, sizeof(msg),
				 "only this network namespace is shown: seeing containers' and "
				 "others' needs root (CAP_SYS_ADMIN)");
		emit(msg, arg);
	}
	if (s->incomplete)
		emit("a socket dump was interrupted; the listing may be incomplete", arg);
	if (s->procs_unreadable) {
		emit("/proc cannot be read (not mounted, or not procfs here): "
		     "no socket's owner is known; mount proc on /proc",
		     arg);
	} else if (hidden && s->procs_invisible) {
		snprintf(msg, sizeof(msg),
			 "owners of %zu sockets hidden: /proc is mounted with hidepid=2, "
			 "so other users' processes are invisible; run as root",
			 hidden);
		emit(msg, arg);
	} else if (hidden) {
		snprintf(msg, sizeof(msg),
			 "owners of %zu sockets hidden (no permission): run as root, "
			 "or grant CAP_DAC_READ_SEARCH,CAP_SYS_PTRACE",
			 hidden);
		emit(msg, arg);
	}
}

void snapshot_count(const struct pv_snapshot *s, const uint32_t *which, size_t n, struct pv_counts *out)
{
	bool *seen = xcalloc(s->nprocs ? s->nprocs : 1, sizeof(bool));
	size_t i, total = which ? n : s->nsocks;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < total; i++) {
		const struct pv_socket *k = &s->socks[which ? which[i] : i];
		uint32_t o;

		if (!which && k->gone)
			continue;
		if (socket_is_listener(k)) {
			out->listening++;
			out->exposed += exposure_beyond_loopback(socket_exposure(s, k));
		} else if (k->state == PV_STATE_ESTABLISHED)
			out->established++;
		else
			out->other++;
		out->hidden += k->owner_status == PV_OWNER_HIDDEN;
		for (o = 0; o < PV_FLAG_COUNT; o++)
			out->flagged[o] += (k->flags >> o) & 1;
		for (o = 0; o < k->owner_count; o++) {
			uint32_t p = s->owner_refs[k->owner_first + o];

			out->processes += !seen[p];
			seen[p] = true;
		}
	}
	free(seen);
}

uint64_t socket_name_hash(const struct pv_socket *k)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < k->path_len; i++)
		h = (h ^ (unsigned char)k->path[i]) * 1099511628211ULL;
	return h | 1;
}

bool socket_same_name(const struct pv_socket *a, const struct pv_socket *b)
{
	return a->path_len == b->path_len && (a->path_len == 0 || memcmp(a->path, b->path, a->path_len) == 0);
}
