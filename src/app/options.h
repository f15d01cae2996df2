/* Command-line options: one table drives parsing, --help and the man page
 * checks, so they cannot drift apart. */
#ifndef PV_OPTIONS_H
#define PV_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "rows.h"
#include "settings.h"

struct options {
	bool once, json, listening, help, version, no_color;
	bool info;               /* --once: ask for tcp_info */
	bool lean;               /* no tcp_info (no rates), no peers */
	bool unix_sockets;       /* -x: UNIX domain sockets too */
	bool resolve;            /* -r: service and host names */
	bool no_config;          /* --no-config */
	char *config;            /* --config FILE, or NULL; must be freed */
	unsigned given;          /* SETTING_* bits set on the command line */
	bool delay_given;        /* --once: sample twice, delay apart */
	enum group_mode group;
	double delay;            /* seconds between dashboard refreshes */
	double highlight;        /* seconds new and closed sockets stay marked */
	char *filter;            /* remaining words joined by spaces; never NULL */
};

/* Parses argv into opts. Returns 0, or -1 with a one-line message in err
 * (the caller prints it and exits 2). opts->filter must be freed. */
int options_parse(int argc, char **argv, struct options *opts, char *err, size_t errsize);
void options_usage(FILE *out);
/* Frees what options_parse allocated. */
void options_free(struct options *opts);

#endif
