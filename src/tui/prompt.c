#include "config.h"

#include "prompt.h"

#include <limits.h>
#include <string.h>
#include <curses.h>

#include "keys.h"

void prompt_begin(struct prompt *p, const char *initial, const struct line_history *history)
{
	lineedit_begin(&p->edit, initial);
	p->history = history;
}

const char *prompt_text(const struct prompt *p)
{
	return lineedit_text(&p->edit);
}

size_t prompt_cursor(const struct prompt *p)
{
	return p->edit.cursor;
}

void prompt_free(struct prompt *p)
{
	lineedit_free(&p->edit);
}

static bool prompt_type(struct prompt *p, wint_t ch)
{
	char buf[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = wcrtomb(buf, (wchar_t)ch, &st);
	return n != (size_t)-1 && lineedit_insert(&p->edit, buf, n);
}

static enum prompt_result changed(bool yes)
{
	return yes ? PROMPT_EDITED : PROMPT_NONE;
}

enum prompt_result prompt_key(struct prompt *p, wint_t ch, bool is_key)
{
	struct line_edit *e = &p->edit;
	static const struct line_history none;
	const struct line_history *h = p->history ? p->history : &none;

	switch (keys_lookup(KEYMAP_PROMPT, ch, is_key)) {
	case ACT_PROMPT_CANCEL: return PROMPT_CANCEL;
	case ACT_PROMPT_ACCEPT: return PROMPT_ACCEPT;
	case ACT_PROMPT_FIND_NEXT: return PROMPT_NEXT;
	case ACT_PROMPT_ERASE: return changed(lineedit_backspace(e));
	case ACT_PROMPT_DELETE: return changed(lineedit_delete(e));
	case ACT_PROMPT_DELETE_WORD: return changed(lineedit_delete_word(e));
	case ACT_PROMPT_CLEAR: return changed(lineedit_kill_start(e));
	case ACT_PROMPT_KILL_END: return changed(lineedit_kill_end(e));
	case ACT_PROMPT_LEFT: return lineedit_left(e) ? PROMPT_MOVED : PROMPT_NONE;
	case ACT_PROMPT_RIGHT: return lineedit_right(e) ? PROMPT_MOVED : PROMPT_NONE;
	case ACT_PROMPT_HOME: lineedit_home(e); return PROMPT_MOVED;
	case ACT_PROMPT_END: lineedit_end(e); return PROMPT_MOVED;
	case ACT_PROMPT_OLDER: return changed(lineedit_history_older(e, h));
	case ACT_PROMPT_NEWER: return changed(lineedit_history_newer(e, h));
	default: break;
	}
	/* What no key of the table takes is typed text. */
	if (!is_key && ch >= 32 && ch != 127)
		return changed(prompt_type(p, ch));
	return PROMPT_NONE;
}
