/* The ways portview runs, each a consumer of the one refresh pipeline
 * (refresh.h): the dashboard and --once. main.c picks one. */
#ifndef PV_MODES_H
#define PV_MODES_H

#include "dashboard.h"
#include "filter.h"
#include "options.h"

/* --once: one refresh (two, delay apart, with -d), printed as text or
 * JSON. Returns the exit status. */
int mode_once(const struct options *opts, const struct pv_filter *filter, unsigned hidden_columns);

/* The dashboard, with settings_path where W writes (NULL: nowhere).
 * Returns the exit status. */
int mode_dashboard(struct dashboard_options *d, const char *settings_path);

#endif
