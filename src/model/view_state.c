#include "config.h"

#include "view_state.h"

#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "xalloc.h"

struct toggle_def {
	unsigned bit, opposite;
	const char *filter; /* the filter it stands for */
	const char *label;
};

static const struct toggle_def toggle_defs[] = {
	{ TOGGLE_LISTEN, TOGGLE_ESTAB, "state:listening", "listening" },
	{ TOGGLE_ESTAB, TOGGLE_LISTEN, "state:established", "established" },
	{ TOGGLE_TCP, TOGGLE_UDP, "tcp", "tcp" },
	{ TOGGLE_UDP, TOGGLE_TCP, "udp", "udp" },
	{ TOGGLE_V4, TOGGLE_V6, "4", "ipv4" },
	{ TOGGLE_V6, TOGGLE_V4, "6", "ipv6" },
};

enum { TOGGLE_COUNT = sizeof(toggle_defs) / sizeof(toggle_defs[0]) };

void view_init(struct view_state *v, enum group_mode group)
{
	memset(v, 0, sizeof(*v));
	v->group = group;
	v->order.column = -1;
	v->filter_text = xstrdup("");
	v->sparks = spark_new();
}

void view_free(struct view_state *v)
{
	free(v->filter_text);
	strbuf_free(&v->empty_why);
	filter_free(v->user_filter);
	filter_free(v->filter);
	free(v->flipped);
	free(v->visible);
	free(v->row_flags);
	rows_free(&v->rows);
	spark_free(v->sparks);
	filter_free(v->all_filter);
	rows_free(&v->all_rows);
	memset(v, 0, sizeof(*v));
}

static struct pv_filter *view_and_text(struct pv_filter *f, const char *text)
{
	struct filter_error err;
	struct pv_filter *t = filter_parse(text, &err), *both = filter_and(f, t);

	filter_free(t);
	filter_free(f);
	return both;
}

/* Rebuilds the applied filter from the user's filter and the toggles.
 * Hidden UNIX sockets are a term of it too: the kernel mask then leaves
 * them out, and rows from an older snapshot lose them at once. */
/* f AND the filter of each toggle set in toggles; takes f. */
static struct pv_filter *view_and_toggles(struct pv_filter *f, unsigned toggles)
{
	for (size_t i = 0; i < TOGGLE_COUNT; i++)
		if (toggles & toggle_defs[i].bit)
			f = view_and_text(f, toggle_defs[i].filter);
	return f;
}

static void view_compose_filter(struct view_state *v)
{
	struct pv_filter *f = view_and_toggles(filter_and(v->user_filter, NULL), v->toggles);
	filter_free(v->all_filter);
	v->all_filter = NULL;
	if (!v->show_unix && !filter_names_unix(v->user_filter)) {
		f = view_and_text(f, "!unix");
		v->all_filter = view_and_text(NULL, "!unix");
	}
	filter_free(v->filter);
	v->filter = f;
}

/* Rebuild, plus a rescan when the new filter needs sockets the old one
 * let the kernel leave out. */
static unsigned view_filter_changed(struct view_state *v, uint64_t old_mask)
{
	uint64_t mask;

	view_compose_filter(v);
	mask = view_kernel_mask(v);
	return EFFECT_REBUILD | EFFECT_REDRAW | ((mask & ~old_mask) ? EFFECT_RESCAN : 0);
}

int view_set_filter(struct view_state *v, const char *text, struct filter_error *err)
{
	struct pv_filter *f = filter_parse(text, err);
	uint64_t old = v->filter ? view_kernel_mask(v) : ~0ull;

	if (f && !filter_check_users(f, err)) {
		filter_free(f);
		f = NULL;
	}
	if (!f)
		return -1;
	filter_free(v->user_filter);
	v->user_filter = f;
	free(v->filter_text);
	v->filter_text = xstrdup(text);
	return (int)view_filter_changed(v, old);
}

unsigned view_toggle(struct view_state *v, unsigned toggle)
{
	uint64_t old = view_kernel_mask(v);
	size_t i;

	for (i = 0; i < TOGGLE_COUNT; i++)
		if (toggle_defs[i].bit == toggle && !(v->toggles & toggle))
			v->toggles &= ~toggle_defs[i].opposite;
	v->toggles ^= toggle;
	return view_filter_changed(v, old);
}

/* Asked for with its opposite (-t -u), a toggle means both: neither. */
static unsigned toggles_without_pairs(unsigned toggles)
{
	unsigned out = toggles;

	for (size_t i = 0; i < TOGGLE_COUNT; i++)
		if ((toggles & toggle_defs[i].bit) && (toggles & toggle_defs[i].opposite))
			out &= ~(toggle_defs[i].bit | toggle_defs[i].opposite);
	return out;
}

unsigned view_set_toggles(struct view_state *v, unsigned toggles)
{
	uint64_t old = view_kernel_mask(v);

	v->toggles = toggles_without_pairs(toggles);
	return view_filter_changed(v, old);
}

struct pv_filter *view_toggles_filter(unsigned toggles)
{
	return view_and_toggles(NULL, toggles_without_pairs(toggles));
}

unsigned view_toggle_unix(struct view_state *v)
{
	uint64_t old = view_kernel_mask(v);

	v->show_unix = !v->show_unix;
	return view_filter_changed(v, old);
}

void view_describe_toggles(const struct view_state *v, struct strbuf *sb)
{
	bool first = true;
	size_t i;

	for (i = 0; i < TOGGLE_COUNT; i++) {
		if (!(v->toggles & toggle_defs[i].bit))
			continue;
		strbuf_printf(sb, "%s[%s]", first ? "" : " ", toggle_defs[i].label);
		first = false;
	}
}

/* Everything of the protocols the view can show, whatever the filter: the
 * header counts the host's sockets, and flags, ages and rates have a
 * history only for sockets collected every time. */
uint64_t view_kernel_mask(const struct view_state *v)
{
	uint64_t mask = kind_mask_all();

	if (!v->show_unix && !filter_names_unix(v->user_filter))
		mask &= ~kind_mask_unix();
	return mask;
}

/* ---- rows and selection ---- */

static bool view_flipped(const struct view_state *v, const struct row_key *k)
{
	size_t i;

	for (i = 0; i < v->nflipped; i++)
		if (row_key_equal(&v->flipped[i], k))
			return true;
	return false;
}

static void view_flip(struct view_state *v, const struct row_key *k)
{
	size_t i;

	for (i = 0; i < v->nflipped; i++) {
		if (row_key_equal(&v->flipped[i], k)) {
			v->flipped[i] = v->flipped[--v->nflipped];
			return;
		}
	}
	v->flipped = xreallocarray(v->flipped, v->nflipped + 1, sizeof(*v->flipped));
	v->flipped[v->nflipped++] = *k;
}

/* Lists the rows not folded away under a closed parent. */
static void view_compute_visible(struct view_state *v)
{
	size_t i, n = v->rows.nrows;
	int hide_below = -1; /* depth of a closed row whose children are hidden */

	free(v->visible);
	free(v->row_flags);
	v->visible = xmalloc((n ? n : 1) * sizeof(*v->visible));
	v->row_flags = xcalloc(n ? n : 1, 1);
	v->nvisible = 0;
	for (i = 0; i < n; i++) {
		const struct pv_row *r = &v->rows.rows[i];
		struct row_key k;

		if (i + 1 < n && v->rows.rows[i + 1].depth > r->depth) {
			/* A TIME_WAIT pile starts closed whatever + said:
			 * opening it is asking for its hundreds of rows. */
			bool closed = v->collapse_default || r->kind == ROW_PILE;

			rows_key(&v->rows, v->snap, i, &k);
			v->row_flags[i] |= VIEW_ROW_HAS_CHILDREN;
			if (closed == view_flipped(v, &k))
				v->row_flags[i] |= VIEW_ROW_EXPANDED;
		}
		if (hide_below >= 0 && r->depth > hide_below)
			continue;
		hide_below = -1;
		v->visible[v->nvisible++] = (uint32_t)i;
		if ((v->row_flags[i] & VIEW_ROW_HAS_CHILDREN) && !(v->row_flags[i] & VIEW_ROW_EXPANDED))
			hide_below = r->depth;
	}
}

static void view_remember_cursor(struct view_state *v)
{
	v->has_selected = v->nvisible > 0;
	if (v->has_selected)
		rows_key(&v->rows, v->snap, v->visible[v->cursor], &v->selected);
}

/* Puts the cursor back on the remembered row, or on its neighbour (the row
 * now at the same place) when it is gone or folded away. */
static void view_restore_selection(struct view_state *v)
{
	size_t i;

	view_compute_visible(v);
	if (v->has_selected) {
		for (i = 0; i < v->nvisible; i++) {
			struct row_key k;

			rows_key(&v->rows, v->snap, v->visible[i], &k);
			if (row_key_equal(&k, &v->selected)) {
				v->cursor = i;
				return;
			}
		}
	}
	if (v->cursor >= v->nvisible)
		v->cursor = v->nvisible ? v->nvisible - 1 : 0;
	view_remember_cursor(v);
}

void view_rebuild(struct view_state *v, const struct pv_snapshot *snap)
{
	if (!v->filter)
		view_compose_filter(v);
	v->snap = snap;
	rows_build(&v->rows, snap, v->filter, v->group, v->order);
	/* A retarget keeps the same sockets, so the reason holds until the
	 * next rebuild. */
	strbuf_reset(&v->empty_why);
	if (v->rows.nselected == 0 && (v->filter_text[0] || v->toggles))
		filter_explain_empty(v->filter, snap, &v->empty_why);
	view_restore_selection(v);
}

void view_retarget(struct view_state *v, const struct pv_snapshot *snap)
{
	v->snap = snap;
	/* Same sockets, new rates and flags: the group lines' sums follow. */
	rows_update_traffic(&v->rows, snap);
}

/* Rates change every refresh, so rows sorted by them are always rebuilt. */
static bool view_sorted_by_rate(const struct view_state *v)
{
	return v->order.column == COL_RATE_IN || v->order.column == COL_RATE_OUT;
}

/* One point of each group's sparkline: what it moved, in and out, over
 * all its sockets, not only those the filter shows. */
static void view_record_traffic(struct view_state *v)
{
	const struct pv_rows *r = &v->rows;

	if (v->filter_text[0] || v->toggles) {
		rows_build(&v->all_rows, v->snap, v->all_filter, v->group,
			   (struct rows_order){ .column = -1 });
		r = &v->all_rows;
	}

	spark_begin(v->sparks);
	for (size_t i = 0; i < r->nrows; i++) {
		const struct pv_group *g;
		struct row_key key;

		if (r->rows[i].kind != ROW_GROUP)
			continue;
		g = &r->groups[r->rows[i].index];
		if (!g->has_rate)
			continue;
		rows_key(r, v->snap, i, &key);
		spark_record(v->sparks, row_key_hash(&key), g->rate_in + g->rate_out);
	}
	spark_end(v->sparks);
}

void view_refresh(struct view_state *v, const struct pv_model *m)
{
	/* An unchanged host keeps its rows: sorting tens of thousands of
	 * sockets every second is most of an idle dashboard's cost. */
	if (v->snap && m->same_rows && !view_sorted_by_rate(v))
		view_retarget(v, m->snap);
	else
		view_rebuild(v, m->snap);
	if (m->rates)
		view_record_traffic(v);
}

unsigned view_move_to(struct view_state *v, size_t index)
{
	if (v->nvisible == 0)
		return EFFECT_NONE;
	v->cursor = index < v->nvisible ? index : v->nvisible - 1;
	view_remember_cursor(v);
	return EFFECT_REDRAW;
}

unsigned view_move(struct view_state *v, long delta)
{
	long target = (long)v->cursor + delta;

	return view_move_to(v, target < 0 ? 0 : (size_t)target);
}

void view_scroll_to_cursor(struct view_state *v, size_t page)
{
	if (page == 0)
		return;
	if (v->cursor < v->top)
		v->top = v->cursor;
	else if (v->cursor >= v->top + page)
		v->top = v->cursor - page + 1;
	if (v->top + page > v->nvisible)
		v->top = v->nvisible > page ? v->nvisible - page : 0;
}

const struct pv_row *view_current(const struct view_state *v)
{
	return v->nvisible ? &v->rows.rows[v->visible[v->cursor]] : NULL;
}

/* The visible row that shows row: itself, or the closed row above it
 * that folds it away (visible[] is increasing). */
static size_t view_visible_of(const struct view_state *v, size_t row)
{
	size_t lo = 0, hi = v->nvisible;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->visible[mid] <= row)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

unsigned view_find(struct view_state *v, const struct pv_filter *f, bool after_cursor, bool *found)
{
	size_t n = v->rows.nrows, start;

	*found = false;
	if (!v->nvisible)
		return EFFECT_NONE;
	start = v->visible[v->cursor] + (after_cursor ? 1 : 0);
	for (size_t i = 0; i < n; i++) {
		size_t row = (start + i) % n, shown;
		const struct pv_row *r = &v->rows.rows[row];

		if (r->kind != ROW_SOCKET || !filter_match(f, v->snap, &v->snap->socks[r->index]))
			continue;
		shown = view_visible_of(v, row);
		/* Matches folded under the row already selected are behind. */
		if (after_cursor && shown == v->cursor)
			continue;
		*found = true;
		return view_move_to(v, shown);
	}
	return EFFECT_NONE;
}

static unsigned view_relayout(struct view_state *v)
{
	view_restore_selection(v);
	return EFFECT_REDRAW;
}

unsigned view_toggle_expand(struct view_state *v)
{
	size_t row;
	struct row_key k;

	if (!v->nvisible)
		return EFFECT_NONE;
	row = v->visible[v->cursor];
	if (!(v->row_flags[row] & VIEW_ROW_HAS_CHILDREN))
		return EFFECT_NONE;
	rows_key(&v->rows, v->snap, row, &k);
	view_flip(v, &k);
	return view_relayout(v);
}

unsigned view_collapse_or_parent(struct view_state *v)
{
	size_t row, i;

	if (!v->nvisible)
		return EFFECT_NONE;
	row = v->visible[v->cursor];
	if ((v->row_flags[row] & VIEW_ROW_HAS_CHILDREN) && (v->row_flags[row] & VIEW_ROW_EXPANDED))
		return view_toggle_expand(v);
	for (i = v->cursor; i-- > 0;)
		if (v->rows.rows[v->visible[i]].depth < v->rows.rows[row].depth)
			return view_move_to(v, i);
	return EFFECT_NONE;
}

unsigned view_expand(struct view_state *v)
{
	size_t row;

	if (!v->nvisible)
		return EFFECT_NONE;
	row = v->visible[v->cursor];
	if ((v->row_flags[row] & VIEW_ROW_HAS_CHILDREN) && !(v->row_flags[row] & VIEW_ROW_EXPANDED))
		return view_toggle_expand(v);
	return EFFECT_NONE;
}

unsigned view_set_all_expanded(struct view_state *v, bool expanded)
{
	size_t i;

	v->collapse_default = !expanded;
	v->nflipped = 0;
	if (!expanded && v->nvisible) {
		/* The cursor moves up to the group line that now holds it. */
		for (i = v->cursor + 1; i-- > 0;) {
			if (v->rows.rows[v->visible[i]].depth == 0) {
				v->cursor = i;
				break;
			}
		}
		view_remember_cursor(v);
	}
	return view_relayout(v);
}

/* ---- order and grouping ---- */

unsigned view_cycle_sort(struct view_state *v)
{
	v->order.column = column_next_sort(v->order.column);
	v->order.reverse = false;
	return EFFECT_REBUILD | EFFECT_REDRAW;
}

unsigned view_reverse_sort(struct view_state *v)
{
	v->order.reverse = !v->order.reverse;
	return EFFECT_REBUILD | EFFECT_REDRAW;
}

unsigned view_sort_by(struct view_state *v, int column)
{
	if (v->order.column == column)
		return view_reverse_sort(v);
	v->order.column = column;
	v->order.reverse = false;
	return EFFECT_REBUILD | EFFECT_REDRAW;
}

unsigned view_cycle_group(struct view_state *v)
{
	v->group = (enum group_mode)((v->group + 1) % (GROUP_NONE + 1));
	if (v->group == GROUP_HOST && (!v->snap || !v->snap->nhosts))
		v->group = GROUP_NONE;
	return EFFECT_REBUILD | EFFECT_REDRAW;
}
