#include "config.h"

#include "prompt.h"

#include <limits.h>
#include <string.h>
#include <curses.h>

#include "keys.h"

void prompt_begin(struct prompt *p, const char *initial)
{
	strbuf_reset(&p->text);
	strbuf_puts(&p->text, initial);
}

const char *prompt_text(const struct prompt *p)
{
	return strbuf_str(&p->text);
}

void prompt_free(struct prompt *p)
{
	strbuf_free(&p->text);
}

/* Removes the last UTF-8 character of the text. */
static void prompt_erase(struct strbuf *sb)
{
	while (sb->len > 0) {
		unsigned char c = (unsigned char)sb->data[--sb->len];

		if ((c & 0xc0) != 0x80)
			break;
	}
	sb->data[sb->len] = '\0';
}

static void prompt_append(struct strbuf *sb, wint_t ch)
{
	char buf[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = wcrtomb(buf, (wchar_t)ch, &st);
	if (n != (size_t)-1)
		strbuf_append(sb, buf, n);
}

enum prompt_result prompt_key(struct prompt *p, wint_t ch, bool is_key)
{
	enum key_action a = keys_lookup(KEYMAP_PROMPT, ch, is_key);

	switch (a) {
	case ACT_PROMPT_CANCEL: return PROMPT_CANCEL;
	case ACT_PROMPT_ACCEPT: return PROMPT_ACCEPT;
	case ACT_PROMPT_ERASE: prompt_erase(&p->text); return PROMPT_EDITED;
	case ACT_PROMPT_CLEAR: strbuf_reset(&p->text); return PROMPT_EDITED;
	default: break;
	}
	/* What no key of the table takes is typed text. */
	if (!is_key && ch >= 32 && ch != 127) {
		if (p->text.len < PROMPT_MAX_BYTES)
			prompt_append(&p->text, ch);
		return PROMPT_EDITED;
	}
	return PROMPT_NONE;
}
