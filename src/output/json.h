/* A small streaming JSON writer: it tracks nesting and commas, escapes
 * strings per RFC 8259, and keeps every byte of untrusted text recoverable. */
#ifndef PV_JSON_H
#define PV_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "strbuf.h"

enum { JSON_MAX_DEPTH = 32 };

struct json_writer {
	FILE *out;
	struct strbuf buf; /* written to out in large pieces */
	int depth;
	bool first[JSON_MAX_DEPTH]; /* nothing written yet at this level */
	bool after_key;
};

/* With out NULL, everything stays in w->buf for the caller to take. */
void json_init(struct json_writer *w, FILE *out);
/* Writes what is buffered to out and frees the buffer; call once at the end. */
void json_finish(struct json_writer *w);
/* Empties the buffer and starts again at the top level. */
void json_reset(struct json_writer *w);
/* Writes a value serialised elsewhere (by another writer), as it is. */
void json_value_raw(struct json_writer *w, const char *s, size_t len);
void json_begin_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w);
void json_end_array(struct json_writer *w);
/* Writes an object key; the next value call writes its value. */
void json_key(struct json_writer *w, const char *key);
/* Writes len bytes as a string. Valid UTF-8 passes as is (U+2028 and U+2029
 * escaped); control characters, '"' and '\\' are escaped; each byte that is
 * not valid UTF-8 becomes \u00XX, so the raw byte is that code point's value
 * (valid text is never escaped that way, so the two cannot be confused). */
void json_string_len(struct json_writer *w, const char *s, size_t len);
void json_string(struct json_writer *w, const char *s);
void json_uint(struct json_writer *w, uint64_t v);
void json_int(struct json_writer *w, int64_t v);
/* A number with three decimals (seconds to the millisecond). */
void json_double(struct json_writer *w, double v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* An object member: the key and its value in one call. */
void json_member_uint(struct json_writer *w, const char *key, uint64_t v);
void json_member_bool(struct json_writer *w, const char *key, bool v);
/* NULL s writes null. */
void json_member_string(struct json_writer *w, const char *key, const char *s);

/* Untrusted bytes (a process name, a command line, a socket path): the
 * member as json_string_len writes it, and when the bytes are not valid
 * UTF-8 also KEY_hex, the exact bytes in lower-case hex, since a decoder
 * reads the byte \xff and the text "\u00ff" alike. NULL s writes null. */
void json_member_bytes(struct json_writer *w, const char *key, const char *s, size_t len);

/* The escaping alone, for callers and tests: appends the quoted string. */
void json_append_escaped(struct strbuf *out, const char *s, size_t len);

#endif
