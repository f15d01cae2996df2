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

/* The dashboard, with settings_path where W writes (NULL: nowhere).
 * Returns the exit status. */
int mode_dashboard(struct dashboard_options *d, const char *settings_path);

#endif
