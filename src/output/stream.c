#include "config.h"

#include "stream.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "json.h"
#include "output.h"
#include "u64map.h"
#include "xalloc.h"

/* What one kind of record (sockets, processes, namespaces) looked like
 * when last written: each key with a checksum of its serialised form, so
 * a change in any member is seen without comparing them one by one. */
struct stream_table {
	struct u64map index; /* key -> position in keys and sums */
	uint64_t *keys, *sums;
	size_t n, cap;
};

enum stream_kind { STREAM_NETNS, STREAM_PROCESSES, STREAM_SOCKETS, STREAM_KIND_COUNT };

/* The members a line gives each kind: the changed records, and the keys
 * of those gone. */
static const struct {
	const char *changed, *gone;
} stream_members[STREAM_KIND_COUNT] = {
	[STREAM_NETNS] = { "netns", "netns_gone" },
	[STREAM_PROCESSES] = { "processes", "processes_gone" },
	[STREAM_SOCKETS] = { "sockets", "sockets_gone" },
};

struct stream_writer {
	struct stream_table seen[STREAM_KIND_COUNT], now[STREAM_KIND_COUNT];
	uint64_t seq;
	struct json_writer record; /* one record, serialised to be summed */
};

struct stream_writer *stream_writer_new(void)
{
	struct stream_writer *sw = xcalloc(1, sizeof(*sw));

	for (int k = 0; k < STREAM_KIND_COUNT; k++) {
		u64map_init(&sw->seen[k].index, 64);
		u64map_init(&sw->now[k].index, 64);
	}
	json_init(&sw->record, NULL);
	return sw;
}

static void stream_table_free(struct stream_table *t)
{
	u64map_free(&t->index);
	free(t->keys);
	free(t->sums);
}

void stream_writer_free(struct stream_writer *sw)
{
	if (!sw)
		return;
	for (int k = 0; k < STREAM_KIND_COUNT; k++) {
		stream_table_free(&sw->seen[k]);
		stream_table_free(&sw->now[k]);
	}
	strbuf_free(&sw->record.buf);
	free(sw);
}

static void stream_table_add(struct stream_table *t, uint64_t key, uint64_t sum)
{
	int inserted;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->keys = xreallocarray(t->keys, t->cap, sizeof(*t->keys));
		t->sums = xreallocarray(t->sums, t->cap, sizeof(*t->sums));
	}
	u64map_put(&t->index, key, (uint32_t)t->n, &inserted);
	if (!inserted)
		return; /* a key twice: the first stands */
	t->keys[t->n] = key;
	t->sums[t->n++] = sum;
}

/* FNV-1a over the serialised record. */
static uint64_t stream_sum_more(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t stream_sum(const char *s, size_t len)
{
	return stream_sum_more(0xcbf29ce484222325ULL, s, len);
}

/* A socket's checksum over what its record says, from the record in
 * memory rather than its JSON: formatting ten thousand sockets a refresh
 * to find the few that changed was most of --stream's time. Pointers
 * are summed by what they point to, indices by the cookies they name,
 * and the members that move with the clock alone are left out (as
 * stream_socket writes them last). */
static uint64_t stream_socket_sum(const struct pv_snapshot *s, const struct pv_socket *k)
{
	struct pv_socket t;
	uint64_t h, peer = 0, forward = 0;

	memcpy(&t, k, sizeof(t));
	t.path = NULL;
	t.user = NULL;
	t.owner_first = 0;
	t.peer = 0;
	t.forward_to = 0;
	t.timer_left_ms = 0;
	t.state_since = 0;
	t.tcp.last_data_sent_ms = t.tcp.last_data_recv_ms = t.tcp.last_ack_recv_ms = 0;
	h = stream_sum_more(0xcbf29ce484222325ULL, &t, sizeof(t));
	if (k->path)
		h = stream_sum_more(h, k->path, k->path_len);
	if (k->user)
		h = stream_sum_more(h, k->user, strlen(k->user));
	for (uint32_t i = 0; i < k->owner_count; i++) {
		const struct pv_process *p = snapshot_owner(s, k, i);
		uint64_t owner[2] = { wire_process_key(p->pid, p->start_time),
				      s->owner_fds ? s->owner_fds[k->owner_first + i] : PV_FD_UNKNOWN };

		h = stream_sum_more(h, owner, sizeof(owner));
	}
	if (k->has_peer && k->peer < s->nsocks)
		peer = s->socks[k->peer].cookie;
	if (k->forward_to && k->forward_to <= s->nsocks)
		forward = s->socks[k->forward_to - 1].cookie;
	h = stream_sum_more(h, &peer, sizeof(peer));
	return stream_sum_more(h, &forward, sizeof(forward));
}

static void stream_addr(struct json_writer *w, const char *key, const struct pv_addr *a)
{
	char text[PV_ADDR_STRLEN];

	addr_format(a, text, sizeof(text));
	json_member_string(w, key, text);
}

static void stream_member_double(struct json_writer *w, const char *key, double v)
{
	json_key(w, key);
	json_double(w, v);
}

static void stream_netns(struct json_writer *w, const struct pv_netns *ns)
{
	json_begin_object(w);
	json_member_uint(w, "inode", ns->inode);
	json_member_uint(w, "kind", ns->kind);
	json_member_bool(w, "dumped", ns->dumped);
	json_member_bytes(w, "name", ns->name, ns->name ? strlen(ns->name) : 0);
	json_member_uint(w, "sockets", ns->sockets);
	if (ns->ports.known) {
		json_key(w, "ports");
		json_begin_object(w);
		json_member_uint(w, "ephemeral_lo", ns->ports.ephemeral_lo);
		json_member_uint(w, "ephemeral_hi", ns->ports.ephemeral_hi);
		json_member_uint(w, "unprivileged_start", ns->ports.unprivileged_start);
		json_member_string(w, "reserved", ns->ports.reserved ? ns->ports.reserved : "");
		json_end_object(w);
	}
	json_key(w, "links");
	json_begin_array(w);
	for (size_t i = 0; i < ns->nlinks; i++) {
		json_begin_object(w);
		json_member_uint(w, "ifindex", ns->links[i].ifindex);
		json_member_bool(w, "loopback", ns->links[i].loopback);
		json_member_bytes(w, "name", ns->links[i].name, strlen(ns->links[i].name));
		json_end_object(w);
	}
	json_end_array(w);
	json_key(w, "addrs");
	json_begin_array(w);
	for (size_t i = 0; i < ns->naddrs; i++) {
		json_begin_object(w);
		json_member_uint(w, "ifindex", ns->addrs[i].ifindex);
		stream_addr(w, "addr", &ns->addrs[i].addr);
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
}

static void stream_process(struct json_writer *w, const struct pv_process *p)
{
	json_begin_object(w);
	json_member_uint(w, "pid", (uint64_t)p->pid);
	json_member_uint(w, "start_time", p->start_time);
	json_member_uint(w, "uid", p->uid);
	json_member_bytes(w, "user", p->user, p->user ? strlen(p->user) : 0);
	json_member_bytes(w, "comm", p->comm, p->comm ? strlen(p->comm) : 0);
	json_member_bytes(w, "cmdline", p->cmdline, p->cmdline_len);
	json_member_bool(w, "cmdline_truncated", p->cmdline_truncated);
	json_member_uint(w, "workload_kind", p->workload_kind);
	json_member_bytes(w, "workload", p->workload, p->workload ? strlen(p->workload) : 0);
	json_member_bytes(w, "workload_id", p->workload_id, p->workload_id ? strlen(p->workload_id) : 0);
	json_member_bytes(w, "pod", p->pod, p->pod ? strlen(p->pod) : 0);
	json_member_bytes(w, "cgroup", p->cgroup, p->cgroup ? strlen(p->cgroup) : 0);
	json_member_uint(w, "listen_count", p->listen_count);
	json_member_uint(w, "conn_count", p->conn_count);
	json_member_uint(w, "listen_fds", p->listen_fds);
	json_member_bytes(w, "listen_fdnames", p->listen_fdnames,
			  p->listen_fdnames ? strlen(p->listen_fdnames) : 0);
	json_end_object(w);
}

/* A "milliseconds ago" the kernel counts, as the monotonic time it
 * stands for: the same from one refresh to the next while nothing
 * happens, so an idle socket is not written again for it. */
static void stream_member_ago(struct json_writer *w, const char *key, double now, uint32_t ms)
{
	stream_member_double(w, key, now - (double)ms / 1000.0);
}

static void stream_tcp(struct json_writer *w, const struct pv_tcp_details *t)
{
	json_key(w, "tcp");
	json_begin_object(w);
	output_tcp_members(w, t, false);
	json_end_object(w);
}

/* A socket as collected and as the pipeline derived it: roles, peers
 * (by cookie), flags, rates and age, so the reader shows what this host
 * computed, not a guess of its own. Times are monotonic seconds on this
 * host (the line's "monotonic" is now). The members that move with the
 * clock alone come last; stream_socket_sum leaves them out, so they are
 * written when something else changed. */
static void stream_socket(struct json_writer *w, const struct pv_snapshot *s, const struct pv_socket *k,
			  double now)
{
	json_begin_object(w);
	json_member_uint(w, "cookie", k->cookie);
	json_member_uint(w, "netns", k->netns);
	json_member_uint(w, "family", k->family);
	json_member_uint(w, "proto", k->proto);
	json_member_uint(w, "state", k->state);
	if (k->family == AF_UNIX) {
		json_member_uint(w, "sock_type", k->sock_type);
		json_member_bytes(w, "path", k->path, k->path_len);
		json_member_uint(w, "peer_inode", k->peer_inode);
	} else {
		stream_addr(w, "local", &k->local.addr);
		json_member_uint(w, "local_port", k->local.port);
		stream_addr(w, "remote", &k->remote.addr);
		json_member_uint(w, "remote_port", k->remote.port);
		json_member_uint(w, "ifindex", k->ifindex);
	}
	if (k->v6only >= 0)
		json_member_bool(w, "v6only", k->v6only);
	json_member_uint(w, "inode", k->inode);
	if (k->uid != PV_UID_UNKNOWN)
		json_member_uint(w, "uid", k->uid);
	json_member_bytes(w, "user", k->user, k->user ? strlen(k->user) : 0);
	json_member_uint(w, "cgroup_id", k->cgroup_id);
	json_member_uint(w, "rx_queue", k->rqueue);
	json_member_uint(w, "tx_queue", k->wqueue);
	json_member_uint(w, "owner_status", k->owner_status);
	json_key(w, "owners");
	json_begin_array(w);
	for (uint32_t i = 0; i < k->owner_count; i++) {
		const struct pv_process *p = snapshot_owner(s, k, i);
		uint32_t fd = s->owner_fds ? s->owner_fds[k->owner_first + i] : PV_FD_UNKNOWN;

		json_begin_array(w);
		json_uint(w, (uint64_t)p->pid);
		json_uint(w, p->start_time);
		if (fd == PV_FD_UNKNOWN)
			json_null(w);
		else
			json_uint(w, fd);
		json_end_array(w);
	}
	json_end_array(w);
	if (k->has_peer && k->peer < s->nsocks)
		json_member_uint(w, "peer", s->socks[k->peer].cookie);
	json_member_bool(w, "peer_queued", k->peer_queued);
	json_member_bool(w, "accepted", k->accepted);
	json_member_uint(w, "flags", k->flags);
	json_member_uint(w, "side", k->side);
	json_member_uint(w, "syn_recv", k->syn_recv);
	json_member_uint(w, "time_wait", k->time_wait);
	if (k->forward_to && k->forward_to <= s->nsocks)
		json_member_uint(w, "forward_to", s->socks[k->forward_to - 1].cookie);
	if (k->has_rate) {
		stream_member_double(w, "rate_in", k->rate_in);
		stream_member_double(w, "rate_out", k->rate_out);
	}
	if (k->has_state_since)
		json_member_bool(w, "state_entered", k->state_entered);
	if (k->tcp.has_info)
		stream_tcp(w, &k->tcp);
	/* A state not seen entered has an age bound from tcp_info's "ms
	 * ago", which moves by a few ms each refresh: sent with the rest. */
	if (k->has_state_since)
		stream_member_double(w, "state_since", k->state_since);
	if (k->timer_left_ms)
		stream_member_double(w, "timer_expires", now + (double)k->timer_left_ms / 1000.0);
	if (k->tcp.has_info) {
		stream_member_ago(w, "last_data_sent", now, k->tcp.last_data_sent_ms);
		stream_member_ago(w, "last_data_recv", now, k->tcp.last_data_recv_ms);
		stream_member_ago(w, "last_ack_recv", now, k->tcp.last_ack_recv_ms);
	}
	json_end_object(w);
}

/* Notes key's checksum in the table of this refresh; true when the
 * record is new or changed since the line before. */
static bool stream_note(struct stream_writer *sw, enum stream_kind kind, uint64_t key, uint64_t sum)
{
	const uint32_t *at = u64map_get(&sw->seen[kind].index, key);

	stream_table_add(&sw->now[kind], key, sum);
	return !at || sw->seen[kind].sums[*at] != sum;
}

/* Copies the record serialised in sw->record into the line when it is
 * new or changed (always, for a snapshot). Its checksum is of its JSON:
 * namespaces and processes are few. */
static void stream_offer(struct stream_writer *sw, struct json_writer *line, enum stream_kind kind,
			 uint64_t key, bool whole)
{
	struct strbuf *rec = &sw->record.buf;
	const char *text = rec->data ? rec->data : "";

	if (stream_note(sw, kind, key, stream_sum(text, rec->len)) || whole)
		json_value_raw(line, text, rec->len);
}

static void stream_begin_record(struct stream_writer *sw)
{
	json_reset(&sw->record);
}

/* Writes, after the records of kind, the keys of those not seen now. */
static void stream_gone(struct stream_writer *sw, struct json_writer *line, enum stream_kind kind)
{
	const struct stream_table *was = &sw->seen[kind], *is = &sw->now[kind];

	json_key(line, stream_members[kind].gone);
	json_begin_array(line);
	for (size_t i = 0; i < was->n; i++)
		if (!u64map_get(&is->index, was->keys[i]))
			json_uint(line, was->keys[i]);
	json_end_array(line);
}

/* The records of this refresh become the ones seen. */
static void stream_turn(struct stream_writer *sw)
{
	for (int k = 0; k < STREAM_KIND_COUNT; k++) {
		struct stream_table t = sw->seen[k];

		sw->seen[k] = sw->now[k];
		sw->now[k] = t;
		u64map_clear(&sw->now[k].index);
		sw->now[k].n = 0;
	}
}

static void stream_header(struct json_writer *line, const struct pv_model *m, bool whole, uint64_t seq)
{
	const struct pv_snapshot *s = m->snap;

	json_member_string(line, "type", whole ? "snapshot" : "diff");
	json_member_uint(line, "seq", seq);
	stream_member_double(line, "time", (double)s->taken.tv_sec + (double)s->taken.tv_nsec / 1e9);
	stream_member_double(line, "duration", m->duration);
	stream_member_double(line, "boot_time", s->boot_time);
	json_member_uint(line, "clock_ticks", (uint64_t)(s->clock_ticks > 0 ? s->clock_ticks : 0));
	json_member_uint(line, "owner_source", s->owner_source);
	json_member_uint(line, "unavailable", s->unavailable);
	json_member_bool(line, "incomplete", s->incomplete);
	json_member_uint(line, "hidden_procs", s->hidden_procs);
	json_member_bool(line, "procs_invisible", s->procs_invisible);
	json_member_bool(line, "procs_unreadable", s->procs_unreadable);
	json_member_uint(line, "netns_skipped", s->netns_skipped);
	json_member_bool(line, "netns_denied", s->netns_denied);
	json_member_bool(line, "rates", m->rates);
}

void stream_write(struct stream_writer *sw, FILE *out, const struct pv_model *m, double now)
{
	const struct pv_snapshot *s = m->snap;
	bool whole = sw->seq == 0;
	struct json_writer line;

	json_init(&line, out);
	json_begin_object(&line);
	stream_header(&line, m, whole, ++sw->seq);
	stream_member_double(&line, "monotonic", now);

	json_key(&line, stream_members[STREAM_NETNS].changed);
	json_begin_array(&line);
	for (size_t i = 0; i < s->nnetns; i++) {
		stream_begin_record(sw);
		stream_netns(&sw->record, &s->netns[i]);
		stream_offer(sw, &line, STREAM_NETNS, s->netns[i].inode, whole);
	}
	json_end_array(&line);
	stream_gone(sw, &line, STREAM_NETNS);

	json_key(&line, stream_members[STREAM_PROCESSES].changed);
	json_begin_array(&line);
	for (size_t i = 0; i < s->nprocs; i++) {
		stream_begin_record(sw);
		stream_process(&sw->record, &s->procs[i]);
		stream_offer(sw, &line, STREAM_PROCESSES,
			     wire_process_key(s->procs[i].pid, s->procs[i].start_time), whole);
	}
	json_end_array(&line);
	stream_gone(sw, &line, STREAM_PROCESSES);

	json_key(&line, stream_members[STREAM_SOCKETS].changed);
	json_begin_array(&line);
	for (size_t i = 0; i < s->nsocks; i++) {
		const struct pv_socket *k = &s->socks[i];

		if (k->gone ||
		    (!stream_note(sw, STREAM_SOCKETS, k->cookie, stream_socket_sum(s, k)) && !whole))
			continue;
		stream_begin_record(sw);
		stream_socket(&sw->record, s, k, now);
		json_value_raw(&line, sw->record.buf.data, sw->record.buf.len);
	}
	json_end_array(&line);
	stream_gone(sw, &line, STREAM_SOCKETS);

	json_end_object(&line);
	json_finish(&line);
	fputc('\n', out);
	fflush(out);
	stream_turn(sw);
}

void stream_write_hello(FILE *out, const char *host, double interval)
{
	struct json_writer w;

	json_init(&w, out);
	json_begin_object(&w);
	json_member_string(&w, "type", "hello");
	json_member_uint(&w, "stream", PV_STREAM_VERSION);
	json_member_string(&w, "version", PACKAGE_VERSION);
	json_member_bytes(&w, "host", host, strlen(host));
	stream_member_double(&w, "interval", interval);
	json_end_object(&w);
	json_finish(&w);
	fputc('\n', out);
	fflush(out);
}
