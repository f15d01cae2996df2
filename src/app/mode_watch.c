#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headless.h"
#include "kinds.h"
#include "modes.h"
#include "output.h"
#include "refresh.h"
#include "sanitize.h"

/* --watch prints each refresh's events before the next: the log must
 * hold one refresh of a busy host's churn, no more. */
enum { WATCH_EVENTS_KEPT = 65536 };

/* Prints the events added since *seen that the filter selects (an overrun
 * always), and moves *seen on. */
static void watch_print(const struct event_log *log, const struct pv_filter *filter, bool json, bool utf8,
			uint64_t *seen)
{
	uint64_t total = event_log_total(log), fresh = total - *seen;
	size_t count = event_log_count(log);
	struct strbuf line = { 0 };

	/* More than the log keeps came at once: the oldest of them are gone. */
	if (fresh > count) {
		fprintf(stderr, "portview: %llu events came faster than they were printed and were dropped\n",
			(unsigned long long)(fresh - count));
		fresh = count;
	}
	for (size_t i = count - (size_t)fresh; i < count; i++) {
		const struct pv_event *e = event_log_at(log, i);
		const struct pv_snapshot *s = event_log_snapshot(log);

		if (e->kind != PV_EVENT_OVERRUN && !filter_match(filter, s, &s->socks[e->sock]))
			continue;
		if (json) {
			output_event_json(stdout, log, e);
			continue;
		}
		strbuf_reset(&line);
		event_describe(log, e, utf8, &line);
		puts(strbuf_str(&line));
	}
	strbuf_free(&line);
	*seen = total;
	fflush(stdout);
}

int mode_watch(const struct settings *s, const struct pv_filter *filter)
{
	struct refresh_options ro = {
		.incremental = true,
		.peers = true,
		.owners = s->owners,
		.netns = s->netns,
		.events = WATCH_EVENTS_KEPT,
	};
	uint64_t mask = filter_kernel_mask(filter) & ~kind_mask_unix(), seen = 0;
	bool utf8 = sanitize_locale_is_utf8();
	char err[256];
	struct refresh *refresh = refresh_open(&ro, err, sizeof(err));
	const struct pv_model *m;

	if (!refresh) {
		fprintf(stderr, "portview: %s\n", err);
		return EXIT_FAILURE;
	}
	headless_catch_stop();
	while (!headless_stopped()) {
		m = refresh_now(refresh, mask, err, sizeof(err));
		if (!m) {
			fprintf(stderr, "portview: %s\n", err);
			refresh_close(refresh);
			return EXIT_FAILURE;
		}
		watch_print(m->events, filter, s->json, utf8, &seen);
		if (ferror(stdout))
			break;
		headless_sleep(s->delay);
	}
	refresh_close(refresh);
	return ferror(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
}
