/* The ways portview runs, each a consumer of the one refresh pipeline
 * (refresh.h): the dashboard and --once. main.c picks one. */
#ifndef PV_MODES_H
#define PV_MODES_H

#include "dashboard.h"
#include "filter.h"
#include "settings.h"

/* --once: one refresh (two, s->delay apart, when cli gave -d), its rows
 * as filter selects them, printed as text or JSON; cli is what the
 * command line alone said; filter_text is the filter as typed. Returns
 * the exit status. */
int mode_once(const struct settings *s, const struct settings *cli, const char *filter_text,
	      const struct pv_filter *filter);

/* `portview why PORT[/PROTO]` (--why): why a new server could not bind
 * the port, or that it could, in portview's own network namespace, as
 * text or JSON. Returns 0 when it is free, 1 when taken, 2 on bad input
 * or when sockets cannot be read. */
int mode_why(const struct settings *s, const char *spec);

/* --watch: refreshes every s->delay seconds and prints each open, close
 * and state change the filter selects as it is found, as text or one
 * JSON object a line, until a signal stops it. Returns the exit status. */
int mode_watch(const struct settings *s, const struct pv_filter *filter);

/* --close: lists the TCP and UDP connections the filter selects (not
 * listeners), and with s->yes closes each (SOCK_DESTROY); of two local
 * ends both selected, one. Returns 0 when all went well, 1 when nothing
 * matched or a close failed, 2 without a filter. */
int mode_close(const struct settings *s, const char *filter_text, const struct pv_filter *filter);

/* --metrics and --metrics-file: headless, refreshes every s->delay
 * seconds and serves the Prometheus exposition at /metrics, writes it to
 * the file atomically, or both; with once, one refresh written and done.
 * Returns the exit status (2 when the address cannot be served). */
int mode_metrics(const struct settings *s, bool once);

/* --stream: refreshes every s->delay seconds and writes the model as
 * NDJSON (output/stream.h) until stopped or stdout closes; the filter
 * only narrows what the kernel is asked for. Returns the exit status. */
int mode_stream(const struct settings *s, const struct pv_filter *filter);

/* The dashboard, with settings_path where W writes (NULL: nowhere).
 * Returns the exit status. */
int mode_dashboard(struct dashboard_options *d, const char *settings_path);

#endif
