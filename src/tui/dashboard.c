#include "config.h"

#include "dashboard.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curses.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "dash.h"
#include "sanitize.h"
#include "xalloc.h"

enum { STATUS_SECONDS = 4, DASH_EMPTY_READS_MAX = 3 };

static bool curses_active;

/* Every way out restores the terminal first, the out-of-memory abort too. */
static void dash_restore_terminal(void)
{
	if (curses_active) {
		endwin();
		curses_active = false;
	}
}

double dash_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void dash_status(struct dash *d, bool error, const char *fmt, ...)
{
	char raw[sizeof(d->status)];
	struct strbuf clean = { 0 };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* Messages quote file contents, paths and the environment. */
	sanitize_append(&clean, raw, strlen(raw), d->utf8);
	snprintf(d->status, sizeof(d->status), "%s", strbuf_str(&clean));
	strbuf_free(&clean);
	d->status_is_error = error;
	d->status_until = dash_now() + STATUS_SECONDS;
	d->dirty |= EFFECT_REDRAW;
}

void dash_arm_timer(struct dash *d)
{
	struct itimerspec its;
	double whole = floor(d->set.delay);

	its.it_interval.tv_sec = (time_t)whole;
	its.it_interval.tv_nsec = (long)((d->set.delay - whole) * 1e9);
	its.it_value = its.it_interval;
	timerfd_settime(d->timer_fd, 0, &its, NULL);
}

/* ---- refreshes ---- */

/* A new model from the pipeline: the view moves to it at once, before the
 * snapshot it leaves can be reused by the next collection. */
static void dash_take_model(struct dash *d, const struct pv_model *m)
{
	d->model = m;
	view_refresh(&d->view, m);
	d->dirty |= EFFECT_REDRAW;
}

static void dash_refresh_done(struct dash *d)
{
	char err[256];
	bool again;
	const struct pv_model *m = d->host->refresh_take(d->host->ctx, &again, err, sizeof(err));

	if (m)
		dash_take_model(d, m);
	else if (err[0])
		dash_status(d, true, "refresh failed: %s", err); /* the last good model stays */
	if (again)
		d->dirty |= EFFECT_RESCAN;
}

/* ---- setup and loop ---- */

/* Returned by dash_open_terminal for a terminal no dashboard can run on. */
enum { DASH_TERMINAL_UNFIT = -2, DASH_EXIT_USAGE = 2 };

static int dash_open_terminal(struct dash *d, bool color)
{
	const char *term = getenv("TERM");
	const char *cup;

	/* An unknown TERM (common under sudo) falls back to a basic terminal. */
	if (!newterm(term && *term ? term : "vt100", stdout, stdin)) {
		if (!newterm("vt100", stdout, stdin)) {
			fprintf(stderr, "portview: cannot set up the terminal\n");
			return -1;
		}
		dash_status(d, true, "terminal type '%s' unknown: using vt100", term ? term : "");
	}
	/* A terminal that cannot move the cursor (TERM=dumb, emacs shells)
	 * would get a garbled stream: say so and leave it as it was. */
	cup = tigetstr("cup");
	if (!cup || cup == (const char *)-1) {
		struct strbuf name = { 0 };

		endwin();
		sanitize_append(&name, term ? term : "", term ? strlen(term) : 0, d->utf8);
		fprintf(stderr, "portview: the terminal '%s' cannot move the cursor; use --once for text\n",
			strbuf_str(&name));
		strbuf_free(&name);
		return DASH_TERMINAL_UNFIT;
	}
	curses_active = true;
	xalloc_fatal_hook = dash_restore_terminal;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
			  | BUTTON5_PRESSED
#endif
		  ,
		  NULL);
	mouseinterval(0);
	screen_init(color);
	return 0;
}

static int dash_open_fds(struct dash *d)
{
	sigset_t set;

	/* Terminating signals arrive as readable events, never in a handler. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	d->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (d->signal_fd < 0 || d->timer_fd < 0)
		return -1;
	dash_arm_timer(d);
	return 0;
}

/* How long poll may sleep: until a mark fades or the status line clears. */
static int dash_poll_timeout(const struct dash *d)
{
	double now = dash_now(), wait = d->model->tracker ? tracker_next_expiry(d->model->tracker, now) : -1;

	if (d->status_until > now && (wait < 0 || d->status_until - now < wait))
		wait = d->status_until - now;
	return wait < 0 ? -1 : (int)(wait * 1000) + 1;
}

enum { FD_TERMINAL, FD_TIMER, FD_SIGNAL, FD_REFRESH, FD_NAMES, FD_COUNT };

static void dash_loop(struct dash *d)
{
	unsigned empty_reads = 0, keys_read;

	while (!d->quit) {
		struct pollfd fds[FD_COUNT] = {
			[FD_TERMINAL] = { .fd = STDIN_FILENO, .events = POLLIN },
			[FD_TIMER] = { .fd = d->timer_fd, .events = POLLIN },
			[FD_SIGNAL] = { .fd = d->signal_fd, .events = POLLIN },
			[FD_REFRESH] = { .fd = d->host->refresh_ready_fd, .events = POLLIN },
			[FD_NAMES] = { .fd = d->host->names_fd, .events = POLLIN },
		};
		wint_t ch;
		int r, n;

		if (d->dirty & EFFECT_REBUILD)
			view_rebuild(&d->view, d->model->snap);
		if (d->dirty & EFFECT_RESCAN)
			d->host->refresh_async(d->host->ctx, view_kernel_mask(&d->view));
		if (d->dirty)
			dash_draw(d);
		d->dirty = EFFECT_NONE;

		n = poll(fds, FD_COUNT, dash_poll_timeout(d));
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0) {
			/* A timeout (a mark faded) or a signal such as SIGWINCH. */
			d->dirty |= EFFECT_REDRAW;
		}
		if (n > 0 && (fds[FD_SIGNAL].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(d->signal_fd, &si, sizeof(si)) > 0)
				d->quit = true;
		}
		if (n > 0 && (fds[FD_REFRESH].revents & POLLIN))
			dash_refresh_done(d);
		if (n > 0 && (fds[FD_NAMES].revents & POLLIN)) {
			uint64_t answers;

			if (read(d->host->names_fd, &answers, sizeof(answers)) > 0)
				d->dirty |= EFFECT_REDRAW;
		}
		if (n > 0 && (fds[FD_TIMER].revents & POLLIN)) {
			uint64_t expirations;

			if (read(d->timer_fd, &expirations, sizeof(expirations)) > 0 && !d->paused)
				d->dirty |= EFFECT_RESCAN;
		}
		/* Keys are answered before the next scan; a resize shows up here too. */
		keys_read = 0;
		while (!d->quit && (r = get_wch(&ch)) != ERR) {
			dash_key(d, ch, r == KEY_CODE_YES);
			keys_read++;
		}
		/* A terminal that hung up never comes back, and one that reads as
		 * ready but gives nothing, again and again, is at its end: both
		 * would otherwise spin this loop (SIGHUP may be ignored, as under
		 * nohup). */
		if (n > 0 && (fds[FD_TERMINAL].revents & (POLLHUP | POLLERR)))
			d->quit = true;
		empty_reads =
			n > 0 && (fds[FD_TERMINAL].revents & POLLIN) && keys_read == 0 ? empty_reads + 1 : 0;
		if (empty_reads >= DASH_EMPTY_READS_MAX)
			d->quit = true;
		if (d->status[0] && dash_now() >= d->status_until) {
			d->status[0] = '\0';
			d->dirty |= EFFECT_REDRAW;
		}
	}
}

static void dash_init_view(struct dash *d, const struct dashboard_options *opts)
{
	const struct settings *s = opts->settings;
	struct filter_error ferr;

	view_init(&d->view, s->group);
	d->view.show_unix = s->unix_sockets;
	view_set_filter(&d->view, opts->filter, &ferr);
	if (s->sort_column >= 0) {
		view_sort_by(&d->view, s->sort_column);
		if (s->reverse)
			view_reverse_sort(&d->view);
	}
	view_set_toggles(&d->view, opts->toggles);
}

int dashboard_run(const struct dashboard_options *opts, const struct dashboard_host *host)
{
	struct dash d;
	char err[256];
	int status = EXIT_SUCCESS, ret;
	const struct pv_model *first;

	memset(&d, 0, sizeof(d));
	d.host = host;
	d.set = *opts->settings;
	d.set.config = NULL;
	d.color = opts->color;
	d.host_name = opts->host_name;
	d.utf8 = sanitize_locale_is_utf8();
	d.timer_fd = d.signal_fd = -1;
	dash_init_view(&d, opts);

	if (dash_open_fds(&d) < 0) {
		fprintf(stderr, "portview: cannot set up timers and signals: %s\n", strerror(errno));
		status = EXIT_FAILURE;
		goto out;
	}
	if (d.set.resolve)
		host->names_enable(host->ctx, true);
	/* The first refresh before the terminal is taken, so that a failure's
	 * message stays readable. */
	first = host->refresh_sync(host->ctx, view_kernel_mask(&d.view), err, sizeof(err));
	if (!first) {
		fprintf(stderr, "portview: %s\n", err);
		status = EXIT_FAILURE;
		goto out;
	}
	dash_take_model(&d, first);
	if (opts->settings_problem && opts->settings_problem[0])
		dash_status(&d, true, "settings: %s (ignored)", opts->settings_problem);
	else if (host->history_load && host->history_load(host->ctx, &d.history, err, sizeof(err)) < 0)
		dash_status(&d, true, "filter history: %s (not used)", err);
	ret = dash_open_terminal(&d, opts->color);
	if (ret < 0) {
		status = ret == DASH_TERMINAL_UNFIT ? DASH_EXIT_USAGE : EXIT_FAILURE;
		goto out;
	}
	d.dirty |= EFFECT_REDRAW;
	dash_loop(&d);
out:
	dash_restore_terminal();
	view_free(&d.view);
	prompt_free(&d.input);
	history_free(&d.history);
	free(d.filter_before);
	free(d.why_text);
	free(d.close_label);
	filter_free(d.find);
	free(d.kill.label);
	if (d.timer_fd >= 0)
		close(d.timer_fd);
	if (d.signal_fd >= 0)
		close(d.signal_fd);
	return status;
}
