#include "config.h"

#include "json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

enum { JSON_FLUSH_AT = 1 << 16 };

void json_init(struct json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->first[0] = true;
}

static void json_flush(struct json_writer *w)
{
	if (!w->out)
		return;
	fwrite(w->buf.data, 1, w->buf.len, w->out);
	strbuf_reset(&w->buf);
}

void json_reset(struct json_writer *w)
{
	strbuf_reset(&w->buf);
	w->depth = 0;
	w->first[0] = true;
	w->after_key = false;
}

void json_finish(struct json_writer *w)
{
	json_flush(w);
	strbuf_free(&w->buf);
}

static void json_put(struct json_writer *w, const char *s, size_t len)
{
	strbuf_append(&w->buf, s, len);
	if (w->buf.len >= JSON_FLUSH_AT)
		json_flush(w);
}

/* Writes the comma a value needs unless it follows its key or opens a level. */
static void json_prepare_value(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		json_put(w, ",", 1);
	w->first[w->depth] = false;
}

static void json_open(struct json_writer *w, char c)
{
	json_prepare_value(w);
	json_put(w, &c, 1);
	if (w->depth + 1 < JSON_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void json_close(struct json_writer *w, char c)
{
	json_put(w, &c, 1);
	if (w->depth > 0)
		w->depth--;
}

void json_value_raw(struct json_writer *w, const char *s, size_t len)
{
	json_prepare_value(w);
	json_put(w, s, len);
}

void json_begin_object(struct json_writer *w)
{
	json_open(w, '{');
}
void json_end_object(struct json_writer *w)
{
	json_close(w, '}');
}
void json_begin_array(struct json_writer *w)
{
	json_open(w, '[');
}
void json_end_array(struct json_writer *w)
{
	json_close(w, ']');
}

void json_key(struct json_writer *w, const char *key)
{
	json_prepare_value(w);
	json_append_escaped(&w->buf, key, strlen(key));
	json_put(w, ":", 1);
	w->after_key = true;
}

static bool json_byte_is_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static void json_append_u(struct strbuf *out, unsigned v)
{
	strbuf_printf(out, "\\u%04x", v);
}

void json_append_escaped(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	strbuf_putc(out, '"');
	while (p < end) {
		const unsigned char *run = p;
		uint32_t cp;
		size_t n;

		/* Plain ASCII, the common case, is copied in one piece. */
		while (p < end && json_byte_is_plain(*p))
			p++;
		if (p > run)
			strbuf_append(out, (const char *)run, (size_t)(p - run));
		if (p == end)
			break;
		if (*p == '"' || *p == '\\') {
			strbuf_putc(out, '\\');
			strbuf_putc(out, (char)*p++);
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			switch (*p) {
			case '\n': strbuf_puts(out, "\\n"); break;
			case '\t': strbuf_puts(out, "\\t"); break;
			case '\r': strbuf_puts(out, "\\r"); break;
			case '\b': strbuf_puts(out, "\\b"); break;
			case '\f': strbuf_puts(out, "\\f"); break;
			default: json_append_u(out, *p); break;
			}
			p++;
			continue;
		}
		n = utf8_decode(p, (size_t)(end - p), &cp);
		if (n == 0) {
			json_append_u(out, *p++);
		} else if (utf8_is_c1(cp) || (cp < 0x100 && utf8_is_invisible(cp))) {
			/* A terminal printing the JSON could act on a C1 control,
			 * and a soft hyphen hides; written byte by byte, as invalid
			 * bytes are, they stay exact for readers that take
			 * \u0080-\u00ff escapes as bytes (--stream's do). */
			for (; n > 0; n--)
				json_append_u(out, *p++);
		} else if (cp == 0x2028 || cp == 0x2029 || utf8_is_invisible(cp)) {
			json_append_u(out, (unsigned)cp);
			p += n;
		} else {
			strbuf_append(out, (const char *)p, n);
			p += n;
		}
	}
	strbuf_putc(out, '"');
}

void json_string_len(struct json_writer *w, const char *s, size_t len)
{
	json_prepare_value(w);
	json_append_escaped(&w->buf, s, len);
	if (w->buf.len >= JSON_FLUSH_AT)
		json_flush(w);
}

void json_string(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	json_string_len(w, s, strlen(s));
}

/* Decimal digits without printf: numbers are most of a large document. */
static void json_put_u64(struct json_writer *w, uint64_t v)
{
	char digits[24];
	size_t at = sizeof(digits);

	do {
		digits[--at] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	json_put(w, digits + at, sizeof(digits) - at);
}

void json_uint(struct json_writer *w, uint64_t v)
{
	json_prepare_value(w);
	json_put_u64(w, v);
}

void json_double(struct json_writer *w, double v)
{
	char buf[32];
	int n;

	json_prepare_value(w);
	/* JSON has no NaN or infinity; milliseconds are what is measured. */
	if (!isfinite(v))
		v = 0;
	n = snprintf(buf, sizeof(buf), "%.3f", v);
	json_put(w, buf, (size_t)n);
}

void json_int(struct json_writer *w, int64_t v)
{
	json_prepare_value(w);
	if (v < 0) {
		json_put(w, "-", 1);
		json_put_u64(w, (uint64_t)0 - (uint64_t)v);
	} else {
		json_put_u64(w, (uint64_t)v);
	}
}

void json_bool(struct json_writer *w, bool v)
{
	json_prepare_value(w);
	json_put(w, v ? "true" : "false", v ? 4 : 5);
}

void json_null(struct json_writer *w)
{
	json_prepare_value(w);
	json_put(w, "null", 4);
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

void json_member_bytes(struct json_writer *w, const char *key, const char *s, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	struct strbuf hex_key = { 0 }, hex = { 0 };

	json_key(w, key);
	if (!s) {
		json_null(w);
		return;
	}
	json_string_len(w, s, len);
	if (utf8_valid(s, len))
		return;
	strbuf_printf(&hex_key, "%s_hex", key);
	for (size_t i = 0; i < len; i++) {
		strbuf_putc(&hex, digits[(unsigned char)s[i] >> 4]);
		strbuf_putc(&hex, digits[(unsigned char)s[i] & 15]);
	}
	json_key(w, strbuf_str(&hex_key));
	json_string_len(w, hex.data ? hex.data : "", hex.len);
	strbuf_free(&hex_key);
	strbuf_free(&hex);
}
