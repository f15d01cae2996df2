/* What the modes that run without a screen until stopped share (--watch,
 * --metrics): INT, TERM and HUP end them cleanly, and their sleeps
 * between refreshes end as soon as one arrives. */
#ifndef PV_HEADLESS_H
#define PV_HEADLESS_H

#include <stdbool.h>

/* Makes INT, TERM and HUP ask for a stop rather than kill. */
void headless_catch_stop(void);
/* True once one has arrived. */
bool headless_stopped(void);
/* Sleeps seconds, or less when a stop is asked for. */
void headless_sleep(double seconds);

#endif
