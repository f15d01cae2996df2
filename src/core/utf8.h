/* Strict UTF-8 decoding, shared by the sanitiser and the JSON writer. */
#ifndef PV_UTF8_H
#define PV_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s (len > 0 bytes available). Returns the number
 * of bytes it takes and stores it in *cp, or returns 0 when the bytes are
 * not valid UTF-8 (overlong, surrogate, beyond U+10FFFF, cut short). */
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* True when all len bytes at s are valid UTF-8. */
bool utf8_valid(const char *s, size_t len);

/* Invisible characters that reorder or hide text: bidi controls, zero-width
 * joiners and spaces, word joiners, the BOM, the soft hyphen. They render as
 * nothing, or as something else, so a name could pretend to be another. */
bool utf8_is_invisible(uint32_t cp);

/* C1 control characters (U+0080-U+009F): terminals may act on them. */
static inline bool utf8_is_c1(uint32_t cp)
{
	return cp >= 0x80 && cp < 0xa0;
}

#endif
