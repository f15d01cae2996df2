#include "config.h"

#include <string.h>

#include "check_main.h"
#include "line_fit.h"

static struct line_part part(const char *text, int priority, bool right)
{
	return (struct line_part){
		.text = text, .len = strlen(text), .cells = strlen(text), .priority = priority, .right = right
	};
}

/* The line as drawn, '.' where nothing is. */
static const char *drawn(const struct line_part *parts, size_t n, size_t width)
{
	static char line[256];

	memset(line, '.', width);
	line[width] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!parts[i].shown)
			continue;
		for (size_t c = 0; c < parts[i].shown_len + parts[i].cut; c++) {
			/* Nothing is drawn twice: parts never overlap. */
			ck_assert_msg(line[parts[i].x + c] == '.', "part %zu overlaps at %zu", i,
				      parts[i].x + c);
			line[parts[i].x + c] = c < parts[i].shown_len ? parts[i].text[c] : '~';
		}
	}
	return line;
}

START_TEST(t_everything_fits)
{
	struct line_part p[] = { part("portview", 5, false), part("every 1s", 3, false),
				 part("PAUSED", 9, true) };

	line_fit(p, 3, 30, 2);
	ck_assert_str_eq(drawn(p, 3, 30), "portview..every 1s......PAUSED");
}
END_TEST

/* The least important goes first, wherever it stands. */
START_TEST(t_least_important_goes_first)
{
	struct line_part p[] = { part("filter port:80", 9, false), part("group process", 5, false),
				 part("sort natural", 4, false), part("! 1 saturated", 8, true) };

	line_fit(p, 4, 45, 2);
	ck_assert_str_eq(drawn(p, 4, 45), "filter port:80..group process...! 1 saturated");
	line_fit(p, 4, 30, 2);
	ck_assert_str_eq(drawn(p, 4, 30), "filter port:80...! 1 saturated");
	line_fit(p, 4, 20, 2);
	ck_assert_str_eq(drawn(p, 4, 20), "filter port:80......");
	ck_assert(!p[3].shown);
}
END_TEST

/* One part wider than the line is cut to it, never past it. */
START_TEST(t_one_part_is_cut_to_the_line)
{
	struct line_part p[] = { part("listening 12  established 348", 9, false), part("x", 1, false) };

	line_fit(p, 2, 12, 2);
	ck_assert_str_eq(drawn(p, 2, 12), "listening 1~");
	ck_assert_uint_eq(p[0].shown_cells, 12);
}
END_TEST

/* A long filter is cut to make room for what is wrong, not dropped. */
START_TEST(t_a_long_part_is_cut_before_others_go)
{
	struct line_part p[] = { part("filter port:80 | port:443 | port:8080 | port:8443", 9, false),
				 part("group process", 5, false), part("! 2 closewait", 10, true) };

	p[0].min_cells = 20;
	line_fit(p, 3, 40, 2);
	ck_assert_str_eq(drawn(p, 3, 40), "filter port:80 | port:44~..! 2 closewait");
	ck_assert(p[0].cut && !p[1].shown);
	line_fit(p, 3, 80, 2);
	ck_assert(!p[0].cut && p[1].shown && p[2].shown);
	drawn(p, 3, 80);
}
END_TEST

/* Every width from 1 to 120: no overlap (drawn checks it), nothing past
 * the end, and the most important part always shown. */
START_TEST(t_no_width_overlaps)
{
	for (size_t w = 1; w <= 120; w++) {
		struct line_part p[] = { part("portview 0.1", 3, false),
					 part("web-01", 6, false),
					 part("every 1.0s", 4, false),
					 part("14:02:11", 2, false),
					 part("listening 12  established 348  other 9", 9, false),
					 part("processes 7", 5, false),
					 part(" PAUSED ", 10, true) };
		size_t n = sizeof(p) / sizeof(p[0]);

		line_fit(p, n, w, 2);
		drawn(p, n, w);
		ck_assert(p[6].shown);
		for (size_t i = 0; i < n; i++)
			ck_assert(!p[i].shown || p[i].x + p[i].shown_cells <= w);
	}
}
END_TEST

CHECK_SUITE("line_fit", t_everything_fits, t_least_important_goes_first, t_one_part_is_cut_to_the_line,
	    t_a_long_part_is_cut_before_others_go, t_no_width_overlaps)
