#include "config.h"

#include "why.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>

#include "addr.h"
#include "columns.h"
#include "sanitize.h"
#include "states.h"
#include "xalloc.h"

static const char *const form_names[PV_BIND_FORM_COUNT] = {
	[PV_BIND_V4] = "0.0.0.0",
	[PV_BIND_V6_ONLY] = "[::] IPv6 only",
	[PV_BIND_DUAL] = "[::] dual-stack",
	[PV_BIND_V4_NO_REUSE] = "0.0.0.0 without SO_REUSEADDR",
};

const char *why_form_name(enum pv_bind_form form)
{
	return form_names[form];
}

bool why_parse(const char *text, struct why_query *q, char *err, size_t errsize)
{
	const char *p = text, *slash;
	unsigned long port = 0;
	size_t digits = 0;

	memset(q, 0, sizeof(*q));
	if (*p == ':')
		p++;
	for (; isdigit((unsigned char)p[digits]) && digits < 6; digits++)
		port = port * 10 + (unsigned long)(p[digits] - '0');
	slash = p + digits;
	if (!digits || port == 0 || port > 65535 || (*slash && *slash != '/')) {
		snprintf(err, errsize, "'%s' is not a port: give 1-65535, optionally /tcp or /udp", text);
		return false;
	}
	q->port = (uint16_t)port;
	if (*slash == '/') {
		if (strcasecmp(slash + 1, "tcp") == 0) {
			q->proto = IPPROTO_TCP;
		} else if (strcasecmp(slash + 1, "udp") == 0) {
			q->proto = IPPROTO_UDP;
		} else {
			snprintf(err, errsize, "'%s': the protocol after / is tcp or udp", text);
			return false;
		}
	}
	return true;
}

size_t why_protocols(const struct why_query *q, uint8_t protos[2])
{
	if (q->proto) {
		protos[0] = q->proto;
		return 1;
	}
	protos[0] = IPPROTO_TCP;
	protos[1] = IPPROTO_UDP;
	return 2;
}

static void push(uint32_t **list, size_t *n, uint32_t index)
{
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = index;
}

/* What the sockets of s say about port for one protocol. */
static void scan_port(const struct pv_snapshot *s, uint32_t netns, uint16_t port, struct why_proto *w)
{
	for (size_t i = 0; i < s->nsocks; i++) {
		const struct pv_socket *k = &s->socks[i];

		if (k->gone || k->proto != w->proto || k->local.port != port)
			continue;
		if (k->netns != netns) {
			w->elsewhere += socket_is_listener(k);
			continue;
		}
		/* A TCP socket in CLOSE was dumped as bound-but-inactive:
		 * connections in CLOSE are gone from the tables. */
		if (socket_is_listener(k) ||
		    (k->proto == IPPROTO_TCP &&
		     (k->state == PV_STATE_CLOSE || k->state == PV_STATE_BOUND_INACTIVE))) {
			push(&w->holders, &w->nholders, (uint32_t)i);
		} else if (k->proto == IPPROTO_TCP && k->state == PV_STATE_TIME_WAIT) {
			w->time_wait++;
			if (k->timer_left_ms > w->time_wait_left_ms)
				w->time_wait_left_ms = k->timer_left_ms;
		} else if (k->proto == IPPROTO_TCP && k->state == PV_STATE_CLOSE_WAIT) {
			push(&w->close_wait, &w->nclose_wait, (uint32_t)i);
		} else {
			w->connections++;
		}
	}
}

void why_build(const struct pv_snapshot *s, const struct why_query *q,
	       const struct pv_bind_try tries[2][PV_BIND_FORM_COUNT], struct why_report *r)
{
	uint8_t protos[2];

	memset(r, 0, sizeof(*r));
	r->query = *q;
	r->netns = s->nnetns ? s->netns[0].inode : 0;
	r->rules = *snapshot_port_rules(s, r->netns);
	r->nprotos = why_protocols(q, protos);
	for (size_t p = 0; p < r->nprotos; p++) {
		struct why_proto *w = &r->protos[p];

		w->proto = protos[p];
		memcpy(w->tries, tries[p], sizeof(w->tries));
		for (int f = 0; f < PV_BIND_FORM_COUNT; f++) {
			/* Without SO_REUSEADDR, TIME_WAIT blocks too: that
			 * is told apart, not a port in use. */
			if (!w->tries[f].tried || f == PV_BIND_V4_NO_REUSE)
				continue;
			w->taken |= w->tries[f].error == EADDRINUSE;
			w->denied |= w->tries[f].error == EACCES;
		}
		scan_port(s, r->netns, q->port, w);
		/* Not allowed to try: the sockets alone tell. */
		if (w->denied && !w->taken)
			w->taken = w->nholders > 0;
		r->taken |= w->taken;
	}
}

void why_free(struct why_report *r)
{
	for (size_t p = 0; p < r->nprotos; p++) {
		free(r->protos[p].holders);
		free(r->protos[p].close_wait);
	}
	memset(r, 0, sizeof(*r));
}

static void line_begin(struct strbuf *out, const char *label)
{
	strbuf_puts(out, label);
	strbuf_putc(out, '\t');
}

/* "IPv4", "IPv6 only", "dual-stack": which clients a holder takes. */
static const char *holder_family(const struct pv_socket *k)
{
	if (k->family == AF_INET)
		return "IPv4";
	return k->v6only == 0 ? "dual-stack, IPv4 too" : k->v6only == 1 ? "IPv6 only" : "IPv6";
}

/* The owners of k, or that none was found. */
static void describe_owners(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			    struct strbuf *out)
{
	if (k->owner_count || k->owner_status == PV_OWNER_HIDDEN)
		column_format_owners(s, k, utf8, out);
	else
		strbuf_puts(out, "no process found (the kernel's own, or one in another pid namespace)");
}

/* A holder: its address, family and owners, then the first owner's
 * command line unless the holder before had the same (*last_pid). */
static void describe_holder(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			    struct strbuf *out, int *last_pid)
{
	char a[PV_ENDPOINT_STRLEN];
	const struct pv_process *p = k->owner_count ? snapshot_owner(s, k, 0) : NULL;

	line_begin(out, socket_is_listener(k) ? "listening" : "bound");
	strbuf_printf(out, "%s (%s%s) by ", endpoint_format(&k->local, a, sizeof(a)), holder_family(k),
		      socket_is_listener(k) ? "" : ", not listening");
	describe_owners(s, k, utf8, out);
	if (p && p->user) {
		strbuf_puts(out, ", user ");
		sanitize_append(out, p->user, strlen(p->user), utf8);
	}
	strbuf_putc(out, '\n');
	if (p && p->cmdline && p->cmdline_len && p->pid != *last_pid) {
		*last_pid = p->pid;
		line_begin(out, "command");
		sanitize_append(out, p->cmdline, p->cmdline_len, utf8);
		strbuf_putc(out, '\n');
	}
}

/* Listeners on one address and port are SO_REUSEPORT siblings: nothing
 * else lets two sockets listen there. Said once per address. */
static void describe_siblings(const struct pv_snapshot *s, const struct why_proto *w, struct strbuf *out)
{
	for (size_t i = 0; i < w->nholders; i++) {
		const struct pv_socket *k = &s->socks[w->holders[i]];
		size_t same = 0, first = SIZE_MAX;
		char a[PV_ENDPOINT_STRLEN];

		for (size_t j = 0; j < w->nholders; j++) {
			const struct pv_socket *o = &s->socks[w->holders[j]];

			if (socket_is_listener(o) && socket_is_listener(k) && o->family == k->family &&
			    addr_in_prefix(&o->local.addr, &k->local.addr,
					   k->local.addr.family == AF_INET ? 32 : 128)) {
				same++;
				first = first < j ? first : j;
			}
		}
		if (same < 2 || first != i)
			continue;
		line_begin(out, "reuseport");
		strbuf_printf(out,
			      "%zu listeners share %s (SO_REUSEPORT): another may join them with "
			      "SO_REUSEPORT as the same user\n",
			      same, endpoint_format(&k->local, a, sizeof(a)));
	}
}

/* The kernel's answer in words a line can hold. */
static const char *bind_outcome(int error)
{
	switch (error) {
	case 0: return "binds";
	case EADDRINUSE: return "in use";
	case EACCES: return "not allowed";
	default: return strerror(error);
	}
}

static void describe_binds(const struct why_proto *w, struct strbuf *out)
{
	bool first = true;

	line_begin(out, "tried");
	for (int f = 0; f < PV_BIND_FORM_COUNT; f++) {
		if (!w->tries[f].tried)
			continue;
		strbuf_printf(out, "%s%s %s", first ? "" : "; ", form_names[f],
			      bind_outcome(w->tries[f].error));
		first = false;
	}
	strbuf_putc(out, '\n');
}

static void describe_rules(const struct why_report *r, struct strbuf *out)
{
	uint16_t port = r->query.port;

	line_begin(out, "port");
	strbuf_printf(out, "%u is %s", port, port_class_names[port_class(port)]);
	if (!r->rules.known) {
		strbuf_puts(out, "; this namespace's port rules could not be read\n");
		return;
	}
	if (ports_reserved(&r->rules, port))
		strbuf_puts(out, "; reserved (net.ipv4.ip_local_reserved_ports): never given to clients");
	else if (ports_ephemeral(&r->rules, port))
		strbuf_printf(out,
			      "; inside the ephemeral range %u-%u: a client's connect may take it first "
			      "(reserve it in net.ipv4.ip_local_reserved_ports)",
			      r->rules.ephemeral_lo, r->rules.ephemeral_hi);
	else
		strbuf_printf(out, "; outside the ephemeral range %u-%u", r->rules.ephemeral_lo,
			      r->rules.ephemeral_hi);
	strbuf_putc(out, '\n');
	line_begin(out, "privilege");
	if (port < r->rules.unprivileged_start)
		strbuf_printf(out,
			      "below net.ipv4.ip_unprivileged_port_start (%u): only root or "
			      "CAP_NET_BIND_SERVICE may bind it\n",
			      r->rules.unprivileged_start);
	else
		strbuf_printf(out, "any user may bind it (net.ipv4.ip_unprivileged_port_start is %u)\n",
			      r->rules.unprivileged_start);
}

static void describe_proto(const struct pv_snapshot *s, const struct why_proto *w, bool utf8,
			   struct strbuf *out)
{
	int last_pid = 0;

	describe_binds(w, out);
	for (size_t i = 0; i < w->nholders; i++)
		describe_holder(s, &s->socks[w->holders[i]], utf8, out, &last_pid);
	describe_siblings(s, w, out);
	if (w->taken && !w->nholders) {
		line_begin(out, "held");
		strbuf_puts(out,
			    "by a socket portview does not see here (run as root to see every socket)\n");
	}
	if (w->time_wait) {
		line_begin(out, "time-wait");
		strbuf_printf(
			out,
			"%zu closed connection%s of the port, the last gone in %u s: a server that does "
			"not set SO_REUSEADDR cannot bind until then%s\n",
			w->time_wait, w->time_wait == 1 ? "" : "s", (w->time_wait_left_ms + 999) / 1000,
			w->tries[PV_BIND_V4_NO_REUSE].tried &&
					w->tries[PV_BIND_V4_NO_REUSE].error == EADDRINUSE
				? " (tried: it cannot now)"
				: "");
	}
	if (w->nclose_wait) {
		const struct pv_socket *k = &s->socks[w->close_wait[0]];

		line_begin(out, "close-wait");
		strbuf_printf(out,
			      "%zu connection%s the other end closed and its owner has not: ", w->nclose_wait,
			      w->nclose_wait == 1 ? "" : "s");
		column_format_owners(s, k, utf8, out);
		strbuf_putc(out, '\n');
	}
	if (w->connections) {
		line_begin(out, "in use");
		strbuf_printf(out, "by %zu other connection%s as their local port\n", w->connections,
			      w->connections == 1 ? "" : "s");
	}
	if (w->elsewhere) {
		line_begin(out, "elsewhere");
		strbuf_printf(out, "%zu listener%s on it in other network namespaces (no clash here)\n",
			      w->elsewhere, w->elsewhere == 1 ? "" : "s");
	}
}

void why_describe(const struct pv_snapshot *s, const struct why_report *r, bool utf8, struct strbuf *out)
{
	for (size_t p = 0; p < r->nprotos; p++) {
		const struct why_proto *w = &r->protos[p];

		line_begin(out, "");
		strbuf_printf(out, "%u/%s: ", r->query.port, proto_name(w->proto));
		if (w->taken && w->nholders) {
			strbuf_puts(out, "taken by ");
			describe_owners(s, &s->socks[w->holders[0]], utf8, out);
		} else if (w->taken) {
			strbuf_puts(out, "taken");
		} else if (w->denied) {
			strbuf_puts(out, "free, but not to this user");
		} else {
			strbuf_puts(out, "free: a new server can bind it");
		}
		strbuf_putc(out, '\n');
		describe_proto(s, w, utf8, out);
	}
	describe_rules(r, out);
}
