#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "collect.h"
#include "kinds.h"
#include "modes.h"
#include "names.h"
#include "output.h"
#include "refresh.h"
#include "remote.h"
#include "rows.h"
#include "sanitize.h"

enum { ONCE_RESOLVE_WAIT_MS = 2000 };
/* --remote --once waits this long for every host's model: ssh's own
 * connect timeout (10 s) and a start of portview there. */
#define ONCE_REMOTE_WAIT_SECONDS 15.0

static void once_print_notice(const char *message, void *arg)
{
	(void)arg;
	fprintf(stderr, "portview: %s\n", message);
}

/* Reports, on stderr, what the listing could not show. */
static void once_report_gaps(const struct pv_snapshot *s, const struct pv_rows *r)
{
	struct pv_counts c;

	snapshot_count(s, r->selected, r->nselected, &c);
	snapshot_notices(s, c.hidden, once_print_notice, NULL);
}

static void once_sleep(double seconds)
{
	struct timespec pause;

	pause.tv_sec = (time_t)seconds;
	pause.tv_nsec = (long)((seconds - (double)pause.tv_sec) * 1e9);
	while (nanosleep(&pause, &pause) < 0 && errno == EINTR)
		;
}

/* The kernel mask --once asks with: what the filter can match, and UNIX
 * sockets (many, and rarely what is asked about) only with -x or a
 * filter that names them. */
static uint64_t once_kernel_mask(const struct settings *s, const struct pv_filter *filter)
{
	uint64_t mask = filter_kernel_mask(filter);

	if (!s->unix_sockets && !filter_names_unix(filter))
		mask &= ~kind_mask_unix();
	return mask;
}

int mode_once(const struct settings *s, const struct settings *cli, const char *filter_text,
	      const struct pv_filter *filter)
{
	/* Only -d on the command line makes --once look twice, never a delay
	 * from the settings file; COMMAND is printed only when --columns on
	 * the command line names it. */
	bool twice = (cli->given & SETTING_BIT(SET_DELAY)) != 0;
	unsigned named = (cli->given & SETTING_BIT(SET_COLUMNS)) ? ~cli->hidden_columns : 0;
	char err[256], host[256];
	/* With -d, two looks delay apart tell rates, stalls and
	 * retransmissions (both with tcp_info); one look still tells a zero
	 * window or a retransmission now. */
	struct refresh_options ro = {
		.tcp_info = twice || s->info,
		.age_info = !s->lean,
		.peers = !s->lean,
		.owners = s->owners,
		.netns = s->netns,
	};
	struct refresh *refresh;
	const struct pv_model *m;
	struct pv_rows rows = { 0 };
	struct names *names = NULL;
	uint64_t mask = once_kernel_mask(s, filter);
	struct output_meta meta = {
		.host = host,
		.filter = filter_text,
		.group = s->group,
		.utf8 = sanitize_locale_is_utf8(),
		.info = ro.tcp_info,
		.hidden_columns = s->hidden_columns,
		.named_columns = named,
	};
	int status = EXIT_SUCCESS;

	if (s->remote) {
		ro.fleet = remote_open(s, err, sizeof(err));
		if (!ro.fleet) {
			fprintf(stderr, "portview: %s\n", err);
			return 2;
		}
		/* Each host's whole model, or why not: ssh gives up in 10 s. */
		remote_wait(ro.fleet, ONCE_REMOTE_WAIT_SECONDS);
		twice = false;
	}
	refresh = refresh_open(&ro, err, sizeof(err));
	if (!refresh) {
		fprintf(stderr, "portview: %s\n", err);
		fleet_close(ro.fleet);
		return EXIT_FAILURE;
	}
	/* The hosts shown, not this one, head a --remote listing. */
	if (s->remote)
		snprintf(host, sizeof(host), "%s", s->remote);
	else
		collect_hostname(host, sizeof(host));
	/* Large writes: a listing of many thousand sockets is megabytes. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	m = refresh_now(refresh, mask, err, sizeof(err));
	if (m && twice) {
		once_sleep(s->delay);
		m = refresh_now(refresh, mask, err, sizeof(err));
	}
	if (!m) {
		fprintf(stderr, "portview: %s\n", err);
		status = EXIT_FAILURE;
		goto out;
	}
	meta.rates = m->rates;
	rows_build(&rows, m->snap, filter, s->group, (struct rows_order){ .column = -1 });
	/* Names are worth a short wait, never a long one: what DNS has not
	 * answered by then stays numeric. */
	if (s->resolve) {
		names = names_open(-1);
		names_prefetch(names, m->snap, &rows, ONCE_RESOLVE_WAIT_MS);
	}
	if (s->json)
		output_json(stdout, m->snap, &rows, &meta);
	else
		output_text(stdout, m->snap, &rows, &meta);
	once_report_gaps(m->snap, &rows);
	/* A host that could not be read fails the run: a script must not
	 * take its silence for no sockets (the notices above say why). */
	for (size_t i = 0; i < m->snap->nhosts; i++)
		if (m->snap->hosts[i].status != PV_HOST_LIVE)
			status = EXIT_FAILURE;
	if (rows.nselected == 0 && filter_text && filter_text[0]) {
		struct strbuf why = { 0 }, shown = { 0 };

		filter_explain_empty(filter, m->snap, &why);
		sanitize_append(&shown, why.data ? why.data : "", why.len, meta.utf8);
		fprintf(stderr, "portview: %s\n", strbuf_str(&shown));
		strbuf_free(&why);
		strbuf_free(&shown);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("portview: writing output");
		status = EXIT_FAILURE;
	}
out:
	names_close(names);
	rows_free(&rows);
	refresh_close(refresh);
	fleet_close(ro.fleet);
	return status;
}
