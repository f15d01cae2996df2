/* A small JSON reader for what portview itself writes (--stream's lines):
 * a whole text parsed into a tree in an arena. Strings come back as the
 * bytes the writer had: \u0000-\u00ff escapes are single bytes (the
 * writer escapes invalid UTF-8 and C1 controls byte by byte), other
 * escapes UTF-8. Bounded: nesting depth and sizes are checked, and any
 * text that is not JSON is refused with a message, never half read. */
#ifndef PV_JSONREAD_H
#define PV_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

enum jv_type { JV_NULL, JV_BOOL, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT };

enum { JV_MAX_DEPTH = 32 };

struct jv {
	uint8_t type;          /* enum jv_type */
	bool boolean;          /* JV_BOOL */
	const char *text;      /* JV_STRING: the bytes, NUL-terminated; JV_NUMBER: as written */
	size_t len;            /* of text */
	const struct jv *item; /* JV_ARRAY, JV_OBJECT: the members, in order */
	size_t count;
	const char *key; /* a member of an object: its key (bytes, NUL-terminated) */
};

/* Parses len bytes of text, which must hold one JSON value and nothing
 * but white space after it. Returns the root, in arena a, or NULL with a
 * one-line message in err. */
const struct jv *jv_parse(struct arena *a, const char *text, size_t len, char *err, size_t errsize);

/* The member key of object v, or NULL (also when v is NULL or no object). */
const struct jv *jv_get(const struct jv *v, const char *key);

/* Number readers: false when v is missing, not a number, or out of range
 * (an integer reader refuses fractions and signs it cannot hold). */
bool jv_u64(const struct jv *v, uint64_t *out);
bool jv_u32(const struct jv *v, uint32_t *out);
bool jv_i64(const struct jv *v, int64_t *out);
bool jv_double(const struct jv *v, double *out);

/* Member key of v as each type: def when absent or of another type. */
uint64_t jv_get_u64(const struct jv *v, const char *key, uint64_t def);
double jv_get_double(const struct jv *v, const char *key, double def);
bool jv_get_bool(const struct jv *v, const char *key, bool def);
/* A string member's bytes (and their count in *len when len is not NULL),
 * or NULL when absent or not a string. */
const char *jv_get_string(const struct jv *v, const char *key, size_t *len);

#endif
