#include "config.h"

#include "lineedit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* ---- the line ---- */

void lineedit_begin(struct line_edit *e, const char *text)
{
	strbuf_reset(&e->text);
	strbuf_puts(&e->text, text);
	e->cursor = e->text.len;
	e->history_pos = SIZE_MAX;
	free(e->draft);
	e->draft = NULL;
}

void lineedit_free(struct line_edit *e)
{
	strbuf_free(&e->text);
	free(e->draft);
	e->draft = NULL;
}

const char *lineedit_text(const struct line_edit *e)
{
	return strbuf_str(&e->text);
}

static bool is_continuation(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

/* The start of the character before byte at, and the end of the one at at. */
static size_t char_before(const struct line_edit *e, size_t at)
{
	while (at > 0 && is_continuation(e->text.data[--at]))
		;
	return at;
}

static size_t char_after(const struct line_edit *e, size_t at)
{
	if (at >= e->text.len)
		return e->text.len;
	while (++at < e->text.len && is_continuation(e->text.data[at]))
		;
	return at;
}

/* Removes the bytes [from, to) and puts the cursor at from. */
static bool cut(struct line_edit *e, size_t from, size_t to)
{
	if (from >= to)
		return false;
	memmove(e->text.data + from, e->text.data + to, e->text.len - to + 1);
	e->text.len -= to - from;
	e->cursor = from;
	return true;
}

bool lineedit_insert(struct line_edit *e, const char *bytes, size_t len)
{
	size_t tail;

	if (len == 0 || e->text.len + len > LINEEDIT_MAX_BYTES)
		return false;
	tail = e->text.len - e->cursor;
	strbuf_append(&e->text, bytes, len); /* grows it; the bytes go in place below */
	memmove(e->text.data + e->cursor + len, e->text.data + e->cursor, tail);
	memcpy(e->text.data + e->cursor, bytes, len);
	e->text.data[e->text.len] = '\0';
	e->cursor += len;
	return true;
}

bool lineedit_backspace(struct line_edit *e)
{
	return cut(e, char_before(e, e->cursor), e->cursor);
}

bool lineedit_delete(struct line_edit *e)
{
	return cut(e, e->cursor, char_after(e, e->cursor));
}

bool lineedit_delete_word(struct line_edit *e)
{
	size_t at = e->cursor;

	/* The spaces before the cursor, then the word before them. */
	while (at > 0 && e->text.data[at - 1] == ' ')
		at--;
	while (at > 0 && e->text.data[at - 1] != ' ')
		at--;
	return cut(e, at, e->cursor);
}

bool lineedit_kill_start(struct line_edit *e)
{
	return cut(e, 0, e->cursor);
}

bool lineedit_kill_end(struct line_edit *e)
{
	return cut(e, e->cursor, e->text.len);
}

bool lineedit_left(struct line_edit *e)
{
	if (e->cursor == 0)
		return false;
	e->cursor = char_before(e, e->cursor);
	return true;
}

bool lineedit_right(struct line_edit *e)
{
	if (e->cursor >= e->text.len)
		return false;
	e->cursor = char_after(e, e->cursor);
	return true;
}

void lineedit_home(struct line_edit *e)
{
	e->cursor = 0;
}

void lineedit_end(struct line_edit *e)
{
	e->cursor = e->text.len;
}

/* ---- walking the history ---- */

static void show(struct line_edit *e, const char *text)
{
	strbuf_reset(&e->text);
	strbuf_puts(&e->text, text);
	e->cursor = e->text.len;
}

bool lineedit_history_older(struct line_edit *e, const struct line_history *h)
{
	size_t pos = e->history_pos > h->n ? h->n : e->history_pos;

	if (pos == 0)
		return false;
	if (pos == h->n) {
		free(e->draft);
		e->draft = xstrdup(lineedit_text(e));
	}
	e->history_pos = pos - 1;
	show(e, h->lines[pos - 1]);
	return true;
}

bool lineedit_history_newer(struct line_edit *e, const struct line_history *h)
{
	if (e->history_pos >= h->n)
		return false;
	e->history_pos++;
	show(e, e->history_pos == h->n ? (e->draft ? e->draft : "") : h->lines[e->history_pos]);
	return true;
}

/* ---- the history ---- */

void history_add(struct line_history *h, const char *line)
{
	size_t i;

	if (!line[0])
		return;
	for (i = 0; i < h->n; i++)
		if (strcmp(h->lines[i], line) == 0)
			break;
	if (i < h->n) {
		free(h->lines[i]);
		memmove(h->lines + i, h->lines + i + 1, (h->n - i - 1) * sizeof(*h->lines));
		h->n--;
	} else if (h->n == LINEEDIT_HISTORY_MAX) {
		free(h->lines[0]);
		memmove(h->lines, h->lines + 1, (h->n - 1) * sizeof(*h->lines));
		h->n--;
	}
	if (!h->lines)
		h->lines = xcalloc(LINEEDIT_HISTORY_MAX, sizeof(*h->lines));
	h->lines[h->n++] = xstrdup(line);
}

static bool history_line_ok(const char *s, size_t len)
{
	if (len == 0 || len > LINEEDIT_MAX_BYTES)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

size_t history_parse(struct line_history *h, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t skipped = 0;

	history_free(h);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (history_line_ok(p, n)) {
			char *line = xstrndup(p, n);

			history_add(h, line);
			free(line);
		} else if (n > 0) {
			skipped++;
		}
		p += n + 1;
	}
	return skipped;
}

void history_format(const struct line_history *h, struct strbuf *sb)
{
	for (size_t i = 0; i < h->n; i++) {
		strbuf_puts(sb, h->lines[i]);
		strbuf_putc(sb, '\n');
	}
}

void history_free(struct line_history *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->lines[i]);
	free(h->lines);
	h->lines = NULL;
	h->n = 0;
}
