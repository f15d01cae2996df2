#include "config.h"

#include <stdio.h>
#include <time.h>
#include <netinet/in.h>

#include "addr.h"
#include "columns.h"
#include "events.h"
#include "states.h"

/* "12:41:20.123", local time. */
static void event_clock(struct strbuf *out, double when)
{
	time_t secs = (time_t)when;
	struct tm tm;
	char buf[16];

	localtime_r(&secs, &tm);
	strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	strbuf_printf(out, "%s.%03d", buf, (int)((when - (double)secs) * 1000) % 1000);
}

void event_describe(const struct event_log *log, const struct pv_event *e, bool utf8, struct strbuf *out)
{
	const struct pv_snapshot *s = event_log_snapshot(log);
	const struct pv_socket *k;
	char a[PV_ENDPOINT_STRLEN], b[PV_ENDPOINT_STRLEN];

	event_clock(out, e->time);
	strbuf_printf(out, "  %-7s", event_kind_names[e->kind]);
	if (e->kind == PV_EVENT_OVERRUN) {
		strbuf_printf(
			out,
			"the kernel dropped close records (%u time%s so far): closes since the last look "
			"are found by comparing looks, without their last tcp_info",
			e->overruns, e->overruns == 1 ? "" : "s");
		return;
	}
	k = &s->socks[e->sock];
	strbuf_printf(out, "%s%s  %s ", proto_name(k->proto), k->family == AF_INET6 ? "6" : "",
		      endpoint_format(&k->local, a, sizeof(a)));
	if (socket_is_listener(k) || !k->remote.port)
		strbuf_puts(out, "listening  ");
	else
		strbuf_printf(out, "%s %s  ",
			      k->side == PV_SIDE_SERVER   ? "<-"
			      : k->side == PV_SIDE_CLIENT ? "->"
							  : "<->",
			      endpoint_format(&k->remote, b, sizeof(b)));
	if (e->kind == PV_EVENT_STATE)
		strbuf_printf(out, "%s -> ", state_short_name(k->proto, e->old_state));
	if (e->kind != PV_EVENT_CLOSE)
		strbuf_printf(out, "%s  ", state_short_name(k->proto, k->state));
	column_format_owners(s, k, utf8, out);
	if (e->kind != PV_EVENT_CLOSE)
		return;
	if (e->lifetime < 0)
		strbuf_puts(out, "  open under one look");
	else
		strbuf_printf(out, "  open %s%.1f s", e->lifetime_known ? "" : "at least ", e->lifetime);
	if (e->from_kernel && k->tcp.has_info) {
		strbuf_puts(out, "  in ");
		column_format_bytes(out, (double)k->tcp.bytes_received);
		strbuf_puts(out, " out ");
		column_format_bytes(out, (double)k->tcp.bytes_acked);
		strbuf_printf(out, "  retrans %u", k->tcp.total_retrans);
	}
	if (!e->from_kernel)
		strbuf_puts(out, "  (seen gone)");
}
