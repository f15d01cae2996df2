/* The one gate for untrusted text (process names, command lines, paths) on
 * its way to a terminal: printable text passes, everything else is shown
 * escaped so it can neither drive the terminal nor disguise itself. */
#ifndef PV_SANITIZE_H
#define PV_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* Appends the sanitised form of len bytes at s to sb and returns its display
 * width in terminal cells. Escapes: "\\" for a backslash, \n \t \r, \xNN for
 * other C0 bytes, DEL and invalid UTF-8, \uXXXX for C1 controls, bidi and
 * zero-width format characters and anything not printable. With utf8 false
 * (a non-UTF-8 locale) every byte >= 0x80 is escaped as \xNN. */
size_t sanitize_append(struct strbuf *sb, const char *s, size_t len, bool utf8);

/* For text sanitize_append wrote (printable, valid): the byte length of its
 * longest prefix that fits in width cells; *used gets the cells it takes. */
size_t sanitize_fit(const char *s, size_t len, size_t width, size_t *used);

/* True when the current LC_CTYPE locale uses UTF-8. */
bool sanitize_locale_is_utf8(void);

#endif
