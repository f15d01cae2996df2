#include "config.h"

#include "columns.h"

#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "addr.h"
#include "compare.h"
#include "exposure.h"
#include "rows.h"
#include "sanitize.h"
#include "services.h"
#include "states.h"
#include "workload.h"

/* Owners listed by pid before the rest is summarised as "+N". */
enum { COLUMN_OWNERS_SHOWN = 4 };

static size_t put(struct strbuf *sb, const char *text)
{
	strbuf_puts(sb, text);
	return strlen(text);
}

static size_t fmt_proto(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8, struct strbuf *sb)
{
	(void)s;
	(void)utf8;
	if (k->proto == IPPROTO_TCP)
		return put(sb, k->family == AF_INET6 ? "tcp6" : "tcp");
	if (k->proto == IPPROTO_UDP)
		return put(sb, k->family == AF_INET6 ? "udp6" : "udp");
	/* ss's names: u_str, u_dgr, u_seq. */
	switch (k->sock_type) {
	case SOCK_STREAM: return put(sb, "u_str");
	case SOCK_DGRAM: return put(sb, "u_dgr");
	case SOCK_SEQPACKET: return put(sb, "u_seq");
	default: return put(sb, "unix");
	}
}

static size_t fmt_state(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8, struct strbuf *sb)
{
	(void)s;
	(void)utf8;
	return put(sb, state_short_name(k->proto, k->state));
}

static size_t fmt_u32(struct strbuf *sb, uint32_t v)
{
	size_t before = sb->len;

	strbuf_printf(sb, "%u", v);
	return sb->len - before;
}

static const struct column_names *names_in_use;

void columns_use_names(const struct column_names *names)
{
	names_in_use = names;
}

const struct column_names *columns_names(void)
{
	return names_in_use;
}

const char *column_service_name(uint8_t proto, uint16_t port)
{
	if (!names_in_use || !names_in_use->services || port == 0)
		return NULL;
	return services_name(names_in_use->services, proto, port);
}

const char *column_host_name(const struct pv_addr *a)
{
	if (!names_in_use || !names_in_use->host || addr_is_wildcard(a))
		return NULL;
	return names_in_use->host(names_in_use->ctx, a);
}

/* A host name from reverse DNS, escaped and cut to COLUMN_HOST_MAX cells
 * with an ellipsis: a PTR record is the remote peer's to choose, and 255
 * characters of it would push every other column off the screen. */
static size_t format_host_name(struct strbuf *sb, const char *host, bool utf8)
{
	struct strbuf clean = { 0 };
	size_t width = sanitize_append(&clean, host, strlen(host), utf8), used;

	if (width <= COLUMN_HOST_MAX) {
		strbuf_append(sb, clean.data, clean.len);
	} else {
		strbuf_append(sb, clean.data,
			      sanitize_fit(clean.data, clean.len, COLUMN_HOST_MAX - 1, &used));
		strbuf_puts(sb, utf8 ? "\xe2\x80\xa6" : "~");
		width = used + 1;
	}
	strbuf_free(&clean);
	return width;
}

size_t column_format_endpoint(struct strbuf *sb, const struct pv_endpoint *e, uint8_t proto, bool utf8)
{
	char buf[PV_ENDPOINT_STRLEN];
	const char *host, *service;
	size_t width;

	if (!names_in_use)
		return put(sb, endpoint_format(e, buf, sizeof(buf)));
	host = column_host_name(&e->addr);
	service = column_service_name(proto, e->port);
	/* Names come from DNS and /etc/services: untrusted text. */
	if (host)
		width = format_host_name(sb, host, utf8);
	else if (e->addr.family == AF_INET6)
		width = put(sb, "[") + put(sb, addr_format(&e->addr, buf, sizeof(buf))) + put(sb, "]");
	else
		width = put(sb, addr_format(&e->addr, buf, sizeof(buf)));
	width += put(sb, ":");
	if (service)
		return width + sanitize_append(sb, service, strlen(service), utf8);
	return width + fmt_u32(sb, e->port);
}

size_t column_format_unix_name(struct strbuf *sb, const struct pv_socket *k, bool utf8)
{
	if (!k->path_len)
		return put(sb, "*");
	/* An abstract name's leading NUL reads as '@', as ss and lsof show it. */
	if (k->path[0] == '\0')
		return put(sb, "@") + sanitize_append(sb, k->path + 1, k->path_len - 1U, utf8);
	return sanitize_append(sb, k->path, k->path_len, utf8);
}

static size_t fmt_local(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8, struct strbuf *sb)
{
	(void)s;
	if (socket_is_unix(k))
		return column_format_unix_name(sb, k, utf8);
	return column_format_endpoint(sb, &k->local, k->proto, utf8);
}

static size_t fmt_remote(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8, struct strbuf *sb)
{
	/* A UNIX client's other end is known by the name its server bound. */
	if (socket_is_unix(k))
		return k->has_peer && k->peer < s->nsocks
			       ? column_format_unix_name(sb, &s->socks[k->peer], utf8)
			       : put(sb, "*");
	if (k->remote.port == 0 && addr_is_wildcard(&k->remote.addr))
		return put(sb, "*");
	return column_format_endpoint(sb, &k->remote, k->proto, utf8);
}

/* A TCP or UNIX listener's receive queue is its accept queue, shown against the
 * backlog ("12/128"); its send queue holds nothing, so that cell counts
 * the handshakes under way instead ("syn 3"). */
static size_t fmt_recvq(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8, struct strbuf *sb)
{
	size_t before = sb->len;

	(void)s;
	(void)utf8;
	if (!socket_has_accept_queue(k))
		return fmt_u32(sb, k->rqueue);
	strbuf_printf(sb, "%u/%u", k->rqueue, k->wqueue);
	return sb->len - before;
}

static size_t fmt_sendq(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8, struct strbuf *sb)
{
	size_t before = sb->len;

	(void)s;
	(void)utf8;
	if (!socket_has_accept_queue(k))
		return fmt_u32(sb, k->wqueue);
	/* UNIX connections have no handshake to wait for. */
	if (socket_is_unix(k))
		return put(sb, "-");
	strbuf_printf(sb, "syn %u", k->syn_recv);
	return sb->len - before;
}

bool column_always_shown(int c)
{
	return c == COL_PROTO || c == COL_LOCAL || c == COL_PROCESS;
}

size_t column_format_bytes(struct strbuf *sb, double bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	size_t before = sb->len;
	double v = bytes;
	int u = -1;

	/* Binary units, switching before four digits: "1000 B" would be
	 * wider than "1.0 KiB" and no easier to read. */
	while (v >= 1000 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		strbuf_printf(sb, "%.0f B", v);
	else
		strbuf_printf(sb, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
	return sb->len - before;
}

size_t column_format_rate(struct strbuf *sb, double bytes_per_second)
{
	size_t width;

	/* Idle is most sockets: a bare 0 keeps their columns narrow. */
	if (bytes_per_second == 0) {
		strbuf_putc(sb, '0');
		return 1;
	}
	width = column_format_bytes(sb, bytes_per_second);

	strbuf_puts(sb, "/s");
	return width + 2;
}

static size_t fmt_rate_in(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			  struct strbuf *sb)
{
	(void)s;
	(void)utf8;
	return k->has_rate ? column_format_rate(sb, k->rate_in) : put(sb, "-");
}

static size_t fmt_rate_out(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			   struct strbuf *sb)
{
	(void)s;
	(void)utf8;
	return k->has_rate ? column_format_rate(sb, k->rate_out) : put(sb, "-");
}

size_t column_format_user(struct strbuf *sb, const char *user, uint32_t uid, bool utf8)
{
	if (user)
		return sanitize_append(sb, user, strlen(user), utf8);
	if (uid == PV_UID_UNKNOWN)
		return put(sb, "-");
	return fmt_u32(sb, uid);
}

static size_t fmt_user(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8, struct strbuf *sb)
{
	(void)s;
	return column_format_user(sb, k->user, k->uid, utf8);
}

/* The --remote host a socket is on ("" for this one's). */
static const char *socket_host(const struct pv_snapshot *s, const struct pv_socket *k)
{
	return k->host && k->host <= s->nhosts ? s->hosts[k->host - 1].name : "";
}

static size_t fmt_host(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8, struct strbuf *sb)
{
	const char *name = socket_host(s, k);

	return sanitize_append(sb, name, strlen(name), utf8);
}

static size_t fmt_netns(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8, struct strbuf *sb)
{
	char buf[32];
	const char *name = snapshot_netns_name(s, k->netns, buf, sizeof(buf));

	return sanitize_append(sb, name, strlen(name), utf8);
}

/* A listener's reach: "all", the interface of its one address, or "no"
 * for loopback; empty for connections. */
static size_t fmt_exposed(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			  struct strbuf *sb)
{
	const char *name;

	switch (socket_exposure(s, k)) {
	case PV_EXPOSURE_LOOPBACK: return put(sb, "no");
	case PV_EXPOSURE_ALL: return put(sb, "all");
	case PV_EXPOSURE_ADDRESS:
		name = exposure_interface(s, k);
		return name ? sanitize_append(sb, name, strlen(name), utf8) : put(sb, "addr");
	default: return 0;
	}
}

static int cmp_exposed(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	/* The widest reach first. */
	return cmp_u32(socket_exposure(s, b), socket_exposure(s, a));
}

static size_t format_owner_list(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
				struct strbuf *sb)
{
	size_t width = 0, before;
	uint32_t i;

	if (k->owner_status == PV_OWNER_HIDDEN)
		return put(sb, "(hidden)");
	/* A connection the listener's owner has not accepted yet belongs to
	 * no process: it waits in the accept queue. */
	if (k->owner_count == 0 && k->accepted && k->state == PV_STATE_ESTABLISHED)
		return put(sb, "(accept queue)");
	if (k->owner_count == 0)
		return put(sb, "-");
	for (i = 0; i < k->owner_count && i < COLUMN_OWNERS_SHOWN; i++) {
		const struct pv_process *p = snapshot_owner(s, k, i);
		const struct pv_process *prev = i ? snapshot_owner(s, k, i - 1) : NULL;

		before = sb->len;
		/* Owners sharing a name read as one: "nginx 100,101". */
		if (prev && strcmp(prev->comm, p->comm) == 0) {
			strbuf_printf(sb, ",%d", p->pid);
			width += sb->len - before;
			continue;
		}
		if (i)
			width += put(sb, ", ");
		width += sanitize_append(sb, p->comm, strlen(p->comm), utf8);
		before = sb->len;
		strbuf_printf(sb, " %d", p->pid);
		width += sb->len - before;
	}
	if (k->owner_count > COLUMN_OWNERS_SHOWN) {
		before = sb->len;
		strbuf_printf(sb, " +%u", k->owner_count - COLUMN_OWNERS_SHOWN);
		width += sb->len - before;
	}
	return width;
}

size_t column_format_owners(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			    struct strbuf *sb)
{
	size_t width = format_owner_list(s, k, utf8, sb);
	const struct pv_socket *p;

	if (!k->has_peer || k->peer >= s->nsocks)
		return width;
	/* The other end of a connection made on this host: the client points
	 * at the server, the server's side points back. An end no process
	 * holds (not yet accepted, or closed) adds nothing. */
	p = &s->socks[k->peer];
	if (p->owner_count == 0 && p->owner_status != PV_OWNER_HIDDEN)
		return width;
	width += put(sb, k->side == PV_SIDE_SERVER                            ? " <- "
			 : p->side == PV_SIDE_SERVER || socket_is_listener(p) ? " -> "
									      : " <-> ");
	width += format_owner_list(s, p, utf8, sb);
	/* A UNIX client still in the listener's accept queue. */
	if (socket_is_listener(p))
		width += put(sb, " (queued)");
	return width;
}

static const char *plural(uint32_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void group_counts(struct strbuf *sb, const struct pv_group *g)
{
	strbuf_printf(sb, "%u listening, %u %s", g->listeners, g->connections,
		      plural(g->connections, "connection", "connections"));
}

/* What a group moves and what is wrong in it, after its counts. */
static void group_traffic(struct strbuf *sb, const struct pv_group *g)
{
	if (g->has_rate) {
		strbuf_puts(sb, "  in ");
		column_format_rate(sb, g->rate_in);
		strbuf_puts(sb, " out ");
		column_format_rate(sb, g->rate_out);
	}
	if (g->flagged)
		strbuf_printf(sb, "  ! %u flagged", g->flagged);
}

/* A process's listening ports, so that a folded line still says what it
 * serves: "  :80 :443", or service names when names are on. */
static void group_ports(struct strbuf *sb, const struct pv_group *g, bool utf8)
{
	if (!g->nports)
		return;
	strbuf_puts(sb, " ");
	for (size_t i = 0; i < g->nports; i++) {
		const char *service = column_service_name(IPPROTO_TCP, g->ports[i]);

		/* /etc/services is text anyone with root once wrote: escaped. */
		if (service) {
			strbuf_puts(sb, " :");
			sanitize_append(sb, service, strlen(service), utf8);
		} else
			strbuf_printf(sb, " :%u", g->ports[i]);
	}
	if (g->more_ports)
		strbuf_puts(sb, " +more");
}

void column_format_pile(const struct pv_pile *p, bool utf8, struct strbuf *sb)
{
	char buf[PV_ADDR_STRLEN];
	const char *host = column_host_name(&p->top);

	strbuf_printf(sb, "%u in TIME-WAIT  oldest %us  ", p->count, (p->oldest_ms + 500) / 1000);
	if (p->remotes == 1)
		strbuf_puts(sb, "all from ");
	else
		strbuf_printf(sb, "from %u addresses, %u from ", p->remotes, p->top_count);
	if (host)
		format_host_name(sb, host, utf8);
	else
		strbuf_puts(sb, addr_format(&p->top, buf, sizeof(buf)));
}

void column_format_netns(struct strbuf *sb, const struct pv_snapshot *s, uint32_t inode, bool utf8)
{
	const struct pv_netns *ns = snapshot_netns(s, inode);
	char buf[32];
	const char *name = snapshot_netns_name(s, inode, buf, sizeof(buf));

	sanitize_append(sb, name, strlen(name), utf8);
	if (ns)
		strbuf_printf(sb, " (%s)", netns_kind_names[ns->kind]);
	strbuf_printf(sb, "  net:[%u]", inode);
}

bool column_format_workload(struct strbuf *sb, const struct pv_process *p, bool utf8)
{
	if (p->workload_kind == PV_WORKLOAD_NONE || !p->workload)
		return false;
	if (p->workload_kind == PV_WORKLOAD_UNIT) {
		strbuf_puts(sb, "unit ");
		sanitize_append(sb, p->workload, strlen(p->workload), utf8);
	} else {
		strbuf_puts(sb, "container ");
		sanitize_append(sb, p->workload, strlen(p->workload), utf8);
		strbuf_printf(sb, " (%s)", workload_kinds[p->workload_kind].name);
	}
	return true;
}

void column_format_group(const struct pv_snapshot *s, const struct pv_group *g, bool utf8, struct strbuf *sb)
{
	switch (g->kind) {
	case GK_PROCESS: {
		const struct pv_process *p = &s->procs[g->proc];

		sanitize_append(sb, p->comm, strlen(p->comm), utf8);
		strbuf_printf(sb, "  pid %d  user ", p->pid);
		column_format_user(sb, p->user, p->uid, utf8);
		strbuf_puts(sb, "  ");
		if (column_format_workload(sb, p, utf8))
			strbuf_puts(sb, "  ");
		group_counts(sb, g);
		if (!g->serves)
			strbuf_puts(sb, " (client)");
		group_ports(sb, g, utf8);
		group_traffic(sb, g);
		break;
	}
	case GK_HIDDEN:
		strbuf_printf(sb, "(owner hidden)  uid %u  ", g->uid);
		group_counts(sb, g);
		group_traffic(sb, g);
		break;
	case GK_HOST: {
		const struct pv_host *h = g->host && g->host <= s->nhosts ? &s->hosts[g->host - 1] : NULL;

		strbuf_puts(sb, "host ");
		if (h) {
			sanitize_append(sb, h->name, strlen(h->name), utf8);
			strbuf_printf(sb, "  %s", host_status_names[h->status]);
			if (h->status != PV_HOST_LIVE && h->age >= 0)
				strbuf_printf(sb, " %.0fs", h->age);
			if (h->version) {
				strbuf_puts(sb, "  portview ");
				sanitize_append(sb, h->version, strlen(h->version), utf8);
			}
		}
		strbuf_puts(sb, "  ");
		group_counts(sb, g);
		group_traffic(sb, g);
		break;
	}
	case GK_NETNS:
		strbuf_puts(sb, "netns ");
		column_format_netns(sb, s, g->netns, utf8);
		strbuf_puts(sb, "  ");
		group_counts(sb, g);
		group_traffic(sb, g);
		break;
	case GK_NOPROC:
		strbuf_puts(sb, "(no process)  ");
		group_counts(sb, g);
		group_traffic(sb, g);
		break;
	case GK_PORT: {
		const struct pv_socket *l = &s->socks[g->first_socket];

		if (g->proto == PV_PROTO_UNIX) {
			strbuf_puts(sb, "unix ");
			column_format_unix_name(sb, l, utf8);
			strbuf_puts(sb, "  ");
		} else {
			const char *service = column_service_name(g->proto, g->port);

			strbuf_printf(sb, "%s port %u", proto_name(g->proto), g->port);
			if (service) {
				strbuf_puts(sb, " (");
				sanitize_append(sb, service, strlen(service), utf8);
				strbuf_putc(sb, ')');
			}
			strbuf_puts(sb, "  ");
		}
		column_format_owners(s, l, utf8, sb);
		strbuf_puts(sb, "  ");
		group_counts(sb, g);
		/* The queues are the listeners'; with none shown, nothing is known. */
		if (g->proto == IPPROTO_TCP && g->listeners)
			strbuf_printf(sb, "  accept %u/%u  syn %u", g->accept_queue, g->backlog, g->syn_recv);
		if (g->time_wait)
			strbuf_printf(sb, "  time-wait %u", g->time_wait);
		else if (g->proto == PV_PROTO_UNIX && g->backlog)
			strbuf_printf(sb, "  accept %u/%u", g->accept_queue, g->backlog);
		group_traffic(sb, g);
		break;
	}
	case GK_REMOTE: {
		if (g->proto != PV_PROTO_UNIX) {
			strbuf_puts(sb, "remote ");
			column_format_endpoint(sb, &g->remote, g->proto, utf8);
		} else if (g->named != UINT32_MAX) {
			strbuf_puts(sb, "remote unix ");
			column_format_unix_name(sb, &s->socks[g->named], utf8);
		} else
			strbuf_puts(sb, "unix, unnamed");
		strbuf_printf(sb, "  %u %s", g->connections, plural(g->connections, "socket", "sockets"));
		group_traffic(sb, g);
		break;
	}
	}
}

size_t columns_fit(const size_t *want, size_t gap, size_t avail, bool *shown)
{
	size_t total;
	int c;

	for (;;) {
		int drop = -1;

		total = 0;
		for (c = 0; c < COL_COUNT; c++)
			if (shown[c])
				total += want[c] + (total ? gap : 0);
		if (total <= avail)
			return total;
		for (c = 0; c < COL_COUNT; c++)
			if (shown[c] && columns[c].priority > 0 &&
			    (drop < 0 || columns[c].priority > columns[drop].priority))
				drop = c;
		if (drop < 0)
			return total;
		shown[drop] = false;
	}
}

/* tcp_info columns: "-" for sockets without it (UDP, UNIX, listeners). */
static bool lacks_tcp_info(const struct pv_socket *k)
{
	return !k->tcp.has_info || socket_is_listener(k);
}

size_t column_format_round_trip(struct strbuf *sb, uint32_t us, bool utf8)
{
	size_t before = sb->len;

	/* Loopback and LAN round trips are microseconds: "85µs", not "0.1ms". */
	if (us < 1000) {
		strbuf_printf(sb, "%u%s", us, utf8 ? "\xc2\xb5s" : "us");
		return sb->len - before - (utf8 ? 1 : 0); /* µ is two bytes, one cell */
	}
	strbuf_printf(sb, us < 10000 ? "%.1fms" : "%.0fms", us / 1000.0);
	return sb->len - before;
}

static size_t fmt_rtt(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8, struct strbuf *sb)
{
	(void)s;
	if (lacks_tcp_info(k))
		return put(sb, "-");
	return column_format_round_trip(sb, k->tcp.rtt_us, utf8);
}

static size_t fmt_retrans(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			  struct strbuf *sb)
{
	(void)s;
	(void)utf8;
	if (lacks_tcp_info(k))
		return put(sb, "-");
	return fmt_u32(sb, k->tcp.total_retrans);
}

static size_t fmt_cwnd(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8, struct strbuf *sb)
{
	(void)s;
	(void)utf8;
	if (lacks_tcp_info(k))
		return put(sb, "-");
	return fmt_u32(sb, k->tcp.snd_cwnd);
}

static size_t fmt_delivery(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			   struct strbuf *sb)
{
	(void)s;
	(void)utf8;
	if (lacks_tcp_info(k))
		return put(sb, "-");
	return column_format_rate(sb, (double)k->tcp.delivery_rate);
}

/* What a TCP connection moved in all, from tcp_info: received, and sent
 * and acknowledged. */
static size_t fmt_bytes_in(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			   struct strbuf *sb)
{
	(void)s;
	(void)utf8;
	if (lacks_tcp_info(k))
		return put(sb, "-");
	return column_format_bytes(sb, (double)k->tcp.bytes_received);
}

static size_t fmt_bytes_out(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			    struct strbuf *sb)
{
	(void)s;
	(void)utf8;
	if (lacks_tcp_info(k))
		return put(sb, "-");
	return column_format_bytes(sb, (double)k->tcp.bytes_acked);
}

/* The local port alone, so that sorting by it is not sorting by address. */
static size_t fmt_port(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8, struct strbuf *sb)
{
	(void)s;
	(void)utf8;
	if (socket_is_unix(k))
		return put(sb, "-");
	return fmt_u32(sb, k->local.port);
}

/* The pid of the owner the PROCESS column names first. */
static size_t fmt_pid(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8, struct strbuf *sb)
{
	int32_t p = rows_primary_owner(s, k);

	(void)utf8;
	if (p < 0)
		return put(sb, "-");
	return fmt_u32(sb, (uint32_t)s->procs[p].pid);
}

/* The fd by which the owner PROCESS names first holds the socket; "-"
 * for a closed socket or one no process holds. */
static uint32_t primary_fd(const struct pv_snapshot *s, const struct pv_socket *k)
{
	int32_t p = rows_primary_owner(s, k);

	for (uint32_t i = 0; p >= 0 && i < k->owner_count; i++)
		if (s->owner_refs[k->owner_first + i] == (uint32_t)p)
			return s->owner_fds[k->owner_first + i];
	return PV_FD_UNKNOWN;
}

static size_t fmt_fd(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8, struct strbuf *sb)
{
	uint32_t fd = primary_fd(s, k);

	(void)utf8;
	return fd == PV_FD_UNKNOWN ? put(sb, "-") : fmt_u32(sb, fd);
}

static int cmp_fd(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return cmp_u32(primary_fd(s, a), primary_fd(s, b));
}

unsigned columns_hidden_by_default(void)
{
	unsigned mask = 0;

	for (int c = 0; c < COL_COUNT; c++)
		if (columns[c].hidden_by_default)
			mask |= 1u << c;
	return mask;
}

/* ---- sort orders: numbers largest first, as a person sorting by queue
 * size wants the full queues on top ---- */

static int cmp_proto(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	int c = cmp_u32(proto_rank(a->proto), proto_rank(b->proto));

	return c ? c : cmp_u32(a->family, b->family);
}

static int cmp_state(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return cmp_u32(a->state, b->state);
}

static int cmp_local(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return socket_is_unix(a) && socket_is_unix(b) ? cmp_name(a, b) : cmp_endpoint(&a->local, &b->local);
}

static int cmp_remote(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return cmp_endpoint(&a->remote, &b->remote);
}

static int cmp_recvq(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return -cmp_u32(a->rqueue, b->rqueue);
}

static int cmp_sendq(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return -cmp_u32(a->wqueue, b->wqueue);
}

/* Unmeasured rates below every measured one. */
static int cmp_rate_in(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return -cmp_double(a->has_rate ? a->rate_in : -1, b->has_rate ? b->rate_in : -1);
}

static int cmp_rate_out(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return -cmp_double(a->has_rate ? a->rate_out : -1, b->has_rate ? b->rate_out : -1);
}

static int cmp_rtt(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return -cmp_u32(a->tcp.has_info ? a->tcp.rtt_us : 0, b->tcp.has_info ? b->tcp.rtt_us : 0);
}

static int cmp_retrans(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return -cmp_u32(a->tcp.total_retrans, b->tcp.total_retrans);
}

static int cmp_cwnd(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return -cmp_u32(a->tcp.snd_cwnd, b->tcp.snd_cwnd);
}

static int cmp_delivery(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return -cmp_u64(a->tcp.delivery_rate, b->tcp.delivery_rate);
}

static int cmp_bytes_in(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return -cmp_u64(a->tcp.has_info ? a->tcp.bytes_received : 0,
			b->tcp.has_info ? b->tcp.bytes_received : 0);
}

static int cmp_bytes_out(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return -cmp_u64(a->tcp.has_info ? a->tcp.bytes_acked : 0, b->tcp.has_info ? b->tcp.bytes_acked : 0);
}

/* Port numbers smallest first, UNIX sockets after them; then the address. */
static int cmp_port(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	int c = cmp_u32(socket_is_unix(a), socket_is_unix(b));

	if (!c)
		c = cmp_u32(a->local.port, b->local.port);
	return c ? c : cmp_local(s, a, b);
}

/* Sockets without an owner last. */
static int cmp_pid(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	int32_t pa = rows_primary_owner(s, a), pb = rows_primary_owner(s, b);

	if (pa < 0 || pb < 0)
		return cmp_u32(pa < 0, pb < 0);
	return cmp_u32((uint32_t)s->procs[pa].pid, (uint32_t)s->procs[pb].pid);
}

static int cmp_host(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	return a->host == b->host ? 0 : strcmp(socket_host(s, a), socket_host(s, b));
}

static int cmp_netns(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	char x[32], y[32];

	if (a->netns == b->netns)
		return 0;
	return strcmp(snapshot_netns_name(s, a->netns, x, sizeof(x)),
		      snapshot_netns_name(s, b->netns, y, sizeof(y)));
}

static int cmp_user(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	int c = cmp_text(a->user, b->user);

	return c ? c : cmp_u32(a->uid, b->uid);
}

/* By the primary owner's name, then pid; sockets without one last. */
static int cmp_process(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	int32_t pa = rows_primary_owner(s, a), pb = rows_primary_owner(s, b);
	int c;

	if (pa < 0 || pb < 0)
		return cmp_u32(pa < 0, pb < 0);
	c = strcmp(s->procs[pa].comm, s->procs[pb].comm);
	return c ? c : cmp_u32((uint32_t)s->procs[pa].pid, (uint32_t)s->procs[pb].pid);
}

/* The command line of the socket's first owner, so that five python3
 * processes can be told apart at a glance. */
static size_t fmt_command(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			  struct strbuf *sb)
{
	int32_t p = rows_primary_owner(s, k);

	if (p < 0 || !s->procs[p].cmdline || !s->procs[p].cmdline_len)
		return put(sb, "-");
	return sanitize_append(sb, s->procs[p].cmdline, s->procs[p].cmdline_len, utf8);
}

static int cmp_command(const struct pv_snapshot *s, const struct pv_socket *a, const struct pv_socket *b)
{
	int32_t pa = rows_primary_owner(s, a), pb = rows_primary_owner(s, b);

	if (pa < 0 || pb < 0 || !s->procs[pa].cmdline || !s->procs[pb].cmdline)
		return cmp_u32(pa < 0 || !s->procs[pa].cmdline, pb < 0 || !s->procs[pb].cmdline);
	return strcmp(s->procs[pa].cmdline, s->procs[pb].cmdline);
}

/* sort_step: where the s key's cycle (natural order first) reaches the
 * column; 0 leaves it out of the cycle (a header click still sorts). */
const struct column columns[COL_COUNT] = {
	[COL_PROTO] = { .header = "PROTO",
			.priority = 3,
			.format = fmt_proto,
			.compare = cmp_proto,
			.sort_step = 5 },
	/* STATE outlives REMOTE: at 40 columns a listener must still look
	 * unlike a connection. */
	[COL_STATE] = { .header = "STATE",
			.priority = 1,
			.format = fmt_state,
			.compare = cmp_state,
			.sort_step = 4 },
	[COL_LOCAL] = { .header = "LOCAL",
			.priority = 0,
			.format = fmt_local,
			.compare = cmp_local,
			.sort_step = 2 },
	/* A sort key more than a column: LOCAL shows the port already. */
	[COL_PORT] = { .header = "PORT",
		       .right_align = true,
		       .priority = 9,
		       .format = fmt_port,
		       .compare = cmp_port,
		       .hidden_by_default = true },
	[COL_REMOTE] = { .header = "REMOTE",
			 .priority = 2,
			 .format = fmt_remote,
			 .compare = cmp_remote,
			 .sort_step = 3 },
	[COL_EXPOSED] = { .header = "EXPOSED",
			  .priority = 5,
			  .format = fmt_exposed,
			  .compare = cmp_exposed,
			  .hidden_by_default = true },
	[COL_RECVQ] = { .header = "RECV-Q",
			.right_align = true,
			.priority = 5,
			.format = fmt_recvq,
			.compare = cmp_recvq,
			.sort_step = 6,
			.group_order = GROUPS_BY_QUEUES },
	[COL_SENDQ] = { .header = "SEND-Q",
			.right_align = true,
			.priority = 6,
			.format = fmt_sendq,
			.compare = cmp_sendq,
			.sort_step = 7,
			.group_order = GROUPS_BY_QUEUES },
	[COL_RATE_IN] = { .header = "IN/s",
			  .right_align = true,
			  .priority = 7,
			  .format = fmt_rate_in,
			  .compare = cmp_rate_in,
			  .sort_step = 9,
			  .group_order = GROUPS_BY_RATE_IN,
			  .needs_rates = true },
	[COL_RATE_OUT] = { .header = "OUT/s",
			   .right_align = true,
			   .priority = 7,
			   .format = fmt_rate_out,
			   .compare = cmp_rate_out,
			   .sort_step = 10,
			   .group_order = GROUPS_BY_RATE_OUT,
			   .needs_rates = true },
	[COL_BYTES_IN] = { .header = "BYTES-IN",
			   .right_align = true,
			   .priority = 8,
			   .format = fmt_bytes_in,
			   .compare = cmp_bytes_in,
			   .needs_info = true,
			   .hidden_by_default = true },
	[COL_BYTES_OUT] = { .header = "BYTES-OUT",
			    .right_align = true,
			    .priority = 8,
			    .format = fmt_bytes_out,
			    .compare = cmp_bytes_out,
			    .needs_info = true,
			    .hidden_by_default = true },
	[COL_RTT] = { .header = "RTT",
		      .right_align = true,
		      .priority = 8,
		      .format = fmt_rtt,
		      .compare = cmp_rtt,
		      .needs_info = true,
		      .hidden_by_default = true },
	[COL_RETRANS] = { .header = "RETRANS",
			  .right_align = true,
			  .priority = 8,
			  .format = fmt_retrans,
			  .compare = cmp_retrans,
			  .needs_info = true,
			  .hidden_by_default = true },
	[COL_CWND] = { .header = "CWND",
		       .right_align = true,
		       .priority = 8,
		       .format = fmt_cwnd,
		       .compare = cmp_cwnd,
		       .needs_info = true,
		       .hidden_by_default = true },
	[COL_DELIVERY] = { .header = "DELIV/s",
			   .right_align = true,
			   .priority = 8,
			   .format = fmt_delivery,
			   .compare = cmp_delivery,
			   .needs_info = true,
			   .hidden_by_default = true },
	[COL_HOST] = { .header = "HOST",
		       .priority = 1,
		       .format = fmt_host,
		       .compare = cmp_host,
		       .needs_hosts = true },
	[COL_NETNS] = { .header = "NETNS",
			.priority = 3,
			.format = fmt_netns,
			.compare = cmp_netns,
			.needs_namespaces = true },
	[COL_USER] = { .header = "USER",
		       .priority = 4,
		       .format = fmt_user,
		       .compare = cmp_user,
		       .sort_step = 8 },
	[COL_PID] = { .header = "PID",
		      .right_align = true,
		      .priority = 4,
		      .format = fmt_pid,
		      .compare = cmp_pid,
		      .hidden_by_default = true },
	[COL_FD] = { .header = "FD",
		     .right_align = true,
		     .priority = 4,
		     .format = fmt_fd,
		     .compare = cmp_fd,
		     .hidden_by_default = true },
	[COL_PROCESS] = { .header = "PROCESS",
			  .priority = 0,
			  .format = column_format_owners,
			  .compare = cmp_process,
			  .sort_step = 1 },
	/* Last, taking what width is left; the first to go when short. */
	[COL_COMMAND] = { .header = "COMMAND",
			  .priority = 20,
			  .format = fmt_command,
			  .compare = cmp_command,
			  .text_when_named = true },
};

bool column_applies(int c, const struct pv_snapshot *s)
{
	if (columns[c].needs_hosts && !s->nhosts)
		return false;
	return !columns[c].needs_namespaces || snapshot_shown_netns(s) > 1;
}

int column_next_sort(int column)
{
	unsigned step = column < 0 ? 0 : columns[column].sort_step, best_step = 0;
	int best = -1;

	/* The column with the smallest step past this one's; after the last,
	 * the natural order again. */
	for (int c = 0; c < COL_COUNT; c++) {
		unsigned s = columns[c].sort_step;

		if (s > step && (best < 0 || s < best_step)) {
			best = c;
			best_step = s;
		}
	}
	return best;
}

void column_format_connection(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			      struct strbuf *sb)
{
	char a[PV_ENDPOINT_STRLEN], b[PV_ENDPOINT_STRLEN];

	strbuf_printf(sb, "%s%s %s %s %s  %s  ", proto_name(k->proto), k->family == AF_INET6 ? "6" : "",
		      endpoint_format(&k->local, a, sizeof(a)),
		      k->side == PV_SIDE_SERVER   ? "<-"
		      : k->side == PV_SIDE_CLIENT ? "->"
						  : "<->",
		      endpoint_format(&k->remote, b, sizeof(b)), state_short_name(k->proto, k->state));
	column_format_owners(s, k, utf8, sb);
}
