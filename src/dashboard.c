#include "config.h"

#include "dashboard.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <locale.h>
#include <malloc.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curses.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "collect.h"
#include "columns.h"
#include "detail.h"
#include "health.h"
#include "keys.h"
#include "names.h"
#include "procinfo.h"
#include "sanitize.h"
#include "screen.h"
#include "settings_file.h"
#include "tracker.h"
#include "view_state.h"
#include "xalloc.h"

enum mode { MODE_LIST, MODE_FILTER, MODE_DELAY, MODE_HELP, MODE_DETAIL, MODE_KILL, MODE_KILL_CONFIRM, MODE_COLUMNS };

enum { STATUS_SECONDS = 4 };

struct kill_target {
	int pid;
	unsigned long long start_time;
	char *label;                 /* "nginx (pid 100, user root)", sanitised */
};

struct dash {
	struct collector *collector;
	struct pv_snapshot snaps[2];
	int cur;                     /* index of the snapshot shown */
	bool have_snapshot;
	struct tracker *tracker;
	struct health *health;       /* rates and flags across refreshes */
	struct view_state view;
	struct screen_layout layout;

	double delay, highlight;
	bool paused, utf8;
	bool lean;                   /* --lean: no tcp_info, no peers */
	bool color;
	unsigned hidden_columns;     /* from the settings and the chooser */
	int column_choice;           /* the chooser's cursor */
	const char *settings_path;   /* where W writes */
	char host[256];
	char notice[512];
	struct pv_counts counts;     /* of the shown snapshot's live sockets */

	enum mode mode;
	struct strbuf input;         /* the prompt's text */
	char *filter_before;         /* restored by Esc */
	char prompt_error[200];
	char status[300];
	bool status_is_error;
	double status_until;
	size_t detail_scroll;
	int kill_choice;
	struct kill_target kill;

	int timer_fd, signal_fd;
	unsigned dirty;              /* EFFECT_* */
	bool quit;

	/* Collection runs on a worker thread into the spare snapshot, so keys
	 * are answered while the kernel and /proc are read. */
	pthread_t worker;
	bool collecting, again;      /* again: a rescan was asked for meanwhile */
	int done_fd;                 /* eventfd the worker signals */

	/* Names (n, -r): looked up in the background; names_fd says an
	 * answer came, so the screen is drawn again with it. */
	struct names *names;
	int names_fd;
	struct spark_history *sparks;   /* each group's rate over the last refreshes */
	uint64_t worker_mask;
	int worker_status;
	char worker_err[256];
};

static const int kill_signals[SCREEN_SIGNAL_COUNT] = { SIGTERM, SIGKILL, SIGHUP, SIGINT };

static bool curses_active;

enum { DASH_MMAP_THRESHOLD = 256 * 1024, DASH_EMPTY_READS_MAX = 3 };

/* Every way out restores the terminal first, the out-of-memory abort too. */
static void dash_restore_terminal(void)
{
	if (curses_active) {
		endwin();
		curses_active = false;
	}
}

static double monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void dash_status(struct dash *d, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void dash_status(struct dash *d, bool error, const char *fmt, ...)
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
	d->status_until = monotonic_now() + STATUS_SECONDS;
	d->dirty |= EFFECT_REDRAW;
}

static void dash_arm_timer(struct dash *d)
{
	struct itimerspec its;
	double whole = floor(d->delay);

	its.it_interval.tv_sec = (time_t)whole;
	its.it_interval.tv_nsec = (long)((d->delay - whole) * 1e9);
	its.it_value = its.it_interval;
	timerfd_settime(d->timer_fd, 0, &its, NULL);
}

/* ---- collection ---- */

static void dash_add_notice(const char *message, void *arg)
{
	struct strbuf *sb = arg;

	strbuf_printf(sb, "%s%s", sb->len ? "; " : "", message);
}

/* Counts and notices, once per refresh rather than once per frame. */
static void dash_build_notice(struct dash *d, const struct pv_snapshot *s)
{
	struct strbuf sb = { 0 };

	snapshot_count(s, NULL, 0, &d->counts);
	snapshot_notices(s, d->counts.hidden, dash_add_notice, &sb);
	snprintf(d->notice, sizeof(d->notice), "%s", strbuf_str(&sb));
	strbuf_free(&sb);
}

static int dash_next_slot(const struct dash *d)
{
	return d->have_snapshot ? 1 - d->cur : d->cur;
}

/* Rates change every refresh, so rows sorted by them are always rebuilt. */
static bool dash_sorted_by_rate(const struct dash *d)
{
	return d->view.order.column == COL_RATE_IN || d->view.order.column == COL_RATE_OUT;
}

/* Folds the freshly collected spare snapshot in: changes, then rows. */
/* One point of each group's sparkline: what it moved, in and out. */
static void dash_record_traffic(struct dash *d)
{
	const struct pv_rows *r = &d->view.rows;

	spark_begin(d->sparks);
	for (size_t i = 0; i < r->nrows; i++) {
		const struct pv_group *g;
		struct row_key key;

		if (r->rows[i].kind != ROW_GROUP)
			continue;
		g = &r->groups[r->rows[i].index];
		if (!g->has_rate)
			continue;
		rows_key(r, &d->snaps[d->cur], i, &key);
		spark_record(d->sparks, row_key_hash(&key), g->rate_in + g->rate_out);
	}
	spark_end(d->sparks);
}

static void dash_collected(struct dash *d)
{
	int next = dash_next_slot(d);
	struct pv_snapshot *s = &d->snaps[next];
	double now;

	if (d->worker_status < 0) {
		/* Keep showing the last good snapshot. */
		dash_status(d, true, "refresh failed: %s", d->worker_err);
		return;
	}
	now = monotonic_now();
	health_update(d->health, d->have_snapshot ? &d->snaps[d->cur] : NULL, s, s->monotonic_taken);
	tracker_update(d->tracker, d->have_snapshot ? &d->snaps[d->cur] : NULL, s, now, d->highlight);
	/* An unchanged host keeps its rows: sorting tens of thousands of
	 * sockets every second is most of an idle dashboard's cost. The rows
	 * move to the new snapshot now, before the old one can be reused for
	 * the next collection. */
	if (d->have_snapshot && d->view.snap == &d->snaps[d->cur] && !dash_sorted_by_rate(d) &&
	    snapshot_same_rows(&d->snaps[d->cur], s))
		view_retarget(&d->view, s);
	else
		view_rebuild(&d->view, s);
	d->cur = next;
	d->have_snapshot = true;
	dash_record_traffic(d);
	dash_build_notice(d, s);
	d->dirty |= EFFECT_REDRAW;
}

/* Prepares the spare snapshot for a collection. */
static void dash_prepare_collect(struct dash *d)
{
	struct pv_snapshot *s = &d->snaps[dash_next_slot(d)];

	snapshot_recycle(s, d->have_snapshot ? d->snaps[d->cur].nsocks : 0);
	d->worker_mask = view_kernel_mask(&d->view);
}

/* One collection into the spare snapshot, then a word on done_fd. */
static void dash_collect_into_spare(struct dash *d)
{
	uint64_t one = 1;

	d->worker_status = collector_run(d->collector, d->worker_mask, d->lean ? 0 : COLLECT_TCP_INFO | COLLECT_PEERS,
					 &d->snaps[dash_next_slot(d)],
					 d->worker_err, sizeof(d->worker_err));
	if (write(d->done_fd, &one, sizeof(one)) != sizeof(one))
		d->worker_status = -1;
}

static void *dash_worker(void *arg)
{
	sigset_t all;

	/* Signals belong to the loop's thread: SIGWINCH must interrupt its
	 * poll(). Only this thread blocks them. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	dash_collect_into_spare(arg);
	return NULL;
}

static void dash_collect_done(struct dash *d);

/* Starts a collection on the worker, or notes that one more is wanted. */
static void dash_collect_start(struct dash *d)
{
	if (d->collecting) {
		d->again = true;
		return;
	}
	dash_prepare_collect(d);
	d->collecting = pthread_create(&d->worker, NULL, dash_worker, d) == 0;
	if (!d->collecting) {
		/* No thread: collect here, as at start-up. */
		dash_collect_into_spare(d);
		dash_collect_done(d);
	}
}

/* The worker finished: join it and fold the result in. */
static void dash_collect_done(struct dash *d)
{
	uint64_t n;

	if (read(d->done_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	if (d->collecting) {
		pthread_join(d->worker, NULL);
		d->collecting = false;
	}
	dash_collected(d);
	if (d->again) {
		d->again = false;
		d->dirty |= EFFECT_RESCAN;
	}
}

/* The first collection, before the terminal is taken. */
static void dash_collect_now(struct dash *d)
{
	dash_prepare_collect(d);
	dash_collect_into_spare(d);
	dash_collect_done(d);
}

/* ---- actions ---- */

static const struct pv_snapshot *dash_snap(const struct dash *d)
{
	return &d->snaps[d->cur];
}

static void dash_open_prompt(struct dash *d, enum mode mode, const char *initial)
{
	d->mode = mode;
	strbuf_reset(&d->input);
	strbuf_puts(&d->input, initial);
	d->prompt_error[0] = '\0';
	free(d->filter_before);
	d->filter_before = xstrdup(d->view.filter_text);
	curs_set(1);
}

static void dash_close_prompt(struct dash *d)
{
	d->mode = MODE_LIST;
	d->prompt_error[0] = '\0';
	curs_set(0);
}

/* Applies the prompt's text as the filter on every keystroke; a malformed
 * one is shown with its reason while the last valid one stays. */
static void dash_filter_changed(struct dash *d)
{
	struct filter_error err;
	int effect = view_set_filter(&d->view, strbuf_str(&d->input), &err);

	if (effect < 0) {
		snprintf(d->prompt_error, sizeof(d->prompt_error), "column %zu: %s", err.pos + 1, err.msg);
		d->dirty |= EFFECT_REDRAW;
		return;
	}
	d->prompt_error[0] = '\0';
	d->dirty |= (unsigned)effect;
}

/* The process a kill would go to: the group's process, or the socket's
 * primary owner. */
static bool dash_pick_target(struct dash *d)
{
	const struct pv_row *r = view_current(&d->view);
	const struct pv_snapshot *s = dash_snap(d);
	const struct pv_process *p = NULL;
	struct strbuf sb = { 0 };

	if (!r)
		return false;
	if (r->kind == ROW_GROUP && d->view.rows.groups[r->index].kind == GK_PROCESS) {
		p = &s->procs[d->view.rows.groups[r->index].proc];
	} else if (r->kind == ROW_SOCKET) {
		int32_t o = rows_primary_owner(s, &s->socks[r->index]);

		p = o >= 0 ? &s->procs[o] : NULL;
	}
	if (!p)
		return false;
	d->kill.pid = p->pid;
	d->kill.start_time = p->start_time;
	sanitize_append(&sb, p->comm, strlen(p->comm), d->utf8);
	strbuf_printf(&sb, " (pid %d, user ", p->pid);
	column_format_user(&sb, p->user, p->uid, d->utf8);
	strbuf_putc(&sb, ')');
	free(d->kill.label);
	d->kill.label = xstrdup(strbuf_str(&sb));
	strbuf_free(&sb);
	return true;
}

/* Sends the chosen signal, after checking the pid still names the same
 * process: pids are reused, and the wrong process must never be hit. */
static void dash_send_signal(struct dash *d)
{
	int sig = kill_signals[d->kill_choice];
	const char *name = screen_signal_names[d->kill_choice];
	unsigned long long start;

	if (procinfo_start_time(d->kill.pid, &start) < 0 || start != d->kill.start_time) {
		dash_status(d, true, "%s has exited; no signal sent", d->kill.label);
		return;
	}
	if (kill(d->kill.pid, sig) < 0)
		dash_status(d, true, "cannot send SIG%s to %s: %s", name, d->kill.label, strerror(errno));
	else
		dash_status(d, false, "sent SIG%s to %s", name, d->kill.label);
	d->dirty |= EFFECT_RESCAN;
}

static void dash_enter(struct dash *d)
{
	const struct pv_row *r = view_current(&d->view);

	if (!r)
		return;
	if (d->view.row_flags[d->view.visible[d->view.cursor]] & VIEW_ROW_HAS_CHILDREN &&
	    r->kind == ROW_GROUP) {
		d->dirty |= view_toggle_expand(&d->view);
		return;
	}
	d->mode = MODE_DETAIL;
	d->detail_scroll = 0;
	d->dirty |= EFFECT_REDRAW;
}

/* n: names or numbers. The resolver keeps its cache only while names are
 * on; turning them off stops every lookup. */
static void dash_toggle_names(struct dash *d)
{
	if (d->names) {
		names_close(d->names);
		d->names = NULL;
	} else {
		d->names = names_open(d->names_fd);
	}
	d->dirty |= EFFECT_REDRAW;
}

/* W: the settings in force now, written where they are read from. */
static void dash_write_settings(struct dash *d)
{
	struct settings s = {
		.group = d->view.group, .sort_column = d->view.order.column,
		.reverse = d->view.order.reverse, .delay = d->delay, .highlight = d->highlight,
		.color = d->color, .hidden_columns = d->hidden_columns, .lean = d->lean,
		.unix_sockets = d->view.show_unix, .resolve = d->names != NULL,
	};
	char err[300];

	if (!d->settings_path) {
		dash_status(d, true, "no settings file: set HOME or XDG_CONFIG_HOME, or use --config FILE");
		return;
	}
	if (settings_save(d->settings_path, &s, err, sizeof(err)) < 0)
		dash_status(d, true, "%s", err);
	else
		dash_status(d, false, "settings written to %s", d->settings_path);
}

static void dash_action(struct dash *d, enum key_action a)
{
	struct view_state *v = &d->view;
	size_t page = d->layout.list_rows > 1 ? (size_t)d->layout.list_rows - 1 : 1;
	struct filter_error err;

	switch (a) {
	case ACT_NONE: break;
	case ACT_QUIT: d->quit = true; break;
	case ACT_HELP: d->mode = MODE_HELP; d->dirty |= EFFECT_REDRAW; break;
	case ACT_WRITE_SETTINGS: dash_write_settings(d); break;
	case ACT_COLUMNS: d->mode = MODE_COLUMNS; d->dirty |= EFFECT_REDRAW; break;
	case ACT_UP: d->dirty |= view_move(v, -1); break;
	case ACT_DOWN: d->dirty |= view_move(v, 1); break;
	case ACT_PAGE_UP: d->dirty |= view_move(v, -(long)page); break;
	case ACT_PAGE_DOWN: d->dirty |= view_move(v, (long)page); break;
	case ACT_HOME: d->dirty |= view_move_to(v, 0); break;
	case ACT_END: d->dirty |= view_move_to(v, SIZE_MAX); break;
	case ACT_ENTER: dash_enter(d); break;
	case ACT_TOGGLE: d->dirty |= view_toggle_expand(v); break;
	case ACT_LEFT: d->dirty |= view_collapse_or_parent(v); break;
	case ACT_RIGHT: d->dirty |= view_expand(v); break;
	case ACT_EXPAND_ALL: d->dirty |= view_set_all_expanded(v, true); break;
	case ACT_COLLAPSE_ALL: d->dirty |= view_set_all_expanded(v, false); break;
	case ACT_FILTER: dash_open_prompt(d, MODE_FILTER, v->filter_text); d->dirty |= EFFECT_REDRAW; break;
	case ACT_CLEAR_FILTER:
		d->status[0] = '\0';
		v->toggles = 0;
		d->dirty |= (unsigned)view_set_filter(v, "", &err) | EFFECT_RESCAN;
		break;
	case ACT_TOGGLE_LISTEN: d->dirty |= view_toggle(v, TOGGLE_LISTEN); break;
	case ACT_TOGGLE_ESTAB: d->dirty |= view_toggle(v, TOGGLE_ESTAB); break;
	case ACT_TOGGLE_TCP: d->dirty |= view_toggle(v, TOGGLE_TCP); break;
	case ACT_TOGGLE_UDP: d->dirty |= view_toggle(v, TOGGLE_UDP); break;
	case ACT_TOGGLE_V4: d->dirty |= view_toggle(v, TOGGLE_V4); break;
	case ACT_TOGGLE_V6: d->dirty |= view_toggle(v, TOGGLE_V6); break;
	case ACT_TOGGLE_UNIX: d->dirty |= view_toggle_unix(v); break;
	case ACT_TOGGLE_NAMES: dash_toggle_names(d); break;
	case ACT_SORT: d->dirty |= view_cycle_sort(v); break;
	case ACT_REVERSE: d->dirty |= view_reverse_sort(v); break;
	case ACT_GROUP: d->dirty |= view_cycle_group(v); break;
	case ACT_PAUSE:
		d->paused = !d->paused;
		d->dirty |= EFFECT_REDRAW | (d->paused ? 0 : EFFECT_RESCAN);
		break;
	case ACT_REFRESH: d->dirty |= EFFECT_RESCAN; break;
	case ACT_DELAY: {
		char now[32];

		snprintf(now, sizeof(now), "%g", d->delay);
		dash_open_prompt(d, MODE_DELAY, now);
		d->dirty |= EFFECT_REDRAW;
		break;
	}
	case ACT_DETAIL:
		if (view_current(v)) {
			d->mode = MODE_DETAIL;
			d->detail_scroll = 0;
			d->dirty |= EFFECT_REDRAW;
		}
		break;
	case ACT_KILL:
		if (!dash_pick_target(d)) {
			dash_status(d, true, "no process to signal on this row");
			break;
		}
		d->mode = MODE_KILL;
		d->kill_choice = 0;
		d->dirty |= EFFECT_REDRAW;
		break;
	}
}

/* ---- keys per mode ---- */

static bool is_erase_key(wint_t ch, bool is_key)
{
	return (is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == 127 || ch == 8));
}

/* Removes the last UTF-8 character of the prompt's text. */
static void input_erase(struct strbuf *sb)
{
	while (sb->len > 0) {
		unsigned char c = (unsigned char)sb->data[--sb->len];

		if ((c & 0xc0) != 0x80)
			break;
	}
	sb->data[sb->len] = '\0';
}

static void input_append(struct strbuf *sb, wint_t ch)
{
	char buf[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = wcrtomb(buf, (wchar_t)ch, &st);
	if (n != (size_t)-1)
		strbuf_append(sb, buf, n);
}

static void dash_key_prompt(struct dash *d, wint_t ch, bool is_key)
{
	bool filter = d->mode == MODE_FILTER;

	if (!is_key && ch == 27) {
		if (filter) {
			struct filter_error err;
			int effect = view_set_filter(&d->view, d->filter_before, &err);

			d->dirty |= effect > 0 ? (unsigned)effect : 0;
		}
		dash_close_prompt(d);
	} else if ((!is_key && (ch == '\r' || ch == '\n')) || (is_key && ch == KEY_ENTER)) {
		if (!filter) {
			char *end;
			double v = strtod(strbuf_str(&d->input), &end);

			if (end == strbuf_str(&d->input) || *end || !isfinite(v) || v < 0.1 || v > 3600) {
				dash_status(d, true, "the interval must be 0.1 to 3600 seconds, not '%s'",
					    strbuf_str(&d->input));
			} else {
				d->delay = v;
				dash_arm_timer(d);
				dash_status(d, false, "refreshing every %.1f s", v);
			}
		} else if (d->prompt_error[0]) {
			dash_status(d, true, "filter kept as '%s': %s", d->view.filter_text, d->prompt_error);
		}
		dash_close_prompt(d);
	} else if (is_erase_key(ch, is_key)) {
		input_erase(&d->input);
		if (filter)
			dash_filter_changed(d);
	} else if (!is_key && ch == 21) {           /* Ctrl-U */
		strbuf_reset(&d->input);
		if (filter)
			dash_filter_changed(d);
	} else if (!is_key && ch >= 32 && ch != 127) {
		if (d->input.len < 4096)
			input_append(&d->input, ch);
		if (filter)
			dash_filter_changed(d);
	}
	d->dirty |= EFFECT_REDRAW;
}

static void dash_key_kill(struct dash *d, wint_t ch, bool is_key)
{
	if (d->mode == MODE_KILL_CONFIRM) {
		if (!is_key && (ch == 'y' || ch == 'Y'))
			dash_send_signal(d);
		else
			dash_status(d, false, "no signal sent");
		d->mode = MODE_LIST;
	} else if (is_key && ch == KEY_LEFT) {
		d->kill_choice = (d->kill_choice + SCREEN_SIGNAL_COUNT - 1) % SCREEN_SIGNAL_COUNT;
	} else if ((is_key && ch == KEY_RIGHT) || (!is_key && ch == '\t')) {
		d->kill_choice = (d->kill_choice + 1) % SCREEN_SIGNAL_COUNT;
	} else if ((!is_key && (ch == '\r' || ch == '\n')) || (is_key && ch == KEY_ENTER)) {
		d->mode = MODE_KILL_CONFIRM;
	} else if (!is_key && ch == 27) {
		d->mode = MODE_LIST;
	} else if (!is_key) {
		/* A signal's first letter picks it. */
		for (int i = 0; i < SCREEN_SIGNAL_COUNT; i++)
			if ((int)(ch | 0x20) == (screen_signal_names[i][0] | 0x20))
				d->kill_choice = i;
	}
	d->dirty |= EFFECT_REDRAW;
}

/* The column chooser: Up/Down move, Space or Enter shows or hides the
 * column, Esc (or C, q) closes. */
static void dash_key_columns(struct dash *d, wint_t ch, bool is_key)
{
	if (is_key && ch == KEY_UP && d->column_choice > 0)
		d->column_choice--;
	else if (is_key && ch == KEY_DOWN && d->column_choice + 1 < COL_COUNT)
		d->column_choice++;
	else if ((!is_key && (ch == ' ' || ch == '\r' || ch == '\n')) || (is_key && ch == KEY_ENTER)) {
		if (column_always_shown(d->column_choice))
			dash_status(d, false, "%s always shows", columns[d->column_choice].header);
		else
			d->hidden_columns ^= 1u << d->column_choice;
	} else if (!is_key && ch == 3)
		d->quit = true;
	else if (!is_key && (ch == 27 || ch == 'C' || ch == 'c' || ch == 'q'))
		d->mode = MODE_LIST;
	d->dirty |= EFFECT_REDRAW;
}

static void dash_key_detail(struct dash *d, wint_t ch, bool is_key)
{
	if (is_key && ch == KEY_DOWN)
		d->detail_scroll++;
	else if (is_key && ch == KEY_UP && d->detail_scroll > 0)
		d->detail_scroll--;
	else if (!is_key && ch == 3)
		d->quit = true;
	else
		d->mode = MODE_LIST;
	d->dirty |= EFFECT_REDRAW;
}

static void dash_mouse(struct dash *d)
{
	MEVENT ev;
	const struct screen_layout *lay = &d->layout;

	if (getmouse(&ev) != OK || lay->too_small)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		d->dirty |= view_move(&d->view, -3);
		return;
	}
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED) {
		d->dirty |= view_move(&d->view, 3);
		return;
	}
#endif
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
		return;
	if (ev.y == lay->header_y) {
		for (int c = 0; c < COL_COUNT; c++)
			if (lay->col_shown[c] && ev.x >= lay->col_x[c] && ev.x < lay->col_x[c] + lay->col_w[c])
				d->dirty |= view_sort_by(&d->view, c);
		return;
	}
	if (ev.y >= lay->list_top && ev.y < lay->list_top + lay->list_rows) {
		size_t index = d->view.top + (size_t)(ev.y - lay->list_top);

		if (index >= d->view.nvisible)
			return;
		d->dirty |= view_move_to(&d->view, index);
		if (d->view.rows.rows[d->view.visible[index]].kind == ROW_GROUP)
			d->dirty |= view_toggle_expand(&d->view);
	}
}

static void dash_key(struct dash *d, wint_t ch, bool is_key)
{
	if (is_key && ch == KEY_RESIZE) {
		d->dirty |= EFFECT_REDRAW;
		return;
	}
	switch (d->mode) {
	case MODE_FILTER:
	case MODE_DELAY:
		dash_key_prompt(d, ch, is_key);
		return;
	case MODE_KILL:
	case MODE_KILL_CONFIRM:
		dash_key_kill(d, ch, is_key);
		return;
	case MODE_DETAIL:
		dash_key_detail(d, ch, is_key);
		return;
	case MODE_COLUMNS:
		dash_key_columns(d, ch, is_key);
		return;
	case MODE_HELP:
		d->mode = MODE_LIST;
		d->dirty |= EFFECT_REDRAW;
		if (!is_key && ch == 3)
			d->quit = true;
		return;
	case MODE_LIST:
		break;
	}
	if (is_key && ch == KEY_MOUSE) {
		dash_mouse(d);
		return;
	}
	/* A wide character is never mistaken for a function key's code. */
	if (!is_key && ch >= KEY_MIN)
		return;
	dash_action(d, keys_lookup((int)ch));
}

/* ---- drawing ---- */

static void dash_draw(struct dash *d)
{
	struct strbuf detail = { 0 };
	struct strbuf question = { 0 };
	double now = monotonic_now();
	struct screen_frame f = {
		.view = &d->view, .snap = dash_snap(d), .tracker = d->tracker, .now = now,
		.host = d->host, .delay = d->delay, .paused = d->paused, .utf8 = d->utf8, .rates = !d->lean,
		.hidden_columns = d->hidden_columns,
		.notice = d->notice, .counts = &d->counts, .sparks = d->lean ? NULL : d->sparks,
		.status = now < d->status_until ? d->status : "",
		.status_is_error = d->status_is_error, .prompt_error = d->prompt_error,
		.kill_choice = d->kill_choice, .kill_confirm = d->mode == MODE_KILL_CONFIRM,
		.column_choice = d->column_choice,
	};

	if (d->mode == MODE_FILTER || d->mode == MODE_DELAY) {
		f.prompt_label = d->mode == MODE_FILTER ? "/" : "refresh every (seconds): ";
		f.prompt_text = strbuf_str(&d->input);
	}
	if (d->mode == MODE_HELP)
		f.overlay = OVERLAY_HELP;
	if (d->mode == MODE_COLUMNS)
		f.overlay = OVERLAY_COLUMNS;
	if (d->mode == MODE_DETAIL && view_current(&d->view)) {
		detail_describe(dash_snap(d), &d->view.rows, d->view.visible[d->view.cursor], d->utf8, &detail);
		f.overlay = OVERLAY_DETAIL;
		f.overlay_text = strbuf_str(&detail);
		f.overlay_scroll = d->detail_scroll;
	}
	if (d->mode == MODE_KILL || d->mode == MODE_KILL_CONFIRM) {
		if (d->mode == MODE_KILL)
			strbuf_printf(&question, "to %s:", d->kill.label);
		else
			strbuf_printf(&question, "send SIG%s to %s?", screen_signal_names[d->kill_choice],
				      d->kill.label);
		f.overlay = OVERLAY_KILL;
		f.overlay_text = strbuf_str(&question);
	}
	view_scroll_to_cursor(&d->view, (size_t)screen_list_rows(&f));
	screen_draw(&f, &d->layout);
	if (f.prompt_label) {
		curs_set(1);
		move(LINES - 1, (int)(strlen(f.prompt_label) + sanitize_fit(f.prompt_text, strlen(f.prompt_text),
									      (size_t)COLS, &(size_t){ 0 })));
	}
	doupdate();
	strbuf_free(&detail);
	strbuf_free(&question);
}

/* ---- setup and loop ---- */

static int dash_open_terminal(struct dash *d, bool color)
{
	const char *term = getenv("TERM");

	/* An unknown TERM (common under sudo) falls back to a basic terminal. */
	if (!newterm(term && *term ? term : "vt100", stdout, stdin)) {
		if (!newterm("vt100", stdout, stdin)) {
			fprintf(stderr, "portview: cannot set up the terminal\n");
			return -1;
		}
		dash_status(d, true, "terminal type '%s' unknown: using vt100", term ? term : "");
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
		  , NULL);
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
	d->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->names_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->signal_fd < 0 || d->timer_fd < 0 || d->done_fd < 0 || d->names_fd < 0)
		return -1;
	dash_arm_timer(d);
	return 0;
}

/* How long poll may sleep: until a mark fades or the status line clears. */
static int dash_poll_timeout(const struct dash *d)
{
	double now = monotonic_now(), wait = tracker_next_expiry(d->tracker, now);

	if (d->status_until > now && (wait < 0 || d->status_until - now < wait))
		wait = d->status_until - now;
	return wait < 0 ? -1 : (int)(wait * 1000) + 1;
}

static void dash_loop(struct dash *d)
{
	unsigned empty_reads = 0, keys_read;

	while (!d->quit) {
		struct pollfd fds[5] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = d->timer_fd, .events = POLLIN },
			{ .fd = d->signal_fd, .events = POLLIN },
			{ .fd = d->done_fd, .events = POLLIN },
			{ .fd = d->names_fd, .events = POLLIN },
		};
		wint_t ch;
		int r, n;

		if (d->dirty & EFFECT_REBUILD)
			view_rebuild(&d->view, dash_snap(d));
		if (d->dirty & EFFECT_RESCAN)
			dash_collect_start(d);
		if (d->dirty)
			dash_draw(d);
		d->dirty = EFFECT_NONE;

		n = poll(fds, 5, dash_poll_timeout(d));
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0) {
			/* A timeout (a mark faded) or a signal such as SIGWINCH. */
			d->dirty |= EFFECT_REDRAW;
		}
		if (n > 0 && (fds[2].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(d->signal_fd, &si, sizeof(si)) > 0)
				d->quit = true;
		}
		if (n > 0 && (fds[3].revents & POLLIN))
			dash_collect_done(d);
		if (n > 0 && (fds[4].revents & POLLIN)) {
			uint64_t answers;

			if (read(d->names_fd, &answers, sizeof(answers)) > 0)
				d->dirty |= EFFECT_REDRAW;
		}
		if (n > 0 && (fds[1].revents & POLLIN)) {
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
		if (n > 0 && (fds[0].revents & (POLLHUP | POLLERR)))
			d->quit = true;
		empty_reads = n > 0 && (fds[0].revents & POLLIN) && keys_read == 0 ? empty_reads + 1 : 0;
		if (empty_reads >= DASH_EMPTY_READS_MAX)
			d->quit = true;
		if (d->status[0] && monotonic_now() >= d->status_until) {
			d->status[0] = '\0';
			d->dirty |= EFFECT_REDRAW;
		}
	}
}

int dashboard_run(const struct dashboard_options *opts)
{
	struct dash d;
	char err[256];
	int status = EXIT_SUCCESS;
	struct filter_error ferr;

	/* A dashboard runs for days. Every refresh frees and allocates arrays
	 * sized by the socket count; glibc would raise its mmap threshold to
	 * their size and then keep them in the heap, where churn fragments it
	 * and RSS creeps up. A fixed threshold sends them to mmap, so freeing
	 * one gives its memory back. */
	mallopt(M_MMAP_THRESHOLD, DASH_MMAP_THRESHOLD);
	memset(&d, 0, sizeof(d));
	d.delay = opts->delay;
	d.highlight = opts->highlight;
	d.lean = opts->lean;
	d.color = opts->color;
	d.hidden_columns = opts->hidden_columns;
	d.settings_path = opts->settings_path;
	d.utf8 = sanitize_locale_is_utf8();
	d.timer_fd = d.signal_fd = d.done_fd = d.names_fd = -1;
	collect_hostname(d.host, sizeof(d.host));
	view_init(&d.view, opts->group);
	d.view.show_unix = opts->unix_sockets;
	view_set_filter(&d.view, opts->filter, &ferr);
	if (opts->sort_column >= 0) {
		view_sort_by(&d.view, opts->sort_column);
		if (opts->reverse)
			view_reverse_sort(&d.view);
	}
	if (opts->listening)
		view_toggle(&d.view, TOGGLE_LISTEN);
	d.tracker = tracker_new();
	d.health = health_new();
	d.sparks = spark_new();
	snapshot_init(&d.snaps[0]);
	snapshot_init(&d.snaps[1]);

	/* Fail before taking the terminal, so the message stays readable. */
	d.collector = collector_open(true, err, sizeof(err));
	if (!d.collector) {
		fprintf(stderr, "portview: %s\n", err);
		status = EXIT_FAILURE;
		goto out;
	}
	if (dash_open_fds(&d) < 0) {
		fprintf(stderr, "portview: cannot set up timers and signals: %s\n", strerror(errno));
		status = EXIT_FAILURE;
		goto out;
	}
	if (opts->resolve)
		d.names = names_open(d.names_fd);
	dash_collect_now(&d);
	if (!d.have_snapshot) {
		fprintf(stderr, "portview: %s\n", d.status);
		status = EXIT_FAILURE;
		goto out;
	}
	if (opts->settings_problem && opts->settings_problem[0])
		dash_status(&d, true, "settings: %s (ignored)", opts->settings_problem);
	if (dash_open_terminal(&d, opts->color) < 0) {
		status = EXIT_FAILURE;
		goto out;
	}
	d.dirty = EFFECT_REBUILD | EFFECT_REDRAW;
	dash_loop(&d);
out:
	if (d.collecting)
		pthread_join(d.worker, NULL);
	dash_restore_terminal();
	collector_close(d.collector);
	tracker_free(d.tracker);
	health_free(d.health);
	view_free(&d.view);
	snapshot_free(&d.snaps[0]);
	snapshot_free(&d.snaps[1]);
	strbuf_free(&d.input);
	free(d.filter_before);
	free(d.kill.label);
	if (d.timer_fd >= 0)
		close(d.timer_fd);
	if (d.signal_fd >= 0)
		close(d.signal_fd);
	if (d.done_fd >= 0)
		close(d.done_fd);
	/* The resolver stops writing to names_fd before it is closed. */
	names_close(d.names);
	if (d.names_fd >= 0)
		close(d.names_fd);
	spark_free(d.sparks);
	return status;
}
