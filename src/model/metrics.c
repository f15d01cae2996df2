#include "config.h"

#include "metrics.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "addr.h"
#include "exposure.h"
#include "health.h"
#include "rows.h"
#include "states.h"
#include "u64map.h"
#include "utf8.h"
#include "xalloc.h"

/* One server (process name, protocol, port) and what its connections
 * moved since portview started. */
struct server_counter {
	char *process;
	uint8_t proto;
	uint16_t port;
	uint64_t received, sent, retrans;
};

struct metrics {
	struct server_counter *servers;
	size_t nservers;
	struct u64map index; /* key_hash -> index into servers */
	bool started;
};

struct metrics *metrics_new(void)
{
	struct metrics *mt = xcalloc(1, sizeof(*mt));

	u64map_init(&mt->index, 64);
	return mt;
}

void metrics_free(struct metrics *mt)
{
	if (!mt)
		return;
	for (size_t i = 0; i < mt->nservers; i++)
		free(mt->servers[i].process);
	free(mt->servers);
	u64map_free(&mt->index);
	free(mt);
}

/* FNV-1a over the key's parts; never 0 (the map's empty key). */
static uint64_t key_hash(const char *process, uint8_t proto, uint16_t port)
{
	uint64_t h = 1469598103934665603ull;

	for (const char *p = process; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	h = (h ^ proto) * 1099511628211ull;
	h = (h ^ port) * 1099511628211ull;
	return h ? h : 1;
}

static struct server_counter *server_of(struct metrics *mt, const char *process, uint8_t proto, uint16_t port)
{
	uint64_t h = key_hash(process, proto, port);
	const uint32_t *slot = u64map_get(&mt->index, h);
	int inserted;

	/* A hash collision falls back to a walk: rare, and still right. */
	if (slot) {
		struct server_counter *c = &mt->servers[*slot];

		if (c->proto == proto && c->port == port && strcmp(c->process, process) == 0)
			return c;
		for (size_t i = 0; i < mt->nservers; i++) {
			c = &mt->servers[i];
			if (c->proto == proto && c->port == port && strcmp(c->process, process) == 0)
				return c;
		}
	}
	mt->servers = xreallocarray(mt->servers, mt->nservers + 1, sizeof(*mt->servers));
	mt->servers[mt->nservers] =
		(struct server_counter){ .process = xstrdup(process), .proto = proto, .port = port };
	if (!slot)
		u64map_put(&mt->index, h, (uint32_t)mt->nservers, &inserted);
	return &mt->servers[mt->nservers++];
}

/* The name a server's series carry: its first owner's, "" when hidden. */
static const char *server_name(const struct pv_snapshot *s, const struct pv_socket *k)
{
	int32_t p = k ? rows_primary_owner(s, k) : -1;

	return p >= 0 && s->procs[p].comm ? s->procs[p].comm : "";
}

/* Adds what now moved beyond before (NULL: since it opened). */
static void add_delta(struct server_counter *c, const struct pv_tcp_details *now,
		      const struct pv_tcp_details *before)
{
	uint64_t rx0 = before && before->has_info ? before->bytes_received : 0;
	uint64_t tx0 = before && before->has_info ? before->bytes_acked : 0;
	uint32_t re0 = before && before->has_info ? before->total_retrans : 0;

	if (!now->has_info)
		return;
	/* Counters never go back: a reused cookie is no reason to. */
	c->received += now->bytes_received > rx0 ? now->bytes_received - rx0 : 0;
	c->sent += now->bytes_acked > tx0 ? now->bytes_acked - tx0 : 0;
	c->retrans += now->total_retrans > re0 ? now->total_retrans - re0 : 0;
}

static const struct pv_socket *live_in(const struct pv_snapshot *s, uint64_t cookie)
{
	const uint32_t *slot = s ? u64map_get(&s->by_cookie, cookie) : NULL;

	return slot && !s->socks[*slot].gone ? &s->socks[*slot] : NULL;
}

void metrics_update(struct metrics *mt, const struct pv_snapshot *s, const struct pv_snapshot *prev)
{
	size_t guess = 0;

	if (!mt->started || !prev) {
		mt->started = true;
		return;
	}
	for (size_t i = 0; i < s->nsocks; i++) {
		const struct pv_socket *k = &s->socks[i];
		const struct pv_socket *was = NULL;
		size_t j;

		if (k->gone || k->proto != IPPROTO_TCP || k->side != PV_SIDE_SERVER || !k->tcp.has_info)
			continue;
		j = snapshot_find_prev(prev, guess, k->cookie);
		if (j != SIZE_MAX && !prev->socks[j].gone) {
			was = &prev->socks[j];
			guess = j + 1;
		}
		add_delta(server_of(mt, server_name(s, k), k->proto, k->local.port), &k->tcp,
			  was ? &was->tcp : NULL);
	}
	/* What closed since: its last record says the rest. */
	for (size_t i = 0; i < s->nclosed; i++) {
		const struct pv_socket *rec = &s->closed[i];
		const struct pv_socket *was = live_in(prev, rec->cookie), *now = live_in(s, rec->cookie);
		const struct pv_socket *seen = now && now->owner_count ? now : was;

		if (rec->proto != IPPROTO_TCP || !seen || seen->side != PV_SIDE_SERVER)
			continue;
		/* Still in s (closed after the dump): s's record was counted
		 * above, so the rest is from there. */
		add_delta(
			server_of(mt, server_name(seen == now ? s : prev, seen), rec->proto, rec->local.port),
			&rec->tcp,
			now && now->tcp.has_info ? &now->tcp
			: was                    ? &was->tcp
						 : NULL);
	}
}

void metrics_label_value(struct strbuf *out, const char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		uint32_t cp;
		size_t n = c >= 0x80 ? utf8_decode((const unsigned char *)text + i, len - i, &cp) : 0;

		if (n) {
			strbuf_append(out, text + i, n);
			i += n;
			continue;
		}
		if (c == '\\')
			strbuf_puts(out, "\\\\");
		else if (c == '"')
			strbuf_puts(out, "\\\"");
		else if (c == '\n')
			strbuf_puts(out, "\\n");
		else if (c < 0x20 || c >= 0x7f)
			strbuf_printf(out, "\\x%02x", c);
		else
			strbuf_putc(out, (char)c);
		i++;
	}
}

/* One family's header: its name, help and type. */
static void family(struct strbuf *out, const char *name, const char *type, const char *help)
{
	strbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A listener's labels: where it listens, whose it is, how far it
 * reaches, which namespace. Listeners with the same labels (SO_REUSEPORT
 * siblings, a socket per worker) are one series, summed. */
static void listener_labels(struct strbuf *out, const struct pv_snapshot *s, const struct pv_socket *k)
{
	char addr[PV_ADDR_STRLEN], ns[32];
	const char *process = server_name(s, k), *netns = snapshot_netns_name(s, k->netns, ns, sizeof(ns));

	strbuf_printf(out, "{proto=\"%s\",family=\"%s\",addr=\"%s\",port=\"%u\",process=\"",
		      proto_name(k->proto), k->family == AF_INET6 ? "inet6" : "inet",
		      addr_format(&k->local.addr, addr, sizeof(addr)), k->local.port);
	metrics_label_value(out, process, strlen(process));
	strbuf_printf(out, "\",exposure=\"%s\",netns=\"", exposure_names[socket_exposure(s, k)]);
	metrics_label_value(out, netns, strlen(netns));
	strbuf_puts(out, "\"}");
}

/* A series: labels and value, for merging the ones with equal labels. */
struct series {
	char *labels;
	double value;
};

static int series_cmp(const void *a, const void *b)
{
	return strcmp(((const struct series *)a)->labels, ((const struct series *)b)->labels);
}

/* Writes name's series, equal labels summed (or the largest kept, with
 * max), in label order, and frees them. */
static void write_series(struct strbuf *out, const char *name, struct series *list, size_t n, bool max)
{
	qsort(list, n, sizeof(*list), series_cmp);
	for (size_t i = 0; i < n;) {
		double v = list[i].value;
		size_t j = i + 1;

		for (; j < n && strcmp(list[j].labels, list[i].labels) == 0; j++)
			v = max ? (list[j].value > v ? list[j].value : v) : v + list[j].value;
		strbuf_printf(out, "%s%s %.17g\n", name, list[i].labels, v);
		for (; i < j; i++)
			free(list[i].labels);
	}
	free(list);
}

/* The per-listener gauges: which listens, and its queues. */
enum listener_gauge { LG_INFO, LG_ACCEPT_QUEUE, LG_BACKLOG, LG_SYN_RECV, LG_COUNT };

static const struct {
	const char *name, *help;
	bool tcp_only;
} listener_gauges[LG_COUNT] = {
	[LG_INFO] = { "portview_listener_info",
		      "A TCP listener or unconnected UDP socket (1 each; siblings summed).", false },
	[LG_ACCEPT_QUEUE] = { "portview_listener_accept_queue",
			      "Connections waiting in the accept queue: handshake done, not accepted yet.",
			      true },
	[LG_BACKLOG] = { "portview_listener_backlog", "The accept queue's limit (the listen backlog).",
			 true },
	[LG_SYN_RECV] = { "portview_listener_syn_recv",
			  "Handshakes under way (SYN_RECV) towards the listener.", true },
};

static double listener_value(enum listener_gauge g, const struct pv_socket *k)
{
	switch (g) {
	case LG_ACCEPT_QUEUE: return k->rqueue;
	case LG_BACKLOG: return k->wqueue;
	case LG_SYN_RECV: return k->syn_recv;
	default: return 1;
	}
}

static void render_listeners(const struct pv_snapshot *s, struct strbuf *out)
{
	struct strbuf labels = { 0 };

	for (int g = 0; g < LG_COUNT; g++) {
		struct series *list = xcalloc(s->nsocks ? s->nsocks : 1, sizeof(*list));
		size_t n = 0;

		family(out, listener_gauges[g].name, "gauge", listener_gauges[g].help);
		for (size_t i = 0; i < s->nsocks; i++) {
			const struct pv_socket *k = &s->socks[i];

			if (k->gone || socket_is_unix(k) || !socket_is_listener(k) ||
			    (listener_gauges[g].tcp_only && k->proto != IPPROTO_TCP))
				continue;
			strbuf_reset(&labels);
			listener_labels(&labels, s, k);
			list[n].labels = xstrdup(strbuf_str(&labels));
			list[n++].value = listener_value((enum listener_gauge)g, k);
		}
		write_series(out, listener_gauges[g].name, list, n, false);
	}
	strbuf_free(&labels);
}

/* TIME_WAIT per server port: each listener of the port counts them all. */
static void render_time_wait(const struct pv_snapshot *s, struct strbuf *out)
{
	struct series *list = xcalloc(s->nsocks ? s->nsocks : 1, sizeof(*list));
	size_t n = 0;

	family(out, "portview_port_time_wait", "gauge",
	       "Closed connections of a server port still in TIME_WAIT.");
	for (size_t i = 0; i < s->nsocks; i++) {
		const struct pv_socket *k = &s->socks[i];
		struct strbuf labels = { 0 };

		if (k->gone || k->proto != IPPROTO_TCP || !socket_has_accept_queue(k))
			continue;
		strbuf_printf(&labels, "{port=\"%u\"}", k->local.port);
		list[n].labels = labels.data ? labels.data : xstrdup("");
		list[n++].value = k->time_wait;
	}
	write_series(out, "portview_port_time_wait", list, n, true);
}

static void render_connections(const struct pv_snapshot *s, struct strbuf *out)
{
	size_t counts[2][PV_STATE_MAX + 1] = { { 0 } };
	static const uint8_t protos[2] = { IPPROTO_TCP, IPPROTO_UDP };

	family(out, "portview_connections", "gauge", "TCP and UDP sockets that are not listeners, by state.");
	for (size_t i = 0; i < s->nsocks; i++) {
		const struct pv_socket *k = &s->socks[i];

		if (!k->gone && !socket_is_unix(k) && !socket_is_listener(k) && k->state <= PV_STATE_MAX)
			counts[k->proto == IPPROTO_UDP][k->state]++;
	}
	for (int p = 0; p < 2; p++)
		for (int st = 1; st <= PV_STATE_MAX; st++)
			if (counts[p][st])
				strbuf_printf(out, "portview_connections{proto=\"%s\",state=\"%s\"} %zu\n",
					      proto_name(protos[p]), state_name(protos[p], (uint8_t)st),
					      counts[p][st]);
}

static void render_servers(const struct metrics *mt, struct strbuf *out)
{
	static const struct {
		const char *name, *help;
		size_t offset;
	} counters[] = {
		{ "portview_server_received_bytes_total",
		  "Bytes servers' TCP connections received since portview started (tcp_info bytes_received).",
		  offsetof(struct server_counter, received) },
		{ "portview_server_sent_bytes_total",
		  "Bytes servers' TCP connections sent and had acknowledged since portview started (bytes_acked).",
		  offsetof(struct server_counter, sent) },
		{ "portview_server_retransmits_total",
		  "Segments servers' TCP connections retransmitted since portview started.",
		  offsetof(struct server_counter, retrans) },
	};

	for (size_t c = 0; c < sizeof(counters) / sizeof(counters[0]); c++) {
		family(out, counters[c].name, "counter", counters[c].help);
		for (size_t i = 0; i < mt->nservers; i++) {
			const struct server_counter *sc = &mt->servers[i];
			uint64_t v;

			memcpy(&v, (const char *)sc + counters[c].offset, sizeof(v));
			strbuf_printf(out, "%s{proto=\"%s\",port=\"%u\",process=\"", counters[c].name,
				      proto_name(sc->proto), sc->port);
			metrics_label_value(out, sc->process, strlen(sc->process));
			strbuf_printf(out, "\"} %llu\n", (unsigned long long)v);
		}
	}
}

void metrics_render(const struct metrics *mt, const struct pv_snapshot *s, double duration,
		    struct strbuf *out)
{
	struct pv_counts counts;

	snapshot_count(s, NULL, 0, &counts);
	render_listeners(s, out);
	render_time_wait(s, out);
	render_connections(s, out);
	render_servers(mt, out);
	family(out, "portview_flagged_sockets", "gauge", "Sockets with something wrong, by flag.");
	for (unsigned o = 0; o < PV_FLAG_COUNT; o++)
		strbuf_printf(out, "portview_flagged_sockets{flag=\"%s\"} %zu\n", health_flag_name(1u << o),
			      counts.flagged[o]);
	family(out, "portview_exposed_listeners", "gauge", "Listeners other hosts can reach (not loopback).");
	strbuf_printf(out, "portview_exposed_listeners %zu\n", counts.exposed);
	family(out, "portview_sockets", "gauge", "Sockets seen by the last refresh.");
	strbuf_printf(out, "portview_sockets %zu\n", counts.listening + counts.established + counts.other);
	family(out, "portview_namespaces", "gauge",
	       "Network namespaces whose sockets the last refresh read.");
	strbuf_printf(out, "portview_namespaces %zu\n", snapshot_shown_netns(s));
	family(out, "portview_refresh_duration_seconds", "gauge", "How long the last refresh took.");
	strbuf_printf(out, "portview_refresh_duration_seconds %.6f\n", duration);
}
