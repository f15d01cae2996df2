#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "json.h"
#include "jsonread.h"

static char *escaped(const char *s, size_t len)
{
	struct strbuf sb = { 0 };

	json_append_escaped(&sb, s, len);
	return sb.data;
}

#define ck_escape(in, want)                                                                                  \
	do {                                                                                                 \
		char *got_ = escaped(in, sizeof(in) - 1);                                                    \
		ck_assert_str_eq(got_, want);                                                                \
		free(got_);                                                                                  \
	} while (0)

START_TEST(t_escapes)
{
	ck_escape("plain", "\"plain\"");
	ck_escape("a\"b\\c", "\"a\\\"b\\\\c\"");
	ck_escape("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"");
	ck_escape("\x1b[31mred\a", "\"\\u001b[31mred\\u0007\"");
	ck_escape("del\x7f", "\"del\\u007f\"");
	ck_escape("nul\0x", "\"nul\\u0000x\"");
	/* Valid UTF-8 passes untouched; U+2028 is escaped for JavaScript. */
	ck_escape("caf\xc3\xa9 \xe6\x95\xb0 \xf0\x9f\x98\x80",
		  "\"caf\xc3\xa9 \xe6\x95\xb0 \xf0\x9f\x98\x80\"");
	ck_escape("\xe2\x80\xa8", "\"\\u2028\"");
	/* Invisible reordering characters are escaped as their code point: a
	 * decoder gets them back exactly, a terminal shows them. */
	ck_escape("a\xe2\x80\xae"
		  "b",
		  "\"a\\u202eb\"");
	ck_escape("\xe2\x81\xa6\xe2\x80\x8b\xd8\x9c\xef\xbb\xbf", "\"\\u2066\\u200b\\u061c\\ufeff\"");
	/* A C1 control, valid UTF-8, is written byte by byte as invalid bytes
	 * are: no terminal acts on it, and the bytes stay exact. */
	ck_escape("c1\xc2\x9b"
		  "31m",
		  "\"c1\\u00c2\\u009b31m\"");
	/* Each invalid byte becomes \u00XX of its value. */
	ck_escape("bad\xff\xfe", "\"bad\\u00ff\\u00fe\"");
	ck_escape("\xc3(", "\"\\u00c3(\"");
	ck_escape("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\""); /* a surrogate */
	ck_escape("\xc0\xaf", "\"\\u00c0\\u00af\"");            /* overlong '/' */
	ck_escape("\xe6\x95", "\"\\u00e6\\u0095\"");            /* cut short */
	/* The soft hyphen hides, and below U+0100 goes byte by byte too. */
	ck_escape("soft\xc2\xad", "\"soft\\u00c2\\u00ad\"");
}
END_TEST

/* What the writer escapes, the reader (--remote's) gets back byte for
 * byte: every byte value, alone and in UTF-8 of every length, C1 and
 * the characters escaped as code points. */
START_TEST(t_round_trip)
{
	static const char *const samples[] = {
		"caf\xc3\xa9 \xe6\x95\xb0 \xf0\x9f\x98\x80",
		"c1\xc2\x9b",
		"soft\xc2\xad",
		"\xe2\x80\xae\xe2\x80\xa8\xef\xbb\xbf",
		"bad\xff\xfe\xc3(",
		"\x1b]0;pw\a",
		"a\\\"b",
	};
	struct strbuf sb = { 0 };
	struct arena a = { 0 };
	char all[256], err[128];
	const struct jv *v;

	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	json_append_escaped(&sb, all, sizeof(all));
	v = jv_parse(&a, sb.data, sb.len, err, sizeof(err));
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->len, sizeof(all));
	ck_assert_mem_eq(v->text, all, sizeof(all));
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		strbuf_reset(&sb);
		json_append_escaped(&sb, samples[i], strlen(samples[i]));
		v = jv_parse(&a, sb.data, sb.len, err, sizeof(err));
		ck_assert_ptr_nonnull(v);
		ck_assert_str_eq(v->text, samples[i]);
	}
	strbuf_free(&sb);
	arena_free(&a);
}
END_TEST

/* A writer into memory; writer_text finishes it and returns the text. */
struct mem_writer {
	char *buf;
	size_t size;
	FILE *f;
	struct json_writer w;
};

static struct json_writer *writer_open(struct mem_writer *m)
{
	m->buf = NULL;
	m->f = open_memstream(&m->buf, &m->size);
	json_init(&m->w, m->f);
	return &m->w;
}

static char *writer_text(struct mem_writer *m)
{
	json_finish(&m->w);
	fclose(m->f);
	return m->buf;
}

START_TEST(t_writer_structure)
{
	struct mem_writer m;
	struct json_writer *wp = writer_open(&m);
	char *buf;

	json_begin_object(wp);
	json_key(wp, "a");
	json_uint(wp, 18446744073709551615ull);
	json_key(wp, "b");
	json_begin_array(wp);
	json_int(wp, -5);
	json_int(wp, INT64_MIN);
	json_uint(wp, 0);
	json_bool(wp, true);
	json_null(wp);
	json_string(wp, NULL);
	json_begin_object(wp);
	json_end_object(wp);
	json_begin_array(wp);
	json_end_array(wp);
	json_end_array(wp);
	json_key(wp, "c\"");
	json_string_len(wp, "x\0y", 3);
	json_end_object(wp);
	buf = writer_text(&m);
	ck_assert_str_eq(
		buf,
		"{\"a\":18446744073709551615,\"b\":[-5,-9223372036854775808,0,true,null,null,{},[]],\"c\\\"\":\"x\\u0000y\"}");
	free(buf);
}
END_TEST

/* Bytes that are not UTF-8 come with their exact hex; valid text without. */
START_TEST(t_member_bytes)
{
	struct mem_writer m;
	struct json_writer *w = writer_open(&m);
	char *buf;

	json_begin_object(w);
	json_member_bytes(w, "comm", "bad\xffx", 5);
	json_member_bytes(w, "name", "\xc3\xbf", 2); /* U+00FF, valid */
	json_member_bytes(w, "path", NULL, 0);
	json_end_object(w);
	buf = writer_text(&m);
	ck_assert_str_eq(buf, "{\"comm\":\"bad\\u00ffx\",\"comm_hex\":\"626164ff78\",\"name\":\"\xc3\xbf\","
			      "\"path\":null}");
	free(buf);
}
END_TEST

CHECK_SUITE("json", t_escapes, t_round_trip, t_writer_structure, t_member_bytes)
