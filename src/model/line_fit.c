#include "config.h"

#include "line_fit.h"

#include "sanitize.h"

/* The cells the shown parts take, with a gap between neighbours and
 * between the left and the right group. */
/* What a part needs at the least: all of it, or its min_cells. */
static size_t part_need(const struct line_part *p)
{
	return p->min_cells && p->min_cells < p->cells ? p->min_cells : p->cells;
}

static size_t line_width(const struct line_part *parts, size_t n, size_t gap)
{
	size_t total = 0, count = 0;

	for (size_t i = 0; i < n; i++) {
		if (!parts[i].shown)
			continue;
		total += part_need(&parts[i]);
		count++;
	}
	return total + (count > 1 ? (count - 1) * gap : 0);
}

/* The shown part of least priority; among equals the last, so a line
 * loses its tail first. */
static size_t line_least(const struct line_part *parts, size_t n)
{
	size_t least = n;

	for (size_t i = 0; i < n; i++)
		if (parts[i].shown && (least == n || parts[i].priority <= parts[least].priority))
			least = i;
	return least;
}

/* Cuts p to cells (the last one left for an ellipsis). */
static void part_cut(struct line_part *p, size_t cells)
{
	if (cells >= p->cells)
		return;
	p->cut = true;
	p->shown_len = sanitize_fit(p->text, p->len, cells ? cells - 1 : 0, &p->shown_cells);
	p->shown_cells++;
}

void line_fit(struct line_part *parts, size_t n, size_t width, size_t gap)
{
	size_t shown = 0, x = 0, right_x = width, spare;

	for (size_t i = 0; i < n; i++) {
		parts[i].shown = parts[i].cells > 0;
		parts[i].cut = false;
		parts[i].shown_len = parts[i].len;
		parts[i].shown_cells = parts[i].cells;
		shown += parts[i].shown;
	}
	while (shown > 1 && line_width(parts, n, gap) > width) {
		parts[line_least(parts, n)].shown = false;
		shown--;
	}
	/* Parts that may be cut take what room is left, in order. */
	spare = width > line_width(parts, n, gap) ? width - line_width(parts, n, gap) : 0;
	for (size_t i = 0; i < n; i++) {
		struct line_part *p = &parts[i];
		size_t need = part_need(p), more;

		if (!p->shown)
			continue;
		if (need > width) {
			part_cut(p, width);
			continue;
		}
		more = p->cells - need < spare ? p->cells - need : spare;
		spare -= more;
		part_cut(p, need + more);
	}
	for (size_t i = 0; i < n; i++) {
		if (!parts[i].shown || parts[i].right)
			continue;
		parts[i].x = x;
		x += parts[i].shown_cells + gap;
	}
	for (size_t i = n; i-- > 0;) {
		if (!parts[i].shown || !parts[i].right)
			continue;
		right_x -= parts[i].shown_cells;
		parts[i].x = right_x;
		right_x = right_x >= gap ? right_x - gap : 0;
	}
}
