/* The dashboard's state, free of curses: what the user chose (filter,
 * quick toggles, grouping, order, collapsed rows) and where they are
 * (selection, scroll), plus the rows derived from the current snapshot.
 * The selection is remembered by row identity, never by row number, so a
 * refresh never moves the cursor. */
#ifndef PV_VIEW_STATE_H
#define PV_VIEW_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "model.h"
#include "rows.h"
#include "snapshot.h"
#include "sparkline.h"
#include "strbuf.h"

/* Quick toggles; each has an opposite it switches off. */
enum view_toggle {
	TOGGLE_LISTEN = 1u << 0,
	TOGGLE_ESTAB = 1u << 1,
	TOGGLE_TCP = 1u << 2,
	TOGGLE_UDP = 1u << 3,
	TOGGLE_V4 = 1u << 4,
	TOGGLE_V6 = 1u << 5,
};

/* What an action asks of the loop; a bit set. */
enum view_effect {
	EFFECT_NONE = 0,
	EFFECT_REDRAW = 1u << 0,
	EFFECT_REBUILD = 1u << 1, /* rows from the same snapshot */
	EFFECT_RESCAN = 1u << 2,  /* a new snapshot: the kernel mask grew */
};

struct view_state {
	char *filter_text; /* as the user typed it */
	struct pv_filter *user_filter;
	unsigned toggles;
	bool show_unix;           /* x: UNIX domain sockets too */
	struct pv_filter *filter; /* user filter AND toggles: what is applied */
	enum group_mode group;
	struct rows_order order;
	bool collapse_default;   /* after '-': everything starts collapsed */
	struct row_key *flipped; /* rows the user opened or closed against the default */
	size_t nflipped;

	struct row_key selected;
	bool has_selected;
	size_t cursor; /* index into visible */
	size_t top;    /* first visible index on screen */

	const struct pv_snapshot *snap;
	struct pv_rows rows;
	uint32_t *visible; /* row indices, in order, that are not folded away */
	size_t nvisible;
	uint8_t *row_flags; /* per row: VIEW_ROW_* */
	/* Each group's traffic over the last refreshes, whatever the filter:
	 * the whole process's (port's, endpoint's), recorded from rows built
	 * without the filter when one narrows the view, so that changing the
	 * filter and back finds the same history. */
	struct spark_history *sparks;
	/* When the filter and toggles show nothing: why, in words, worked
	 * out once per rebuild (filter_explain_empty; unsanitised); "" else. */
	struct strbuf empty_why;
	struct pv_filter *all_filter; /* what the view can show: UNIX or not */
	struct pv_rows all_rows;      /* the rows of all_filter, when filtered */
};

enum { VIEW_ROW_HAS_CHILDREN = 1, VIEW_ROW_EXPANDED = 2 };

void view_init(struct view_state *v, enum group_mode group);
void view_free(struct view_state *v);

/* Parses and applies text as the filter. Returns the effects, or -1 with
 * err filled in, leaving the previous filter applied. */
int view_set_filter(struct view_state *v, const char *text, struct filter_error *err);
/* Flips a quick toggle (switching off its opposite); returns the effects. */
unsigned view_toggle(struct view_state *v, unsigned toggle);
/* Sets the toggles as the command line asked for them (-t -l ...); a
 * toggle asked for with its opposite (-t -u) means neither. Returns the
 * effects. */
unsigned view_set_toggles(struct view_state *v, unsigned toggles);
/* The same toggles as a filter for --once (NULL: none). */
struct pv_filter *view_toggles_filter(unsigned toggles);
/* Shows or hides UNIX domain sockets (a filter naming them shows them
 * anyway); returns the effects. */
unsigned view_toggle_unix(struct view_state *v);
/* Writes the active toggles as "[listening] [tcp]" ("" for none). */
void view_describe_toggles(const struct view_state *v, struct strbuf *sb);
/* The kernel mask the collector should dump with: every state of the
 * protocols the view can show, so that no filter changes what is true. */
uint64_t view_kernel_mask(const struct view_state *v);

/* Rebuilds rows from snap (which must outlive the rows) and restores the
 * selection: the same row if it still exists, else its neighbour. */
void view_rebuild(struct view_state *v, const struct pv_snapshot *snap);

/* Points the rows at snap, which snapshot_same_rows found equal to the
 * snapshot they were built from: no rebuild needed. */
void view_retarget(struct view_state *v, const struct pv_snapshot *snap);

/* Takes in a new refresh: rebuilds the rows (or, when the host's sockets
 * are unchanged, keeps them and updates their sums) and records each
 * group's traffic for its sparkline. m->snap must outlive the rows. */
void view_refresh(struct view_state *v, const struct pv_model *m);

/* Moves the cursor by delta rows (clamped); returns the effects. */
unsigned view_move(struct view_state *v, long delta);
/* Moves the cursor to visible row index (clamped). */
unsigned view_move_to(struct view_state *v, size_t index);
/* Keeps the cursor on a screen of page rows by moving the scroll top. */
void view_scroll_to_cursor(struct view_state *v, size_t page);
/* The row under the cursor, or NULL when nothing is shown. */
const struct pv_row *view_current(const struct view_state *v);

/* Find (F3): moves the cursor to the next row showing a socket f matches,
 * hiding nothing: after the cursor (wrapping round) when after_cursor is
 * set, else from the cursor on. A match folded away lands on the closed
 * row that holds it. Sets *found; the cursor stays when nothing matches. */
unsigned view_find(struct view_state *v, const struct pv_filter *f, bool after_cursor, bool *found);

/* Opens or closes the row under the cursor if it has children. */
unsigned view_toggle_expand(struct view_state *v);
/* Left: close the current row, or go to its parent. Right: open it. */
unsigned view_collapse_or_parent(struct view_state *v);
unsigned view_expand(struct view_state *v);
/* Opens (+) or closes (-) every row. */
unsigned view_set_all_expanded(struct view_state *v, bool expanded);

/* s cycles the sort column, S reverses, a header click sorts by a column
 * (a second click on the same column reverses). */
unsigned view_cycle_sort(struct view_state *v);
unsigned view_reverse_sort(struct view_state *v);
unsigned view_sort_by(struct view_state *v, int column);
/* g cycles the grouping. */
unsigned view_cycle_group(struct view_state *v);

#endif
