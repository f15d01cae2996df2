/* Drawing the dashboard: header, column header, rows, bottom line and the
 * overlays (help, details, signal dialog). It draws what the model holds
 * and decides nothing. Curses is the view's alone (src/tui). */
#ifndef PV_SCREEN_H
#define PV_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

#include "columns.h"
#include "kill_signals.h"
#include "snapshot.h"
#include "sparkline.h"
#include "tracker.h"
#include "view_state.h"

enum screen_overlay {
	OVERLAY_NONE,
	OVERLAY_HELP,
	OVERLAY_DETAIL,
	OVERLAY_KILL,
	OVERLAY_COLUMNS,
	OVERLAY_SORT,
	OVERLAY_EVENTS
};

/* Everything one frame shows. */
struct screen_frame {
	const struct view_state *view;
	const struct pv_snapshot *snap;
	const struct tracker *tracker;
	double now; /* monotonic seconds, for change marks */
	const char *host;
	double delay;
	bool paused, utf8;
	bool rates;                         /* rates are measured: show IN/s and OUT/s */
	unsigned hidden_columns;            /* bit c: column c is left out (settings) */
	const char *notice;                 /* degraded states; "" for none */
	const struct pv_counts *counts;     /* of the live sockets, once per refresh */
	const struct spark_history *sparks; /* group rates over time, or NULL */

	const char *prompt_label; /* non-NULL: the bottom line is a prompt */
	const char *prompt_text;
	size_t prompt_cursor;     /* a byte offset into prompt_text */
	const char *prompt_error; /* "" when the text is valid */
	const char *status;       /* a message for the bottom line, "" for none */
	bool status_is_error;

	enum screen_overlay overlay;
	const char *overlay_text;  /* details: "label\tvalue\n" lines; kill: the question;
				   * events: one line each, the newest last */
	const char *overlay_title; /* events: the box's title */
	size_t overlay_scroll;
	size_t *help_top;  /* the help's first line: clamped as it is drawn */
	int kill_choice;   /* index into kill_signals */
	int column_choice; /* the column chooser's cursor: a column id */
	int sort_choice;   /* the sort list's cursor: a column id + 1 */
	bool kill_confirm;
	const char *confirm_hint; /* the question's answers; NULL: a signal's */
};

/* Where things landed, for mouse clicks. */
struct screen_layout {
	int header_y;            /* the column header line */
	int list_top, list_rows; /* first list line and how many */
	int col_x[COL_COUNT], col_w[COL_COUNT];
	bool col_shown[COL_COUNT];
	bool too_small;
	int prompt_cursor_x;  /* where the prompt's cursor is drawn */
	size_t help_last_top; /* the help's last first line that fills the screen */
};

/* Sets up colour pairs when color is wanted and the terminal has them. */
void screen_init(bool color);
/* The number of list rows the current terminal size leaves. */
int screen_list_rows(const struct screen_frame *f);
void screen_draw(const struct screen_frame *f, struct screen_layout *layout);

#endif
