/* A one-line text editor's state and its edits, as a terminal line editor
 * (readline, a shell) makes them: the text, a cursor between characters,
 * and a history to walk with Up and Down. Pure: the view maps keys to
 * these calls and draws the result. The cursor is a byte offset that is
 * always on a UTF-8 character boundary. */
#ifndef PV_LINEEDIT_H
#define PV_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

enum { LINEEDIT_MAX_BYTES = 4096, LINEEDIT_HISTORY_MAX = 100 };

/* Lines accepted before, oldest first; at most LINEEDIT_HISTORY_MAX. */
struct line_history {
	char **lines;
	size_t n;
};

struct line_edit {
	struct strbuf text;
	size_t cursor;
	/* While walking the history: the entry shown (n: the line being
	 * typed, kept in draft). */
	size_t history_pos;
	char *draft;
};

/* Starts editing text, the cursor at its end, the history walk reset. */
void lineedit_begin(struct line_edit *e, const char *text);
void lineedit_free(struct line_edit *e);
const char *lineedit_text(const struct line_edit *e);

/* Each returns true when the text changed. Typed bytes are inserted at
 * the cursor up to LINEEDIT_MAX_BYTES; one that would cut a character
 * in two is not inserted at all. */
bool lineedit_insert(struct line_edit *e, const char *bytes, size_t len);
bool lineedit_backspace(struct line_edit *e);   /* the character before the cursor */
bool lineedit_delete(struct line_edit *e);      /* the character under the cursor */
bool lineedit_delete_word(struct line_edit *e); /* Ctrl-W: the word before the cursor */
bool lineedit_kill_start(struct line_edit *e);  /* Ctrl-U: all before the cursor */
bool lineedit_kill_end(struct line_edit *e);    /* Ctrl-K: all from the cursor */
/* Cursor moves: false when it could not move. */
bool lineedit_left(struct line_edit *e);
bool lineedit_right(struct line_edit *e);
void lineedit_home(struct line_edit *e);
void lineedit_end(struct line_edit *e);
/* Up (older) and Down (newer) through h: the text becomes that entry,
 * the cursor at its end; past the newest, the line that was being typed
 * comes back. True when the text changed. */
bool lineedit_history_older(struct line_edit *e, const struct line_history *h);
bool lineedit_history_newer(struct line_edit *e, const struct line_history *h);

/* Adds line as the newest entry: an empty line is not kept, one already
 * there moves to the end, and the oldest goes past the limit. */
void history_add(struct line_history *h, const char *line);
/* Replaces h with the lines of text (one entry a line, oldest first);
 * lines that are empty, too long or hold a control byte are skipped and
 * counted in the return value. */
size_t history_parse(struct line_history *h, const char *text, size_t len);
/* Appends h to sb, one entry a line, as history_parse reads it. */
void history_format(const struct line_history *h, struct strbuf *sb);
void history_free(struct line_history *h);

#endif
