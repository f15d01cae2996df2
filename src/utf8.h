/* Strict UTF-8 decoding, shared by the sanitiser and the JSON writer. */
#ifndef PV_UTF8_H
#define PV_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s (len > 0 bytes available). Returns the number
 * of bytes it takes and stores it in *cp, or returns 0 when the bytes are
 * not valid UTF-8 (overlong, surrogate, beyond U+10FFFF, cut short). */
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

#endif
