#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "columns.h"
#include "filter.h"
#include "modes.h"
#include "options.h"
#include "sanitize.h"
#include "settings_file.h"
#include "xalloc.h"

enum { EXIT_USAGE = 2 };

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
		status = mode_once(&opts, filter, settings.hidden_columns);
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
			.hidden_columns = settings.hidden_columns, .settings_problem = problems,
		};

		status = mode_dashboard(&d, settings_path);
	}
	filter_free(filter);
out:
	free(settings_path);
	options_free(&opts);
	return status;
}
