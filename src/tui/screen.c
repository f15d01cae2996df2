#include "config.h"

#include "screen.h"

#include <assert.h>
#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include "exposure.h"
#include "health.h"
#include "help.h"
#include "line_fit.h"
#include "keys.h"
#include "rows.h"
#include "sanitize.h"
#include "sparkline.h"
#include "states.h"
#include "strbuf.h"
#include "xalloc.h"

enum {
	MIN_COLS = 40,
	MIN_LINES = 10,
	COL_GAP = 2,
	PROCESS_MIN = 28,
	PROCESS_TIGHT = 12,
	COMMAND_MIN = 16,
	LOCAL_MIN = 12
};

enum color_pair { PAIR_NEW = 1, PAIR_GONE, PAIR_CHANGED, PAIR_ERROR, PAIR_NOTICE, PAIR_GROUP, PAIR_BAR };

static bool use_color;

void screen_init(bool color)
{
	use_color = color && has_colors();
	if (!use_color)
		return;
	start_color();
	/* Default background keeps light and dark terminals readable. */
	use_default_colors();
	init_pair(PAIR_NEW, COLOR_GREEN, -1);
	init_pair(PAIR_GONE, COLOR_RED, -1);
	init_pair(PAIR_CHANGED, COLOR_YELLOW, -1);
	init_pair(PAIR_ERROR, COLOR_RED, -1);
	init_pair(PAIR_NOTICE, COLOR_YELLOW, -1);
	init_pair(PAIR_GROUP, COLOR_CYAN, -1);
	init_pair(PAIR_BAR, COLOR_BLACK, COLOR_CYAN);
}

static attr_t color_attr(enum color_pair pair)
{
	return use_color ? (attr_t)COLOR_PAIR(pair) : A_NORMAL;
}

/* ---- text placement ---- */

/* Writes sanitised text at (y, x) in at most width cells. */
static void put_fitted(int y, int x, const char *text, size_t len, size_t width)
{
	size_t used, bytes = sanitize_fit(text, len, width, &used);

	mvaddnstr(y, x, text, (int)bytes);
}

/* Writes text cut to width cells, its last cell an ellipsis. */
static void put_cut(int y, int x, const char *text, size_t len, size_t width, bool utf8)
{
	size_t used, bytes;

	if (width == 0)
		return;
	bytes = sanitize_fit(text, len, width - 1, &used);
	mvaddnstr(y, x, text, (int)bytes);
	addstr(utf8 ? "\u2026" : "~");
}

/* The start of the last " <- ", " -> " or " <-> " in an owners cell: what
 * follows is the process at the other end. */
static const char *peer_arrow(const char *text, size_t len)
{
	static const char *const arrows[] = { " <- ", " -> ", " <-> " };
	const char *found = NULL;

	for (size_t i = 0; i < sizeof(arrows) / sizeof(arrows[0]); i++) {
		const char *p = text, *hit;

		while ((hit = memmem(p, len - (size_t)(p - text), arrows[i], strlen(arrows[i]))) != NULL) {
			if (!found || hit > found)
				found = hit;
			p = hit + 1;
		}
	}
	return found;
}

/* Writes a cell: right-aligned numbers; endpoints cut on the left so the
 * port always shows; an owners cell short of room gives up its own
 * process's name before the peer's; other text is cut on the right. A cut
 * always shows: '~' or an ellipsis. */
static void put_cell(int y, int x, int column, const char *text, size_t len, size_t cells, size_t width,
		     bool utf8)
{
	const char *arrow;

	if (cells <= width) {
		put_fitted(y, x + (columns[column].right_align ? (int)(width - cells) : 0), text, len, width);
		return;
	}
	if ((column == COL_LOCAL || column == COL_REMOTE) && width > 1) {
		mvaddstr(y, x, "~");
		addnstr(text + len - (width - 1), (int)(width - 1));
		return;
	}
	if (column == COL_PROCESS && (arrow = peer_arrow(text, len)) != NULL) {
		size_t tail_len = len - (size_t)(arrow - text), tail;

		sanitize_fit(arrow, tail_len, SIZE_MAX, &tail);
		if (tail + 2 <= width) {
			put_cut(y, x, text, (size_t)(arrow - text), width - tail, utf8);
			addnstr(arrow, (int)tail_len);
			return;
		}
		/* Too narrow for both: the other end, which the row's group
		 * or listener does not already name. */
		put_cut(y, x, arrow + 1, tail_len - 1, width, utf8);
		return;
	}
	put_cut(y, x, text, len, width, utf8);
}

static void fill_line(int y, attr_t attr)
{
	attrset(attr);
	move(y, 0);
	clrtoeol();
	mvhline(y, 0, ' ', COLS);
}

/* ---- header ---- */

/* One header line's parts, each its own text, by priority. */
enum { HEADER_PARTS_MAX = 8, HEADER_GAP = 3, HEADER_FILTER_MIN = 20, HEADER_LONG_WORDS = 80 };

struct header_line {
	struct strbuf text[HEADER_PARTS_MAX];
	struct line_part parts[HEADER_PARTS_MAX];
	attr_t attrs[HEADER_PARTS_MAX];
	size_t n;
};

/* Starts a part; what is appended to the returned buffer is its text. */
static struct strbuf *header_part(struct header_line *h, int priority, bool right, attr_t attr)
{
	/* A new part of the header needs room here first. */
	assert(h->n < HEADER_PARTS_MAX);
	h->parts[h->n] = (struct line_part){ .priority = priority, .right = right };
	h->attrs[h->n] = attr;
	strbuf_reset(&h->text[h->n]);
	return &h->text[h->n++];
}

/* Lays the parts out (line_fit: the least important goes first, nothing
 * overlaps) and draws them on line y. */
static void header_draw(struct header_line *h, int y, attr_t base, bool utf8)
{
	size_t used;

	for (size_t i = 0; i < h->n; i++) {
		h->parts[i].text = h->text[i].data ? h->text[i].data : "";
		h->parts[i].len = h->text[i].len;
		sanitize_fit(h->parts[i].text, h->parts[i].len, SIZE_MAX, &used);
		h->parts[i].cells = used;
	}
	line_fit(h->parts, h->n, (size_t)COLS, HEADER_GAP);
	fill_line(y, base);
	for (size_t i = 0; i < h->n; i++) {
		if (!h->parts[i].shown)
			continue;
		attrset(h->attrs[i] ? h->attrs[i] : base);
		mvaddnstr(y, (int)h->parts[i].x, h->parts[i].text, (int)h->parts[i].shown_len);
		if (h->parts[i].cut)
			addstr(utf8 ? "\u2026" : "~");
	}
	attrset(A_NORMAL);
	for (size_t i = 0; i < h->n; i++)
		strbuf_free(&h->text[i]);
	h->n = 0;
}

/* The header: what this is and how the host stands (line 0), then how
 * the view looks at it and what is wrong (line 1). On a narrow terminal
 * the least important parts go first; the counts, the filter and what is
 * wrong stay longest. */
static void draw_header(const struct screen_frame *f)
{
	const struct view_state *v = f->view;
	const struct pv_counts *c = f->counts;
	struct header_line h = { .n = 0 };
	struct strbuf *sb;
	char when[16];
	struct tm tm;

	localtime_r(&f->snap->taken.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	strbuf_printf(header_part(&h, 3, false, 0), "portview %s", PACKAGE_VERSION);
	sb = header_part(&h, 6, false, 0);
	sanitize_append(sb, f->host, strlen(f->host), f->utf8);
	strbuf_printf(header_part(&h, 4, false, 0), "every %.1fs", f->delay);
	strbuf_puts(header_part(&h, 2, false, 0), when);
	/* ss's short words where the long ones would push PAUSED out. */
	strbuf_printf(header_part(&h, 9, false, 0),
		      COLS >= HEADER_LONG_WORDS ? "listening %zu  established %zu  other %zu"
						: "listen %zu  estab %zu  other %zu",
		      c->listening, c->established, c->other);
	strbuf_printf(header_part(&h, 5, false, 0), "processes %zu", c->processes);
	/* Listeners other hosts can reach: the attack surface, worth more
	 * room than the process count when there is any. */
	strbuf_printf(header_part(&h, c->exposed ? 6 : 4, false,
				  c->exposed && use_color ? color_attr(PAIR_CHANGED) | A_BOLD : 0),
		      "exposed %zu", c->exposed);
	if (snapshot_shown_netns(f->snap) > 1)
		strbuf_printf(header_part(&h, 5, false, 0), "namespaces %zu", snapshot_shown_netns(f->snap));
	if (f->paused)
		strbuf_puts(header_part(&h, 10, true, A_REVERSE | A_BOLD), " PAUSED ");
	header_draw(&h, 0, A_BOLD, f->utf8);

	sb = header_part(&h, 9, false, 0);
	h.parts[h.n - 1].min_cells = HEADER_FILTER_MIN;
	strbuf_puts(sb, "filter ");
	if (v->filter_text[0] || v->toggles) {
		sanitize_append(sb, v->filter_text, strlen(v->filter_text), f->utf8);
		if (v->filter_text[0] && v->toggles)
			strbuf_putc(sb, ' ');
		view_describe_toggles(v, sb);
		strbuf_printf(header_part(&h, 8, false, 0), "(%zu of %zu shown)", v->rows.nopen,
			      c->listening + c->established + c->other);
	} else {
		strbuf_puts(sb, "none");
	}
	strbuf_printf(header_part(&h, 5, false, 0), "group %s", group_mode_name(v->group));
	strbuf_printf(header_part(&h, 4, false, 0), "sort %s%s",
		      v->order.column < 0 ? "natural" : columns[v->order.column].header,
		      v->order.reverse ? " (reversed)" : "");
	if (v->show_unix)
		strbuf_puts(header_part(&h, 3, false, 0), "[+unix]");
	if (columns_names())
		strbuf_puts(header_part(&h, 3, false, 0), "[names]");
	/* Which owner source ran: the kernel's iterator, or the /proc walk. */
	strbuf_printf(header_part(&h, 2, false, 0), "owners %s", owner_source_name(f->snap->owner_source));
	if (c->hidden)
		strbuf_printf(header_part(&h, 7, false, 0), "owners of %zu sockets hidden", c->hidden);
	/* What is wrong, where the eye lands last on the line: its right end. */
	health_describe(c, header_part(&h, 10, true,
				       use_color ? color_attr(PAIR_ERROR) | A_BOLD : A_BOLD | A_REVERSE));
	header_draw(&h, 1, A_NORMAL, f->utf8);
	if (f->notice[0]) {
		fill_line(2, color_attr(PAIR_NOTICE) | A_BOLD);
		put_fitted(2, 0, f->notice, strlen(f->notice), (size_t)COLS);
	}
}

/* ---- rows ---- */

struct row_geometry {
	int tree; /* cells before the first column at depth 0 */
	int max_depth;
};

/* Which columns show (shown[] in: those wanted), counting each at its
 * fit[] width. Room for the peer in PROCESS outranks USER, PROTO and the
 * queues, not STATE or REMOTE: where keeping it would cost those,
 * PROCESS counts at its narrowest instead. Returns the width taken. */
static size_t columns_choose(const size_t *want, size_t *fit, size_t avail, bool *shown)
{
	bool tight_shown[COL_COUNT];
	size_t tight_fit[COL_COUNT], total, tight_total;

	memcpy(tight_shown, shown, sizeof(tight_shown));
	memcpy(tight_fit, fit, sizeof(tight_fit));
	tight_fit[COL_PROCESS] = want[COL_PROCESS] > PROCESS_TIGHT ? PROCESS_TIGHT : want[COL_PROCESS];
	total = columns_fit(fit, COL_GAP, avail, shown);
	tight_total = columns_fit(tight_fit, COL_GAP, avail, tight_shown);
	if ((tight_shown[COL_STATE] && !shown[COL_STATE]) ||
	    (tight_shown[COL_REMOTE] && !shown[COL_REMOTE])) {
		memcpy(fit, tight_fit, sizeof(tight_fit));
		memcpy(shown, tight_shown, sizeof(tight_shown));
		return tight_total;
	}
	return total;
}

/* Gives the room left (avail - total) back to the columns that were
 * counted short, LOCAL first, then PROCESS, each up to its want[]. */
static void columns_grow(const size_t *want, size_t *fit, size_t avail, size_t total, const bool *shown)
{
	static const int grow_order[] = { COL_LOCAL, COL_PROCESS };

	for (size_t i = 0; i < sizeof(grow_order) / sizeof(grow_order[0]); i++) {
		int c = grow_order[i];
		size_t more;

		if (!shown[c] || avail <= total)
			continue;
		more = want[c] - fit[c] < avail - total ? want[c] - fit[c] : avail - total;
		fit[c] += more;
		total += more;
	}
}

/* Columns sized to what the rows on screen hold. Some may shrink: for
 * deciding what fits they count at their least (LOCAL cut on the left
 * keeps its port; PROCESS keeps room for "own <- peer"), then the room
 * left goes back to them in grow_order up to their widest cell, and what
 * remains to the last column shown (COMMAND, when it is). */
static void compute_columns(const struct screen_frame *f, const struct row_geometry *g,
			    struct screen_layout *lay)
{
	static const size_t least[COL_COUNT] = {
		[COL_LOCAL] = LOCAL_MIN, [COL_PROCESS] = PROCESS_MIN, [COL_COMMAND] = COMMAND_MIN
	};
	const struct view_state *v = f->view;
	size_t want[COL_COUNT], fit[COL_COUNT], i, total,
		avail = COLS > g->tree ? (size_t)(COLS - g->tree) : 0;
	struct strbuf cell = { 0 };
	int c, x, last = -1, depth = 0;

	for (c = 0; c < COL_COUNT; c++) {
		want[c] = strlen(columns[c].header);
		/* The dashboard asks for tcp_info exactly when it measures rates. */
		lay->col_shown[c] = (!(columns[c].needs_rates || columns[c].needs_info) || f->rates) &&
				    !(f->hidden_columns & (1u << c)) && column_applies(c, f->snap);
	}
	/* Only the rows on screen are formatted. */
	for (i = v->top; i < v->nvisible && i < v->top + (size_t)lay->list_rows; i++) {
		const struct pv_row *r = &v->rows.rows[v->visible[i]];

		if (r->kind != ROW_SOCKET)
			continue;
		if (r->depth > depth)
			depth = r->depth;
		for (c = 0; c < COL_COUNT; c++) {
			size_t w;

			if (!lay->col_shown[c])
				continue;
			strbuf_reset(&cell);
			w = columns[c].format(f->snap, &f->snap->socks[r->index], f->utf8, &cell);
			if (w > want[c])
				want[c] = w;
		}
	}
	strbuf_free(&cell);
	/* PROTO carries the tree's indentation of the deepest row shown. */
	want[COL_PROTO] += (size_t)(depth < g->max_depth ? depth : g->max_depth) * 2;
	for (c = 0; c < COL_COUNT; c++)
		fit[c] = least[c] && want[c] > least[c] ? least[c] : want[c];
	total = columns_choose(want, fit, avail, lay->col_shown);
	columns_grow(want, fit, avail, total, lay->col_shown);
	x = g->tree;
	for (c = 0; c < COL_COUNT; c++) {
		if (!lay->col_shown[c]) {
			lay->col_w[c] = 0;
			continue;
		}
		lay->col_x[c] = x;
		lay->col_w[c] = (int)fit[c];
		if (x + lay->col_w[c] > COLS)
			lay->col_w[c] = COLS - x > 0 ? COLS - x : 0;
		x += lay->col_w[c] + COL_GAP;
		last = c;
	}
	/* The last column takes the rest of the line. */
	if (last >= 0)
		lay->col_w[last] = COLS - lay->col_x[last] > 0 ? COLS - lay->col_x[last] : 0;
}

static void draw_column_header(const struct screen_frame *f, const struct screen_layout *lay)
{
	int c;

	fill_line(lay->header_y, use_color ? color_attr(PAIR_BAR) : A_REVERSE);
	for (c = 0; c < COL_COUNT; c++) {
		const char *h = columns[c].header;
		bool sorted = f->view->order.column == c;

		if (!lay->col_shown[c] || lay->col_w[c] <= 0)
			continue;
		attrset((use_color ? color_attr(PAIR_BAR) : A_REVERSE) | (sorted ? A_BOLD | A_UNDERLINE : 0));
		put_cell(lay->header_y, lay->col_x[c], c, h, strlen(h), strlen(h), (size_t)lay->col_w[c],
			 false);
	}
}

static const char *mark_char(enum change_mark m)
{
	switch (m) {
	case MARK_NEW: return "+";
	case MARK_GONE: return "x";
	case MARK_CHANGED: return "~";
	default: return " ";
	}
}

static attr_t mark_attr(enum change_mark m)
{
	switch (m) {
	case MARK_NEW: return use_color ? color_attr(PAIR_NEW) : A_BOLD;
	case MARK_GONE: return (use_color ? color_attr(PAIR_GONE) : A_NORMAL) | A_DIM;
	case MARK_CHANGED: return use_color ? color_attr(PAIR_CHANGED) : A_UNDERLINE;
	default: return A_NORMAL;
	}
}

static bool row_is_flagged(const struct screen_frame *f, const struct pv_row *r)
{
	if (r->kind == ROW_GROUP)
		return f->view->rows.groups[r->index].flagged > 0;
	if (r->kind == ROW_PILE)
		return false; /* its listener carries the flag */
	return f->snap->socks[r->index].flags != 0;
}

/* A listener's accept queue as a gauge: yellow past half the backlog, red
 * past 90%. */
static attr_t queue_attr(const struct pv_socket *k)
{
	if (!socket_has_accept_queue(k) || k->wqueue == 0)
		return 0;
	if ((uint64_t)k->rqueue * 10 > (uint64_t)k->wqueue * 9)
		return use_color ? color_attr(PAIR_ERROR) | A_BOLD : A_BOLD | A_UNDERLINE;
	if ((uint64_t)k->rqueue * 2 > k->wqueue)
		return use_color ? color_attr(PAIR_CHANGED) | A_BOLD : A_BOLD;
	return 0;
}

/* The mark of a listener other hosts reach, on its address: bold
 * yellow, or bold. */
static attr_t exposure_attr(const struct pv_snapshot *s, const struct pv_socket *k)
{
	if (!exposure_beyond_loopback(socket_exposure(s, k)))
		return 0;
	return use_color ? color_attr(PAIR_CHANGED) | A_BOLD : A_BOLD;
}

/* A group line, cut with an ellipsis where the screen ends. */
static void put_group_line(int y, int x, const struct strbuf *line, bool utf8)
{
	size_t cells, room = COLS > x ? (size_t)(COLS - x) : 0;

	sanitize_fit(line->data, line->len, SIZE_MAX, &cells);
	if (cells <= room)
		put_fitted(y, x, line->data, line->len, room);
	else
		put_cut(y, x, line->data, line->len, room, utf8);
}

static void draw_row(const struct screen_frame *f, const struct row_geometry *g,
		     const struct screen_layout *lay, int y, size_t visible_index)
{
	const struct view_state *v = f->view;
	uint32_t ri = v->visible[visible_index];
	const struct pv_row *r = &v->rows.rows[ri];
	bool selected = visible_index == v->cursor;
	enum change_mark mark = MARK_NONE;
	struct strbuf cell = { 0 };
	attr_t base;
	int x, c;

	if (r->kind == ROW_SOCKET)
		mark = tracker_mark(f->tracker, &f->snap->socks[r->index], f->now);
	base = r->kind == ROW_GROUP  ? (color_attr(PAIR_GROUP) | A_BOLD)
	       : r->kind == ROW_PILE ? A_DIM
				     : mark_attr(mark);
	if (selected)
		base |= A_REVERSE;
	fill_line(y, base);
	mvaddstr(y, 0, mark_char(mark));
	if (mark != MARK_GONE && row_is_flagged(f, r)) {
		/* Something is wrong: that outranks new and changed. */
		attrset((use_color ? color_attr(PAIR_ERROR) : A_NORMAL) | A_BOLD |
			(selected ? A_REVERSE : 0));
		mvaddstr(y, 0, "!");
		attrset(base);
	}
	x = 2 + r->depth * 2;
	if (v->row_flags[ri] & VIEW_ROW_HAS_CHILDREN) {
		bool open = v->row_flags[ri] & VIEW_ROW_EXPANDED;

		mvaddstr(y, x, f->utf8 ? (open ? "\u25be" : "\u25b8") : (open ? "v" : ">"));
	}
	x += 2;
	if (r->kind == ROW_PILE) {
		column_format_pile(&v->rows.piles[r->index], f->utf8, &cell);
		put_group_line(y, x, &cell, f->utf8);
		strbuf_free(&cell);
		return;
	}
	if (r->kind == ROW_GROUP) {
		column_format_group(f->snap, &v->rows.groups[r->index], f->utf8, &cell);
		/* The group's throughput over the last refreshes. */
		if (f->sparks && v->rows.groups[r->index].has_rate) {
			struct row_key key;
			struct strbuf line = { 0 };

			rows_key(&v->rows, f->snap, ri, &key);
			if (spark_format(f->sparks, row_key_hash(&key), f->utf8, &line) > 0) {
				strbuf_puts(&cell, "  ");
				strbuf_append(&cell, line.data, line.len);
			}
			strbuf_free(&line);
		}
		/* A process's command line tells five python3 apart. */
		if (v->rows.groups[r->index].kind == GK_PROCESS) {
			const struct pv_process *p = &f->snap->procs[v->rows.groups[r->index].proc];

			if (p->cmdline && p->cmdline_len) {
				strbuf_puts(&cell, "  ");
				sanitize_append(&cell, p->cmdline, p->cmdline_len, f->utf8);
			}
		}
		put_group_line(y, x, &cell, f->utf8);
		strbuf_free(&cell);
		return;
	}
	for (c = 0; c < COL_COUNT; c++) {
		size_t w;
		int cx = lay->col_x[c], cw = lay->col_w[c];

		if (!lay->col_shown[c] || cw <= 0)
			continue;
		if (c == COL_PROTO) {
			/* The first column absorbs the tree indentation. */
			int shift = x - g->tree;

			cx += shift;
			cw -= shift;
			if (cw <= 0)
				continue;
		}
		strbuf_reset(&cell);
		w = columns[c].format(f->snap, &f->snap->socks[r->index], f->utf8, &cell);
		if (c == COL_RECVQ)
			attrset(base | queue_attr(&f->snap->socks[r->index]));
		else if (c == COL_EXPOSED || c == COL_LOCAL)
			attrset(base | exposure_attr(f->snap, &f->snap->socks[r->index]));
		put_cell(y, cx, c, cell.data, cell.len, w, (size_t)cw, f->utf8);
		attrset(base);
	}
	strbuf_free(&cell);
}

/* ---- bottom line ---- */

/* The prompt: its label and text, the cursor kept on screen by showing
 * the end of a line too long for it, after a '<'. Returns the cursor's
 * column. */
static int draw_prompt(const struct screen_frame *f, int y)
{
	struct strbuf before = { 0 }, after = { 0 };
	size_t room = COLS > 2 ? (size_t)COLS - 1 : 1, cells, skip = 0, used = 0;
	int x = 0;

	strbuf_puts(&before, f->prompt_label);
	cells = strlen(f->prompt_label) + sanitize_append(&before, f->prompt_text, f->prompt_cursor, f->utf8);
	sanitize_append(&after, f->prompt_text + f->prompt_cursor, strlen(f->prompt_text + f->prompt_cursor),
			f->utf8);
	attrset(f->prompt_error[0] ? color_attr(PAIR_ERROR) | A_BOLD : A_BOLD);
	if (cells >= room) {
		/* Drop whole characters from the front until the rest fits
		 * after the '<'. */
		size_t need = cells - room + 1, rest;

		skip = sanitize_fit(before.data, before.len, need, &used);
		if (used < need && skip < before.len) {
			/* A wide character straddles the cut: it goes too. */
			while (++skip < before.len && ((unsigned char)before.data[skip] & 0xc0) == 0x80)
				;
			sanitize_fit(before.data + skip, before.len - skip, SIZE_MAX, &rest);
			used = cells - rest;
		}
		mvaddstr(y, 0, "<");
		x = 1;
	}
	put_fitted(y, x, before.data + skip, before.len - skip, (size_t)(COLS - x));
	x += (int)(cells - used);
	if (x < COLS)
		put_fitted(y, x, after.data, after.len, (size_t)(COLS - x));
	if (f->prompt_error[0] && getcurx(stdscr) + 3 < COLS && x + (int)after.len + 3 < COLS) {
		attrset(color_attr(PAIR_ERROR));
		addstr("  ");
		put_fitted(y, getcurx(stdscr), f->prompt_error, strlen(f->prompt_error),
			   (size_t)(COLS - getcurx(stdscr)));
	}
	strbuf_free(&before);
	strbuf_free(&after);
	return x < COLS ? x : COLS - 1;
}

/* Where the list is: "rows 31-60 of 726", or "" when it all shows. */
static void scroll_position(const struct screen_frame *f, const struct screen_layout *lay, char *buf,
			    size_t len)
{
	const struct view_state *v = f->view;
	size_t last = v->top + (size_t)lay->list_rows;

	buf[0] = '\0';
	if (v->nvisible > (size_t)lay->list_rows)
		snprintf(buf, len, "rows %zu-%zu of %zu", v->top + 1, last < v->nvisible ? last : v->nvisible,
			 v->nvisible);
}

/* The bottom line: a prompt, or a message, or the key hints, with the
 * scroll position at the right when there is room for both. */
static void draw_bottom(const struct screen_frame *f, struct screen_layout *lay)
{
	static const char hints[] =
		"?help  /filter  F3 find  g group  s sort  Space fold  i details  k kill  q quit";
	int y = LINES - 1;
	char where[64];
	size_t room = (size_t)COLS, wlen;

	fill_line(y, A_NORMAL);
	if (f->prompt_label) {
		lay->prompt_cursor_x = draw_prompt(f, y);
		return;
	}
	scroll_position(f, lay, where, sizeof(where));
	wlen = strlen(where);
	if (wlen && (size_t)COLS >= wlen + 20) {
		room = (size_t)COLS - wlen - 3;
		attrset(A_BOLD);
		mvaddstr(y, COLS - (int)wlen - 1, where);
	}
	if (f->status[0]) {
		attrset(f->status_is_error ? color_attr(PAIR_ERROR) | A_BOLD : A_BOLD);
		put_fitted(y, 0, f->status, strlen(f->status), room);
		return;
	}
	attrset(A_DIM);
	put_fitted(y, 0, hints, sizeof(hints) - 1, room);
}

/* ---- overlays ---- */

static void draw_box(int top, int left, int height, int width, const char *title)
{
	int y;

	attrset(A_NORMAL);
	for (y = top; y < top + height; y++) {
		move(y, left);
		hline(' ', width);
	}
	attrset(A_BOLD);
	mvaddch(top, left, ACS_ULCORNER);
	mvhline(top, left + 1, ACS_HLINE, width - 2);
	mvaddch(top, left + width - 1, ACS_URCORNER);
	mvvline(top + 1, left, ACS_VLINE, height - 2);
	mvvline(top + 1, left + width - 1, ACS_VLINE, height - 2);
	mvaddch(top + height - 1, left, ACS_LLCORNER);
	mvhline(top + height - 1, left + 1, ACS_HLINE, width - 2);
	mvaddch(top + height - 1, left + width - 1, ACS_LRCORNER);
	if (title)
		mvaddnstr(top, left + 2, title, width - 4);
}

/* The event log: a box as wide as the screen, its lines from
 * overlay_scroll on (the caller keeps the newest in view). */
static void draw_events(const struct screen_frame *f)
{
	const char *p = f->overlay_text;
	int width = COLS - 2, height = LINES - 3, top = 1, left = 1, y = top + 1;
	size_t line = 0;

	if (width < 20 || height < 3)
		return;
	draw_box(top, left, height, width, f->overlay_title);
	attrset(A_DIM);
	mvaddstr(top + height - 1, left + width - 30 > left ? left + width - 30 : left,
		 " E or Esc close, arrows ");
	attrset(A_NORMAL);
	if (!*p)
		put_fitted(y, left + 2, "nothing yet: opens, closes and state changes show here", 54,
			   (size_t)(width - 4));
	while (*p && y < top + height - 1) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (line++ >= f->overlay_scroll) {
			attrset(strstr(p, "  overrun") && strstr(p, "  overrun") < p + len ? A_BOLD
											   : A_NORMAL);
			put_fitted(y, left + 2, p, len, (size_t)(width - 4));
			y++;
		}
		p += len + (nl ? 1 : 0);
	}
	attrset(A_NORMAL);
}

static void draw_detail(const struct screen_frame *f)
{
	const char *p = f->overlay_text;
	int width = COLS - 4 > 100 ? 100 : COLS - 4, height = LINES - 4;
	int top = 2, left = (COLS - width) / 2, y = top + 1;
	size_t line = 0;

	draw_box(top, left, height, width, " details ");
	attrset(A_DIM);
	mvaddstr(top + height - 1, left + width - 22, " Esc close, arrows ");
	while (*p && y < top + height - 1) {
		const char *nl = strchr(p, '\n'), *tab = strchr(p, '\t');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (line++ >= f->overlay_scroll) {
			if (tab && tab < p + len) {
				size_t label = (size_t)(tab - p);

				attrset(A_BOLD);
				put_fitted(y, left + 2, p, label, 10);
				attrset(label ? A_NORMAL : A_BOLD);
				put_fitted(y, left + (label ? 12 : 2), tab + 1, len - label - 1,
					   (size_t)(width - (label ? 14 : 4)));
			}
			y++;
		}
		p += len + (nl ? 1 : 0);
	}
}

/* A list in a box: an optional question above, the entries with the
 * cursor on one (the part around it when the terminal is short), and a
 * hint below. The signal list, the column chooser and the sort orders. */
typedef void (*list_label_fn)(const struct screen_frame *f, int entry, struct strbuf *out);

struct list_box {
	const char *title, *question, *hint;
	int count, choice, width_max;
	list_label_fn label;
};

static void draw_list_box(const struct screen_frame *f, const struct list_box *b)
{
	int asked = b->question ? 2 : 0, width = COLS - 4 > b->width_max ? b->width_max : COLS - 4;
	int height = b->count + 3 + asked < LINES ? b->count + 3 + asked : LINES;
	int left = (COLS - width) / 2, top = (LINES - height) / 2 > 0 ? (LINES - height) / 2 : 0;
	int rows = height - 3 - asked > 1 ? height - 3 - asked : 1;
	int first = b->choice >= rows ? b->choice - rows + 1 : 0;
	struct strbuf line = { 0 };

	draw_box(top, left, height, width, b->title);
	if (b->question) {
		attrset(A_NORMAL);
		put_fitted(top + 1, left + 2, b->question, strlen(b->question), (size_t)(width - 4));
	}
	for (int i = first; i < b->count && i < first + rows; i++) {
		strbuf_reset(&line);
		b->label(f, i, &line);
		attrset(i == b->choice ? A_REVERSE | A_BOLD : A_NORMAL);
		put_fitted(top + 1 + asked + i - first, left + 2, line.data, line.len, (size_t)(width - 4));
	}
	attrset(A_DIM);
	put_fitted(top + height - 2, left + 2, b->hint, strlen(b->hint), (size_t)(width - 4));
	strbuf_free(&line);
}

static void kill_label(const struct screen_frame *f, int i, struct strbuf *out)
{
	(void)f;
	strbuf_printf(out, "%d  SIG%-5s %2d  %s", i + 1, kill_signals[i].name, kill_signals[i].number,
		      kill_signals[i].meaning);
}

/* The signal list; once one is chosen, the question that names it. */
static void draw_kill(const struct screen_frame *f)
{
	struct list_box b = { .title = " send a signal ",
			      .question = f->overlay_text,
			      .hint = "arrows or 1-9 choose, Enter next, Esc cancel",
			      .count = KILL_SIGNAL_COUNT,
			      .choice = f->kill_choice,
			      .width_max = 72,
			      .label = kill_label };
	int width = COLS - 4 > 72 ? 72 : COLS - 4, left = (COLS - width) / 2, top = LINES / 2 - 3;

	if (!f->kill_confirm) {
		draw_list_box(f, &b);
		return;
	}
	draw_box(top, left, 6, width, " confirm ");
	attrset(A_NORMAL);
	put_fitted(top + 1, left + 2, f->overlay_text, strlen(f->overlay_text), (size_t)(width - 4));
	attrset(A_BOLD);
	mvaddnstr(top + 3, left + 2,
		  f->confirm_hint ? f->confirm_hint : "y: send it     any other key: cancel", width - 4);
}

static void column_label(const struct screen_frame *f, int c, struct strbuf *out)
{
	bool shown = !(f->hidden_columns & (1u << c));

	strbuf_printf(out, "[%c] %-8s%s", shown ? 'x' : ' ', columns[c].header,
		      column_always_shown(c)                                           ? " (always)"
		      : (columns[c].needs_rates || columns[c].needs_info) && !f->rates ? " (not with --lean)"
		      : columns[c].needs_hosts && !(f->snap && f->snap->nhosts)        ? " (with --remote)"
										       : "");
}

/* Entry 0 is the natural order, then each column by id. */
static void sort_label(const struct screen_frame *f, int entry, struct strbuf *out)
{
	const struct rows_order *o = &f->view->order;
	bool in_use = o->column == entry - 1;

	strbuf_puts(out, in_use ? (o->reverse ? "* " : "> ") : "  ");
	strbuf_puts(out, entry == 0 ? "natural: protocol, port, address" : columns[entry - 1].header);
	if (in_use)
		strbuf_puts(out, o->reverse ? "  (in use, reversed)" : "  (in use)");
}

static void draw_columns(const struct screen_frame *f)
{
	struct list_box b = { .title = " columns ",
			      .hint = "Up/Down choose, Space show/hide, Esc close",
			      .count = COL_COUNT,
			      .choice = f->column_choice,
			      .width_max = 50,
			      .label = column_label };

	draw_list_box(f, &b);
}

static void draw_sort(const struct screen_frame *f)
{
	struct list_box b = { .title = " sort by ",
			      .hint = "Up/Down choose, Enter sort (again: reverse), Esc close",
			      .count = COL_COUNT + 1,
			      .choice = f->sort_choice,
			      .width_max = 60,
			      .label = sort_label };

	draw_list_box(f, &b);
}

int screen_list_rows(const struct screen_frame *f)
{
	int header = f->notice[0] ? 3 : 2;

	return LINES - header - 2 > 0 ? LINES - header - 2 : 0;
}

void screen_draw(const struct screen_frame *f, struct screen_layout *lay)
{
	const struct view_state *v = f->view;
	struct row_geometry g;
	int y;
	size_t i;

	memset(lay, 0, sizeof(*lay));
	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		lay->too_small = true;
		attrset(A_BOLD);
		mvprintw(0, 0, "terminal too small:");
		mvprintw(1, 0, "%dx%d, needs %dx%d", COLS, LINES, MIN_COLS, MIN_LINES);
		wnoutrefresh(stdscr);
		return;
	}
	if (f->overlay == OVERLAY_HELP) {
		lay->help_last_top = help_draw(f->help_top);
		wnoutrefresh(stdscr);
		return;
	}
	lay->header_y = f->notice[0] ? 3 : 2;
	lay->list_top = lay->header_y + 1;
	lay->list_rows = screen_list_rows(f);
	g.max_depth = v->group == GROUP_NONE ? 0 : 3; /* group, listener, pile, connection */
	g.tree = 4;
	draw_header(f);
	compute_columns(f, &g, lay);
	draw_column_header(f, lay);
	y = lay->list_top;
	for (i = v->top; i < v->nvisible && y < lay->list_top + lay->list_rows; i++, y++)
		draw_row(f, &g, lay, y, i);
	if (v->nvisible == 0) {
		struct strbuf why = { 0 };

		/* The reason holds the user's words: escaped for the screen. */
		if (v->empty_why.len)
			sanitize_append(&why, v->empty_why.data, v->empty_why.len, f->utf8);
		else
			strbuf_puts(&why, "no sockets");
		attrset(A_DIM);
		put_fitted(lay->list_top, 2, why.data, why.len, (size_t)(COLS - 2));
		strbuf_free(&why);
	}
	draw_bottom(f, lay);
	if (f->overlay == OVERLAY_DETAIL)
		draw_detail(f);
	else if (f->overlay == OVERLAY_COLUMNS)
		draw_columns(f);
	else if (f->overlay == OVERLAY_KILL)
		draw_kill(f);
	else if (f->overlay == OVERLAY_SORT)
		draw_sort(f);
	else if (f->overlay == OVERLAY_EVENTS)
		draw_events(f);
	attrset(A_NORMAL);
	wnoutrefresh(stdscr);
}
