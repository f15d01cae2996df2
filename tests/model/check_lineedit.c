#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "lineedit.h"

/* The text with the cursor drawn as '|'. */
static const char *shown(const struct line_edit *e)
{
	static char buf[LINEEDIT_MAX_BYTES + 2];

	snprintf(buf, sizeof(buf), "%.*s|%s", (int)e->cursor, lineedit_text(e), lineedit_text(e) + e->cursor);
	return buf;
}

START_TEST(t_moves_and_inserts_at_the_cursor)
{
	struct line_edit e = { 0 };

	lineedit_begin(&e, "port:80");
	ck_assert_str_eq(shown(&e), "port:80|");
	lineedit_home(&e);
	ck_assert(!lineedit_left(&e));
	ck_assert(lineedit_insert(&e, "tcp ", 4));
	ck_assert_str_eq(shown(&e), "tcp |port:80");
	lineedit_end(&e);
	ck_assert(lineedit_left(&e));
	ck_assert(lineedit_insert(&e, "0", 1));
	ck_assert_str_eq(shown(&e), "tcp port:80|0");
	ck_assert(lineedit_right(&e));
	ck_assert(!lineedit_right(&e));
	lineedit_free(&e);
}
END_TEST

/* The cursor steps over a whole character, never into one. */
START_TEST(t_utf8_characters_are_one_step)
{
	struct line_edit e = { 0 };

	lineedit_begin(&e, "a\xc3\xbf\xe6\x95\xb0z");
	ck_assert(lineedit_left(&e));
	ck_assert_str_eq(shown(&e), "a\xc3\xbf\xe6\x95\xb0|z");
	ck_assert(lineedit_left(&e));
	ck_assert_str_eq(shown(&e), "a\xc3\xbf|\xe6\x95\xb0z");
	ck_assert(lineedit_backspace(&e));
	ck_assert_str_eq(shown(&e), "a|\xe6\x95\xb0z");
	ck_assert(lineedit_delete(&e));
	ck_assert_str_eq(shown(&e), "a|z");
	lineedit_free(&e);
}
END_TEST

START_TEST(t_deletes_words_and_ends)
{
	struct line_edit e = { 0 };

	lineedit_begin(&e, "proc:nginx  port:443 tcp");
	ck_assert(lineedit_delete_word(&e));
	ck_assert_str_eq(shown(&e), "proc:nginx  port:443 |");
	ck_assert(lineedit_delete_word(&e));
	ck_assert_str_eq(shown(&e), "proc:nginx  |");
	ck_assert(lineedit_delete_word(&e));
	ck_assert_str_eq(shown(&e), "|");
	ck_assert(!lineedit_delete_word(&e));
	lineedit_begin(&e, "left right");
	lineedit_home(&e);
	for (int i = 0; i < 4; i++)
		lineedit_right(&e);
	ck_assert(lineedit_kill_end(&e));
	ck_assert_str_eq(shown(&e), "left|");
	lineedit_begin(&e, "left right");
	for (int i = 0; i < 6; i++)
		lineedit_left(&e);
	ck_assert(lineedit_kill_start(&e));
	ck_assert_str_eq(shown(&e), "| right");
	ck_assert(!lineedit_backspace(&e));
	lineedit_free(&e);
}
END_TEST

START_TEST(t_never_grows_past_its_limit)
{
	struct line_edit e = { 0 };
	char big[LINEEDIT_MAX_BYTES];

	memset(big, 'x', sizeof(big));
	lineedit_begin(&e, "");
	ck_assert(lineedit_insert(&e, big, sizeof(big)));
	ck_assert(!lineedit_insert(&e, "y", 1));
	ck_assert_uint_eq(strlen(lineedit_text(&e)), LINEEDIT_MAX_BYTES);
	lineedit_free(&e);
}
END_TEST

/* Up walks back, Down forward, and past the newest the line being typed
 * comes back as it was. */
START_TEST(t_walks_the_history)
{
	struct line_history h = { 0 };
	struct line_edit e = { 0 };

	history_add(&h, "port:80");
	history_add(&h, "proc:nginx");
	lineedit_begin(&e, "half");
	ck_assert(lineedit_history_older(&e, &h));
	ck_assert_str_eq(shown(&e), "proc:nginx|");
	ck_assert(lineedit_history_older(&e, &h));
	ck_assert_str_eq(shown(&e), "port:80|");
	ck_assert(!lineedit_history_older(&e, &h));
	ck_assert(lineedit_history_newer(&e, &h));
	ck_assert_str_eq(shown(&e), "proc:nginx|");
	ck_assert(lineedit_history_newer(&e, &h));
	ck_assert_str_eq(shown(&e), "half|");
	ck_assert(!lineedit_history_newer(&e, &h));
	lineedit_free(&e);
	history_free(&h);
}
END_TEST

START_TEST(t_history_keeps_each_line_once_and_the_newest)
{
	struct line_history h = { 0 };
	char line[16];

	history_add(&h, "a");
	history_add(&h, "b");
	history_add(&h, "");
	history_add(&h, "a");
	ck_assert_uint_eq(h.n, 2);
	ck_assert_str_eq(h.lines[0], "b");
	ck_assert_str_eq(h.lines[1], "a");
	for (int i = 0; i < LINEEDIT_HISTORY_MAX + 5; i++) {
		snprintf(line, sizeof(line), "port:%d", i);
		history_add(&h, line);
	}
	ck_assert_uint_eq(h.n, LINEEDIT_HISTORY_MAX);
	ck_assert_str_eq(h.lines[0], "port:5");
	ck_assert_str_eq(h.lines[h.n - 1], "port:104");
	history_free(&h);
}
END_TEST

/* The file round-trips; a line with a control byte (an escape sequence
 * someone planted) is not taken. */
START_TEST(t_history_file_text)
{
	struct line_history h = { 0 };
	struct strbuf sb = { 0 };
	static const char text[] = "port:80\n\nproc:\x1b[2Jx\nstate:listen\r\nuser:www-data\n";

	ck_assert_uint_eq(history_parse(&h, text, sizeof(text) - 1), 2);
	ck_assert_uint_eq(h.n, 2);
	history_format(&h, &sb);
	ck_assert_str_eq(strbuf_str(&sb), "port:80\nuser:www-data\n");
	strbuf_free(&sb);
	history_free(&h);
}
END_TEST

CHECK_SUITE("lineedit", t_moves_and_inserts_at_the_cursor, t_utf8_characters_are_one_step,
	    t_deletes_words_and_ends, t_never_grows_past_its_limit, t_walks_the_history,
	    t_history_keeps_each_line_once_and_the_newest, t_history_file_text)
