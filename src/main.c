#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "columns.h"
#include "dashboard.h"
#include "filter.h"
#include "health.h"
#include "names.h"
#include "options.h"
#include "output.h"
#include "rows.h"
#include "sanitize.h"
#include "settings_file.h"
#include "snapshot.h"
#include "xalloc.h"

enum { EXIT_USAGE = 2, MAIN_RESOLVE_WAIT_MS = 2000 };

static void main_print_notice(const char *message, void *arg)
{
	(void)arg;
	fprintf(stderr, "portview: %s\n", message);
}

/* Reports, on stderr, what the listing could not show. */
static void main_report_gaps(const struct pv_snapshot *s, const struct pv_rows *r)
{
	struct pv_counts c;

	snapshot_count(s, r->selected, r->nselected, &c);
	snapshot_notices(s, c.hidden, main_print_notice, NULL);
}

/* One collection, or with -d two, delay apart, so that rates, stalls and
 * retransmissions can be told (both with tcp_info). */
static int main_collect(struct collector *collector, const struct options *opts,
			const struct pv_filter *filter, struct pv_snapshot *snap, char *err, size_t errsize)
{
	uint64_t mask = filter_kernel_mask(filter);
	/* UNIX sockets are many and rarely what is asked about: only with -x
	 * or a filter that names them. */
	if (!opts->unix_sockets && !filter_names_unix(filter))
		mask &= ~filter_mask_unix();
	unsigned what = (opts->lean ? 0 : COLLECT_PEERS) | (opts->info ? COLLECT_TCP_INFO : 0);
	struct pv_snapshot first;
	struct health *health;
	struct timespec pause;
	int ret;

	health = health_new();
	if (!opts->delay_given) {
		/* One look still tells a zero window or a retransmission now. */
		ret = collector_run(collector, mask, what, snap, err, errsize);
		if (ret == 0)
			health_update(health, NULL, snap, snap->monotonic_taken);
		health_free(health);
		return ret;
	}
	snapshot_init(&first);
	ret = collector_run(collector, mask, what | COLLECT_TCP_INFO, &first, err, errsize);
	if (ret == 0) {
		health_update(health, NULL, &first, first.monotonic_taken);
		pause.tv_sec = (time_t)opts->delay;
		pause.tv_nsec = (long)((opts->delay - (double)pause.tv_sec) * 1e9);
		while (nanosleep(&pause, &pause) < 0 && errno == EINTR)
			;
		ret = collector_run(collector, mask, what | COLLECT_TCP_INFO, snap, err, errsize);
	}
	if (ret == 0)
		health_update(health, &first, snap, snap->monotonic_taken);
	snapshot_free(&first);
	health_free(health);
	return ret;
}

/* Fills s from the settings file (unless --no-config) and lets what the
 * file sets stand where the command line is silent; s then holds every
 * setting in force, for the dashboard to start from and write back.
 * Problems with the file are described in problems, never fatal. */
static void main_settings(struct options *opts, struct settings *s, char **path, char *problems, size_t size)
{
	memset(s, 0, sizeof(*s));
	s->hidden_columns = columns_hidden_by_default();
	s->group = opts->group;
	s->sort_column = -1;
	s->delay = opts->delay;
	s->highlight = opts->highlight;
	s->color = !opts->no_color;
	s->lean = opts->lean;
	s->unix_sockets = opts->unix_sockets;
	s->resolve = opts->resolve;
	problems[0] = '\0';
	*path = NULL;
	if (opts->no_config)
		return;
	*path = opts->config ? xstrdup(opts->config) : settings_default_path();
	if (*path)
		settings_load(*path, opts->config == NULL, s, problems, size);
	/* The command line wins; a file's delay never makes --once look twice. */
	if (opts->given & SETTING_GROUP)
		s->group = opts->group;
	if (opts->given & SETTING_DELAY)
		s->delay = opts->delay;
	if (opts->given & SETTING_HIGHLIGHT)
		s->highlight = opts->highlight;
	if (opts->given & SETTING_COLOR)
		s->color = false;
	if (opts->given & SETTING_LEAN)
		s->lean = true;
	if (opts->given & SETTING_UNIX)
		s->unix_sockets = true;
	if (opts->given & SETTING_RESOLVE)
		s->resolve = true;
	opts->group = s->group;
	opts->delay = s->delay;
	opts->highlight = s->highlight;
	opts->no_color = !s->color;
	opts->lean = s->lean;
	opts->unix_sockets = s->unix_sockets;
	opts->resolve = s->resolve;
}

static int main_once(const struct options *opts, const struct pv_filter *filter, unsigned hidden_columns)
{
	char err[256], host[256];
	struct collector *collector = collector_open(false, err, sizeof(err));
	struct pv_snapshot snap;
	struct pv_rows rows = { 0 };
	struct names *names = NULL;
	struct output_meta meta = {
		.host = host, .filter = opts->filter, .group = opts->group,
		.utf8 = sanitize_locale_is_utf8(), .rates = opts->delay_given,
		.info = opts->delay_given || opts->info,
		.hidden_columns = hidden_columns,
	};
	int status = EXIT_SUCCESS;

	if (!collector) {
		fprintf(stderr, "portview: %s\n", err);
		return EXIT_FAILURE;
	}
	collect_hostname(host, sizeof(host));
	/* Large writes: a listing of many thousand sockets is megabytes. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	snapshot_init(&snap);
	if (main_collect(collector, opts, filter, &snap, err, sizeof(err)) < 0) {
		fprintf(stderr, "portview: %s\n", err);
		status = EXIT_FAILURE;
		goto out;
	}
	rows_build(&rows, &snap, filter, opts->group, (struct rows_order){ .column = -1 });
	/* Names are worth a short wait, never a long one: what DNS has not
	 * answered by then stays numeric. */
	if (opts->resolve) {
		names = names_open(-1);
		names_prefetch(names, &snap, &rows, MAIN_RESOLVE_WAIT_MS);
	}
	if (opts->json)
		output_json(stdout, &snap, &rows, &meta);
	else
		output_text(stdout, &snap, &rows, &meta);
	main_report_gaps(&snap, &rows);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("portview: writing output");
		status = EXIT_FAILURE;
	}
out:
	names_close(names);
	rows_free(&rows);
	snapshot_free(&snap);
	collector_close(collector);
	return status;
}

int main(int argc, char **argv)
{
	struct options opts;
	struct settings settings;
	char *settings_path = NULL, problems[1024];
	struct filter_error ferr;
	struct pv_filter *user_filter, *filter;
	char err[256];
	int status;

	setlocale(LC_ALL, "");
	if (options_parse(argc, argv, &opts, err, sizeof(err)) < 0) {
		fprintf(stderr, "portview: %s\nTry 'portview --help' for more information.\n", err);
		return EXIT_USAGE;
	}
	if (opts.help) {
		options_usage(stdout);
		options_free(&opts);
		return EXIT_SUCCESS;
	}
	if (opts.version) {
		printf("portview %s\n", PACKAGE_VERSION);
		options_free(&opts);
		return EXIT_SUCCESS;
	}
	main_settings(&opts, &settings, &settings_path, problems, sizeof(problems));
	user_filter = filter_parse(opts.filter, &ferr);
	if (!user_filter) {
		fprintf(stderr, "portview: bad filter at column %zu: %s\n", ferr.pos + 1, ferr.msg);
		status = EXIT_USAGE;
		goto out;
	}
	if (opts.json && !opts.once) {
		fprintf(stderr, "portview: --json goes with --once\n");
		filter_free(user_filter);
		status = EXIT_USAGE;
		goto out;
	}
	if (opts.listening && opts.once) {
		struct pv_filter *listeners = filter_parse("state:listening", &ferr);

		filter = filter_and(user_filter, listeners);
		filter_free(listeners);
		filter_free(user_filter);
	} else {
		filter = user_filter;
	}
	if (opts.once) {
		if (problems[0]) {
			struct strbuf clean = { 0 };

			sanitize_append(&clean, problems, strlen(problems), sanitize_locale_is_utf8());
			fprintf(stderr, "portview: settings: %s (ignored)\n", strbuf_str(&clean));
			strbuf_free(&clean);
		}
		status = main_once(&opts, filter, settings.hidden_columns);
	} else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "portview: the dashboard needs a terminal; use --once for text or --once --json\n");
		status = EXIT_USAGE;
	} else {
		const char *no_color = getenv("NO_COLOR");
		struct dashboard_options d = {
			.group = opts.group, .delay = opts.delay, .highlight = opts.highlight,
			.color = !opts.no_color && !(no_color && *no_color),
			.filter = opts.filter, .listening = opts.listening, .lean = opts.lean,
			.unix_sockets = opts.unix_sockets, .resolve = opts.resolve,
			.sort_column = settings.sort_column, .reverse = settings.reverse,
			.hidden_columns = settings.hidden_columns, .settings_path = settings_path,
			.settings_problem = problems,
		};

		status = dashboard_run(&d);
	}
	filter_free(filter);
out:
	free(settings_path);
	options_free(&opts);
	return status;
}
