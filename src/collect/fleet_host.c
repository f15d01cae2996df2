#include "config.h"

#include "fleet_host.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "arena.h"
#include "jsonread.h"
#include "strbuf.h"
#include "wire.h"
#include "workload.h"
#include "xalloc.h"

/* ---- records as the lines left them ---- */

struct fh_owner {
	uint64_t proc; /* the process's key (stream.c's) */
	uint32_t fd;
};

struct fh_socket {
	struct pv_socket rec; /* path and user malloc'd; owners below */
	struct fh_owner *owners;
	uint32_t nowners;
	uint64_t peer, forward; /* cookies, 0 for none */
	/* Times on the host's monotonic clock; < 0 when not sent. */
	double state_since, timer_expires, last_sent, last_recv, last_ack;
};

struct fh_process {
	struct pv_process rec; /* strings malloc'd */
};

struct fh_netns {
	struct pv_netns rec; /* name, reserved, links and their names, addrs malloc'd */
};

/* Records of one kind by key. u64map cannot remove, so removals mark the
 * index stale and it is rebuilt once per line. */
struct fh_table {
	struct u64map index;
	uint64_t *keys;
	char *items;
	size_t item_size, n, cap;
	void (*clear)(void *item);
	bool index_stale;
};

struct fleet_host {
	struct fh_table sockets, processes, netns;
	char *version;
	double interval;
	bool hello, ready;
	uint64_t seq;
	double offset; /* local monotonic minus the host's, at its last line */
	/* Its last line's header. */
	uint8_t owner_source;
	unsigned unavailable, hidden_procs, netns_skipped;
	bool incomplete, procs_invisible, procs_unreadable, netns_denied;
	double boot_time;
	long clock_ticks;
	struct arena scratch; /* the parsed line */
};

static void fh_socket_clear(void *item)
{
	struct fh_socket *k = item;

	free((char *)k->rec.path);
	free((char *)k->rec.user);
	free(k->owners);
}

static void fh_process_clear(void *item)
{
	struct fh_process *p = item;

	free((char *)p->rec.user);
	free((char *)p->rec.comm);
	free((char *)p->rec.cmdline);
	free((char *)p->rec.workload);
	free((char *)p->rec.workload_id);
	free((char *)p->rec.pod);
	free((char *)p->rec.cgroup);
	free((char *)p->rec.listen_fdnames);
}

static void fh_netns_clear(void *item)
{
	struct fh_netns *ns = item;

	free((char *)ns->rec.name);
	free((char *)ns->rec.ports.reserved);
	for (size_t i = 0; i < ns->rec.nlinks; i++)
		free((char *)ns->rec.links[i].name);
	free(ns->rec.links);
	free(ns->rec.addrs);
}

static void fh_table_init(struct fh_table *t, size_t item_size, void (*clear)(void *))
{
	memset(t, 0, sizeof(*t));
	t->item_size = item_size;
	t->clear = clear;
	u64map_init(&t->index, 64);
}

static void *fh_item(const struct fh_table *t, size_t i)
{
	return t->items + i * t->item_size;
}

static void fh_table_empty(struct fh_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		t->clear(fh_item(t, i));
	t->n = 0;
	u64map_clear(&t->index);
	t->index_stale = false;
}

static void fh_table_free(struct fh_table *t)
{
	fh_table_empty(t);
	u64map_free(&t->index);
	free(t->keys);
	free(t->items);
}

static void fh_table_reindex(struct fh_table *t)
{
	int inserted;

	if (!t->index_stale)
		return;
	u64map_clear(&t->index);
	for (size_t i = 0; i < t->n; i++)
		u64map_put(&t->index, t->keys[i], (uint32_t)i, &inserted);
	t->index_stale = false;
}

/* The record of key, emptied and zeroed, new or replacing the old. */
static void *fh_table_put(struct fh_table *t, uint64_t key)
{
	const uint32_t *at;
	int inserted;
	void *item;

	fh_table_reindex(t);
	at = u64map_get(&t->index, key);
	if (at) {
		item = fh_item(t, *at);
		t->clear(item);
	} else {
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 64;
			t->keys = xreallocarray(t->keys, t->cap, sizeof(*t->keys));
			t->items = xreallocarray(t->items, t->cap, t->item_size);
		}
		t->keys[t->n] = key;
		u64map_put(&t->index, key, (uint32_t)t->n, &inserted);
		item = fh_item(t, t->n++);
	}
	memset(item, 0, t->item_size);
	return item;
}

static void fh_table_remove(struct fh_table *t, uint64_t key)
{
	const uint32_t *at;
	size_t i;

	fh_table_reindex(t);
	at = u64map_get(&t->index, key);
	if (!at)
		return;
	i = *at;
	t->clear(fh_item(t, i));
	if (i != t->n - 1) {
		memcpy(fh_item(t, i), fh_item(t, t->n - 1), t->item_size);
		t->keys[i] = t->keys[t->n - 1];
	}
	t->n--;
	t->index_stale = true;
}

struct fleet_host *fleet_host_new(void)
{
	struct fleet_host *h = xcalloc(1, sizeof(*h));

	fh_table_init(&h->sockets, sizeof(struct fh_socket), fh_socket_clear);
	fh_table_init(&h->processes, sizeof(struct fh_process), fh_process_clear);
	fh_table_init(&h->netns, sizeof(struct fh_netns), fh_netns_clear);
	return h;
}

void fleet_host_free(struct fleet_host *h)
{
	if (!h)
		return;
	fh_table_free(&h->sockets);
	fh_table_free(&h->processes);
	fh_table_free(&h->netns);
	free(h->version);
	arena_free(&h->scratch);
	free(h);
}

const char *fleet_host_version(const struct fleet_host *h)
{
	return h->version;
}

bool fleet_host_ready(const struct fleet_host *h)
{
	return h->ready;
}

double fleet_host_interval(const struct fleet_host *h)
{
	return h->interval;
}

void fleet_host_reconnected(struct fleet_host *h)
{
	h->hello = false;
	h->seq = 0;
}

/* ---- reading members ---- */

/* Reads members of one object; the first missing or malformed one is
 * remembered, and the record is then refused as a whole. */
struct fh_reader {
	const struct jv *obj;
	const char *bad; /* the first member that was wrong, or NULL */
};

static uint64_t fh_u64(struct fh_reader *r, const char *key, uint64_t max)
{
	uint64_t v;

	if (!jv_u64(jv_get(r->obj, key), &v) || v > max) {
		if (!r->bad)
			r->bad = key;
		return 0;
	}
	return v;
}

static uint64_t fh_opt_u64(struct fh_reader *r, const char *key, uint64_t max, uint64_t def)
{
	return jv_get(r->obj, key) ? fh_u64(r, key, max) : def;
}

static double fh_opt_double(struct fh_reader *r, const char *key, double def)
{
	const struct jv *v = jv_get(r->obj, key);
	double d;

	if (!v)
		return def;
	if (!jv_double(v, &d)) {
		if (!r->bad)
			r->bad = key;
		return def;
	}
	return d;
}

static bool fh_bool(struct fh_reader *r, const char *key)
{
	const struct jv *v = jv_get(r->obj, key);

	if (v && v->type != JV_BOOL && !r->bad)
		r->bad = key;
	return v && v->type == JV_BOOL && v->boolean;
}

static int fh_hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A text member as malloc'd bytes (NUL-terminated; *len without it), or
 * NULL when absent or null. KEY_hex, when sent, is the exact bytes. */
static char *fh_bytes(struct fh_reader *r, const char *key, size_t max, size_t *len)
{
	char hex_key[64];
	const struct jv *v = jv_get(r->obj, key), *hex;
	char *out;
	size_t n;

	*len = 0;
	if (!v || v->type == JV_NULL)
		return NULL;
	if (v->type != JV_STRING || v->len > max) {
		if (!r->bad)
			r->bad = key;
		return NULL;
	}
	snprintf(hex_key, sizeof(hex_key), "%s_hex", key);
	hex = jv_get(r->obj, hex_key);
	if (!hex || hex->type != JV_STRING) {
		*len = v->len;
		return xstrndup(v->text, v->len);
	}
	n = hex->len / 2;
	out = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		int hi = fh_hex(hex->text[2 * i]), lo = fh_hex(hex->text[2 * i + 1]);

		if (hi < 0 || lo < 0 || hex->len % 2) {
			if (!r->bad)
				r->bad = hex_key;
			free(out);
			return NULL;
		}
		out[i] = (char)(hi * 16 + lo);
	}
	out[n] = '\0';
	*len = n;
	return out;
}

static char *fh_text(struct fh_reader *r, const char *key, size_t max)
{
	size_t len;

	return fh_bytes(r, key, max, &len);
}

static void fh_addr(struct fh_reader *r, const char *key, struct pv_addr *out)
{
	const char *text = jv_get_string(r->obj, key, NULL);

	memset(out, 0, sizeof(*out));
	if (text && inet_pton(AF_INET, text, out->bytes) == 1) {
		out->family = AF_INET;
	} else if (text && inet_pton(AF_INET6, text, out->bytes) == 1) {
		out->family = AF_INET6;
	} else if (!r->bad) {
		r->bad = key;
	}
}

/* ---- records ---- */

enum { FH_TEXT_MAX = 1 << 16 };

static const char *fh_read_netns(const struct jv *o, struct fh_netns *ns)
{
	struct fh_reader r = { .obj = o };
	const struct jv *ports = jv_get(o, "ports"), *links = jv_get(o, "links"), *addrs = jv_get(o, "addrs");

	ns->rec.inode = (uint32_t)fh_u64(&r, "inode", UINT32_MAX);
	ns->rec.kind = (uint8_t)fh_u64(&r, "kind", PV_NETNS_KIND_COUNT - 1);
	ns->rec.dumped = fh_bool(&r, "dumped");
	ns->rec.name = fh_text(&r, "name", FH_TEXT_MAX);
	ns->rec.sockets = (uint32_t)fh_opt_u64(&r, "sockets", UINT32_MAX, 0);
	if (ports) {
		struct fh_reader p = { .obj = ports };

		ns->rec.ports.known = true;
		ns->rec.ports.ephemeral_lo = (uint16_t)fh_u64(&p, "ephemeral_lo", UINT16_MAX);
		ns->rec.ports.ephemeral_hi = (uint16_t)fh_u64(&p, "ephemeral_hi", UINT16_MAX);
		ns->rec.ports.unprivileged_start = (uint32_t)fh_u64(&p, "unprivileged_start", UINT32_MAX);
		ns->rec.ports.reserved = fh_text(&p, "reserved", FH_TEXT_MAX);
		if (!ns->rec.ports.reserved)
			ns->rec.ports.reserved = xstrdup("");
		if (p.bad)
			r.bad = p.bad;
	}
	if (links && links->type == JV_ARRAY && links->count) {
		ns->rec.links = xcalloc(links->count, sizeof(*ns->rec.links));
		for (size_t i = 0; i < links->count; i++) {
			struct fh_reader l = { .obj = &links->item[i] };
			struct pv_link *link = &ns->rec.links[ns->rec.nlinks++];

			link->ifindex = (uint32_t)fh_u64(&l, "ifindex", UINT32_MAX);
			link->loopback = fh_bool(&l, "loopback");
			link->name = fh_text(&l, "name", 256);
			if (!link->name)
				link->name = xstrdup("");
			if (l.bad && !r.bad)
				r.bad = "links";
		}
	}
	if (addrs && addrs->type == JV_ARRAY && addrs->count) {
		ns->rec.addrs = xcalloc(addrs->count, sizeof(*ns->rec.addrs));
		for (size_t i = 0; i < addrs->count; i++) {
			struct fh_reader a = { .obj = &addrs->item[i] };
			struct pv_ifaddr *addr = &ns->rec.addrs[ns->rec.naddrs++];

			addr->ifindex = (uint32_t)fh_u64(&a, "ifindex", UINT32_MAX);
			fh_addr(&a, "addr", &addr->addr);
			if (a.bad && !r.bad)
				r.bad = "addrs";
		}
	}
	return r.bad;
}

static const char *fh_read_process(const struct jv *o, struct fh_process *p)
{
	struct fh_reader r = { .obj = o };
	size_t len;

	p->rec.pid = (int)fh_u64(&r, "pid", INT32_MAX);
	p->rec.start_time = fh_u64(&r, "start_time", UINT64_MAX);
	p->rec.uid = (uint32_t)fh_u64(&r, "uid", UINT32_MAX);
	p->rec.user = fh_text(&r, "user", 256);
	p->rec.comm = fh_text(&r, "comm", 256);
	if (!p->rec.comm)
		p->rec.comm = xstrdup("");
	p->rec.cmdline = fh_bytes(&r, "cmdline", FH_TEXT_MAX, &len);
	p->rec.cmdline_len = len;
	if (!p->rec.cmdline)
		p->rec.cmdline = xstrdup("");
	p->rec.cmdline_truncated = fh_bool(&r, "cmdline_truncated");
	p->rec.workload_kind = (uint8_t)fh_opt_u64(&r, "workload_kind", PV_WORKLOAD_COUNT - 1, 0);
	p->rec.workload = fh_text(&r, "workload", FH_TEXT_MAX);
	p->rec.workload_id = fh_text(&r, "workload_id", FH_TEXT_MAX);
	p->rec.pod = fh_text(&r, "pod", FH_TEXT_MAX);
	p->rec.cgroup = fh_text(&r, "cgroup", FH_TEXT_MAX);
	p->rec.listen_count = (uint32_t)fh_opt_u64(&r, "listen_count", UINT32_MAX, 0);
	p->rec.conn_count = (uint32_t)fh_opt_u64(&r, "conn_count", UINT32_MAX, 0);
	p->rec.listen_fds = (uint32_t)fh_opt_u64(&r, "listen_fds", UINT32_MAX, 0);
	p->rec.listen_fdnames = fh_text(&r, "listen_fdnames", FH_TEXT_MAX);
	/* A workload to show needs its name and id (the unit's name or the
	 * container's id): a record without them shows none. */
	if (p->rec.workload_kind != PV_WORKLOAD_NONE && (!p->rec.workload || !p->rec.workload_id))
		p->rec.workload_kind = PV_WORKLOAD_NONE;
	return r.bad;
}

static void fh_read_tcp(const struct jv *o, struct pv_tcp_details *t, struct fh_reader *outer)
{
	struct fh_reader r = { .obj = o };

	t->has_info = true;
	t->rtt_us = (uint32_t)fh_u64(&r, "rtt_us", UINT32_MAX);
	t->rttvar_us = (uint32_t)fh_u64(&r, "rttvar_us", UINT32_MAX);
	t->retransmits = (uint32_t)fh_u64(&r, "retransmits", UINT32_MAX);
	t->total_retrans = (uint32_t)fh_u64(&r, "total_retrans", UINT32_MAX);
	t->snd_cwnd = (uint32_t)fh_u64(&r, "snd_cwnd", UINT32_MAX);
	t->unacked = (uint32_t)fh_u64(&r, "unacked", UINT32_MAX);
	t->lost = (uint32_t)fh_u64(&r, "lost", UINT32_MAX);
	t->bytes_acked = fh_u64(&r, "bytes_acked", UINT64_MAX);
	t->bytes_received = fh_u64(&r, "bytes_received", UINT64_MAX);
	t->delivery_rate = fh_u64(&r, "delivery_rate", UINT64_MAX);
	t->has_snd_wnd = jv_get(o, "snd_wnd") != NULL;
	t->snd_wnd = (uint32_t)fh_opt_u64(&r, "snd_wnd", UINT32_MAX, 0);
	if (r.bad && !outer->bad)
		outer->bad = "tcp";
}

static const char *fh_read_owners(const struct jv *list, struct fh_socket *k)
{
	if (!list || list->type != JV_ARRAY)
		return "owners";
	if (!list->count)
		return NULL;
	k->owners = xcalloc(list->count, sizeof(*k->owners));
	for (size_t i = 0; i < list->count; i++) {
		const struct jv *o = &list->item[i];
		uint64_t pid, start;
		uint32_t fd = PV_FD_UNKNOWN;

		if (o->type != JV_ARRAY || o->count != 3 || !jv_u64(&o->item[0], &pid) || pid > INT32_MAX ||
		    !jv_u64(&o->item[1], &start) || (o->item[2].type != JV_NULL && !jv_u32(&o->item[2], &fd)))
			return "owners";
		k->owners[k->nowners].proc = wire_process_key((int)pid, start);
		k->owners[k->nowners++].fd = fd;
	}
	return NULL;
}

static const char *fh_read_socket(const struct jv *o, struct fh_socket *k)
{
	struct fh_reader r = { .obj = o };
	struct pv_socket *s = &k->rec;
	const struct jv *v6only = jv_get(o, "v6only"), *tcp = jv_get(o, "tcp");
	const char *owners_bad;
	size_t len;

	s->cookie = fh_u64(&r, "cookie", UINT64_MAX);
	s->netns = (uint32_t)fh_u64(&r, "netns", UINT32_MAX);
	s->family = (uint8_t)fh_u64(&r, "family", UINT8_MAX);
	s->proto = (uint8_t)fh_u64(&r, "proto", UINT8_MAX);
	s->state = (uint8_t)fh_u64(&r, "state", 12);
	if (s->family == AF_UNIX) {
		s->proto = PV_PROTO_UNIX;
		s->sock_type = (uint8_t)fh_u64(&r, "sock_type", 5);
		s->path = fh_bytes(&r, "path", 108, &len);
		s->path_len = (uint16_t)len;
		s->peer_inode = (uint32_t)fh_opt_u64(&r, "peer_inode", UINT32_MAX, 0);
	} else if ((s->family == AF_INET || s->family == AF_INET6) && (s->proto == 6 || s->proto == 17)) {
		fh_addr(&r, "local", &s->local.addr);
		s->local.port = (uint16_t)fh_u64(&r, "local_port", UINT16_MAX);
		fh_addr(&r, "remote", &s->remote.addr);
		s->remote.port = (uint16_t)fh_u64(&r, "remote_port", UINT16_MAX);
		s->ifindex = (uint32_t)fh_opt_u64(&r, "ifindex", UINT32_MAX, 0);
	} else if (!r.bad) {
		r.bad = "family";
	}
	s->v6only = (int8_t)(v6only && v6only->type == JV_BOOL ? v6only->boolean : -1);
	s->inode = (uint32_t)fh_opt_u64(&r, "inode", UINT32_MAX, 0);
	s->uid = (uint32_t)fh_opt_u64(&r, "uid", UINT32_MAX, PV_UID_UNKNOWN);
	s->user = fh_text(&r, "user", 256);
	s->rqueue = (uint32_t)fh_opt_u64(&r, "rx_queue", UINT32_MAX, 0);
	s->wqueue = (uint32_t)fh_opt_u64(&r, "tx_queue", UINT32_MAX, 0);
	s->owner_status = (uint8_t)fh_opt_u64(&r, "owner_status", PV_OWNER_HIDDEN, PV_OWNER_NONE);
	s->peer_queued = fh_bool(&r, "peer_queued");
	s->accepted = fh_bool(&r, "accepted");
	s->flags = (uint8_t)fh_opt_u64(&r, "flags", (1u << PV_FLAG_COUNT) - 1, 0);
	s->side = (uint8_t)fh_opt_u64(&r, "side", PV_SIDE_COUNT - 1, PV_SIDE_UNKNOWN);
	s->syn_recv = (uint32_t)fh_opt_u64(&r, "syn_recv", UINT32_MAX, 0);
	s->time_wait = (uint32_t)fh_opt_u64(&r, "time_wait", UINT32_MAX, 0);
	k->peer = fh_opt_u64(&r, "peer", UINT64_MAX, 0);
	k->forward = fh_opt_u64(&r, "forward_to", UINT64_MAX, 0);
	s->has_rate = jv_get(o, "rate_in") != NULL;
	s->rate_in = fh_opt_double(&r, "rate_in", 0);
	s->rate_out = fh_opt_double(&r, "rate_out", 0);
	k->state_since = fh_opt_double(&r, "state_since", -1);
	s->has_state_since = k->state_since >= 0;
	s->state_entered = fh_bool(&r, "state_entered");
	k->timer_expires = fh_opt_double(&r, "timer_expires", -1);
	k->last_sent = fh_opt_double(&r, "last_data_sent", -1);
	k->last_recv = fh_opt_double(&r, "last_data_recv", -1);
	k->last_ack = fh_opt_double(&r, "last_ack_recv", -1);
	if (tcp && tcp->type == JV_OBJECT)
		fh_read_tcp(tcp, &s->tcp, &r);
	owners_bad = fh_read_owners(jv_get(o, "owners"), k);
	if (!s->cookie && !r.bad)
		r.bad = "cookie";
	return r.bad ? r.bad : owners_bad;
}

/* ---- lines ---- */

typedef const char *(*fh_reader_fn)(const struct jv *o, void *item);

/* Reads the records of member changed into t and removes the keys in
 * member gone. Returns the member that was wrong, or NULL. */
static const char *fh_apply_kind(struct fh_table *t, const struct jv *line, const char *changed,
				 const char *gone, fh_reader_fn read, uint64_t (*key_of)(const void *item))
{
	const struct jv *list = jv_get(line, changed), *keys = jv_get(line, gone);
	void *scratch = xcalloc(1, t->item_size);
	const char *bad = NULL;

	if (!list || list->type != JV_ARRAY) {
		free(scratch);
		return changed;
	}
	for (size_t i = 0; i < list->count && !bad; i++) {
		memset(scratch, 0, t->item_size);
		bad = read(&list->item[i], scratch);
		if (!bad)
			memcpy(fh_table_put(t, key_of(scratch)), scratch, t->item_size);
		else
			t->clear(scratch);
	}
	free(scratch);
	if (bad)
		return bad;
	if (keys && keys->type == JV_ARRAY) {
		for (size_t i = 0; i < keys->count; i++) {
			uint64_t key;

			if (!jv_u64(&keys->item[i], &key))
				return gone;
			fh_table_remove(t, key);
		}
	} else if (keys) {
		return gone;
	}
	return NULL;
}

static const char *fh_netns_reader(const struct jv *o, void *item)
{
	return fh_read_netns(o, item);
}
static const char *fh_process_reader(const struct jv *o, void *item)
{
	return fh_read_process(o, item);
}
static const char *fh_socket_reader(const struct jv *o, void *item)
{
	return fh_read_socket(o, item);
}
static uint64_t fh_netns_key(const void *item)
{
	return ((const struct fh_netns *)item)->rec.inode;
}
static uint64_t fh_process_key_of(const void *item)
{
	const struct pv_process *p = &((const struct fh_process *)item)->rec;

	return wire_process_key(p->pid, p->start_time);
}
static uint64_t fh_socket_key(const void *item)
{
	return ((const struct fh_socket *)item)->rec.cookie;
}

static enum fleet_apply_result fh_hello(struct fleet_host *h, const struct jv *v, char *err, size_t errsize)
{
	uint64_t wire = jv_get_u64(v, "stream", 0);
	const char *version = jv_get_string(v, "version", NULL);

	free(h->version);
	h->version = xstrdup(version ? version : "unknown");
	if (wire != PV_STREAM_VERSION) {
		snprintf(
			err, errsize,
			"it runs portview %.40s, whose stream is version %llu; this portview %s reads version %d: "
			"install the same portview there",
			h->version, (unsigned long long)wire, PACKAGE_VERSION, PV_STREAM_VERSION);
		return FLEET_LINE_REFUSED;
	}
	h->interval = jv_get_double(v, "interval", 1.0);
	h->hello = true;
	return FLEET_LINE_OK;
}

static void fh_header(struct fleet_host *h, const struct jv *v, double now)
{
	h->offset = now - jv_get_double(v, "monotonic", now);
	h->owner_source = (uint8_t)jv_get_u64(v, "owner_source", PV_OWNERS_PROC);
	if (h->owner_source > PV_OWNERS_PROC)
		h->owner_source = PV_OWNERS_PROC;
	h->unavailable = (unsigned)jv_get_u64(v, "unavailable", 0);
	h->hidden_procs = (unsigned)jv_get_u64(v, "hidden_procs", 0);
	h->netns_skipped = (unsigned)jv_get_u64(v, "netns_skipped", 0);
	h->incomplete = jv_get_bool(v, "incomplete", false);
	h->procs_invisible = jv_get_bool(v, "procs_invisible", false);
	h->procs_unreadable = jv_get_bool(v, "procs_unreadable", false);
	h->netns_denied = jv_get_bool(v, "netns_denied", false);
	h->boot_time = jv_get_double(v, "boot_time", 0);
	h->clock_ticks = (long)jv_get_u64(v, "clock_ticks", 100);
}

enum fleet_apply_result fleet_host_apply(struct fleet_host *h, const char *line, size_t len, double now,
					 char *err, size_t errsize)
{
	const struct jv *v;
	const char *type, *bad = NULL;
	uint64_t seq;
	enum fleet_apply_result result = FLEET_LINE_OK;

	arena_free(&h->scratch);
	v = jv_parse(&h->scratch, line, len, err, errsize);
	if (!v)
		return FLEET_LINE_BAD;
	type = jv_get_string(v, "type", NULL);
	if (!type) {
		snprintf(err, errsize, "a line without a type");
		result = FLEET_LINE_BAD;
	} else if (strcmp(type, "hello") == 0) {
		result = fh_hello(h, v, err, errsize);
	} else if (!h->hello) {
		snprintf(err, errsize, "a %.20s line before the hello", type);
		result = FLEET_LINE_BAD;
	} else if (strcmp(type, "snapshot") == 0 || strcmp(type, "diff") == 0) {
		bool whole = type[0] == 's';

		seq = jv_get_u64(v, "seq", 0);
		if (whole) {
			fh_table_empty(&h->sockets);
			fh_table_empty(&h->processes);
			fh_table_empty(&h->netns);
		} else if (seq != h->seq + 1) {
			snprintf(err, errsize, "line %llu after line %llu: lines were lost",
				 (unsigned long long)seq, (unsigned long long)h->seq);
			result = FLEET_LINE_BAD;
		}
		if (result == FLEET_LINE_OK) {
			h->seq = seq;
			fh_header(h, v, now);
			bad = fh_apply_kind(&h->netns, v, "netns", "netns_gone", fh_netns_reader,
					    fh_netns_key);
			if (!bad)
				bad = fh_apply_kind(&h->processes, v, "processes", "processes_gone",
						    fh_process_reader, fh_process_key_of);
			if (!bad)
				bad = fh_apply_kind(&h->sockets, v, "sockets", "sockets_gone",
						    fh_socket_reader, fh_socket_key);
			if (bad) {
				snprintf(err, errsize, "line %llu: a record with a bad \"%.40s\"",
					 (unsigned long long)seq, bad);
				result = FLEET_LINE_BAD;
			} else if (whole) {
				h->ready = true;
			}
		}
	}
	/* Other types are for later versions of the same wire: skipped. */
	fh_table_reindex(&h->sockets);
	fh_table_reindex(&h->processes);
	fh_table_reindex(&h->netns);
	arena_free(&h->scratch);
	return result;
}

/* ---- into a snapshot ---- */

static const char *fh_copy(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

/* A namespace id in the merged snapshot for (host, inode). */
static uint32_t fh_netns_id(struct fleet_ids *ids, uint16_t host, uint32_t inode)
{
	int inserted;
	uint32_t *id = u64map_put(&ids->map, ((uint64_t)host << 32) | inode, ids->next + 1, &inserted);

	if (inserted)
		ids->next++;
	return *id;
}

/* The cookie of host's socket in the merged snapshot: cookies are
 * counted per host from boot, so two hosts' may meet. */
static uint64_t fh_cookie(uint16_t host, uint64_t cookie)
{
	return ((uint64_t)host << 48) ^ cookie;
}

static void fh_build_netns(const struct fleet_host *h, uint16_t host, const char *name, struct pv_snapshot *s,
			   struct fleet_ids *ids)
{
	struct pv_netns *all = arena_alloc(&s->arena, (s->nnetns + h->netns.n) * sizeof(*all));

	if (s->nnetns)
		memcpy(all, s->netns, s->nnetns * sizeof(*all));
	for (size_t i = 0; i < h->netns.n; i++) {
		const struct pv_netns *from = &((const struct fh_netns *)fh_item(&h->netns, i))->rec;
		struct pv_netns *ns = &all[s->nnetns + i];

		*ns = *from;
		ns->inode = fh_netns_id(ids, host, from->inode);
		if (from->kind == PV_NETNS_HOST) {
			ns->name = arena_strdup(&s->arena, name);
		} else {
			struct strbuf qualified = { 0 };

			strbuf_printf(&qualified, "%s:%s", name, from->name ? from->name : "?");
			ns->name = arena_strdup(&s->arena, strbuf_str(&qualified));
			strbuf_free(&qualified);
		}
		ns->ports.reserved = fh_copy(&s->arena, from->ports.reserved);
		ns->links = arena_alloc(&s->arena, (from->nlinks ? from->nlinks : 1) * sizeof(*ns->links));
		for (size_t l = 0; l < from->nlinks; l++) {
			ns->links[l] = from->links[l];
			ns->links[l].name = fh_copy(&s->arena, from->links[l].name);
		}
		ns->addrs = arena_alloc(&s->arena, (from->naddrs ? from->naddrs : 1) * sizeof(*ns->addrs));
		if (from->naddrs)
			memcpy(ns->addrs, from->addrs, from->naddrs * sizeof(*ns->addrs));
	}
	s->netns = all;
	s->nnetns += h->netns.n;
}

/* Adds h's processes; index maps each process key to its index in s. */
static void fh_build_processes(const struct fleet_host *h, struct pv_snapshot *s, struct u64map *index)
{
	int inserted;

	for (size_t i = 0; i < h->processes.n; i++) {
		const struct pv_process *from = &((const struct fh_process *)fh_item(&h->processes, i))->rec;
		uint32_t at = snapshot_add_process(s);
		struct pv_process *p = &s->procs[at];

		*p = *from;
		p->user = fh_copy(&s->arena, from->user);
		p->comm = fh_copy(&s->arena, from->comm);
		p->cmdline = arena_strndup(&s->arena, from->cmdline, from->cmdline_len);
		p->workload = fh_copy(&s->arena, from->workload);
		p->workload_id = fh_copy(&s->arena, from->workload_id);
		p->pod = fh_copy(&s->arena, from->pod);
		p->cgroup = fh_copy(&s->arena, from->cgroup);
		p->listen_fdnames = fh_copy(&s->arena, from->listen_fdnames);
		u64map_put(index, h->processes.keys[i], at, &inserted);
	}
}

/* Milliseconds from a host's monotonic time to local now. */
static uint32_t fh_ms_since(double at, double offset, double now)
{
	double ms = (now - (at + offset)) * 1000.0;

	return ms <= 0 ? 0 : ms >= UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

size_t fleet_host_build(const struct fleet_host *h, uint16_t host, const char *name, struct pv_snapshot *s,
			struct fleet_ids *ids, double now)
{
	struct u64map procs;
	size_t first = s->nsocks, nrefs = s->nrefs;

	u64map_init(&procs, h->processes.n);
	fh_build_netns(h, host, name, s, ids);
	fh_build_processes(h, s, &procs);
	for (size_t i = 0; i < h->sockets.n; i++)
		nrefs += ((const struct fh_socket *)fh_item(&h->sockets, i))->nowners;
	snapshot_reserve_refs(s, nrefs);
	for (size_t i = 0; i < h->sockets.n; i++) {
		const struct fh_socket *from = fh_item(&h->sockets, i);
		struct pv_socket k = from->rec;

		k.host = host;
		k.cookie = fh_cookie(host, from->rec.cookie);
		k.netns = fh_netns_id(ids, host, from->rec.netns);
		k.path = from->rec.path ? arena_strndup(&s->arena, from->rec.path, from->rec.path_len) : NULL;
		k.user = fh_copy(&s->arena, from->rec.user);
		k.owner_first = (uint32_t)s->nrefs;
		k.owner_count = 0;
		for (uint32_t o = 0; o < from->nowners; o++) {
			const uint32_t *at = u64map_get(&procs, from->owners[o].proc);

			if (!at)
				continue; /* a process the stream did not send: shown without it */
			s->owner_refs[s->nrefs] = *at;
			s->owner_fds[s->nrefs++] = from->owners[o].fd;
			k.owner_count++;
		}
		if (k.has_state_since)
			k.state_since = from->state_since + h->offset;
		if (from->timer_expires >= 0) {
			double left = (from->timer_expires + h->offset - now) * 1000.0;

			k.timer_left_ms = left <= 0 ? 0 : (uint32_t)left;
		}
		if (k.tcp.has_info) {
			k.tcp.last_data_sent_ms = fh_ms_since(from->last_sent, h->offset, now);
			k.tcp.last_data_recv_ms = fh_ms_since(from->last_recv, h->offset, now);
			k.tcp.last_ack_recv_ms = fh_ms_since(from->last_ack, h->offset, now);
		}
		k.has_peer = false;
		k.forward_to = 0;
		snapshot_append_socket(s, &k);
	}
	snapshot_index_from(s, first);
	/* Peers and forwards by cookie, now that every socket has its index. */
	for (size_t i = 0; i < h->sockets.n; i++) {
		const struct fh_socket *from = fh_item(&h->sockets, i);
		const uint32_t *self, *other;

		if (!from->peer && !from->forward)
			continue;
		self = u64map_get(&s->by_cookie, fh_cookie(host, from->rec.cookie));
		if (!self)
			continue;
		other = from->peer ? u64map_get(&s->by_cookie, fh_cookie(host, from->peer)) : NULL;
		if (other) {
			s->socks[*self].has_peer = true;
			s->socks[*self].peer = *other;
		}
		other = from->forward ? u64map_get(&s->by_cookie, fh_cookie(host, from->forward)) : NULL;
		if (other)
			s->socks[*self].forward_to = *other + 1;
	}
	u64map_free(&procs);
	return s->nsocks - first;
}
