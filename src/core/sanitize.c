#include "config.h"

#include "sanitize.h"

#include <langinfo.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "utf8.h"

static void sanitize_escape_byte(struct strbuf *sb, unsigned char c)
{
	switch (c) {
	case '\n': strbuf_puts(sb, "\\n"); break;
	case '\t': strbuf_puts(sb, "\\t"); break;
	case '\r': strbuf_puts(sb, "\\r"); break;
	default: strbuf_printf(sb, "\\x%02x", c); break;
	}
}

size_t sanitize_append(struct strbuf *sb, const char *s, size_t len, bool utf8)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t width = 0, before;

	while (p < end) {
		uint32_t cp;
		size_t n;
		int w;

		before = sb->len;
		if (*p >= 0x20 && *p < 0x7f) {
			if (*p == '\\')
				strbuf_puts(sb, "\\\\");
			else
				strbuf_putc(sb, (char)*p);
			width += sb->len - before;
			p++;
			continue;
		}
		n = utf8 && *p >= 0x80 ? utf8_decode(p, (size_t)(end - p), &cp) : 0;
		if (n == 0) {
			sanitize_escape_byte(sb, *p);
			width += sb->len - before;
			p++;
			continue;
		}
		w = utf8_is_c1(cp) || utf8_is_invisible(cp) ? -1 : wcwidth((wchar_t)cp);
		if (w < 0) {
			if (cp > 0xffff)
				strbuf_printf(sb, "\\U%08x", (unsigned)cp);
			else
				strbuf_printf(sb, "\\u%04x", (unsigned)cp);
			width += sb->len - before;
		} else {
			strbuf_append(sb, (const char *)p, n);
			width += (size_t)w;
		}
		p += n;
	}
	return width;
}

size_t sanitize_fit(const char *s, size_t len, size_t width, size_t *used)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t at = 0, cells = 0;

	while (at < len) {
		uint32_t cp = p[at];
		size_t n = cp < 0x80 ? 1 : utf8_decode(p + at, len - at, &cp);
		int w = cp < 0x80 ? 1 : wcwidth((wchar_t)cp);

		if (n == 0) {
			n = 1;
			w = 1;
		}
		if (w < 0)
			w = 1;
		if (cells + (size_t)w > width)
			break;
		cells += (size_t)w;
		at += n;
	}
	*used = cells;
	return at;
}

bool sanitize_locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}
