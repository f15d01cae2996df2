#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/eventfd.h>

#include "bindprobe.h"
#include "collect.h"
#include "destroy.h"
#include "modes.h"
#include "names.h"
#include "procinfo.h"
#include "refresh.h"
#include "remote.h"
#include "settings_file.h"

/* What the dashboard asks of the layers above the view. */
struct dashboard_app {
	struct refresh *refresh;
	struct names *names; /* NULL while names are off */
	int names_fd;        /* the resolver's answers, for the loop */
	const char *settings_path;
	char *history_path; /* NULL: the history is not kept */
};

/* The event log a person scrolls (E): the last 2000 are pages of it,
 * and a busy host's churn must not grow the dashboard's memory. */
enum { DASHBOARD_EVENTS_KEPT = 2000 };

static const struct pv_model *app_refresh_now(void *ctx, uint64_t mask, char *err, size_t errsize)
{
	struct dashboard_app *a = ctx;

	return refresh_now(a->refresh, mask, err, errsize);
}

static void app_refresh_start(void *ctx, uint64_t mask)
{
	struct dashboard_app *a = ctx;

	refresh_start(a->refresh, mask);
}

static const struct pv_model *app_refresh_finish(void *ctx, bool *again, char *err, size_t errsize)
{
	struct dashboard_app *a = ctx;

	return refresh_finish(a->refresh, again, err, errsize);
}

static void app_names_enable(void *ctx, bool on)
{
	struct dashboard_app *a = ctx;

	if (on && !a->names)
		a->names = names_open(a->names_fd);
	if (!on && a->names) {
		names_close(a->names);
		a->names = NULL;
	}
}

static int app_settings_save(void *ctx, const struct settings *s, char *msg, size_t msgsize)
{
	struct dashboard_app *a = ctx;

	if (!a->settings_path) {
		snprintf(msg, msgsize, "no settings file: set HOME or XDG_CONFIG_HOME, or use --config FILE");
		return -1;
	}
	if (settings_save(a->settings_path, s, msg, msgsize) < 0)
		return -1;
	snprintf(msg, msgsize, "%s", a->settings_path);
	return 0;
}

static int app_history_load(void *ctx, struct line_history *h, char *err, size_t errsize)
{
	struct dashboard_app *a = ctx;

	return a->history_path ? history_load(a->history_path, h, err, errsize) : 0;
}

static int app_history_save(void *ctx, const struct line_history *h, char *err, size_t errsize)
{
	struct dashboard_app *a = ctx;

	return a->history_path ? history_save(a->history_path, h, err, errsize) : 0;
}

static void app_bind_probe(void *ctx, uint8_t proto, uint16_t port,
			   struct pv_bind_try out[PV_BIND_FORM_COUNT])
{
	(void)ctx;
	bind_probe(proto, port, out);
}

static int app_close_socket(void *ctx, const struct pv_socket *k, char *err, size_t errsize)
{
	(void)ctx;
	return socket_destroy(k, err, errsize);
}

static int app_signal_process(void *ctx, int pid, unsigned long long start_time, int sig)
{
	unsigned long long start;

	(void)ctx;
	if (procinfo_start_time(pid, &start) < 0 || start != start_time) {
		errno = ESRCH;
		return -1;
	}
	return kill(pid, sig);
}

enum { APP_MMAP_THRESHOLD = 256 * 1024 };

/* A program started with privileges (AT_SECURE: file capabilities, or
 * setuid) must not load a terminal description the user chose: ncurses
 * trusts these variables and ~/.terminfo unless uid and euid differ,
 * which file capabilities do not change. The settings path was found
 * before, so HOME can go too. */
static void dashboard_secure_environment(void)
{
	static const char *const untrusted[] = { "TERMINFO", "TERMINFO_DIRS", "TERMCAP", "TERMPATH", "HOME" };

	if (!getauxval(AT_SECURE))
		return;
	for (size_t i = 0; i < sizeof(untrusted) / sizeof(untrusted[0]); i++)
		unsetenv(untrusted[i]);
}

int mode_dashboard(struct dashboard_options *d, const char *settings_path)
{
	struct refresh_options ro = {
		.incremental = true,
		.tcp_info = !d->settings->lean,
		.age_info = !d->settings->lean,
		.peers = !d->settings->lean,
		.track = true,
		.events = DASHBOARD_EVENTS_KEPT,
		.highlight = d->settings->highlight,
		.owners = d->settings->owners,
		.netns = d->settings->netns,
	};
	struct dashboard_app app = { .settings_path = settings_path };
	struct dashboard_host host = {
		.ctx = &app,
		.refresh_sync = app_refresh_now,
		.refresh_async = app_refresh_start,
		.refresh_take = app_refresh_finish,
		.names_enable = app_names_enable,
		.save_settings = app_settings_save,
		.history_load = app_history_load,
		.history_save = app_history_save,
		.signal_process = app_signal_process,
		.bind_probe = app_bind_probe,
		.close_socket = app_close_socket,
	};
	char err[256], host_name[256];
	int status;

	/* A dashboard runs for days. Every refresh frees and allocates arrays
	 * sized by the socket count; glibc would raise its mmap threshold to
	 * their size and then keep them in the heap, where churn fragments it
	 * and RSS creeps up. A fixed threshold sends them to mmap, so freeing
	 * one gives its memory back. */
	mallopt(M_MMAP_THRESHOLD, APP_MMAP_THRESHOLD);
	/* The history sits beside the default settings file; --no-config
	 * (scripts, tests) keeps it in memory. Found before HOME may go. */
	if (!d->settings->no_config)
		app.history_path = settings_folder_file("history");
	/* Before any thread reads the environment. */
	dashboard_secure_environment();
	if (d->settings->remote) {
		ro.fleet = remote_open(d->settings, err, sizeof(err));
		if (!ro.fleet) {
			fprintf(stderr, "portview: %s\n", err);
			free(app.history_path);
			return 2;
		}
	}
	app.refresh = refresh_open(&ro, err, sizeof(err));
	if (!app.refresh) {
		fprintf(stderr, "portview: %s\n", err);
		fleet_close(ro.fleet);
		free(app.history_path);
		return EXIT_FAILURE;
	}
	app.names_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (app.names_fd < 0) {
		fprintf(stderr, "portview: cannot make an eventfd: %s\n", strerror(errno));
		refresh_close(app.refresh);
		fleet_close(ro.fleet);
		free(app.history_path);
		return EXIT_FAILURE;
	}
	host.refresh_ready_fd = refresh_fd(app.refresh);
	host.names_fd = app.names_fd;
	if (d->settings->remote)
		snprintf(host_name, sizeof(host_name), "%s", d->settings->remote);
	else
		collect_hostname(host_name, sizeof(host_name));
	d->host_name = host_name;
	status = dashboard_run(d, &host);
	refresh_close(app.refresh);
	fleet_close(ro.fleet);
	/* The resolver stops writing to names_fd before it is closed. */
	names_close(app.names);
	close(app.names_fd);
	free(app.history_path);
	return status;
}
