/* The one-line prompt's text and how keys edit it (the filter and the
 * refresh interval). Keys arrive as ncurses gives them: a character, or a
 * KEY_* code with is_key set. */
#ifndef PV_PROMPT_H
#define PV_PROMPT_H

#include <stdbool.h>
#include <wchar.h>

#include "strbuf.h"

enum prompt_result {
	PROMPT_NONE,   /* a key the prompt does not use */
	PROMPT_EDITED, /* the text changed */
	PROMPT_ACCEPT, /* Enter */
	PROMPT_CANCEL, /* Esc */
};

enum { PROMPT_MAX_BYTES = 4096 };

struct prompt {
	struct strbuf text;
};

/* Starts editing with initial as the text. */
void prompt_begin(struct prompt *p, const char *initial);
/* Applies one key. */
enum prompt_result prompt_key(struct prompt *p, wint_t ch, bool is_key);
const char *prompt_text(const struct prompt *p);
void prompt_free(struct prompt *p);

#endif
