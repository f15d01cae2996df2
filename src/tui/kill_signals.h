/* The signals the k dialog offers, in its order: one table for the
 * dialog's drawing, its keys and what is sent. */
#ifndef PV_KILL_SIGNALS_H
#define PV_KILL_SIGNALS_H

struct kill_signal {
	int number;
	const char *name;    /* "TERM", shown as SIGTERM */
	const char *meaning; /* what it asks of a usual server */
};

enum { KILL_SIGNAL_COUNT = 9 };

extern const struct kill_signal kill_signals[KILL_SIGNAL_COUNT];

#endif
