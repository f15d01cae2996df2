#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "destroy.h"
#include "kinds.h"
#include "modes.h"
#include "refresh.h"
#include "sanitize.h"

/* A connection --close may end: TCP or UDP, connected, not a listener
 * (a listener is a service: stop it instead) nor a minisocket. */
static bool closable(const struct pv_socket *k)
{
	return !k->gone && !socket_is_unix(k) && !socket_is_listener(k) && k->remote.port &&
	       !socket_is_minisocket(k->proto, k->state);
}

/* Of a connection with both ends here and both selected, one is closed:
 * the other then sees the reset. The server's end is left. */
static bool other_end_closes(const struct pv_snapshot *s, const struct pv_filter *filter, size_t i)
{
	const struct pv_socket *k = &s->socks[i], *p;

	if (!k->has_peer || k->peer >= s->nsocks)
		return false;
	p = &s->socks[k->peer];
	if (!closable(p) || !filter_match(filter, s, p))
		return false;
	return k->side == PV_SIDE_SERVER || (k->side == PV_SIDE_UNKNOWN && k->peer < i);
}

int mode_close(const struct settings *set, const char *filter_text, const struct pv_filter *filter)
{
	struct refresh_options ro = { .peers = true, .owners = set->owners, .netns = set->netns };
	bool utf8 = sanitize_locale_is_utf8();
	char err[256];
	struct refresh *refresh;
	const struct pv_model *m;
	struct strbuf line = { 0 };
	size_t chosen = 0, failed = 0;

	if (!filter_text[0]) {
		fprintf(stderr,
			"portview: --close needs a filter that says which connections (port:N, pid:N, ...)\n");
		return 2;
	}
	refresh = refresh_open(&ro, err, sizeof(err));
	m = refresh ? refresh_now(refresh, filter_kernel_mask(filter) & ~kind_mask_unix(), err, sizeof(err))
		    : NULL;
	if (!m) {
		fprintf(stderr, "portview: %s\n", err);
		refresh_close(refresh);
		return 1;
	}
	for (size_t i = 0; i < m->snap->nsocks; i++) {
		const struct pv_socket *k = &m->snap->socks[i];

		if (!closable(k) || !filter_match(filter, m->snap, k) || other_end_closes(m->snap, filter, i))
			continue;
		chosen++;
		strbuf_reset(&line);
		column_format_connection(m->snap, k, utf8, &line);
		if (!set->yes) {
			printf("would close  %s\n", strbuf_str(&line));
		} else if (socket_destroy(k, err, sizeof(err)) == 0) {
			printf("closed  %s\n", strbuf_str(&line));
		} else {
			printf("not closed  %s: %s\n", strbuf_str(&line), err);
			failed++;
		}
	}
	fflush(stdout);
	if (!chosen)
		fprintf(stderr, "portview: no connection matches (listeners and TIME_WAIT are not closed)\n");
	else if (!set->yes)
		fprintf(stderr, "portview: %zu connection%s; add --yes to close %s\n", chosen,
			chosen == 1 ? "" : "s", chosen == 1 ? "it" : "them");
	strbuf_free(&line);
	refresh_close(refresh);
	return !chosen || failed ? 1 : 0;
}
