/* Laying out one line of labelled parts by priority, as a status bar
 * does: what does not fit goes, least important first, and nothing ever
 * overlaps or is left half drawn. The dashboard's two header lines use
 * it; pure, so the rules are tested without a terminal. */
#ifndef PV_LINE_FIT_H
#define PV_LINE_FIT_H

#include <stdbool.h>
#include <stddef.h>

struct line_part {
	/* in: sanitised text and its width in cells */
	const char *text;
	size_t len, cells;
	int priority;     /* higher stays longer */
	bool right;       /* placed against the right end */
	size_t min_cells; /* 0, or how far it may be cut (a long filter) before
			   * parts of less priority go */
	/* out: where it goes and how much of it shows; cut marks a part
	 * shown short, whose last cell (in shown_cells) is for an ellipsis */
	bool shown, cut;
	size_t x, shown_len, shown_cells;
};

/* Places parts in a line of width cells, gap cells apart: left parts
 * from the left in order, right parts against the right end in order. */
void line_fit(struct line_part *parts, size_t n, size_t width, size_t gap);

#endif
