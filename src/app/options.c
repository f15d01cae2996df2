#include "config.h"

#include "options.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "strbuf.h"
#include "xalloc.h"

/* getopt_long's value for a row: its short letter, or a code past any
 * character for a long-only option. */
enum { OPTION_CODE_BASE = 256 };

static int option_code(int id)
{
	return setting_defs[id].short_name ? setting_defs[id].short_name : OPTION_CODE_BASE + id;
}

static int option_id(int code)
{
	for (int id = 0; id < SET_COUNT; id++)
		if (setting_defs[id].long_name && option_code(id) == code)
			return id;
	return -1;
}

static void options_usage_word(const char *word, const char *help, void *arg)
{
	fprintf(arg, "  %-20s %s\n", word, help);
}

void options_usage(FILE *out)
{
	fputs("Usage: portview [OPTION]... [FILTER]...\n"
	      "Show who listens and who talks on this machine: sockets from the kernel's\n"
	      "sock_diag interface, grouped by the processes that own them. Without --once,\n"
	      "a live dashboard (press ? in it for the keys).\n\n",
	      out);
	for (int id = 0; id < SET_COUNT; id++) {
		const struct setting_def *d = &setting_defs[id];
		char left[48];

		if (!d->long_name || !d->help)
			continue;
		snprintf(left, sizeof(left), "%c%c%c --%s%s%s", d->short_name ? '-' : ' ',
			 d->short_name ? d->short_name : ' ', d->short_name ? ',' : ' ', d->long_name,
			 d->arg ? "=" : "", d->arg ? d->arg : "");
		fprintf(out, "  %-26s %s\n", left, d->help);
	}
	fputs("\nFILTER words, from the filter parser's own table (side by side: all must\n"
	      "hold):\n",
	      out);
	filter_describe_words(options_usage_word, out);
	fputs("Example: portview --once 'port:5432 | proc:nginx' !state:time-wait\n"
	      "ss and netstat habits work: portview -tulpn, portview -antp.\n"
	      "The JSON format: " DOCDIR "/FORMATS.md; keys and more: man portview.\n",
	      out);
}

/* getopt's two tables from the settings table. */
static void options_tables(struct option *longopts, char *shortopts)
{
	size_t n = 0;

	strcpy(shortopts, ":");
	for (int id = 0; id < SET_COUNT; id++) {
		const struct setting_def *d = &setting_defs[id];
		bool has_arg = d->type != SETTING_FLAG;

		if (!d->long_name)
			continue;
		longopts[n++] = (struct option){ d->long_name, has_arg ? required_argument : no_argument,
						 NULL, option_code(id) };
		if (d->short_name) {
			char s[3] = { d->short_name, has_arg ? ':' : '\0', '\0' };

			strcat(shortopts, s);
		}
	}
	memset(&longopts[n], 0, sizeof(longopts[0]));
}

int options_parse(int argc, char **argv, struct settings *cli, char **filter, char *err, size_t errsize)
{
	struct option longopts[SET_COUNT + 1];
	char shortopts[2 * SET_COUNT + 2];
	struct strbuf words = { 0 };
	int c;

	settings_defaults(cli);
	*filter = NULL;
	options_tables(longopts, shortopts);
	opterr = 0;
	/* 0, not 1: glibc then also resets its internal state (tests parse twice). */
	optind = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		int id = option_id(c);
		char name[40];

		if (c == ':') {
			snprintf(err, errsize, "option '%s' needs a value", argv[optind - 1]);
			return -1;
		}
		if (id < 0) {
			if (optopt)
				snprintf(err, errsize, "unknown option '-%c'", optopt);
			else
				snprintf(err, errsize, "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
		if (setting_defs[id].type == SETTING_FLAG) {
			setting_set_flag(cli, (enum setting_id)id);
			continue;
		}
		snprintf(name, sizeof(name), "--%s", setting_defs[id].long_name);
		if (setting_parse(cli, (enum setting_id)id, name, optarg, strlen(optarg), err, errsize) < 0)
			return -1;
	}
	for (; optind < argc; optind++) {
		if (words.len)
			strbuf_putc(&words, ' ');
		strbuf_puts(&words, argv[optind]);
	}
	*filter = xstrdup(strbuf_str(&words));
	strbuf_free(&words);
	return 0;
}
