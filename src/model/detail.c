#include "config.h"

#include "detail.h"

#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "addr.h"
#include "activation.h"
#include "exposure.h"
#include "columns.h"
#include "health.h"
#include "relations.h"
#include "sanitize.h"
#include "states.h"

static void line_begin(struct strbuf *out, const char *label)
{
	strbuf_puts(out, label);
	strbuf_putc(out, '\t');
}

static void line_text(struct strbuf *out, const char *label, const char *text, bool utf8)
{
	line_begin(out, label);
	sanitize_append(out, text, strlen(text), utf8);
	strbuf_putc(out, '\n');
}

/* "42s", "7m", "3h", "2 days": a duration as a person reads it. */
static void format_duration(struct strbuf *out, double seconds)
{
	if (seconds < 0)
		seconds = 0;
	if (seconds < 120)
		strbuf_printf(out, "%.0fs", seconds);
	else if (seconds < 7200)
		strbuf_printf(out, "%.0fm", seconds / 60);
	else if (seconds < 2 * 86400)
		strbuf_printf(out, "%.0fh", seconds / 3600);
	else
		strbuf_printf(out, "%.0f days", seconds / 86400);
}

static void format_ago(struct strbuf *out, double seconds)
{
	format_duration(out, seconds);
	strbuf_puts(out, " ago");
}

void detail_format_start(const struct pv_snapshot *s, const struct pv_process *p, struct strbuf *out)
{
	double started;
	time_t t, now = s->taken.tv_sec;
	struct tm tm, today;
	char buf[32];

	if (s->boot_time <= 0 || s->clock_ticks <= 0) {
		strbuf_puts(out, "?");
		return;
	}
	started = s->boot_time + (double)p->start_time / (double)s->clock_ticks;
	t = (time_t)started;
	localtime_r(&t, &tm);
	localtime_r(&now, &today);
	if (tm.tm_yday == today.tm_yday && tm.tm_year == today.tm_year)
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	else
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
	strbuf_printf(out, "%s (", buf);
	format_ago(out, (double)now - started);
	strbuf_putc(out, ')');
}

static void describe_process(const struct pv_snapshot *s, const struct pv_process *p, bool utf8,
			     struct strbuf *out)
{
	line_begin(out, "owner");
	sanitize_append(out, p->comm, strlen(p->comm), utf8);
	strbuf_printf(out, " %d, user ", p->pid);
	column_format_user(out, p->user, p->uid, utf8);
	strbuf_puts(out, ", started ");
	detail_format_start(s, p, out);
	strbuf_putc(out, '\n');
	line_begin(out, "command");
	if (p->cmdline_len)
		sanitize_append(out, p->cmdline, p->cmdline_len, utf8);
	else
		strbuf_puts(out, "(none: a kernel thread or a zombie)");
	if (p->cmdline_truncated)
		strbuf_puts(out, " [cut]");
	strbuf_putc(out, '\n');
	if (p->cgroup) {
		line_begin(out, "runs in");
		if (column_format_workload(out, p, utf8))
			strbuf_puts(out, ", ");
		strbuf_puts(out, "cgroup ");
		sanitize_append(out, p->cgroup, strlen(p->cgroup), utf8);
		strbuf_putc(out, '\n');
	}
}

/* label, then an amount in the units the columns use: "acked 1.5 MiB". */
static void put_bytes(struct strbuf *out, const char *label, uint64_t bytes)
{
	strbuf_puts(out, label);
	column_format_bytes(out, (double)bytes);
}

static void put_rate(struct strbuf *out, const char *label, double bytes_per_second)
{
	strbuf_puts(out, label);
	column_format_rate(out, bytes_per_second);
}

/* Rates, flags, how long in this state, and the kernel's tcp_info. */
static void describe_health(const struct pv_snapshot *s, const struct pv_socket *k, struct strbuf *out,
			    bool utf8)
{
	const struct pv_tcp_details *t = &k->tcp;
	unsigned bit;

	(void)s;
	if (k->has_rate) {
		line_begin(out, "rate");
		put_rate(out, "in ", k->rate_in);
		put_rate(out, "  out ", k->rate_out);
		strbuf_putc(out, '\n');
	}
	if (k->flags) {
		line_begin(out, "flags");
		for (bit = 1; bit < 1u << PV_FLAG_COUNT; bit <<= 1)
			if (k->flags & bit)
				strbuf_printf(out, "!%s ", health_flag_name(bit));
		strbuf_putc(out, '\n');
	}
	if (k->has_state_since && k->state_since >= 0 && !socket_is_listener(k) && s->monotonic_taken > 0) {
		/* Seen to enter it, the age is known; found in it, only a
		 * lower bound is (how long it was watched, or tcp_info's). */
		line_begin(out, "state");
		strbuf_printf(out, "%s for %s", state_name(k->proto, k->state),
			      k->state_entered ? "" : "at least ");
		format_duration(out, s->monotonic_taken - k->state_since);
		strbuf_putc(out, '\n');
	}
	/* A listener's tcp_info is no connection's: no RTT, no bytes. */
	if (!t->has_info || socket_is_listener(k))
		return;
	line_begin(out, "rtt");
	column_format_round_trip(out, t->rtt_us, utf8);
	strbuf_puts(out, " (variance ");
	column_format_round_trip(out, t->rttvar_us, utf8);
	strbuf_printf(out, ")  cwnd %u segments\n", t->snd_cwnd);
	line_begin(out, "retrans");
	strbuf_printf(out, "%u now, %u in all  unacked %u  lost %u\n", t->retransmits, t->total_retrans,
		      t->unacked, t->lost);
	line_begin(out, "bytes");
	put_bytes(out, "acked ", t->bytes_acked);
	put_bytes(out, "  received ", t->bytes_received);
	put_rate(out, "  delivery ", (double)t->delivery_rate);
	strbuf_putc(out, '\n');
	line_begin(out, "last");
	strbuf_printf(out, "sent %.1fs ago, received %.1fs ago, ACK received %.1fs ago",
		      t->last_data_sent_ms / 1000.0, t->last_data_recv_ms / 1000.0,
		      t->last_ack_recv_ms / 1000.0);
	if (t->has_snd_wnd)
		strbuf_printf(out, "  peer window %u B", t->snd_wnd);
	strbuf_putc(out, '\n');
}

/* The first lines for an IP socket: its endpoints. */
/* The local port's class and, in its namespace, whether the kernel hands
 * it out to clients; a connection's end. */
static void describe_port(const struct pv_snapshot *s, const struct pv_socket *k, struct strbuf *out)
{
	const struct pv_port_rules *rules = snapshot_port_rules(s, k->netns);

	line_begin(out, "port");
	strbuf_printf(out, "%u: %s", k->local.port, port_class_names[port_class(k->local.port)]);
	if (rules->known && ports_reserved(rules, k->local.port))
		strbuf_puts(out, ", reserved (never given to clients)");
	else if (rules->known && ports_ephemeral(rules, k->local.port))
		strbuf_printf(out, ", in the ephemeral range %u-%u", rules->ephemeral_lo,
			      rules->ephemeral_hi);
	if (k->side != PV_SIDE_UNKNOWN)
		strbuf_printf(out, "; this is the %s end", side_names[k->side]);
	strbuf_putc(out, '\n');
}

/* Who holds a socket-activated listener for whom: the manager, the
 * .socket unit, and the service it starts (running or not yet). */
static void describe_activation(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
				struct strbuf *out)
{
	struct pv_activation a;

	if (!socket_activation(s, k, &a))
		return;
	line_begin(out, "activation");
	if (a.activator) {
		sanitize_append(out, a.activator->comm, strlen(a.activator->comm), utf8);
		strbuf_printf(out, " %d holds it", a.activator->pid);
	} else {
		strbuf_puts(out, "passed by the manager that started it");
	}
	if (a.socket_unit) {
		strbuf_puts(out, " for ");
		sanitize_append(out, a.socket_unit, strlen(a.socket_unit), utf8);
	}
	if (a.service_unit) {
		strbuf_puts(out, "; starts ");
		sanitize_append(out, a.service_unit, strlen(a.service_unit), utf8);
	}
	if (a.service) {
		strbuf_puts(out, a.service_unit ? ", running: " : "; started ");
		sanitize_append(out, a.service->comm, strlen(a.service->comm), utf8);
		strbuf_printf(out, " %d", a.service->pid);
		if (a.service->listen_fds)
			strbuf_printf(out, " (passed %u socket%s: LISTEN_FDS)", a.service->listen_fds,
				      a.service->listen_fds == 1 ? "" : "s");
	} else {
		strbuf_puts(out, "; not running: the first connection starts it");
	}
	strbuf_putc(out, '\n');
}

/* How far a listener reaches, and that no firewall was looked at. */
static void describe_exposure(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			      struct strbuf *out)
{
	enum pv_exposure e = socket_exposure(s, k);
	const char *name;

	if (e == PV_EXPOSURE_NONE)
		return;
	line_begin(out, "exposure");
	switch (e) {
	case PV_EXPOSURE_LOOPBACK: strbuf_puts(out, "loopback only: this host alone can reach it\n"); return;
	case PV_EXPOSURE_ALL: strbuf_puts(out, "every address of the host: other hosts can reach it"); break;
	default:
		strbuf_puts(out, "one interface");
		name = exposure_interface(s, k);
		if (name) {
			strbuf_puts(out, ", ");
			sanitize_append(out, name, strlen(name), utf8);
		}
		strbuf_puts(out, ": hosts on its network can reach it");
		break;
	}
	strbuf_puts(out, " (firewall not checked)\n");
}

static void describe_inet(const struct pv_socket *k, struct strbuf *out)
{
	char a[PV_ENDPOINT_STRLEN], b[PV_ENDPOINT_STRLEN];

	line_begin(out, "");
	strbuf_printf(out, "%s%s %s %s %s  %s%s\n", proto_name(k->proto), k->family == AF_INET6 ? "6" : "",
		      endpoint_format(&k->local, a, sizeof(a)), socket_is_listener(k) ? "listening" : "<->",
		      socket_is_listener(k) ? "" : endpoint_format(&k->remote, b, sizeof(b)),
		      state_name(k->proto, k->state), k->gone ? "  (closed)" : "");
	line_begin(out, "local");
	strbuf_printf(out, "%s%s\n", endpoint_format(&k->local, a, sizeof(a)),
		      k->v6only == 0   ? "  (dual-stack: IPv4 too)"
		      : k->v6only == 1 ? "  (IPv6 only)"
				       : "");
	/* A listener has no other end; "0.0.0.0:0" would say it has one. */
	if (socket_is_listener(k))
		return;
	line_begin(out, "remote");
	strbuf_printf(out, "%s\n", endpoint_format(&k->remote, a, sizeof(a)));
}

/* The first lines for a UNIX socket: its type, name and other end. */
static void describe_unix(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			  struct strbuf *out)
{
	line_begin(out, "");
	strbuf_printf(out, "unix %s ", unix_type_name(k->sock_type));
	column_format_unix_name(out, k, utf8);
	strbuf_printf(out, "  %s%s\n", state_name(k->proto, k->state), k->gone ? "  (closed)" : "");
	line_begin(out, "name");
	if (!k->path_len)
		strbuf_puts(out, "none (unnamed)\n");
	else {
		column_format_unix_name(out, k, utf8);
		strbuf_puts(out, k->path[0] == '\0' ? "  (abstract)\n" : "\n");
	}
	line_begin(out, "other end");
	if (k->peer_inode && k->has_peer && k->peer < s->nsocks) {
		strbuf_printf(out, "inode %u, ", k->peer_inode);
		column_format_unix_name(out, &s->socks[k->peer], utf8);
		strbuf_putc(out, '\n');
	} else if (k->peer_inode) {
		strbuf_printf(out, "inode %u\n", k->peer_inode);
	} else {
		strbuf_puts(out, "none\n");
	}
}

static void describe_socket(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			    struct strbuf *out)
{
	uint32_t i;

	if (socket_is_unix(k)) {
		describe_unix(s, k, utf8, out);
	} else {
		describe_inet(k, out);
		describe_port(s, k, out);
		describe_exposure(s, k, utf8, out);
	}
	describe_activation(s, k, utf8, out);
	if (k->has_peer && k->peer < s->nsocks) {
		line_begin(out, "peer");
		strbuf_puts(out, k->side == PV_SIDE_SERVER ? "client "
				 : s->socks[k->peer].side == PV_SIDE_SERVER ||
						 socket_is_listener(&s->socks[k->peer])
					 ? "server "
					 : "");
		column_format_owners(s, &s->socks[k->peer], utf8, out);
		strbuf_puts(out, " (the other end, on this host)\n");
	}
	line_begin(out, "queues");
	if (socket_has_accept_queue(k) && socket_is_unix(k))
		strbuf_printf(out, "accept queue %u of backlog %u%s\n", k->rqueue, k->wqueue,
			      relations_queue_full(k) ? " (FULL: connections wait or fail)" : "");
	else if (socket_has_accept_queue(k))
		strbuf_printf(out,
			      "accept queue %u of backlog %u%s, %u handshakes under way, %u closed "
			      "connections in TIME_WAIT\n",
			      k->rqueue, k->wqueue,
			      relations_queue_full(k) ? " (FULL: connections are refused or delayed)" : "",
			      k->syn_recv, k->time_wait);
	else if (k->proto == IPPROTO_TCP)
		strbuf_printf(out, "recv %u B unread, send %u B unacknowledged\n", k->rqueue, k->wqueue);
	else
		strbuf_printf(out, "recv %u B, send %u B\n", k->rqueue, k->wqueue);
	describe_health(s, k, out, utf8);
	line_begin(out, "socket");
	strbuf_printf(out, "inode %u  cookie %llu  ", k->inode, (unsigned long long)k->cookie);
	if (k->uid == PV_UID_UNKNOWN)
		strbuf_puts(out, "uid unknown (the kernel keeps none for this socket)");
	else
		strbuf_printf(out, "uid %u", k->uid);
	if (k->user) {
		strbuf_puts(out, " (");
		sanitize_append(out, k->user, strlen(k->user), utf8);
		strbuf_putc(out, ')');
	}
	if (socket_is_unix(k))
		strbuf_putc(out, '\n');
	else if (k->ifindex)
		strbuf_printf(out, "  interface %u\n", k->ifindex);
	else
		strbuf_puts(out, "  interface any\n");
	if (k->cgroup_id && snapshot_cgroup_path(s, k->cgroup_id)) {
		const char *path = snapshot_cgroup_path(s, k->cgroup_id);

		line_begin(out, "made in");
		strbuf_puts(out, "cgroup ");
		sanitize_append(out, path, strlen(path), utf8);
		strbuf_putc(out, '\n');
	}
	if (k->forward_to && k->forward_to <= s->nsocks) {
		const struct pv_socket *t = &s->socks[k->forward_to - 1];
		char buf[PV_ENDPOINT_STRLEN];

		line_begin(out, "publishes");
		strbuf_printf(out, "%s in ", endpoint_format(&t->local, buf, sizeof(buf)));
		column_format_netns(out, s, t->netns, utf8);
		strbuf_putc(out, '\n');
	}
	if (k->netns) {
		line_begin(out, "netns");
		column_format_netns(out, s, k->netns, utf8);
		strbuf_putc(out, '\n');
	}
	if (k->owner_status == PV_OWNER_HIDDEN)
		line_text(out, "owner", "hidden: run as root, or grant CAP_DAC_READ_SEARCH,CAP_SYS_PTRACE",
			  utf8);
	else if (k->owner_count == 0)
		line_text(out, "owner", "none: no process holds this socket", utf8);
	for (i = 0; i < k->owner_count; i++)
		describe_process(s, snapshot_owner(s, k, i), utf8, out);
}

static void describe_group(const struct pv_snapshot *s, const struct pv_group *g, bool utf8,
			   struct strbuf *out)
{
	line_begin(out, "");
	column_format_group(s, g, utf8, out);
	strbuf_putc(out, '\n');
	if (g->kind == GK_PROCESS)
		describe_process(s, &s->procs[g->proc], utf8, out);
	else if (g->kind == GK_PORT)
		describe_socket(s, &s->socks[g->first_socket], utf8, out);
	else if (g->kind == GK_HIDDEN)
		line_text(out, "owner", "hidden: run as root, or grant CAP_DAC_READ_SEARCH,CAP_SYS_PTRACE",
			  utf8);
}

/* A TIME_WAIT pile: what it sums up, and why it is there. */
static void describe_pile(const struct pv_snapshot *s, const struct pv_pile *p, bool utf8, struct strbuf *out)
{
	line_begin(out, "pile");
	column_format_pile(p, utf8, out);
	strbuf_putc(out, '\n');
	line_text(out, "why",
		  "connections closed by this end first wait 60 s in TIME_WAIT; many mean many short "
		  "connections (keep-alive would reuse them)",
		  utf8);
	if (p->parent != UINT32_MAX)
		describe_socket(s, &s->socks[p->parent], utf8, out);
}

void detail_describe(const struct pv_snapshot *s, const struct pv_rows *r, size_t i, bool utf8,
		     struct strbuf *out)
{
	const struct pv_row *row = &r->rows[i];

	if (row->kind == ROW_SOCKET)
		describe_socket(s, &s->socks[row->index], utf8, out);
	else if (row->kind == ROW_PILE)
		describe_pile(s, &r->piles[row->index], utf8, out);
	else
		describe_group(s, &r->groups[row->index], utf8, out);
}
