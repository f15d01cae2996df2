#include "config.h"

#include <string.h>
#include <curses.h>

#include "dash.h"
#include "detail.h"
#include "events.h"
#include "filter.h"
#include "sanitize.h"

/* The details' first line that shows their last at the bottom of the box
 * (screen_draw's: LINES - 4 high, within its border). */
static int detail_last_top(const char *text)
{
	int lines = 0, room = LINES - 6 > 1 ? LINES - 6 : 1;

	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	return lines > room ? lines - room : 0;
}

/* The event log's lines the view's filter selects (overruns always),
 * and its title; keeps the scroll on the newest while following. */
static void dash_events_text(struct dash *d, const struct pv_model *m, struct strbuf *text,
			     struct strbuf *title)
{
	const struct event_log *log = m->events;
	const struct pv_snapshot *s = event_log_snapshot(log);
	size_t n = event_log_count(log), shown = 0;
	int inner = LINES - 5, max_top;

	for (size_t i = 0; i < n; i++) {
		const struct pv_event *e = event_log_at(log, i);

		if (e->kind != PV_EVENT_OVERRUN && !filter_match(d->view.filter, s, &s->socks[e->sock]))
			continue;
		event_describe(log, e, d->utf8, text);
		strbuf_putc(text, '\n');
		shown++;
	}
	strbuf_printf(title, " events: %zu", shown);
	if (shown != n)
		strbuf_printf(title, " of %zu (the filter applies)", n);
	strbuf_putc(title, ' ');
	max_top = (int)shown > inner ? (int)shown - inner : 0;
	d->events_lines = max_top + 1;
	if (d->events_follow || d->events_scroll > max_top)
		d->events_scroll = max_top;
}

void dash_draw(struct dash *d)
{
	struct strbuf detail = { 0 };
	struct strbuf question = { 0 };
	struct strbuf events = { 0 }, title = { 0 };
	double now = dash_now();
	const struct pv_model *m = d->model;
	struct screen_frame f = {
		.view = &d->view,
		.snap = m->snap,
		.tracker = m->tracker,
		.now = now,
		.host = d->host_name,
		.delay = d->set.delay,
		.paused = d->paused,
		.utf8 = d->utf8,
		.rates = !d->set.lean,
		.hidden_columns = d->set.hidden_columns,
		.notice = m->notice,
		.counts = &m->counts,
		.sparks = d->set.lean ? NULL : d->view.sparks,
		.status = now < d->status_until ? d->status : "",
		.status_is_error = d->status_is_error,
		.prompt_error = d->prompt_error,
		.kill_choice = d->kill_choice,
		.kill_confirm = d->mode == MODE_KILL_CONFIRM,
		.column_choice = d->column_choice,
		.sort_choice = d->sort_choice,
	};

	if (d->mode == MODE_FILTER || d->mode == MODE_DELAY || d->mode == MODE_FIND || d->mode == MODE_WHY) {
		f.prompt_label = d->mode == MODE_FILTER ? "/"
				 : d->mode == MODE_FIND ? "find: "
							: d->prompt_label;
		f.prompt_text = prompt_text(&d->input);
		f.prompt_cursor = prompt_cursor(&d->input);
	}
	if (d->mode == MODE_HELP) {
		f.overlay = OVERLAY_HELP;
		f.help_top = &d->help_top;
	}
	if (d->mode == MODE_COLUMNS)
		f.overlay = OVERLAY_COLUMNS;
	if (d->mode == MODE_SORT)
		f.overlay = OVERLAY_SORT;
	if ((d->mode == MODE_DETAIL && view_current(&d->view)) ||
	    (d->mode == MODE_WHY_REPORT && d->why_text)) {
		if (d->mode == MODE_WHY_REPORT)
			strbuf_puts(&detail, d->why_text);
		else
			detail_describe(m->snap, &d->view.rows, d->view.visible[d->view.cursor], d->utf8,
					&detail);
		f.overlay = OVERLAY_DETAIL;
		f.overlay_text = strbuf_str(&detail);
		d->detail_last_top = detail_last_top(strbuf_str(&detail));
		if (d->detail_scroll > d->detail_last_top)
			d->detail_scroll = d->detail_last_top;
		f.overlay_scroll = (size_t)d->detail_scroll;
	}
	if (d->mode == MODE_EVENTS && m->events) {
		dash_events_text(d, m, &events, &title);
		f.overlay = OVERLAY_EVENTS;
		f.overlay_text = strbuf_str(&events);
		f.overlay_title = strbuf_str(&title);
		f.overlay_scroll = (size_t)d->events_scroll;
	}
	if (d->mode == MODE_CLOSE_CONFIRM) {
		strbuf_printf(&question, "close %s? Both ends see it reset.", d->close_label);
		f.overlay = OVERLAY_KILL;
		f.kill_confirm = true;
		f.overlay_text = strbuf_str(&question);
		f.confirm_hint = "y: close it     any other key: cancel";
	}
	if (d->mode == MODE_KILL || d->mode == MODE_KILL_CONFIRM) {
		const struct kill_signal *ks = &kill_signals[d->kill_choice];

		if (d->mode == MODE_KILL)
			strbuf_printf(&question, "to %s:", d->kill.label);
		else
			strbuf_printf(&question, "send SIG%s (%d) to %s?", ks->name, ks->number,
				      d->kill.label);
		f.overlay = OVERLAY_KILL;
		f.overlay_text = strbuf_str(&question);
	}
	view_scroll_to_cursor(&d->view, (size_t)screen_list_rows(&f));
	screen_draw(&f, &d->layout);
	if (f.prompt_label) {
		curs_set(1);
		move(LINES - 1, d->layout.prompt_cursor_x);
	}
	doupdate();
	strbuf_free(&detail);
	strbuf_free(&question);
	strbuf_free(&events);
	strbuf_free(&title);
}
