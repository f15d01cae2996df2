#include "config.h"

#include "output.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "addr.h"
#include "json.h"
#include "states.h"
#include "xalloc.h"

void output_format_time(const struct pv_snapshot *s, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&s->taken.tv_sec, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void json_endpoint(struct json_writer *w, const char *key, const struct pv_endpoint *e)
{
	char buf[PV_ADDR_STRLEN];

	json_key(w, key);
	json_begin_object(w);
	json_key(w, "addr");
	json_string(w, addr_format(&e->addr, buf, sizeof(buf)));
	json_key(w, "port");
	json_uint(w, e->port);
	json_end_object(w);
}

static const char *const owner_status_names[] = {
	[PV_OWNER_NONE] = "none", [PV_OWNER_OK] = "ok", [PV_OWNER_HIDDEN] = "hidden",
};

static void json_tcp_info(struct json_writer *w, const struct pv_tcp_details *t)
{
	json_key(w, "tcp_info");
	json_begin_object(w);
	json_key(w, "rtt_us"); json_uint(w, t->rtt_us);
	json_key(w, "rttvar_us"); json_uint(w, t->rttvar_us);
	json_key(w, "retransmits"); json_uint(w, t->retransmits);
	json_key(w, "total_retrans"); json_uint(w, t->total_retrans);
	json_key(w, "snd_cwnd"); json_uint(w, t->snd_cwnd);
	json_key(w, "unacked"); json_uint(w, t->unacked);
	json_key(w, "lost"); json_uint(w, t->lost);
	json_key(w, "last_data_sent_ms"); json_uint(w, t->last_data_sent_ms);
	json_key(w, "last_data_recv_ms"); json_uint(w, t->last_data_recv_ms);
	json_key(w, "bytes_acked"); json_uint(w, t->bytes_acked);
	json_key(w, "bytes_received"); json_uint(w, t->bytes_received);
	json_key(w, "delivery_rate"); json_uint(w, t->delivery_rate);
	json_end_object(w);
}

static void json_socket(struct json_writer *w, const struct pv_snapshot *s, const struct pv_socket *k)
{
	uint32_t i;

	json_begin_object(w);
	json_key(w, "proto");
	json_string(w, k->proto == IPPROTO_TCP ? "tcp" : "udp");
	json_key(w, "family");
	json_string(w, k->family == AF_INET6 ? "inet6" : "inet");
	json_key(w, "state");
	json_string(w, state_name(k->proto, k->state));
	json_endpoint(w, "local", &k->local);
	json_endpoint(w, "remote", &k->remote);
	json_key(w, "listening");
	json_bool(w, socket_is_listener(k));
	if (k->v6only >= 0) {
		json_key(w, "v6only");
		json_bool(w, k->v6only);
	}
	json_key(w, "interface");
	json_uint(w, k->ifindex);
	json_key(w, "inode");
	json_uint(w, k->inode);
	json_key(w, "cookie");
	json_uint(w, k->cookie);
	json_key(w, "uid");
	json_uint(w, k->uid);
	json_key(w, "user");
	json_string(w, k->user);
	json_key(w, "rx_queue");
	json_uint(w, k->rqueue);
	json_key(w, "tx_queue");
	json_uint(w, k->wqueue);
	json_key(w, "owner_status");
	json_string(w, owner_status_names[k->owner_status]);
	json_key(w, "owners");
	json_begin_array(w);
	for (i = 0; i < k->owner_count; i++) {
		const struct pv_process *p = snapshot_owner(s, k, i);

		json_begin_object(w);
		json_key(w, "pid");
		json_uint(w, (uint64_t)p->pid);
		json_key(w, "comm");
		json_string(w, p->comm);
		json_end_object(w);
	}
	json_end_array(w);
	if (k->tcp.has_info)
		json_tcp_info(w, &k->tcp);
	json_end_object(w);
}

static void json_process(struct json_writer *w, const struct pv_process *p)
{
	json_begin_object(w);
	json_key(w, "pid");
	json_uint(w, (uint64_t)p->pid);
	json_key(w, "start_time");
	json_uint(w, p->start_time);
	json_key(w, "uid");
	json_uint(w, p->uid);
	json_key(w, "user");
	json_string(w, p->user);
	json_key(w, "comm");
	json_string(w, p->comm);
	json_key(w, "cmdline");
	json_string_len(w, p->cmdline, p->cmdline_len);
	if (p->cmdline_truncated) {
		json_key(w, "cmdline_truncated");
		json_bool(w, true);
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
	static const struct { unsigned bit; const char *name; } dumps[] = {
		{ PV_DUMP_TCP4, "tcp4" }, { PV_DUMP_TCP6, "tcp6" },
		{ PV_DUMP_UDP4, "udp4" }, { PV_DUMP_UDP6, "udp6" },
	};
	size_t i;

	json_key(w, "unavailable");
	json_begin_array(w);
	for (i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++)
		if (s->unavailable & dumps[i].bit)
			json_string(w, dumps[i].name);
	json_end_array(w);
	json_key(w, "incomplete");
	json_bool(w, s->incomplete);
	json_key(w, "unreadable_processes");
	json_uint(w, s->hidden_procs);
}

void output_json(FILE *out, const struct pv_snapshot *s, const struct pv_rows *r,
		 const struct output_meta *meta)
{
	struct json_writer w;
	char when[40];
	uint32_t *procs = xmalloc((s->nprocs ? s->nprocs : 1) * sizeof(uint32_t));
	bool *seen = xcalloc(s->nprocs ? s->nprocs : 1, sizeof(bool));
	size_t i, nprocs = 0;

	json_init(&w, out);
	json_begin_object(&w);
	json_key(&w, "portview");
	json_uint(&w, 1);
	json_key(&w, "version");
	json_string(&w, PACKAGE_VERSION);
	json_key(&w, "time");
	output_format_time(s, when, sizeof(when));
	json_string(&w, when);
	json_key(&w, "host");
	json_string(&w, meta->host);
	json_key(&w, "filter");
	json_string(&w, meta->filter);
	json_notices(&w, s);

	json_key(&w, "sockets");
	json_begin_array(&w);
	for (i = 0; i < r->nselected; i++) {
		const struct pv_socket *k = &s->socks[r->selected[i]];

		json_socket(&w, s, k);
		for (uint32_t o = 0; o < k->owner_count; o++) {
			uint32_t p = s->owner_refs[k->owner_first + o];

			if (!seen[p])
				procs[nprocs++] = p;
			seen[p] = true;
		}
	}
	json_end_array(&w);

	qsort_r(procs, nprocs, sizeof(uint32_t), cmp_pid, s->procs);
	json_key(&w, "processes");
	json_begin_array(&w);
	for (i = 0; i < nprocs; i++)
		json_process(&w, &s->procs[procs[i]]);
	json_end_array(&w);
	json_end_object(&w);
	fputc('\n', out);
	free(procs);
	free(seen);
}
