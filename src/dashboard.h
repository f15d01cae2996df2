/* The live dashboard: a poll() loop on the terminal, a refresh timer and
 * the terminating signals, wiring the collector, the tracker, the view
 * state and the screen. */
#ifndef PV_DASHBOARD_H
#define PV_DASHBOARD_H

#include <stdbool.h>

#include "rows.h"

struct dashboard_options {
	enum group_mode group;
	double delay;                /* seconds between refreshes */
	double highlight;            /* seconds marks and closed sockets stay; 0: off */
	bool color;
	const char *filter;          /* the initial filter, already known to parse */
	bool listening;              /* -l: start with the listeners toggle on */
	bool lean;                   /* --lean: no tcp_info, no peers */
	bool unix_sockets;           /* -x: UNIX domain sockets shown */
	bool resolve;                /* -r: names instead of numbers */
	int sort_column;             /* from the settings: a column, or -1 */
	bool reverse;
	unsigned hidden_columns;     /* bit c: column c is not shown */
	const char *settings_path;   /* where W writes; NULL: nowhere */
	const char *settings_problem;/* what was wrong with the settings file, or "" */
};

/* Runs until the user quits or a terminating signal arrives. Returns the
 * exit status. The terminal is restored on every path out. */
int dashboard_run(const struct dashboard_options *opts);

#endif
