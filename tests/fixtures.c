#include "config.h"

#include "fixtures.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "addr.h"
#include "filter.h"
#include "relations.h"
#include "workload.h"
#include "states.h"
#include "xalloc.h"

static void fx_endpoint(struct pv_endpoint *e, const char *addr, uint16_t port)
{
	int prefix;

	addr_parse(addr, strlen(addr), &e->addr, &prefix);
	e->port = port;
}

static void fx_add(struct pv_snapshot *s, uint8_t family, uint8_t proto, uint8_t state, const char *laddr,
		   uint16_t lport, const char *raddr, uint16_t rport, uint32_t uid, const char *user,
		   uint8_t status)
{
	struct pv_socket k;

	memset(&k, 0, sizeof(k));
	k.family = family;
	k.proto = proto;
	k.state = state;
	k.v6only = -1;
	fx_endpoint(&k.local, laddr, lport);
	fx_endpoint(&k.remote, raddr, rport);
	k.uid = uid;
	k.user = user;
	k.cookie = s->nsocks + 1000;
	k.inode = state == PV_STATE_TIME_WAIT ? 0 : (uint32_t)(s->nsocks + 5000);
	k.owner_status = status;
	if (state == PV_STATE_LISTEN) {
		k.rqueue = 3;
		k.wqueue = 511;
	}
	snapshot_add_socket(s, &k);
}

static void fx_process(struct pv_snapshot *s, int pid, unsigned long long start, uint32_t uid,
		       const char *user, const char *comm, const char *cmdline)
{
	uint32_t i = snapshot_add_process(s);
	struct pv_process *p = &s->procs[i];

	p->pid = pid;
	p->start_time = start;
	p->uid = uid;
	p->user = user;
	p->comm = arena_strdup(&s->arena, comm);
	p->cmdline = arena_strdup(&s->arena, cmdline);
	p->cmdline_len = strlen(cmdline);
}

/* Gives socket k the listed process indices as owners. */
static void fx_owners(struct pv_snapshot *s, size_t k, int n, const uint32_t *procs)
{
	int i;

	snapshot_reserve_refs(s, s->nrefs + (size_t)n);
	s->socks[k].owner_first = (uint32_t)s->nrefs;
	s->socks[k].owner_count = (uint32_t)n;
	/* Fds as a process numbers them: 3 up, one per socket it holds. */
	for (i = 0; i < n; i++)
		snapshot_push_ref(s, procs[i], (uint32_t)(3 + k));
}

void fixture_snapshot(struct pv_snapshot *s)
{
	static const uint32_t nginx_both[] = { FX_NGINX_WORKER, FX_NGINX };
	static const uint32_t worker[] = { FX_NGINX_WORKER };
	static const uint32_t psql[] = { FX_PSQL };
	static const uint32_t postgres[] = { FX_POSTGRES };

	snapshot_init(s);
	fx_process(s, 100, 500, 0, "root", "nginx", "nginx: master process /usr/sbin/nginx");
	fx_process(s, 101, 510, 33, "www-data", "nginx", "nginx: worker process");
	fx_process(s, 4211, 9000, 1000, "alice", "psql", "psql -h localhost appdb");
	fx_process(s, 812, 300, 114, "postgres", "postgres", "/usr/lib/postgresql/15/bin/postgres");

	fx_add(s, AF_INET, IPPROTO_TCP, PV_STATE_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0, 0, "root", PV_OWNER_OK);
	fx_add(s, AF_INET6, IPPROTO_TCP, PV_STATE_LISTEN, "::", 80, "::", 0, 0, "root", PV_OWNER_OK);
	fx_add(s, AF_INET, IPPROTO_TCP, PV_STATE_ESTABLISHED, "10.0.0.5", 80, "10.0.0.17", 51234, 33,
	       "www-data", PV_OWNER_OK);
	fx_add(s, AF_INET6, IPPROTO_TCP, PV_STATE_ESTABLISHED, "::ffff:127.0.0.1", 80, "::ffff:127.0.0.1",
	       40000, 33, "www-data", PV_OWNER_OK);
	fx_add(s, AF_INET, IPPROTO_TCP, PV_STATE_TIME_WAIT, "10.0.0.5", 80, "10.0.0.18", 40022,
	       PV_UID_UNKNOWN, NULL, PV_OWNER_NONE);
	fx_add(s, AF_INET, IPPROTO_TCP, PV_STATE_LISTEN, "127.0.0.1", 5432, "0.0.0.0", 0, 114, "postgres",
	       PV_OWNER_OK);
	fx_add(s, AF_INET, IPPROTO_TCP, PV_STATE_ESTABLISHED, "127.0.0.1", 33000, "127.0.0.1", 5432, 1000,
	       "alice", PV_OWNER_OK);
	fx_add(s, AF_INET, IPPROTO_TCP, PV_STATE_ESTABLISHED, "127.0.0.1", 5432, "127.0.0.1", 33000, 114,
	       "postgres", PV_OWNER_OK);
	fx_add(s, AF_INET, IPPROTO_UDP, PV_STATE_CLOSE, "127.0.0.53", 53, "0.0.0.0", 0, 101, NULL,
	       PV_OWNER_HIDDEN);
	fx_add(s, AF_INET6, IPPROTO_UDP, PV_STATE_ESTABLISHED, "2001:db8::1", 5000, "2001:db8::2", 53, 1000,
	       "alice", PV_OWNER_OK);
	fx_add(s, AF_INET, IPPROTO_TCP, PV_STATE_ESTABLISHED, "10.0.0.5", 40100, "93.184.216.34", 443, 1000,
	       "alice", PV_OWNER_HIDDEN);

	fx_owners(s, 0, 2, nginx_both);
	fx_owners(s, 1, 2, nginx_both);
	fx_owners(s, 2, 1, worker);
	fx_owners(s, 3, 1, worker);
	fx_owners(s, 5, 1, postgres);
	fx_owners(s, 6, 1, psql);
	fx_owners(s, 7, 1, postgres);
	fx_owners(s, 9, 1, psql);
	relations_compute(s, NULL, true);
}

void fixture_namespaces(struct pv_snapshot *s)
{
	static const struct pv_netns table[] = {
		{ .inode = FX_HOST_NETNS, .kind = PV_NETNS_HOST, .dumped = true, .name = "host" },
		{ .inode = FX_DB_NETNS, .kind = PV_NETNS_CONTAINER, .dumped = true, .name = "db" },
	};
	struct pv_process *postgres = &s->procs[FX_POSTGRES], *nginx = &s->procs[FX_NGINX];

	s->netns = arena_alloc(&s->arena, sizeof(table));
	memcpy(s->netns, table, sizeof(table));
	s->nnetns = 2;
	for (size_t i = 0; i < s->nsocks; i++)
		s->socks[i].netns = i >= 5 && i <= 7 ? FX_DB_NETNS : FX_HOST_NETNS;
	postgres->workload_kind = PV_WORKLOAD_PODMAN;
	postgres->workload = "db";
	postgres->workload_id = "abc123def456abc123def456";
	nginx->workload_kind = PV_WORKLOAD_UNIT;
	nginx->workload = nginx->workload_id = "nginx.service";
	relations_compute(s, NULL, true);
}

void fixture_published_port(struct pv_snapshot *s, const char *comm, const char *cmdline)
{
	uint32_t proxy = (uint32_t)s->nprocs;

	fx_process(s, 9000, 9000, 0, "root", comm, cmdline);
	fx_add(s, AF_INET, IPPROTO_TCP, PV_STATE_LISTEN, "0.0.0.0", 15432, "0.0.0.0", 0, 0, "root",
	       PV_OWNER_OK);
	s->socks[s->nsocks - 1].netns = FX_HOST_NETNS;
	fx_owners(s, s->nsocks - 1, 1, &proxy);
	relations_compute(s, NULL, true);
}

static void fx_unix(struct pv_snapshot *s, uint8_t type, uint8_t state, const char *name, size_t len,
		    int peer, uint32_t proc)
{
	struct pv_socket k;
	uint32_t owner = proc;

	memset(&k, 0, sizeof(k));
	k.family = AF_UNIX;
	k.proto = PV_PROTO_UNIX;
	k.sock_type = type;
	k.state = state;
	k.v6only = -1;
	k.inode = (uint32_t)(7000 + s->nsocks);
	k.cookie = 9000 + s->nsocks;
	k.peer_inode = peer >= 0 ? (uint32_t)(7000 + peer) : 0;
	k.owner_status = PV_OWNER_OK;
	if (len) {
		k.path = arena_strndup(&s->arena, name, len);
		k.path_len = (uint16_t)len;
	}
	if (state == PV_STATE_LISTEN) {
		k.rqueue = 4;
		k.wqueue = type == SOCK_STREAM ? 4 : 16;
	}
	snapshot_add_socket(s, &k);
	fx_owners(s, s->nsocks - 1, 1, &owner);
}

void fixture_unix_snapshot(struct pv_snapshot *s)
{
	static const uint32_t appd[] = { FXU_APPD };

	snapshot_init(s);
	fx_process(s, 300, 100, 0, "root", "appd", "appd --socket /run/app.sock");
	fx_process(s, 400, 200, 1000, "alice", "cli", "cli status");
	fx_process(s, 1, 1, 0, "root", "journal", "journal");
	fx_unix(s, SOCK_STREAM, PV_STATE_LISTEN, "/run/app.sock", 13, -1, FXU_APPD);
	fx_unix(s, SOCK_STREAM, PV_STATE_ESTABLISHED, "/run/app.sock", 13, 2, FXU_APPD);
	fx_unix(s, SOCK_STREAM, PV_STATE_ESTABLISHED, NULL, 0, 1, FXU_CLI);
	fx_unix(s, SOCK_SEQPACKET, PV_STATE_LISTEN, "\0bus\x1b", 5, -1, FXU_APPD);
	fx_unix(s, SOCK_DGRAM, PV_STATE_ESTABLISHED, "/dev/log", 8, -1, FXU_JOURNAL);
	fx_unix(s, SOCK_DGRAM, PV_STATE_ESTABLISHED, NULL, 0, 4, FXU_CLI);
	fx_unix(s, SOCK_STREAM, PV_STATE_ESTABLISHED, NULL, 0, 7, FXU_CLI);
	fx_unix(s, SOCK_STREAM, PV_STATE_ESTABLISHED, NULL, 0, 6, FXU_APPD);
	fx_add(s, AF_INET, IPPROTO_TCP, PV_STATE_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0, 0, "root", PV_OWNER_OK);
	fx_owners(s, 8, 1, appd);
	relations_compute(s, NULL, true);
}

/* Copies the sockets keep[] marks (all when keep is NULL), except skip. */
static void fixture_copy_some(const struct pv_snapshot *src, struct pv_snapshot *dst, size_t skip,
			      const bool *keep)
{
	size_t i, total = 0;

	snapshot_init(dst);
	for (i = 0; i < src->nprocs; i++) {
		uint32_t p = snapshot_add_process(dst);

		dst->procs[p] = src->procs[i];
	}
	/* Sockets may share owner refs, so count them per socket. */
	for (i = 0; i < src->nsocks; i++)
		total += src->socks[i].owner_count;
	snapshot_reserve_refs(dst, total + 1);
	for (i = 0; i < src->nsocks; i++) {
		struct pv_socket k = src->socks[i];
		uint32_t o;

		if (i == skip || (keep && !keep[i]))
			continue;
		k.owner_first = (uint32_t)dst->nrefs;
		for (o = 0; o < k.owner_count; o++)
			snapshot_push_ref(dst, src->owner_refs[src->socks[i].owner_first + o],
					  src->owner_fds[src->socks[i].owner_first + o]);
		snapshot_add_socket(dst, &k);
	}
	relations_compute(dst, NULL, true);
}

void fixture_copy_without(const struct pv_snapshot *src, struct pv_snapshot *dst, size_t skip)
{
	fixture_copy_some(src, dst, skip, NULL);
}

void fixture_copy_listeners(const struct pv_snapshot *src, struct pv_snapshot *dst)
{
	bool *keep = xcalloc(src->nsocks ? src->nsocks : 1, sizeof(bool));
	uint64_t mask = 0;
	size_t i;

	for (i = 0; i < src->nsocks; i++) {
		const struct pv_socket *k = &src->socks[i];

		keep[i] = socket_is_listener(k);
		if (keep[i])
			mask |= 1ull << kind_mask_bit(k->family, k->proto, k->state);
	}
	fixture_copy_some(src, dst, SIZE_MAX, keep);
	dst->kernel_mask = mask;
	free(keep);
}
