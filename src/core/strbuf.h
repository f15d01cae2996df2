/* A growable byte string, always NUL-terminated. */
#ifndef PV_STRBUF_H
#define PV_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *data;
	size_t len, cap;
};

void strbuf_append(struct strbuf *sb, const char *s, size_t len);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the string, keeping its storage. */
void strbuf_reset(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
/* The text so far; "" for a string never written to. */
const char *strbuf_str(const struct strbuf *sb);

#endif
