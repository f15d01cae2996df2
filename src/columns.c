#include "config.h"

#include "columns.h"

#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "addr.h"
#include "sanitize.h"
#include "states.h"

/* Owners listed by pid before the rest is summarised as "+N". */
enum { COLUMN_OWNERS_SHOWN = 4 };

static size_t put(struct strbuf *sb, const char *text)
{
	strbuf_puts(sb, text);
	return strlen(text);
}

static size_t fmt_proto(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			struct strbuf *sb)
{
	(void)s; (void)utf8;
	if (k->proto == IPPROTO_TCP)
		return put(sb, k->family == AF_INET6 ? "tcp6" : "tcp");
	return put(sb, k->family == AF_INET6 ? "udp6" : "udp");
}

static size_t fmt_state(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			struct strbuf *sb)
{
	(void)s; (void)utf8;
	return put(sb, state_short_name(k->proto, k->state));
}

static size_t fmt_local(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			struct strbuf *sb)
{
	char buf[PV_ENDPOINT_STRLEN];

	(void)s; (void)utf8;
	return put(sb, endpoint_format(&k->local, buf, sizeof(buf)));
}

static size_t fmt_remote(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			 struct strbuf *sb)
{
	char buf[PV_ENDPOINT_STRLEN];

	(void)s; (void)utf8;
	if (k->remote.port == 0 && addr_is_wildcard(&k->remote.addr))
		return put(sb, "*");
	return put(sb, endpoint_format(&k->remote, buf, sizeof(buf)));
}

static size_t fmt_u32(struct strbuf *sb, uint32_t v)
{
	size_t before = sb->len;

	strbuf_printf(sb, "%u", v);
	return sb->len - before;
}

static size_t fmt_recvq(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			struct strbuf *sb)
{
	(void)s; (void)utf8;
	return fmt_u32(sb, k->rqueue);
}

static size_t fmt_sendq(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			struct strbuf *sb)
{
	(void)s; (void)utf8;
	return fmt_u32(sb, k->wqueue);
}

static size_t fmt_user(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
		       struct strbuf *sb)
{
	(void)s;
	if (k->user)
		return sanitize_append(sb, k->user, strlen(k->user), utf8);
	return fmt_u32(sb, k->uid);
}

size_t column_format_owners(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			    struct strbuf *sb)
{
	size_t width = 0, before;
	uint32_t i;

	if (k->owner_status == PV_OWNER_HIDDEN)
		return put(sb, "(hidden)");
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

const struct column columns[COL_COUNT] = {
	[COL_PROTO] = { "PROTO", false, 3, fmt_proto },
	[COL_STATE] = { "STATE", false, 2, fmt_state },
	[COL_LOCAL] = { "LOCAL", false, 0, fmt_local },
	[COL_REMOTE] = { "REMOTE", false, 1, fmt_remote },
	[COL_RECVQ] = { "RECV-Q", true, 5, fmt_recvq },
	[COL_SENDQ] = { "SEND-Q", true, 6, fmt_sendq },
	[COL_USER] = { "USER", false, 4, fmt_user },
	[COL_PROCESS] = { "PROCESS", false, 0, column_format_owners },
};
