#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "modes.h"
#include "options.h"
#include "privilege.h"
#include "sanitize.h"
#include "settings_file.h"
#include "view_state.h"
#include "xalloc.h"

enum { EXIT_USAGE = 2 };

/* The settings in force: defaults, then the settings file (unless
 * --no-config), then what the command line gave, which wins. *path is
 * where the file is (W writes there), or NULL. Problems with lines of the
 * file are described in problems and skipped; a file named with --config
 * that cannot be read, or holds no setting at all, is an error (-1). */
static int main_settings(const struct settings *cli, struct settings *s, char **path, char *problems,
			 size_t size)
{
	settings_defaults(s);
	problems[0] = '\0';
	*path = NULL;
	if (!cli->no_config) {
		*path = cli->config ? xstrdup(cli->config) : settings_default_path();
		if (*path && settings_load(*path, cli->config == NULL, s, problems, size) < 0 && cli->config)
			return -1;
	}
	settings_merge(s, cli);
	return 0;
}

/* One line on stderr, with what came from the user escaped: an option or
 * filter may hold escape sequences. */
static void main_error(const char *what, const char *hint)
{
	struct strbuf clean = { 0 };

	sanitize_append(&clean, what, strlen(what), sanitize_locale_is_utf8());
	fprintf(stderr, "portview: %s\n%s", strbuf_str(&clean), hint);
	strbuf_free(&clean);
}

static void main_report_settings(const char *problems)
{
	struct strbuf clean = { 0 };

	if (!problems[0])
		return;
	sanitize_append(&clean, problems, strlen(problems), sanitize_locale_is_utf8());
	fprintf(stderr, "portview: settings: %s (ignored)\n", strbuf_str(&clean));
	strbuf_free(&clean);
}

/* The command line's letters that narrow the view as the dashboard's
 * toggle keys do (-l as l, -t as t, ...). */
static const struct {
	enum setting_id id;
	unsigned toggle;
} main_toggle_options[] = {
	{ SET_LISTENING, TOGGLE_LISTEN },
	{ SET_ESTABLISHED, TOGGLE_ESTAB },
	{ SET_TCP, TOGGLE_TCP },
	{ SET_UDP, TOGGLE_UDP },
	{ SET_V4, TOGGLE_V4 },
	{ SET_V6, TOGGLE_V6 },
};

static unsigned main_toggles(const struct settings *cli)
{
	unsigned toggles = 0;

	for (size_t i = 0; i < sizeof(main_toggle_options) / sizeof(main_toggle_options[0]); i++)
		if (cli->given & SETTING_BIT(main_toggle_options[i].id))
			toggles |= main_toggle_options[i].toggle;
	return toggles;
}

/* The filter --once applies: the user's, and the toggles' (-l -t ...). */
static struct pv_filter *main_once_filter(struct pv_filter *user, unsigned toggles)
{
	struct pv_filter *narrow = view_toggles_filter(toggles), *both;

	if (!narrow)
		return user;
	both = filter_and(user, narrow);
	filter_free(narrow);
	filter_free(user);
	return both;
}

static int main_dashboard(const struct settings *s, unsigned toggles, const char *filter_text,
			  const char *settings_path, const char *problems)
{
	const char *no_color = getenv("NO_COLOR");
	struct dashboard_options d = {
		.settings = s,
		.color = s->color && !(no_color && *no_color),
		.filter = filter_text,
		.toggles = toggles,
		.settings_problem = problems,
	};

	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr,
			"portview: the dashboard needs a terminal; use --once for text or --once --json\n");
		return EXIT_USAGE;
	}
	return mode_dashboard(&d, settings_path);
}

int main(int argc, char **argv)
{
	struct settings cli, settings;
	char *filter_text = NULL, *settings_path = NULL, problems[1024], err[256];
	struct filter_error ferr;
	struct pv_filter *filter;
	int status = EXIT_USAGE;

	/* First, while no other thread exists: capabilities from setcap are
	 * kept for the /proc walk only, never effective elsewhere. */
	if (privilege_init() < 0) {
		perror("portview: cannot give up capabilities");
		return EXIT_FAILURE;
	}
	setlocale(LC_ALL, "");
	settings_defaults(&settings);
	if (options_parse(argc, argv, &cli, &filter_text, err, sizeof(err)) < 0) {
		main_error(err, "Try 'portview --help' for more information.\n");
		goto out;
	}
	if (cli.help || cli.version) {
		if (cli.help)
			options_usage(stdout);
		else
			printf("portview %s\n", PACKAGE_VERSION);
		status = EXIT_SUCCESS;
		goto out;
	}
	if (main_settings(&cli, &settings, &settings_path, problems, sizeof(problems)) < 0) {
		main_error(problems, "");
		goto out;
	}
	/* `portview why PORT` is --why PORT: the word leads the words. */
	if (!settings.why && strncmp(filter_text, "why", 3) == 0 &&
	    (filter_text[3] == ' ' || !filter_text[3])) {
		settings.why = xstrdup(filter_text[3] ? filter_text + 4 : "");
		filter_text[0] = '\0';
	}
	if (settings.why) {
		if (filter_text[0] || strchr(settings.why, ' ')) {
			main_error("why takes one port: PORT, PORT/tcp or PORT/udp",
				   "Try 'portview --help' for more information.\n");
			goto out;
		}
		status = mode_why(&settings, settings.why);
		goto out;
	}
	filter = filter_parse(filter_text, &ferr);
	if (filter && !filter_check_users(filter, &ferr)) {
		filter_free(filter);
		filter = NULL;
	}
	if (!filter) {
		snprintf(err, sizeof(err), "bad filter at column %zu: %s", ferr.pos + 1, ferr.msg);
		main_error(err, "");
		goto out;
	}
	/* --watch streams; otherwise --json means --once, and so does output
	 * that is no terminal (a pipe, a file): the dashboard would have no
	 * screen to draw on. */
	if (settings.remote && (settings.metrics || settings.metrics_file || settings.close ||
				settings.watch || settings.stream)) {
		main_error("--remote shows other hosts in the dashboard or with --once; it does not combine "
			   "with --metrics, --close, --watch or --stream",
			   "");
		goto out;
	}
	if (settings.metrics || settings.metrics_file) {
		status = mode_metrics(&settings, settings.once && !settings.metrics);
	} else if (settings.stream) {
		main_report_settings(problems);
		status = mode_stream(&settings, filter);
	} else if (settings.close) {
		status = mode_close(&settings, filter_text, filter);
	} else if (settings.watch) {
		main_report_settings(problems);
		filter = main_once_filter(filter, main_toggles(&cli));
		status = mode_watch(&settings, filter);
	} else if (settings.json || !isatty(STDOUT_FILENO) || settings.once) {
		settings.once = true;
		main_report_settings(problems);
		filter = main_once_filter(filter, main_toggles(&cli));
		status = mode_once(&settings, &cli, filter_text, filter);
	} else {
		status = main_dashboard(&settings, main_toggles(&cli), filter_text, settings_path, problems);
	}
	filter_free(filter);
out:
	free(settings_path);
	free(filter_text);
	settings_free(&cli);
	settings_free(&settings);
	return status;
}
