#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "columns.h"
#include "dash.h"
#include "keys.h"
#include "why.h"
#include "xalloc.h"

/* ---- the list's actions ---- */

static void dash_open_prompt(struct dash *d, enum mode mode, const char *initial)
{
	d->mode = mode;
	prompt_begin(&d->input, initial, mode == MODE_FILTER ? &d->history : NULL);
	d->find_from = d->view.cursor;
	d->prompt_error[0] = '\0';
	free(d->filter_before);
	d->filter_before = xstrdup(d->view.filter_text);
	curs_set(1);
	d->dirty |= EFFECT_REDRAW;
}

static void dash_close_prompt(struct dash *d)
{
	d->mode = MODE_LIST;
	d->prompt_error[0] = '\0';
	curs_set(0);
}

static void dash_enter(struct dash *d)
{
	const struct pv_row *r = view_current(&d->view);

	if (!r)
		return;
	if (d->view.row_flags[d->view.visible[d->view.cursor]] & VIEW_ROW_HAS_CHILDREN &&
	    r->kind != ROW_SOCKET) {
		d->dirty |= view_toggle_expand(&d->view);
		return;
	}
	d->mode = MODE_DETAIL;
	d->detail_scroll = 0;
	d->dirty |= EFFECT_REDRAW;
}

/* n: names or numbers. The host keeps its cache only while names are on;
 * turning them off stops every lookup. */
static void dash_toggle_names(struct dash *d)
{
	d->set.resolve = !d->set.resolve;
	d->host->names_enable(d->host->ctx, d->set.resolve);
	d->dirty |= EFFECT_REDRAW;
}

/* W: the settings in force now, written where they are read from. */
static void dash_write_settings(struct dash *d)
{
	struct settings s = d->set;
	char msg[300];

	s.group = d->view.group;
	s.sort_column = d->view.order.column;
	s.reverse = d->view.order.reverse;
	s.unix_sockets = d->view.show_unix;
	if (d->host->save_settings(d->host->ctx, &s, msg, sizeof(msg)) < 0)
		dash_status(d, true, "%s", msg);
	else
		dash_status(d, false, "settings written to %s", msg);
}

bool dash_menu_move(int *choice, int count, enum key_action a)
{
	int page = LINES > 8 ? LINES - 8 : 1, to = *choice;

	switch (a) {
	case ACT_MENU_UP: to--; break;
	case ACT_MENU_DOWN: to++; break;
	case ACT_MENU_PAGE_UP: to -= page; break;
	case ACT_MENU_PAGE_DOWN: to += page; break;
	case ACT_MENU_HOME: to = 0; break;
	case ACT_MENU_END: to = count - 1; break;
	default: return false;
	}
	*choice = to < 0 ? 0 : to >= count ? count - 1 : to;
	return true;
}

/* The socket that speaks for row r when filtering to it: its own, a
 * group's first, or for a TIME_WAIT pile (no owner) its listener. */
static const struct pv_socket *row_socket(const struct view_state *v, const struct pv_row *r)
{
	const struct pv_snapshot *s = v->snap;

	if (r->kind == ROW_SOCKET)
		return &s->socks[r->index];
	if (r->kind == ROW_PILE) {
		const struct pv_pile *p = &v->rows.piles[r->index];

		return &s->socks[p->parent != UINT32_MAX ? p->parent : p->first];
	}
	return &s->socks[v->rows.groups[r->index].first_socket];
}

/* The filter words for row r's process ("pid:N": a process group's own,
 * else the socket's first owner) or local port ("port:N"); false with
 * why when the row has none. */
static bool row_filter_words(const struct view_state *v, const struct pv_row *r, bool port, char *text,
			     size_t len, const char **why)
{
	const struct pv_snapshot *s = v->snap;
	const struct pv_socket *k = row_socket(v, r);
	int32_t owner;

	if (port) {
		*why = "this row has no port";
		if (socket_is_unix(k) || !k->local.port)
			return false;
		snprintf(text, len, "port:%u", k->local.port);
		return true;
	}
	owner = r->kind == ROW_GROUP && v->rows.groups[r->index].kind == GK_PROCESS
			? v->rows.groups[r->index].proc
			: rows_primary_owner(s, k);
	*why = "no process on this row";
	if (owner < 0)
		return false;
	snprintf(text, len, "pid:%d", s->procs[owner].pid);
	return true;
}

/* f and F: the filter becomes the selected row's process or local port,
 * written as the filter words that say it, so that the prompt shows
 * what is applied and Esc or an edit takes it back. */
static void dash_filter_to_row(struct dash *d, bool port)
{
	const struct pv_row *r = view_current(&d->view);
	struct filter_error err;
	const char *why;
	char text[64];
	int effect;

	if (!r)
		return;
	if (!row_filter_words(&d->view, r, port, text, sizeof(text), &why)) {
		dash_status(d, true, "%s", why);
		return;
	}
	effect = view_set_filter(&d->view, text, &err);
	if (effect < 0) {
		dash_status(d, true, "cannot filter: %s", err.msg);
		return;
	}
	d->dirty |= (unsigned)effect;
	dash_status(d, false, "filter: %s (Esc clears it)", text);
}

static void dash_action(struct dash *d, enum key_action a)
{
	struct view_state *v = &d->view;
	size_t page = d->layout.list_rows > 1 ? (size_t)d->layout.list_rows - 1 : 1;
	struct filter_error err;

	switch (a) {
	case ACT_NONE:
	/* The modal modes' actions: never looked up in the list's map. */
	case ACT_PROMPT_ACCEPT:
	case ACT_PROMPT_CANCEL:
	case ACT_PROMPT_ERASE:
	case ACT_PROMPT_CLEAR:
	case ACT_PROMPT_DELETE:
	case ACT_PROMPT_DELETE_WORD:
	case ACT_PROMPT_KILL_END:
	case ACT_PROMPT_LEFT:
	case ACT_PROMPT_RIGHT:
	case ACT_PROMPT_HOME:
	case ACT_PROMPT_END:
	case ACT_PROMPT_OLDER:
	case ACT_PROMPT_NEWER:
	case ACT_PROMPT_TYPE:
	case ACT_PROMPT_FIND_NEXT:
	case ACT_MENU_UP:
	case ACT_MENU_DOWN:
	case ACT_MENU_PAGE_UP:
	case ACT_MENU_PAGE_DOWN:
	case ACT_MENU_HOME:
	case ACT_MENU_END:
	case ACT_MENU_CLOSE:
	case ACT_KILL_NUMBER:
	case ACT_KILL_CHOOSE:
	case ACT_KILL_YES:
	case ACT_COLUMN_FLIP:
	case ACT_COLUMN_CLOSE:
	case ACT_SORT_CHOOSE:
	case ACT_DETAIL_CLOSE:
	case ACT_HELP_UP:
	case ACT_HELP_DOWN:
	case ACT_HELP_PAGE_UP:
	case ACT_HELP_PAGE_DOWN:
	case ACT_HELP_HOME:
	case ACT_HELP_END:
	case ACT_HELP_CLOSE: break;
	case ACT_QUIT: d->quit = true; break;
	case ACT_HELP:
		d->mode = MODE_HELP;
		d->help_top = 0;
		d->dirty |= EFFECT_REDRAW;
		break;
	case ACT_WRITE_SETTINGS: dash_write_settings(d); break;
	case ACT_COLUMNS:
		d->mode = MODE_COLUMNS;
		d->dirty |= EFFECT_REDRAW;
		break;
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
	case ACT_FOLD_FLIP: d->dirty |= view_set_all_expanded(v, v->collapse_default); break;
	case ACT_FILTER: dash_open_prompt(d, MODE_FILTER, v->filter_text); break;
	case ACT_FIND: dash_open_prompt(d, MODE_FIND, ""); break;
	case ACT_FILTER_PROCESS: dash_filter_to_row(d, false); break;
	case ACT_FILTER_PORT: dash_filter_to_row(d, true); break;
	case ACT_SORT_MENU:
		d->mode = MODE_SORT;
		d->sort_choice = v->order.column + 1;
		d->dirty |= EFFECT_REDRAW;
		break;
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
	case ACT_DELAY:
		/* Empty, not the current value: what is typed replaces it
		 * (the label shows it), and Enter alone keeps it. */
		snprintf(d->prompt_label, sizeof(d->prompt_label),
			 "refresh every (seconds, now %g): ", d->set.delay);
		dash_open_prompt(d, MODE_DELAY, "");
		break;
	case ACT_CLOSE_CONN:
		if (dash_close_pick(d)) {
			d->mode = MODE_CLOSE_CONFIRM;
			d->dirty |= EFFECT_REDRAW;
		}
		break;
	case ACT_EVENTS:
		d->mode = MODE_EVENTS;
		d->events_follow = true;
		d->dirty |= EFFECT_REDRAW;
		break;
	case ACT_DETAIL:
		if (view_current(v)) {
			d->mode = MODE_DETAIL;
			d->detail_scroll = 0;
			d->dirty |= EFFECT_REDRAW;
		}
		break;
	case ACT_WHY: {
		const struct pv_row *r = view_current(v);
		char port[8] = "";

		if (dash_refuse_remote(d, "w"))
			break;
		if (r && r->kind == ROW_SOCKET && !socket_is_unix(&d->model->snap->socks[r->index]))
			snprintf(port, sizeof(port), "%u", d->model->snap->socks[r->index].local.port);
		snprintf(d->prompt_label, sizeof(d->prompt_label), "why port (N, N/tcp, N/udp): ");
		dash_open_prompt(d, MODE_WHY, port);
		break;
	}
	case ACT_KILL:
		if (dash_refuse_remote(d, "k"))
			break;
		if (!dash_kill_pick(d)) {
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

/* Applies the prompt's text as the filter on every keystroke; a malformed
 * one is shown with its reason while the last valid one stays. */
static void dash_filter_changed(struct dash *d)
{
	struct filter_error err;
	int effect = view_set_filter(&d->view, prompt_text(&d->input), &err);

	if (effect < 0) {
		snprintf(d->prompt_error, sizeof(d->prompt_error), "column %zu: %s", err.pos + 1, err.msg);
		d->dirty |= EFFECT_REDRAW;
		return;
	}
	d->prompt_error[0] = '\0';
	d->dirty |= (unsigned)effect;
}

/* A filter kept with Enter joins the history, on disk at once so that a
 * dashboard killed later still has it. */
static void dash_remember_filter(struct dash *d)
{
	char err[300];

	if (!d->view.filter_text[0])
		return;
	history_add(&d->history, d->view.filter_text);
	if (d->host->history_save && d->host->history_save(d->host->ctx, &d->history, err, sizeof(err)) < 0)
		dash_status(d, true, "filter history: %s", err);
}

/* w's report on the port typed, from the refresh shown and real binds. */
static void dash_accept_why(struct dash *d)
{
	struct why_query q;
	struct pv_bind_try tries[2][PV_BIND_FORM_COUNT];
	uint8_t protos[2];
	struct why_report report;
	struct strbuf text = { 0 };
	char err[200];
	size_t n;

	if (!d->model)
		return;
	if (!why_parse(prompt_text(&d->input), &q, err, sizeof(err))) {
		dash_status(d, true, "%s", err);
		return;
	}
	n = why_protocols(&q, protos);
	for (size_t i = 0; i < n; i++)
		d->host->bind_probe(d->host->ctx, protos[i], q.port, tries[i]);
	why_build(d->model->snap, &q, tries, &report);
	why_describe(d->model->snap, &report, d->utf8, &text);
	why_free(&report);
	free(d->why_text);
	d->why_text = xstrdup(strbuf_str(&text));
	strbuf_free(&text);
	d->detail_scroll = 0;
	d->mode = MODE_WHY_REPORT;
}

static void dash_accept_delay(struct dash *d)
{
	const char *text = prompt_text(&d->input);
	char *end;
	double v = strtod(text, &end);

	if (!text[0])
		return; /* nothing typed: the interval stays */
	if (end == text || *end || !isfinite(v) || v < 0.1 || v > 3600) {
		dash_status(d, true, "the interval must be 0.1 to 3600 seconds, not '%s'", text);
		return;
	}
	d->set.delay = v;
	dash_arm_timer(d);
	dash_status(d, false, "refreshing every %.1f s", v);
}

/* Find: the text is compiled as a filter on every keystroke and the
 * cursor goes to the first match from where the find began; F3 goes on
 * to the next. Nothing is hidden. */
static void dash_find(struct dash *d, bool next)
{
	struct filter_error err;
	struct pv_filter *f;
	bool found;

	if (!next) {
		f = prompt_text(&d->input)[0] ? filter_parse(prompt_text(&d->input), &err) : NULL;
		if (prompt_text(&d->input)[0] && !f) {
			snprintf(d->prompt_error, sizeof(d->prompt_error), "column %zu: %s", err.pos + 1,
				 err.msg);
			return;
		}
		filter_free(d->find);
		d->find = f;
		d->dirty |= view_move_to(&d->view, d->find_from);
	}
	d->prompt_error[0] = '\0';
	if (!d->find)
		return;
	d->dirty |= view_find(&d->view, d->find, next, &found);
	if (!found)
		snprintf(d->prompt_error, sizeof(d->prompt_error), "no row matches");
}

static void dash_key_find(struct dash *d, wint_t ch, bool is_key)
{
	switch (prompt_key(&d->input, ch, is_key)) {
	case PROMPT_CANCEL:
		d->dirty |= view_move_to(&d->view, d->find_from);
		dash_close_prompt(d);
		break;
	case PROMPT_ACCEPT: dash_close_prompt(d); break;
	case PROMPT_EDITED: dash_find(d, false); break;
	case PROMPT_NEXT: dash_find(d, true); break;
	case PROMPT_MOVED:
	case PROMPT_NONE: break;
	}
	d->dirty |= EFFECT_REDRAW;
}

static void dash_key_prompt(struct dash *d, wint_t ch, bool is_key)
{
	bool filter = d->mode == MODE_FILTER;
	struct filter_error err;

	switch (prompt_key(&d->input, ch, is_key)) {
	case PROMPT_CANCEL:
		if (filter) {
			int effect = view_set_filter(&d->view, d->filter_before, &err);

			d->dirty |= effect > 0 ? (unsigned)effect : 0;
		}
		dash_close_prompt(d);
		break;
	case PROMPT_ACCEPT:
		if (d->mode == MODE_WHY) {
			dash_close_prompt(d);
			dash_accept_why(d);
			break;
		}
		if (!filter)
			dash_accept_delay(d);
		else if (d->prompt_error[0])
			dash_status(d, true, "filter kept as '%s': %s", d->view.filter_text, d->prompt_error);
		else
			dash_remember_filter(d);
		dash_close_prompt(d);
		break;
	case PROMPT_EDITED:
		if (filter)
			dash_filter_changed(d);
		break;
	case PROMPT_NEXT:
	case PROMPT_MOVED:
	case PROMPT_NONE: break;
	}
	d->dirty |= EFFECT_REDRAW;
}

static void dash_key_columns(struct dash *d, wint_t ch, bool is_key)
{
	enum key_action a = keys_lookup_menu(KEYMAP_COLUMNS, ch, is_key);

	d->dirty |= EFFECT_REDRAW;
	if (dash_menu_move(&d->column_choice, COL_COUNT, a))
		return;
	switch (a) {
	case ACT_COLUMN_FLIP:
		if (column_always_shown(d->column_choice))
			dash_status(d, false, "%s always shows", columns[d->column_choice].header);
		else
			d->set.hidden_columns ^= 1u << d->column_choice;
		break;
	case ACT_MENU_CLOSE:
	case ACT_COLUMN_CLOSE: d->mode = MODE_LIST; break;
	case ACT_QUIT: d->quit = true; break;
	default: break;
	}
}

/* F6: the natural order, then every column. Choosing the order in use
 * reverses it, as a second click on a column header does. */
static void dash_key_sort(struct dash *d, wint_t ch, bool is_key)
{
	enum key_action a = keys_lookup_menu(KEYMAP_SORT, ch, is_key);

	d->dirty |= EFFECT_REDRAW;
	if (dash_menu_move(&d->sort_choice, COL_COUNT + 1, a))
		return;
	switch (a) {
	case ACT_SORT_CHOOSE:
		d->dirty |= view_sort_by(&d->view, d->sort_choice - 1);
		d->mode = MODE_LIST;
		break;
	case ACT_MENU_CLOSE: d->mode = MODE_LIST; break;
	case ACT_QUIT: d->quit = true; break;
	default: break;
	}
}

/* The details scroll by line; the list's own keys are theirs no more. */
static void dash_key_detail(struct dash *d, wint_t ch, bool is_key)
{
	enum key_action a = keys_lookup_menu(KEYMAP_DETAIL, ch, is_key);

	d->dirty |= EFFECT_REDRAW;
	if (dash_menu_move(&d->detail_scroll, d->detail_last_top + 1, a))
		return;
	if (a == ACT_QUIT)
		d->quit = true;
	else
		d->mode = MODE_LIST;
}

/* The event log scrolls by line and follows the newest until moved;
 * End follows again. */
static void dash_key_events(struct dash *d, wint_t ch, bool is_key)
{
	enum key_action a = keys_lookup_menu(KEYMAP_DETAIL, ch, is_key);

	d->dirty |= EFFECT_REDRAW;
	if (dash_menu_move(&d->events_scroll, d->events_lines, a)) {
		d->events_follow = a == ACT_MENU_END;
		return;
	}
	if (a == ACT_QUIT)
		d->quit = true;
	else
		d->mode = MODE_LIST;
}

/* The help scrolls within what the last frame drew: help_last_top is
 * the top that shows its last line at the bottom. */
static void dash_key_help(struct dash *d, wint_t ch, bool is_key)
{
	size_t last = d->layout.help_last_top, page = LINES > 3 ? (size_t)LINES - 2 : 1;

	switch (keys_lookup(KEYMAP_HELP, ch, is_key)) {
	case ACT_HELP_UP:
		if (d->help_top > 0)
			d->help_top--;
		break;
	case ACT_HELP_DOWN:
		if (d->help_top < last)
			d->help_top++;
		break;
	case ACT_HELP_PAGE_UP: d->help_top = d->help_top > page ? d->help_top - page : 0; break;
	case ACT_HELP_PAGE_DOWN: d->help_top = d->help_top + page < last ? d->help_top + page : last; break;
	case ACT_HELP_HOME: d->help_top = 0; break;
	case ACT_HELP_END: d->help_top = last; break;
	case ACT_HELP_CLOSE: d->mode = MODE_LIST; break;
	case ACT_QUIT: d->quit = true; break;
	default: return;
	}
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
			if (lay->col_shown[c] && ev.x >= lay->col_x[c] &&
			    ev.x < lay->col_x[c] + lay->col_w[c])
				d->dirty |= view_sort_by(&d->view, c);
		return;
	}
	if (ev.y >= lay->list_top && ev.y < lay->list_top + lay->list_rows) {
		size_t index = d->view.top + (size_t)(ev.y - lay->list_top);

		if (index >= d->view.nvisible)
			return;
		d->dirty |= view_move_to(&d->view, index);
		if (d->view.rows.rows[d->view.visible[index]].kind != ROW_SOCKET)
			d->dirty |= view_toggle_expand(&d->view);
	}
}

static void dash_key_list(struct dash *d, wint_t ch, bool is_key)
{
	if (is_key && ch == KEY_MOUSE) {
		dash_mouse(d);
		return;
	}
	dash_action(d, keys_lookup(KEYMAP_LIST, ch, is_key));
}

/* Each mode's key handler, by mode. */
static void (*const mode_keys[])(struct dash *, wint_t, bool) = {
	[MODE_LIST] = dash_key_list,         [MODE_FILTER] = dash_key_prompt,
	[MODE_DELAY] = dash_key_prompt,      [MODE_HELP] = dash_key_help,
	[MODE_DETAIL] = dash_key_detail,     [MODE_KILL] = dash_kill_key,
	[MODE_KILL_CONFIRM] = dash_kill_key, [MODE_COLUMNS] = dash_key_columns,
	[MODE_SORT] = dash_key_sort,         [MODE_FIND] = dash_key_find,
	[MODE_WHY] = dash_key_prompt,        [MODE_WHY_REPORT] = dash_key_detail,
	[MODE_EVENTS] = dash_key_events,     [MODE_CLOSE_CONFIRM] = dash_close_key,
};

void dash_key(struct dash *d, wint_t ch, bool is_key)
{
	if (is_key && ch == KEY_RESIZE) {
		d->dirty |= EFFECT_REDRAW;
		return;
	}
	mode_keys[d->mode](d, ch, is_key);
}
