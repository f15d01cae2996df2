#include "config.h"

#include "help.h"

#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "filter.h"
#include "keys.h"
#include "strbuf.h"
#include "xalloc.h"

/* The sections in the order shown: the list's keys, then each modal
 * mode's. */
static const enum key_section help_order[KEYS_SECTION_COUNT] = {
	KEYS_NAVIGATION, KEYS_VIEW, KEYS_FILTER,  KEYS_ACTIONS, KEYS_PROMPT, KEYS_HELP,
	KEYS_MENU,       KEYS_KILL, KEYS_COLUMNS, KEYS_SORT,    KEYS_DETAIL,
};

/* What no key binding says: the mouse and the marks on the screen. */
struct help_item {
	const char *term, *meaning;
};

static const struct help_item help_mouse[] = {
	{ "click", "select a row; on a group line also fold or unfold it" },
	{ "click a header", "sort by that column; again to reverse" },
	{ "wheel", "scroll three rows" },
};

static const struct help_item help_marks[] = {
	{ "+", "new since the last refreshes (green)" },
	{ "~", "changed state (yellow)" },
	{ "x", "closed: kept dim for the highlight time, counted for nothing" },
	{ "!", "something is wrong: see flag: below and the details" },
	{ "a <- b", "a accepted the connection from b, a process here" },
	{ "a -> b", "a connected to b, a server here" },
	{ "a <-> b", "two ends of a socketpair or an unaccepted pair" },
	{ "n/backlog", "a listener's accept queue against its backlog" },
	{ ":80 :443", "on a process line: the ports it listens on" },
	{ "N in TIME-WAIT", "a pile of closed connections waiting out 60 s; Space opens it" },
	{ "rows 1-26 of 71", "where the list is, when it is longer than the screen" },
	{ "syn N", "handshakes under way on a listener" },
	{ "bars", "a group's traffic over the last eight refreshes" },
	{ "(accept queue)", "a connection waiting to be accepted" },
	{ "(hidden)", "the owner could not be read: run as root" },
};

enum { HELP_KEY_WIDTH = 16, HELP_INDENT = 2 };

struct help_doc {
	struct strbuf *lines;
	attr_t *attrs;
	size_t n, cap;
	int width;
};

static struct strbuf *help_line(struct help_doc *d, attr_t attr)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 128;
		d->lines = xreallocarray(d->lines, d->cap, sizeof(*d->lines));
		d->attrs = xreallocarray(d->attrs, d->cap, sizeof(*d->attrs));
	}
	memset(&d->lines[d->n], 0, sizeof(d->lines[0]));
	d->attrs[d->n] = attr;
	return &d->lines[d->n++];
}

static void help_heading(struct help_doc *d, const char *title)
{
	help_line(d, A_NORMAL);
	strbuf_puts(help_line(d, A_BOLD | A_UNDERLINE), title);
}

/* "  KEYS            what it does, wrapped at words under itself". A name
 * too long for its column takes a line of its own. */
static void help_entry(struct help_doc *d, const char *name, const char *text)
{
	int text_col = HELP_INDENT + HELP_KEY_WIDTH;
	size_t room = d->width > text_col + 8 ? (size_t)(d->width - text_col) : 8;
	struct strbuf *line = help_line(d, A_NORMAL);
	const char *p = text;

	strbuf_printf(line, "%*s%s", HELP_INDENT, "", name);
	if ((int)strlen(name) >= HELP_KEY_WIDTH)
		line = help_line(d, A_NORMAL);
	while (*p) {
		size_t n = strlen(p), cut = n;

		if (n > room) {
			/* The last space that fits; a word longer than the room is cut. */
			for (cut = room; cut > 0 && p[cut] != ' '; cut--)
				;
			if (cut == 0)
				cut = room;
		}
		while ((int)line->len < text_col)
			strbuf_putc(line, ' ');
		strbuf_append(line, p, cut);
		p += cut;
		while (*p == ' ')
			p++;
		if (*p)
			line = help_line(d, A_NORMAL);
	}
}

static void help_keys(struct help_doc *d, enum key_section sec)
{
	struct strbuf names = { 0 };

	help_heading(d, key_section_names[sec]);
	for (size_t i = 0; key_bindings[i].action != ACT_NONE; i++) {
		const struct key_binding *b = &key_bindings[i];

		if (b->section != sec || !b->help)
			continue;
		/* Keys listed right after with no help of their own share it. */
		strbuf_reset(&names);
		strbuf_puts(&names, b->name);
		for (size_t j = i + 1; key_bindings[j].action != ACT_NONE && !key_bindings[j].help; j++)
			if (key_bindings[j].name)
				strbuf_printf(&names, ", %s", key_bindings[j].name);
		help_entry(d, strbuf_str(&names), b->help);
	}
	strbuf_free(&names);
}

static void help_items(struct help_doc *d, const char *title, const struct help_item *items, size_t n)
{
	help_heading(d, title);
	for (size_t i = 0; i < n; i++)
		help_entry(d, items[i].term, items[i].meaning);
}

static void help_filter_word(const char *word, const char *meaning, void *arg)
{
	help_entry(arg, word, meaning);
}

static void help_build(struct help_doc *d)
{
	for (size_t n = 0; n < KEYS_SECTION_COUNT; n++)
		help_keys(d, help_order[n]);
	help_items(d, "Mouse", help_mouse, sizeof(help_mouse) / sizeof(help_mouse[0]));
	help_items(d, "Marks", help_marks, sizeof(help_marks) / sizeof(help_marks[0]));
	help_heading(d, "Filter words (/)");
	filter_describe_words(help_filter_word, d);
}

size_t help_draw(size_t *top)
{
	struct help_doc d = { .width = COLS };
	size_t rows = LINES > 1 ? (size_t)LINES - 1 : 1, last_top, i;
	const char *title;
	char where[64];

	help_build(&d);
	last_top = d.n > rows ? d.n - rows : 0;
	if (*top > last_top)
		*top = last_top;
	erase();
	attrset(A_REVERSE | A_BOLD);
	mvhline(0, 0, ' ', COLS);
	snprintf(where, sizeof(where), " %zu-%zu of %zu", *top + 1, *top + rows < d.n ? *top + rows : d.n,
		 d.n);
	/* The long title where it fits beside the position, else the short. */
	title = "help  Up Down PgUp PgDn Home End scroll  q or Esc closes";
	if (strlen(title) + strlen(where) + 1 > (size_t)COLS)
		title = "help  q closes";
	mvaddnstr(0, 0, title, COLS);
	if (strlen(title) + strlen(where) + 1 <= (size_t)COLS)
		mvaddstr(0, COLS - (int)strlen(where), where);
	for (i = 0; i < rows && *top + i < d.n; i++) {
		attrset(d.attrs[*top + i]);
		mvaddnstr((int)i + 1, 0, strbuf_str(&d.lines[*top + i]), COLS);
	}
	attrset(A_NORMAL);
	for (i = 0; i < d.n; i++)
		strbuf_free(&d.lines[i]);
	free(d.lines);
	free(d.attrs);
	return last_top;
}
