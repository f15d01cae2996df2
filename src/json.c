#include "config.h"

#include "json.h"

#include <inttypes.h>
#include <string.h>

#include "utf8.h"

void json_init(struct json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->first[0] = true;
}

/* Writes the comma a value needs unless it follows its key or opens a level. */
static void json_prepare_value(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		fputc(',', w->out);
	w->first[w->depth] = false;
}

static void json_open(struct json_writer *w, char c)
{
	json_prepare_value(w);
	fputc(c, w->out);
	if (w->depth + 1 < JSON_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void json_close(struct json_writer *w, char c)
{
	fputc(c, w->out);
	if (w->depth > 0)
		w->depth--;
}

void json_begin_object(struct json_writer *w) { json_open(w, '{'); }
void json_end_object(struct json_writer *w) { json_close(w, '}'); }
void json_begin_array(struct json_writer *w) { json_open(w, '['); }
void json_end_array(struct json_writer *w) { json_close(w, ']'); }

void json_key(struct json_writer *w, const char *key)
{
	json_prepare_value(w);
	json_write_escaped(w->out, key, strlen(key));
	fputc(':', w->out);
	w->after_key = true;
}

void json_write_escaped(FILE *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	fputc('"', out);
	while (p < end) {
		uint32_t cp;
		size_t n;

		if (*p == '"' || *p == '\\') {
			fputc('\\', out);
			fputc(*p++, out);
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			switch (*p) {
			case '\n': fputs("\\n", out); break;
			case '\t': fputs("\\t", out); break;
			case '\r': fputs("\\r", out); break;
			case '\b': fputs("\\b", out); break;
			case '\f': fputs("\\f", out); break;
			default: fprintf(out, "\\u%04x", *p); break;
			}
			p++;
			continue;
		}
		if (*p < 0x80) {
			fputc(*p++, out);
			continue;
		}
		n = utf8_decode(p, (size_t)(end - p), &cp);
		if (n == 0) {
			fprintf(out, "\\u%04x", *p++);
		} else if (cp == 0x2028 || cp == 0x2029) {
			fprintf(out, "\\u%04x", (unsigned)cp);
			p += n;
		} else {
			fwrite(p, 1, n, out);
			p += n;
		}
	}
	fputc('"', out);
}

void json_string_len(struct json_writer *w, const char *s, size_t len)
{
	json_prepare_value(w);
	json_write_escaped(w->out, s, len);
}

void json_string(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	json_string_len(w, s, strlen(s));
}

void json_uint(struct json_writer *w, uint64_t v)
{
	json_prepare_value(w);
	fprintf(w->out, "%" PRIu64, v);
}

void json_int(struct json_writer *w, int64_t v)
{
	json_prepare_value(w);
	fprintf(w->out, "%" PRId64, v);
}

void json_bool(struct json_writer *w, bool v)
{
	json_prepare_value(w);
	fputs(v ? "true" : "false", w->out);
}

void json_null(struct json_writer *w)
{
	json_prepare_value(w);
	fputs("null", w->out);
}

void json_member_uint(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_uint(w, v);
}

void json_member_bool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

void json_member_string(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_string(w, s);
}
