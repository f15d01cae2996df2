#include "config.h"

#include "filter.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "exposure.h"
#include "filter_internal.h"
#include "kinds.h"
#include "states.h"
#include "workload.h"
#include "xalloc.h"

/* ---- building ---- */

int filter_add(struct pv_filter *f, enum filter_kind kind)
{
	if (f->count == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->nodes = xreallocarray(f->nodes, (size_t)f->cap, sizeof(*f->nodes));
	}
	memset(&f->nodes[f->count], 0, sizeof(f->nodes[0]));
	f->nodes[f->count].kind = kind;
	return f->count++;
}

int filter_add_binary(struct pv_filter *f, enum filter_kind kind, int a, int b)
{
	int n = filter_add(f, kind);

	f->nodes[n].a = a;
	f->nodes[n].b = b;
	return n;
}

void filter_free(struct pv_filter *f)
{
	int i;

	if (!f)
		return;
	for (i = 0; i < f->count; i++) {
		free(f->nodes[i].text);
		free(f->nodes[i].source);
	}
	free(f->nodes);
	free(f);
}

/* ---- combining ---- */

static int filter_copy_into(struct pv_filter *dst, const struct pv_filter *src, int n)
{
	const struct filter_node *s = &src->nodes[n];
	int m, a = -1, b = -1;

	if (s->kind == FK_AND || s->kind == FK_OR || s->kind == FK_NOT)
		a = filter_copy_into(dst, src, s->a);
	if (s->kind == FK_AND || s->kind == FK_OR)
		b = filter_copy_into(dst, src, s->b);
	m = filter_add(dst, s->kind);
	dst->nodes[m] = *s;
	dst->nodes[m].a = a;
	dst->nodes[m].b = b;
	dst->nodes[m].text = s->text ? xstrdup(s->text) : NULL;
	dst->nodes[m].source = s->source ? xstrdup(s->source) : NULL;
	return m;
}

struct pv_filter *filter_and(const struct pv_filter *a, const struct pv_filter *b)
{
	struct pv_filter *f = xcalloc(1, sizeof(*f));
	int ra = a && a->root >= 0 ? filter_copy_into(f, a, a->root) : -1;
	int rb = b && b->root >= 0 ? filter_copy_into(f, b, b->root) : -1;

	if (ra >= 0 && rb >= 0)
		f->root = filter_add_binary(f, FK_AND, ra, rb);
	else
		f->root = ra >= 0 ? ra : rb;
	return f;
}

/* ---- evaluation ---- */

static bool port_in(uint16_t port, const struct filter_node *n)
{
	return port >= n->lo && port <= n->hi;
}

static bool owner_matches(const struct filter_node *n, const struct pv_process *pr)
{
	switch (n->kind) {
	case FK_PROC:
		switch ((enum proc_match)n->lo) {
		case PROC_NAME_EXACT: return pr->comm && strcmp(pr->comm, n->text) == 0;
		case PROC_NAME: return pr->comm && strcasestr(pr->comm, n->text);
		case PROC_CMD: return pr->cmdline && strcasestr(pr->cmdline, n->text);
		case PROC_NAME_OR_CMD: break;
		}
		return (pr->comm && strcasestr(pr->comm, n->text)) ||
		       (pr->cmdline && strcasestr(pr->cmdline, n->text));
	case FK_PID: return pr->pid == (int)n->lo;
	case FK_USER: return (n->numeric && pr->uid == n->lo) || (pr->user && strcmp(pr->user, n->text) == 0);
	case FK_CONTAINER:
		return workload_kinds[pr->workload_kind].container &&
		       (strcasestr(pr->workload, n->text) ||
			strncmp(pr->workload_id, n->text, strlen(n->text)) == 0);
	case FK_UNIT: return pr->workload_kind == PV_WORKLOAD_UNIT && strcasestr(pr->workload, n->text);
	default: return false;
	}
}

static bool any_owner_matches(const struct filter_node *n, const struct pv_snapshot *s,
			      const struct pv_socket *k)
{
	uint32_t i;

	for (i = 0; i < k->owner_count; i++)
		if (owner_matches(n, snapshot_owner(s, k, i)))
			return true;
	return false;
}

/* Names may hold NUL bytes (abstract ones do): search by length. */
static bool bytes_contain(const char *hay, size_t len, const char *needle)
{
	return memmem(hay, len, needle, strlen(needle)) != NULL;
}

/* A UNIX socket's name, or for an unnamed client the name of the socket
 * it is connected to: "path:docker.sock" finds the daemon and its clients.
 * Abstract names match as they are shown, with a leading '@'. */
static bool path_matches(const struct filter_node *n, const struct pv_snapshot *s, const struct pv_socket *k)
{
	const struct pv_socket *named = k;

	if (!socket_is_unix(k))
		return false;
	if (!k->path_len && k->has_peer && k->peer < s->nsocks)
		named = &s->socks[k->peer];
	if (!named->path_len)
		return false;
	if (named->path[0] != '\0')
		return bytes_contain(named->path, named->path_len, n->text);
	/* Abstract: the name after its NUL, asked for with or without '@'. */
	return bytes_contain(named->path + 1, named->path_len - 1U, n->text + (n->text[0] == '@'));
}

/* The socket's namespace by name, or by its inode number. */
static bool netns_matches(const struct filter_node *n, const struct pv_snapshot *s, const struct pv_socket *k)
{
	char buf[32];
	const char *name = snapshot_netns_name(s, k->netns, buf, sizeof(buf));

	snprintf(buf, sizeof(buf), "%u", k->netns);
	return strcasestr(name, n->text) || strcmp(buf, n->text) == 0;
}

/* A socket whose owners are hidden (or gone) still names the cgroup that
 * made it: unit: and container: look there too. */
static bool socket_cgroup_matches(const struct filter_node *n, const struct pv_snapshot *s,
				  const struct pv_socket *k)
{
	const char *path = k->owner_count ? NULL : snapshot_cgroup_path(s, k->cgroup_id);
	struct pv_process as_if = { 0 };
	struct workload w;
	char id[256];

	if (!path)
		return false;
	workload_classify(path, strlen(path), &w);
	if (w.kind == PV_WORKLOAD_NONE || w.id_len >= sizeof(id))
		return false;
	memcpy(id, w.id, w.id_len);
	id[w.id_len] = '\0';
	as_if.workload_kind = (uint8_t)w.kind;
	as_if.workload = as_if.workload_id = id;
	return owner_matches(n, &as_if);
}

/* container: matches an owner in a container by its name or id, and a
 * socket without one (TIME_WAIT) in a container's namespace by the
 * namespace's name. */
static bool netns_or_owner(const struct filter_node *n, const struct pv_snapshot *s,
			   const struct pv_socket *k)
{
	const struct pv_netns *ns;

	if (any_owner_matches(n, s, k))
		return true;
	ns = snapshot_netns(s, k->netns);
	return ns && (ns->kind == PV_NETNS_CONTAINER || ns->kind == PV_NETNS_POD) && netns_matches(n, s, k);
}

/* A family word matches what is shown: an IPv4 peer of a dual-stack
 * socket is an AF_INET6 socket shown (and stored) as IPv4. A dual-stack
 * listener on the wildcard serves both, so it matches both. */
static bool family_matches(const struct pv_socket *k, uint8_t family)
{
	if (socket_is_unix(k))
		return false;
	if (k->local.addr.family == family)
		return true;
	return k->family == AF_INET6 && k->v6only == 0 && socket_is_listener(k) &&
	       addr_is_wildcard(&k->local.addr);
}

static bool node_match(const struct pv_filter *f, int idx, const struct pv_snapshot *s,
		       const struct pv_socket *k)
{
	const struct filter_node *n = &f->nodes[idx];

	switch (n->kind) {
	case FK_AND: return node_match(f, n->a, s, k) && node_match(f, n->b, s, k);
	case FK_OR: return node_match(f, n->a, s, k) || node_match(f, n->b, s, k);
	case FK_NOT: return !node_match(f, n->a, s, k);
	case FK_PORT:
		/* UNIX sockets have no ports, not port 0. */
		return !socket_is_unix(k) && ((n->side != SIDE_REMOTE && port_in(k->local.port, n)) ||
					      (n->side != SIDE_LOCAL && port_in(k->remote.port, n)));
	case FK_ADDR:
		return !socket_is_unix(k) &&
		       ((n->side != SIDE_REMOTE && addr_in_prefix(&k->local.addr, &n->addr, n->prefix)) ||
			(n->side != SIDE_LOCAL && addr_in_prefix(&k->remote.addr, &n->addr, n->prefix)));
	case FK_PATH: return path_matches(n, s, k);
	case FK_NETNS: return netns_matches(n, s, k);
	case FK_CONTAINER: return netns_or_owner(n, s, k) || socket_cgroup_matches(n, s, k);
	case FK_UNIT: return any_owner_matches(n, s, k) || socket_cgroup_matches(n, s, k);
	case FK_PROC:
	case FK_PID: return any_owner_matches(n, s, k);
	case FK_USER:
		return (n->numeric && k->uid != PV_UID_UNKNOWN && k->uid == n->lo) ||
		       (k->user && strcmp(k->user, n->text) == 0) || any_owner_matches(n, s, k);
	case FK_STATE: return k->state < 32 && ((1u << k->state) & n->lo);
	case FK_PROTO:
		/* tcp6 is what PROTO prints for an AF_INET6 socket, v4-mapped
		 * or not; u_str a UNIX stream socket. */
		return k->proto == n->lo &&
		       (!n->hi || (socket_is_unix(k) ? k->sock_type == n->hi : k->family == n->hi));
	case FK_FAMILY: return family_matches(k, n->lo);
	case FK_LISTENING: return socket_is_listener(k);
	case FK_EXPOSED: return exposure_beyond_loopback(socket_exposure(s, k));
	case FK_FLAG: return (k->flags & n->lo) != 0;
	}
	return false;
}

bool filter_match(const struct pv_filter *f, const struct pv_snapshot *s, const struct pv_socket *k)
{
	if (!f || f->root < 0)
		return true;
	return node_match(f, f->root, s, k);
}

/* ---- kernel mask ---- */

/* The mask of every bit whose (family, proto, state) satisfies pred. */
static uint64_t mask_where(const struct filter_node *n)
{
	uint64_t m = 0;
	size_t ki;
	uint8_t st;

	for (ki = 0; ki < SOCKET_KIND_COUNT; ki++) {
		const struct socket_kind *mk = &socket_kinds[ki];

		for (st = 0; st < KIND_MASK_STATES; st++) {
			bool ok;

			switch (n->kind) {
			case FK_STATE: ok = (n->lo >> st) & 1u; break;
			case FK_PROTO:
				ok = mk->proto == n->lo &&
				     (!n->hi || mk->proto == PV_PROTO_UNIX || mk->family == n->hi);
				break;
			case FK_FAMILY: ok = mk->proto != PV_PROTO_UNIX; break;
			case FK_PATH: ok = mk->proto == PV_PROTO_UNIX; break;
			case FK_EXPOSED:
				ok = mk->proto == IPPROTO_TCP   ? st == PV_STATE_LISTEN
				     : mk->proto == IPPROTO_UDP ? st == PV_STATE_CLOSE
								: false;
				break;
			default: /* FK_LISTENING */
				ok = mk->proto == IPPROTO_TCP ? st == PV_STATE_LISTEN
				     : mk->proto == IPPROTO_UDP
					     ? st == PV_STATE_CLOSE
					     : st == PV_STATE_LISTEN || st == PV_STATE_CLOSE ||
						       st == PV_STATE_ESTABLISHED;
				break;
			}
			if (ok)
				m |= 1ull << kind_mask_bit(mk->family, mk->proto, st);
		}
	}
	return m;
}

/* Returns a superset of the kinds node idx can match; *exact is set when the
 * mask describes the node precisely (it tests only family, proto, state).
 * LISTENING is exact only as a superset: a connected UDP socket in state
 * CLOSE with a remote port is outside it, so it is marked inexact. */
static uint64_t node_mask(const struct pv_filter *f, int idx, bool *exact)
{
	const struct filter_node *n = &f->nodes[idx];
	bool ea, eb;
	uint64_t a, b;

	switch (n->kind) {
	case FK_AND:
		a = node_mask(f, n->a, &ea);
		b = node_mask(f, n->b, &eb);
		*exact = ea && eb;
		return a & b;
	case FK_OR:
		a = node_mask(f, n->a, &ea);
		b = node_mask(f, n->b, &eb);
		*exact = ea && eb;
		return a | b;
	case FK_NOT:
		a = node_mask(f, n->a, &ea);
		*exact = ea;
		return ea ? ~a : ~0ull;
	case FK_STATE: *exact = true; return mask_where(n);
	case FK_PROTO:
		/* A UNIX socket type is no part of the mask. */
		*exact = !(n->hi && n->lo == PV_PROTO_UNIX);
		return mask_where(n);
	case FK_FAMILY: /* both families hold sockets shown as IPv4 */
	case FK_LISTENING:
	case FK_EXPOSED:
	case FK_PATH: *exact = false; return mask_where(n);
	default: *exact = false; return ~0ull;
	}
}

/* The states of one protocol that decide something about the others:
 * listeners (roles, accept-queue joins), handshakes and TIME_WAIT (the
 * counts a listener shows), and the states a connection can be in at its
 * two ends (the peer of an ESTABLISHED socket may be in CLOSE_WAIT). */
static const uint32_t tcp_role_states =
	1u << PV_STATE_LISTEN | 1u << PV_STATE_SYN_RECV | 1u << PV_STATE_TIME_WAIT;
static const uint32_t tcp_connection_states = 1u << PV_STATE_ESTABLISHED | 1u << PV_STATE_SYN_SENT |
					      1u << PV_STATE_FIN_WAIT1 | 1u << PV_STATE_FIN_WAIT2 |
					      1u << PV_STATE_CLOSE | 1u << PV_STATE_CLOSE_WAIT |
					      1u << PV_STATE_LAST_ACK | 1u << PV_STATE_CLOSING;

/* Widens a mask of what a filter can match to what must be collected for
 * those sockets to show what is true: a protocol is asked for in both
 * families (an IPv4 client of a dual-stack listener is an AF_INET6 socket
 * at the server), with its listeners, handshakes and TIME_WAIT, and with
 * every connection state once one is asked for. UDP and UNIX dumps are
 * small and their relations cross every state, so they are all or none. */
static uint64_t mask_close_over_relations(uint64_t m)
{
	uint64_t out = 0;
	size_t ki;

	for (ki = 0; ki < SOCKET_KIND_COUNT; ki++) {
		const struct socket_kind *mk = &socket_kinds[ki];
		uint32_t asked = 0, want;
		size_t kj;

		for (kj = 0; kj < SOCKET_KIND_COUNT; kj++)
			if (socket_kinds[kj].proto == mk->proto)
				asked |= kind_mask_states(m, socket_kinds[kj].family, mk->proto);
		if (!asked)
			continue;
		if (mk->proto != IPPROTO_TCP)
			want = KIND_MASK_ALL_STATES;
		else
			want = asked | tcp_role_states |
			       ((asked & tcp_connection_states) ? tcp_connection_states : 0);
		out |= (uint64_t)want << kind_mask_bit(mk->family, mk->proto, 0);
	}
	return out;
}

uint64_t filter_kernel_mask(const struct pv_filter *f)
{
	bool exact;

	if (!f || f->root < 0)
		return ~0ull;
	return mask_close_over_relations(node_mask(f, f->root, &exact));
}

bool filter_names_unix(const struct pv_filter *f)
{
	int i;

	if (!f)
		return false;
	for (i = 0; i < f->count; i++)
		if ((f->nodes[i].kind == FK_PROTO && f->nodes[i].lo == PV_PROTO_UNIX) ||
		    f->nodes[i].kind == FK_PATH)
			return true;
	return false;
}

/* ---- checks and explanations ---- */

bool filter_check_users(const struct pv_filter *f, struct filter_error *err)
{
	if (!f)
		return true;
	for (int i = 0; i < f->count; i++) {
		const struct filter_node *n = &f->nodes[i];
		struct passwd pw, *found = NULL;
		char buf[4096];

		if (n->kind != FK_USER || n->numeric)
			continue;
		if (getpwnam_r(n->text, &pw, buf, sizeof(buf), &found) == 0 && found)
			continue;
		memset(err, 0, sizeof(*err));
		err->pos = n->value_at;
		snprintf(err->msg, sizeof(err->msg), "no user '%.60s' on this host", n->text);
		return false;
	}
	return true;
}

/* The terms that must all hold: the leaves of the AND tree at idx. */
static void filter_conjuncts(const struct pv_filter *f, int idx, int *out, size_t *n, size_t cap)
{
	const struct filter_node *node = &f->nodes[idx];

	if (node->kind == FK_AND) {
		filter_conjuncts(f, node->a, out, n, cap);
		filter_conjuncts(f, node->b, out, n, cap);
	} else if (*n < cap) {
		out[(*n)++] = idx;
	}
}

static bool node_matches_any(const struct pv_filter *f, int idx, const struct pv_snapshot *s)
{
	for (size_t i = 0; i < s->nsocks; i++)
		if (!s->socks[i].gone && node_match(f, idx, s, &s->socks[i]))
			return true;
	return false;
}

enum { EXPLAIN_TERMS_MAX = 64 };

void filter_explain_empty(const struct pv_filter *f, const struct pv_snapshot *s, struct strbuf *out)
{
	int terms[EXPLAIN_TERMS_MAX];
	size_t n = 0, named = 0;

	if (!f || f->root < 0)
		return;
	filter_conjuncts(f, f->root, terms, &n, EXPLAIN_TERMS_MAX);
	for (size_t i = 0; i < n; i++) {
		const char *src = f->nodes[terms[i]].source;

		if (node_matches_any(f, terms[i], s))
			continue;
		strbuf_puts(out, named++ ? ", nor '" : "nothing matches '");
		strbuf_puts(out, src ? src : "a term");
		strbuf_putc(out, '\'');
	}
	if (!named)
		strbuf_puts(out, n > 1 ? "each term matches some socket, but no socket matches them all"
				       : "nothing matches the filter");
}
