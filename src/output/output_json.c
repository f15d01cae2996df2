#include "config.h"

#include "output.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "addr.h"
#include "columns.h"
#include "health.h"
#include "activation.h"
#include "events.h"
#include "exposure.h"
#include "json.h"
#include "states.h"
#include "why.h"
#include "workload.h"
#include "xalloc.h"

void output_format_time(const struct pv_snapshot *s, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&s->taken.tv_sec, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* An endpoint; with names in use (-r), its host and service names too,
 * where known. */
static void json_endpoint(struct json_writer *w, const char *key, const struct pv_endpoint *e, uint8_t proto)
{
	char buf[PV_ADDR_STRLEN];
	const char *host = column_host_name(&e->addr), *service = column_service_name(proto, e->port);

	json_key(w, key);
	json_begin_object(w);
	json_member_string(w, "addr", addr_format(&e->addr, buf, sizeof(buf)));
	json_member_uint(w, "port", e->port);
	if (host)
		json_member_string(w, "host", host);
	if (service)
		json_member_string(w, "service", service);
	json_end_object(w);
}

static const char *const owner_status_names[] = {
	[PV_OWNER_NONE] = "none",
	[PV_OWNER_OK] = "ok",
	[PV_OWNER_HIDDEN] = "hidden",
};

void output_tcp_members(struct json_writer *w, const struct pv_tcp_details *t, bool last_ms)
{
	json_member_uint(w, "rtt_us", t->rtt_us);
	json_member_uint(w, "rttvar_us", t->rttvar_us);
	json_member_uint(w, "retransmits", t->retransmits);
	json_member_uint(w, "total_retrans", t->total_retrans);
	json_member_uint(w, "snd_cwnd", t->snd_cwnd);
	json_member_uint(w, "unacked", t->unacked);
	json_member_uint(w, "lost", t->lost);
	if (last_ms) {
		json_member_uint(w, "last_data_sent_ms", t->last_data_sent_ms);
		json_member_uint(w, "last_data_recv_ms", t->last_data_recv_ms);
		json_member_uint(w, "last_ack_recv_ms", t->last_ack_recv_ms);
	}
	json_member_uint(w, "bytes_acked", t->bytes_acked);
	json_member_uint(w, "bytes_received", t->bytes_received);
	json_member_uint(w, "delivery_rate", t->delivery_rate);
	if (t->has_snd_wnd)
		json_member_uint(w, "snd_wnd", t->snd_wnd);
}

static void json_tcp_info(struct json_writer *w, const struct pv_tcp_details *t)
{
	json_key(w, "tcp_info");
	json_begin_object(w);
	output_tcp_members(w, t, true);
	json_end_object(w);
}

/* "owners": [{"pid", "comm", "fd"}...] of socket k; no fd for a closed
 * socket. */
static void json_owners(struct json_writer *w, const struct pv_snapshot *s, const struct pv_socket *k)
{
	uint32_t i;

	json_key(w, "owners");
	json_begin_array(w);
	for (i = 0; i < k->owner_count; i++) {
		const struct pv_process *p = snapshot_owner(s, k, i);

		json_begin_object(w);
		json_member_uint(w, "pid", (uint64_t)p->pid);
		json_member_bytes(w, "comm", p->comm, strlen(p->comm));
		if (s->owner_fds[k->owner_first + i] != PV_FD_UNKNOWN)
			json_member_uint(w, "fd", s->owner_fds[k->owner_first + i]);
		json_end_object(w);
	}
	json_end_array(w);
}

/* Listener pressure, the other end of a local connection, flags, rates and
 * the state's age: what relations.h and health.h derived. */
static void json_derived(struct json_writer *w, const struct pv_snapshot *s, const struct pv_socket *k)
{
	unsigned bit;

	if (socket_has_accept_queue(k)) {
		json_member_uint(w, "accept_queue", k->rqueue);
		json_member_uint(w, "backlog", k->wqueue);
		if (k->proto == IPPROTO_TCP) {
			json_member_uint(w, "syn_recv", k->syn_recv);
			json_member_uint(w, "time_wait", k->time_wait);
		}
	}
	if (k->has_peer && k->peer < s->nsocks) {
		const struct pv_socket *p = &s->socks[k->peer];

		json_key(w, "peer");
		json_begin_object(w);
		/* A client still in an accept queue has no socket at the other
		 * end yet: say so, and name the listener, not as its peer. */
		if (k->peer_queued) {
			json_member_bool(w, "queued", true);
			json_member_uint(w, "listener", p->cookie);
		} else {
			json_member_uint(w, "cookie", p->cookie);
		}
		json_member_string(w, "side",
				   k->side == PV_SIDE_SERVER                            ? "client"
				   : p->side == PV_SIDE_SERVER || socket_is_listener(p) ? "server"
											: "unknown");
		json_owners(w, s, p);
		json_end_object(w);
	}
	json_key(w, "flags");
	json_begin_array(w);
	for (bit = 1; bit < 1u << PV_FLAG_COUNT; bit <<= 1)
		if (k->flags & bit)
			json_string(w, health_flag_name(bit));
	json_end_array(w);
	if (k->has_rate) {
		json_member_uint(w, "rate_in", (uint64_t)(k->rate_in + 0.5));
		json_member_uint(w, "rate_out", (uint64_t)(k->rate_out + 0.5));
	}
	if (k->has_state_since && s->monotonic_taken >= k->state_since) {
		json_member_uint(w, "state_seconds", (uint64_t)(s->monotonic_taken - k->state_since));
		json_member_bool(w, "state_seconds_exact", k->state_entered);
	}
}

/* A UNIX socket's own fields: its type, its name with the exact bytes
 * (an abstract name without its leading NUL, flagged) and its peer. */
static void json_unix(struct json_writer *w, const struct pv_socket *k)
{
	bool abstract = k->path_len && k->path[0] == '\0';

	json_member_string(w, "type", unix_type_name(k->sock_type));
	if (!k->path_len)
		json_member_bytes(w, "path", NULL, 0);
	else if (abstract)
		json_member_bytes(w, "path", k->path + 1, k->path_len - 1U);
	else
		json_member_bytes(w, "path", k->path, k->path_len);
	json_member_bool(w, "abstract", abstract);
	json_member_uint(w, "peer_inode", k->peer_inode);
}

static void json_netns(struct json_writer *w, const struct pv_snapshot *s, uint32_t inode)
{
	const struct pv_netns *ns = snapshot_netns(s, inode);
	char buf[32];
	const char *name = snapshot_netns_name(s, inode, buf, sizeof(buf));

	json_begin_object(w);
	json_member_uint(w, "inode", inode);
	json_member_bytes(w, "name", name, strlen(name));
	/* A closed socket's namespace may have gone with it. */
	if (ns)
		json_member_string(w, "kind", netns_kind_names[ns->kind]);
	json_end_object(w);
}

/* What its port is and how far it reaches: the class of its local port,
 * a connection's end, a listener's exposure and the interface of it. */
static void json_exposure(struct json_writer *w, const struct pv_snapshot *s, const struct pv_socket *k)
{
	enum pv_exposure e = socket_exposure(s, k);

	json_member_string(w, "port_class", port_class_names[port_class(k->local.port)]);
	if (k->side != PV_SIDE_UNKNOWN)
		json_member_string(w, "side", side_names[k->side]);
	if (e == PV_EXPOSURE_NONE)
		return;
	json_member_string(w, "exposure", exposure_names[e]);
	if (e == PV_EXPOSURE_ADDRESS) {
		const char *name = exposure_interface(s, k);

		if (name)
			json_member_bytes(w, "exposure_interface", name, strlen(name));
	}
}

/* key: text's exact bytes, or null when there is none. */
static void json_member_bytes_or_null(struct json_writer *w, const char *key, const char *text)
{
	if (text) {
		json_member_bytes(w, key, text, strlen(text));
	} else {
		json_key(w, key);
		json_null(w);
	}
}

/* A socket-activated listener: who holds it for which unit and service. */
static void json_activation(struct json_writer *w, const struct pv_snapshot *s, const struct pv_socket *k)
{
	struct pv_activation a;

	if (!socket_activation(s, k, &a))
		return;
	json_key(w, "activation");
	json_begin_object(w);
	json_key(w, "activator");
	if (a.activator)
		json_uint(w, (uint64_t)a.activator->pid);
	else
		json_null(w);
	json_member_bytes_or_null(w, "socket_unit", a.socket_unit);
	json_member_bytes_or_null(w, "service_unit", a.service_unit);
	json_key(w, "service_pid");
	if (a.service)
		json_uint(w, (uint64_t)a.service->pid);
	else
		json_null(w);
	if (a.service && a.service->listen_fds)
		json_member_uint(w, "listen_fds", a.service->listen_fds);
	json_end_object(w);
}

/* The selected listeners reachable beyond loopback. */
static uint64_t json_count_exposed(const struct pv_snapshot *s, const struct pv_rows *r)
{
	struct pv_counts c;

	snapshot_count(s, r->selected, r->nselected, &c);
	return c.exposed;
}

static void json_socket(struct json_writer *w, const struct pv_snapshot *s, const struct pv_socket *k)
{
	json_begin_object(w);
	if (k->host && k->host <= s->nhosts)
		json_member_bytes(w, "host", s->hosts[k->host - 1].name, strlen(s->hosts[k->host - 1].name));
	json_key(w, "netns");
	json_netns(w, s, k->netns);
	json_member_string(w, "proto", proto_name(k->proto));
	if (socket_is_unix(k)) {
		json_member_string(w, "family", "unix");
		json_member_string(w, "state", state_name(k->proto, k->state));
		json_unix(w, k);
	} else {
		json_member_string(w, "family", k->family == AF_INET6 ? "inet6" : "inet");
		json_member_string(w, "state", state_name(k->proto, k->state));
		json_endpoint(w, "local", &k->local, k->proto);
		json_endpoint(w, "remote", &k->remote, k->proto);
	}
	json_member_bool(w, "listening", socket_is_listener(k));
	if (!socket_is_unix(k))
		json_exposure(w, s, k);
	if (k->v6only >= 0)
		json_member_bool(w, "v6only", k->v6only);
	if (!socket_is_unix(k))
		json_member_uint(w, "interface", k->ifindex);
	json_member_uint(w, "inode", k->inode);
	json_member_uint(w, "cookie", k->cookie);
	/* Absent, not 0, where the kernel keeps no uid (TIME_WAIT). */
	if (k->uid != PV_UID_UNKNOWN) {
		json_member_uint(w, "uid", k->uid);
		json_member_string(w, "user", k->user);
	}
	if (k->cgroup_id) {
		const char *path = snapshot_cgroup_path(s, k->cgroup_id);

		json_member_uint(w, "cgroup_id", k->cgroup_id);
		if (path)
			json_member_bytes(w, "cgroup", path, strlen(path));
	}
	json_member_uint(w, "rx_queue", k->rqueue);
	json_member_uint(w, "tx_queue", k->wqueue);
	json_member_string(w, "owner_status", owner_status_names[k->owner_status]);
	json_owners(w, s, k);
	json_derived(w, s, k);
	json_activation(w, s, k);
	if (k->forward_to && k->forward_to <= s->nsocks) {
		const struct pv_socket *t = &s->socks[k->forward_to - 1];

		json_key(w, "forwards_to");
		json_begin_object(w);
		json_member_uint(w, "cookie", t->cookie);
		json_key(w, "netns");
		json_netns(w, s, t->netns);
		json_endpoint(w, "local", &t->local, t->proto);
		json_owners(w, s, t);
		json_end_object(w);
	}
	if (k->tcp.has_info)
		json_tcp_info(w, &k->tcp);
	json_end_object(w);
}

static void json_process(struct json_writer *w, const struct pv_process *p)
{
	json_begin_object(w);
	json_member_uint(w, "pid", (uint64_t)p->pid);
	json_member_uint(w, "start_time", p->start_time);
	json_member_uint(w, "uid", p->uid);
	json_member_string(w, "user", p->user);
	json_member_bytes(w, "comm", p->comm, strlen(p->comm));
	json_member_bytes(w, "cmdline", p->cmdline, p->cmdline_len);
	if (p->cmdline_truncated)
		json_member_bool(w, "cmdline_truncated", true);
	if (p->cgroup)
		json_member_bytes(w, "cgroup", p->cgroup, strlen(p->cgroup));
	if (p->workload_kind == PV_WORKLOAD_UNIT) {
		json_member_bytes(w, "unit", p->workload, strlen(p->workload));
	} else if (p->workload_kind != PV_WORKLOAD_NONE) {
		json_key(w, "container");
		json_begin_object(w);
		json_member_string(w, "runtime", workload_kinds[p->workload_kind].name);
		json_member_bytes(w, "id", p->workload_id, strlen(p->workload_id));
		json_member_bytes(w, "name", p->workload, strlen(p->workload));
		json_end_object(w);
	}
	if (p->pod)
		json_member_bytes(w, "pod", p->pod, strlen(p->pod));
	if (p->listen_fds) {
		json_member_uint(w, "listen_fds", p->listen_fds);
		if (p->listen_fdnames)
			json_member_bytes(w, "listen_fdnames", p->listen_fdnames, strlen(p->listen_fdnames));
	}
	json_end_object(w);
}

static int cmp_pid(const void *a, const void *b, void *arg)
{
	const struct pv_process *procs = arg;
	int x = procs[*(const uint32_t *)a].pid, y = procs[*(const uint32_t *)b].pid;

	return x < y ? -1 : x > y;
}

static void json_notices(struct json_writer *w, const struct pv_snapshot *s)
{
	size_t i;

	json_key(w, "unavailable");
	json_begin_array(w);
	for (i = 0; i < SOCKET_KIND_COUNT; i++)
		if (s->unavailable & socket_kinds[i].dump_bit)
			json_string(w, socket_kinds[i].json_name);
	json_end_array(w);
	json_member_bool(w, "incomplete", s->incomplete);
	json_member_uint(w, "unreadable_processes", s->hidden_procs);
	json_member_bool(w, "processes_invisible", s->procs_invisible);
	json_member_uint(w, "netns_not_shown", s->netns_skipped);
	json_member_bool(w, "netns_denied", s->netns_denied);
}

/* Every namespace found, dumped or not, with how many sockets it holds. */
static void json_namespaces(struct json_writer *w, const struct pv_snapshot *s)
{
	json_key(w, "namespaces");
	json_begin_array(w);
	for (size_t i = 0; i < s->nnetns; i++) {
		const struct pv_netns *ns = &s->netns[i];

		json_begin_object(w);
		json_member_uint(w, "inode", ns->inode);
		json_member_bytes(w, "name", ns->name, strlen(ns->name));
		json_member_string(w, "kind", netns_kind_names[ns->kind]);
		json_member_bool(w, "shown", ns->dumped);
		json_member_uint(w, "sockets", ns->sockets);
		json_end_object(w);
	}
	json_end_array(w);
}

/* "sockets": the sockets at indices which (n of them), then "processes":
 * every process owning one of them, by pid. */
static void json_sockets_and_owners(struct json_writer *w, const struct pv_snapshot *s, const uint32_t *which,
				    size_t n)
{
	uint32_t *procs = xmalloc((s->nprocs ? s->nprocs : 1) * sizeof(uint32_t));
	bool *seen = xcalloc(s->nprocs ? s->nprocs : 1, sizeof(bool));
	size_t i, nprocs = 0;

	json_key(w, "sockets");
	json_begin_array(w);
	for (i = 0; i < n; i++) {
		const struct pv_socket *k = &s->socks[which[i]];

		json_socket(w, s, k);
		for (uint32_t o = 0; o < k->owner_count; o++) {
			uint32_t p = s->owner_refs[k->owner_first + o];

			if (!seen[p])
				procs[nprocs++] = p;
			seen[p] = true;
		}
	}
	json_end_array(w);

	qsort_r(procs, nprocs, sizeof(uint32_t), cmp_pid, s->procs);
	json_key(w, "processes");
	json_begin_array(w);
	for (i = 0; i < nprocs; i++)
		json_process(w, &s->procs[procs[i]]);
	json_end_array(w);
	free(procs);
	free(seen);
}

/* The fields every document starts with. */
/* --remote: "hosts", how each stands. */
static void json_hosts(struct json_writer *w, const struct pv_snapshot *s)
{
	json_key(w, "hosts");
	json_begin_array(w);
	for (size_t i = 0; i < s->nhosts; i++) {
		const struct pv_host *h = &s->hosts[i];

		json_begin_object(w);
		json_member_bytes(w, "name", h->name, strlen(h->name));
		json_member_string(w, "status", host_status_names[h->status]);
		json_key(w, "age_seconds");
		if (h->age >= 0)
			json_double(w, h->age);
		else
			json_null(w);
		json_member_bytes(w, "version", h->version, h->version ? strlen(h->version) : 0);
		json_member_bytes(w, "message", h->message, h->message ? strlen(h->message) : 0);
		json_member_uint(w, "sockets", h->sockets);
		json_end_object(w);
	}
	json_end_array(w);
}

static void json_header(struct json_writer *w, const struct pv_snapshot *s, const char *host)
{
	char when[40];

	json_key(w, "portview");
	json_uint(w, 1);
	json_key(w, "version");
	json_string(w, PACKAGE_VERSION);
	json_key(w, "time");
	output_format_time(s, when, sizeof(when));
	json_string(w, when);
	json_key(w, "host");
	json_string(w, host);
}

void output_json(FILE *out, const struct pv_snapshot *s, const struct pv_rows *r,
		 const struct output_meta *meta)
{
	struct json_writer w;

	json_init(&w, out);
	json_begin_object(&w);
	json_header(&w, s, meta->host);
	json_key(&w, "filter");
	json_string(&w, meta->filter);
	json_key(&w, "owner_source");
	json_string(&w, owner_source_name(s->owner_source));
	json_notices(&w, s);
	json_namespaces(&w, s);
	if (s->nhosts)
		json_hosts(&w, s);
	json_key(&w, "exposed_listeners");
	json_uint(&w, json_count_exposed(s, r));
	json_sockets_and_owners(&w, s, r->selected, r->nselected);
	json_end_object(&w);
	json_finish(&w);
	fputc('\n', out);
}

/* A bind try's errno by name ("EADDRINUSE"), null when it bound. */
static void json_bind_error(struct json_writer *w, int error)
{
	const char *name = error ? strerrorname_np(error) : NULL;

	json_key(w, "error");
	if (!error)
		json_null(w);
	else if (name)
		json_string(w, name);
	else
		json_int(w, error);
}

static void json_why_proto(struct json_writer *w, const struct pv_snapshot *s, const struct why_proto *p)
{
	json_begin_object(w);
	json_member_string(w, "proto", proto_name(p->proto));
	json_member_string(w, "verdict", p->taken ? "taken" : p->denied ? "denied" : "free");
	json_key(w, "binds");
	json_begin_array(w);
	for (int f = 0; f < PV_BIND_FORM_COUNT; f++) {
		if (!p->tries[f].tried)
			continue;
		json_begin_object(w);
		json_member_string(w, "form", why_form_name((enum pv_bind_form)f));
		json_member_bool(w, "ok", p->tries[f].error == 0);
		json_bind_error(w, p->tries[f].error);
		json_end_object(w);
	}
	json_end_array(w);
	json_member_uint(w, "time_wait", p->time_wait);
	json_member_uint(w, "time_wait_left_ms", p->time_wait_left_ms);
	json_member_uint(w, "connections", p->connections);
	json_member_uint(w, "other_namespaces", p->elsewhere);
	json_key(w, "close_wait");
	json_begin_array(w);
	for (size_t i = 0; i < p->nclose_wait; i++)
		json_uint(w, s->socks[p->close_wait[i]].cookie);
	json_end_array(w);
	json_sockets_and_owners(w, s, p->holders, p->nholders);
	json_end_object(w);
}

void output_why_json(FILE *out, const struct pv_snapshot *s, const struct why_report *r, const char *host)
{
	struct json_writer w;

	json_init(&w, out);
	json_begin_object(&w);
	json_header(&w, s, host);
	json_member_uint(&w, "port", r->query.port);
	json_member_string(&w, "verdict", r->taken ? "taken" : "free");
	json_member_string(&w, "port_class", port_class_names[port_class(r->query.port)]);
	if (r->rules.known) {
		json_member_bool(&w, "ephemeral", ports_ephemeral(&r->rules, r->query.port));
		json_member_bool(&w, "reserved", ports_reserved(&r->rules, r->query.port));
		json_member_bool(&w, "privileged", r->query.port < r->rules.unprivileged_start);
		json_member_uint(&w, "ephemeral_low", r->rules.ephemeral_lo);
		json_member_uint(&w, "ephemeral_high", r->rules.ephemeral_hi);
		json_member_uint(&w, "unprivileged_port_start", r->rules.unprivileged_start);
	}
	json_key(&w, "protocols");
	json_begin_array(&w);
	for (size_t i = 0; i < r->nprotos; i++)
		json_why_proto(&w, s, &r->protos[i]);
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
	fputc('\n', out);
}

void output_event_json(FILE *out, const struct event_log *log, const struct pv_event *e)
{
	const struct pv_snapshot *s = event_log_snapshot(log);
	struct json_writer w;
	time_t secs = (time_t)e->time;
	struct tm tm;
	char when[40];

	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + strlen(when), sizeof(when) - strlen(when), ".%03dZ",
		 (int)((e->time - (double)secs) * 1000) % 1000);
	json_init(&w, out);
	json_begin_object(&w);
	json_member_string(&w, "event", event_kind_names[e->kind]);
	json_member_string(&w, "time", when);
	if (e->kind == PV_EVENT_OVERRUN) {
		json_member_uint(&w, "overruns", e->overruns);
	} else {
		const struct pv_socket *k = &s->socks[e->sock];

		if (e->kind == PV_EVENT_STATE)
			json_member_string(&w, "old_state", state_name(k->proto, e->old_state));
		if (e->kind == PV_EVENT_CLOSE) {
			json_member_string(&w, "source", e->from_kernel ? "kernel" : "refresh");
			json_key(&w, "lifetime_seconds");
			if (e->lifetime < 0)
				json_null(&w);
			else
				json_double(&w, e->lifetime);
			json_member_bool(&w, "lifetime_exact", e->lifetime_known);
			if (e->from_kernel && k->tcp.has_info) {
				json_member_uint(&w, "bytes_acked", k->tcp.bytes_acked);
				json_member_uint(&w, "bytes_received", k->tcp.bytes_received);
				json_member_uint(&w, "total_retrans", k->tcp.total_retrans);
			}
		}
		json_key(&w, "socket");
		json_socket(&w, s, k);
		json_key(&w, "processes");
		json_begin_array(&w);
		for (uint32_t o = 0; o < k->owner_count; o++)
			json_process(&w, snapshot_owner(s, k, o));
		json_end_array(&w);
	}
	json_end_object(&w);
	json_finish(&w);
	fputc('\n', out);
}
