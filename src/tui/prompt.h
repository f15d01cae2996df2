/* The one-line prompt (the filter and the refresh interval): the keys of
 * the key table's prompt map applied to a line editor (lineedit.h), with
 * the filter's history on Up and Down. Keys arrive as ncurses gives them:
 * a character, or a KEY_* code with is_key set. */
#ifndef PV_PROMPT_H
#define PV_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "lineedit.h"

enum prompt_result {
	PROMPT_NONE,   /* a key the prompt does not use, or nothing changed */
	PROMPT_MOVED,  /* the cursor moved */
	PROMPT_EDITED, /* the text changed */
	PROMPT_ACCEPT, /* Enter */
	PROMPT_CANCEL, /* Esc */
	PROMPT_NEXT,   /* F3: find the next match */
};

struct prompt {
	struct line_edit edit;
	const struct line_history *history; /* NULL: Up and Down do nothing */
};

/* Starts editing initial, the cursor at its end; history may be NULL. */
void prompt_begin(struct prompt *p, const char *initial, const struct line_history *history);
/* Applies one key. */
enum prompt_result prompt_key(struct prompt *p, wint_t ch, bool is_key);
const char *prompt_text(const struct prompt *p);
/* The cursor, as a byte offset into prompt_text. */
size_t prompt_cursor(const struct prompt *p);
void prompt_free(struct prompt *p);

#endif
