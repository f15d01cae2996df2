#include "config.h"

#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

enum { OPT_ONCE = 256, OPT_HIGHLIGHT, OPT_NO_COLOR, OPT_LEAN, OPT_CONFIG, OPT_NO_CONFIG };

struct option_doc {
	struct option opt;
	int short_name;
	const char *arg;
	const char *help;
};

static const struct option_doc option_docs[] = {
	{ { "once", no_argument, NULL, OPT_ONCE }, 0, NULL,
	  "print the sockets once as text and exit" },
	{ { "json", no_argument, NULL, 'j' }, 'j', NULL,
	  "with --once, print one JSON document (see FORMATS.md)" },
	{ { "listening", no_argument, NULL, 'l' }, 'l', NULL,
	  "only listeners: TCP LISTEN and unconnected UDP" },
	{ { "group", required_argument, NULL, 'g' }, 'g', "MODE",
	  "group by process (default), port or none" },
	{ { "info", no_argument, NULL, 'i' }, 'i', NULL,
	  "with --once, TCP details too (tcp_info: RTT, retransmits, bytes)" },
	{ { "delay", required_argument, NULL, 'd' }, 'd', "SECONDS",
	  "dashboard refresh interval, decimals allowed (default 1); with\n"
	  "                             --once, look twice that far apart for rates and flags" },
	{ { "highlight", required_argument, NULL, OPT_HIGHLIGHT }, 0, "SECONDS",
	  "how long new, changed and closed sockets stay marked (default 3, 0 off)" },
	{ { "unix", no_argument, NULL, 'x' }, 'x', NULL,
	  "UNIX domain sockets too, with their paths and peers" },
	{ { "resolve", no_argument, NULL, 'r' }, 'r', NULL,
	  "names: services from /etc/services, hosts by reverse DNS" },
	{ { "lean", no_argument, NULL, OPT_LEAN }, 0, NULL,
	  "the cheapest refresh: no tcp_info (no rates) and no peers" },
	{ { "no-color", no_argument, NULL, OPT_NO_COLOR }, 0, NULL,
	  "no colours (also when NO_COLOR is set); marks stay" },
	{ { "config", required_argument, NULL, OPT_CONFIG }, 0, "FILE",
	  "read settings from FILE (W in the dashboard writes there)" },
	{ { "no-config", no_argument, NULL, OPT_NO_CONFIG }, 0, NULL,
	  "read no settings file" },
	{ { "help", no_argument, NULL, 'h' }, 'h', NULL, "show this help and exit" },
	{ { "version", no_argument, NULL, 'V' }, 'V', NULL, "show the version and exit" },
};

enum { OPTION_COUNT = sizeof(option_docs) / sizeof(option_docs[0]) };

void options_free(struct options *opts)
{
	free(opts->filter);
	free(opts->config);
	opts->filter = opts->config = NULL;
}

void options_usage(FILE *out)
{
	size_t i;

	fputs("Usage: portview [OPTION]... [FILTER]...\n"
	      "Show who listens and who talks on this machine: sockets from the kernel's\n"
	      "sock_diag interface, grouped by the processes that own them. Without --once,\n"
	      "a live dashboard (press ? in it for the keys).\n\n", out);
	for (i = 0; i < OPTION_COUNT; i++) {
		const struct option_doc *d = &option_docs[i];
		char left[48];

		snprintf(left, sizeof(left), "%c%c%c --%s%s%s",
			 d->short_name ? '-' : ' ', d->short_name ? d->short_name : ' ',
			 d->short_name ? ',' : ' ', d->opt.name, d->arg ? "=" : "", d->arg ? d->arg : "");
		fprintf(out, "  %-26s %s\n", left, d->help);
	}
	fputs("\nFILTER words (juxtaposition is AND; '|' or 'or' is OR; '!' or 'not' negates):\n"
	      "  port:N[-M] lport: rport:   addr:ADDR[/PREFIX] laddr: raddr:\n"
	      "  proc:TEXT  pid:N  user:NAME|UID  state:NAME[,NAME]  proto:tcp|udp|unix\n"
	      "  path:TEXT  flag:stalled|retrans|zerowindow|closewait|saturated|timewait\n"
	      "  tcp udp unix 4 6   a bare number is a port, an address an address,\n"
	      "  any other word a process name; ( ) group.\n"
	      "Example: portview --once 'port:5432 | proc:nginx' !state:time-wait\n", out);
}

/* Parses seconds within [min, 3600] for option name. */
static int options_parse_seconds(const char *name, const char *text, double min, double *out,
				 char *err, size_t errsize)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || *end || !isfinite(v) || v < min || v > 3600) {
		snprintf(err, errsize, "%s wants seconds from %g to 3600, not '%s'", name, min, text);
		return -1;
	}
	*out = v;
	return 0;
}

int options_parse(int argc, char **argv, struct options *opts, char *err, size_t errsize)
{
	struct option longopts[OPTION_COUNT + 1];
	char shortopts[2 * OPTION_COUNT + 2] = ":";
	struct strbuf filter = { 0 };
	size_t i;
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->delay = 1.0;
	opts->highlight = 3.0;
	for (i = 0; i < OPTION_COUNT; i++) {
		longopts[i] = option_docs[i].opt;
		if (option_docs[i].short_name) {
			char s[3] = { (char)option_docs[i].short_name,
				      option_docs[i].opt.has_arg ? ':' : '\0', '\0' };

			strcat(shortopts, s);
		}
	}
	memset(&longopts[OPTION_COUNT], 0, sizeof(longopts[0]));

	opterr = 0;
	/* 0, not 1: glibc then also resets its internal state (tests parse twice). */
	optind = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ONCE: opts->once = true; break;
		case 'j': opts->json = true; break;
		case 'l': opts->listening = true; break;
		case 'i': opts->info = true; break;
		case 'x': opts->unix_sockets = true; opts->given |= SETTING_UNIX; break;
		case 'r': opts->resolve = true; opts->given |= SETTING_RESOLVE; break;
		case 'h': opts->help = true; break;
		case 'V': opts->version = true; break;
		case 'g': {
			int mode = group_mode_parse(optarg);

			if (mode < 0) {
				snprintf(err, errsize, "--group wants process, port or none, not '%s'", optarg);
				return -1;
			}
			opts->group = (enum group_mode)mode;
			opts->given |= SETTING_GROUP;
			break;
		}
		case 'd':
			if (options_parse_seconds("--delay", optarg, 0.1, &opts->delay, err, errsize) < 0)
				return -1;
			opts->delay_given = true;
			opts->given |= SETTING_DELAY;
			break;
		case OPT_HIGHLIGHT:
			if (options_parse_seconds("--highlight", optarg, 0, &opts->highlight, err, errsize) < 0)
				return -1;
			opts->given |= SETTING_HIGHLIGHT;
			break;
		case OPT_NO_COLOR: opts->no_color = true; opts->given |= SETTING_COLOR; break;
		case OPT_LEAN: opts->lean = true; opts->given |= SETTING_LEAN; break;
		case OPT_CONFIG:
			if (!optarg[0]) {
				snprintf(err, errsize, "--config needs a file name");
				return -1;
			}
			free(opts->config);
			opts->config = xstrdup(optarg);
			break;
		case OPT_NO_CONFIG: opts->no_config = true; break;
		case ':':
			snprintf(err, errsize, "option '%s' needs a value", argv[optind - 1]);
			return -1;
		default:
			if (optopt)
				snprintf(err, errsize, "unknown option '-%c'", optopt);
			else
				snprintf(err, errsize, "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	for (; optind < argc; optind++) {
		if (filter.len)
			strbuf_putc(&filter, ' ');
		strbuf_puts(&filter, argv[optind]);
	}
	opts->filter = xstrdup(strbuf_str(&filter));
	strbuf_free(&filter);
	return 0;
}
