/* The live dashboard: a poll() loop on the terminal, the refresh
 * pipeline's fd, a timer and the terminating signals, wiring the view
 * state and the screen. What it needs of layers above the view (the
 * pipeline, names, the settings file, signalling a process) the
 * application hands it as a table of functions, so the view includes
 * nothing above the model. */
#ifndef PV_DASHBOARD_H
#define PV_DASHBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lineedit.h"
#include "model.h"
#include "ports.h"
#include "rows.h"
#include "settings.h"

/* What the application provides; ctx is passed to each function. */
struct dashboard_host {
	void *ctx;
	/* The refresh pipeline (app/refresh.h): a synchronous refresh, a
	 * background one and its fd, and folding a finished one in. */
	const struct pv_model *(*refresh_sync)(void *ctx, uint64_t kernel_mask, char *err, size_t errsize);
	void (*refresh_async)(void *ctx, uint64_t kernel_mask);
	const struct pv_model *(*refresh_take)(void *ctx, bool *again, char *err, size_t errsize);
	int refresh_ready_fd;
	/* Names on or off; names_fd is readable when a name has arrived. */
	void (*names_enable)(void *ctx, bool on);
	int names_fd;
	/* W: writes s where settings are read from. Returns 0 with where in
	 * err's place, or -1 with a message. */
	int (*save_settings)(void *ctx, const struct settings *s, char *msg, size_t msgsize);
	/* The filter history, read once at start and written after each
	 * filter kept; NULL where there is no settings folder. Return 0, or
	 * -1 with a message. */
	int (*history_load)(void *ctx, struct line_history *h, char *err, size_t errsize);
	int (*history_save)(void *ctx, const struct line_history *h, char *err, size_t errsize);
	/* k: sends sig to pid if it still started at start_time. Returns 0,
	 * or -1 with errno (ESRCH: it has exited). */
	int (*signal_process)(void *ctx, int pid, unsigned long long start_time, int sig);
	/* w: tries the binds of why.h for proto on port, in portview's own
	 * network namespace. */
	void (*bind_probe)(void *ctx, uint8_t proto, uint16_t port,
			   struct pv_bind_try out[PV_BIND_FORM_COUNT]);
	/* K: closes connection k (SOCK_DESTROY). Returns 0, or -1 with a
	 * one-line reason in err. */
	int (*close_socket)(void *ctx, const struct pv_socket *k, char *err, size_t errsize);
};

struct dashboard_options {
	const struct settings *settings; /* in force at start: grouping, sort, interval, ... */
	bool color;                      /* draw colours: the setting, unless NO_COLOR says not */
	const char *filter;              /* the initial filter, already known to parse */
	unsigned toggles;                /* TOGGLE_* the command line asked for (-l -t ...) */
	const char *host_name;           /* for the header */
	const char *settings_problem;    /* what was wrong with the settings file, or "" */
};

/* Runs until the user quits or a terminating signal arrives. Returns the
 * exit status. The terminal is restored on every path out. */
int dashboard_run(const struct dashboard_options *opts, const struct dashboard_host *host);

#endif
