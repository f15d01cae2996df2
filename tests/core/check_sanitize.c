#include "config.h"

#include <string.h>

#include "check_main.h"
#include "sanitize.h"

static size_t width;

static const char *clean(const char *s, size_t len, bool utf8)
{
	static struct strbuf sb;

	strbuf_reset(&sb);
	width = sanitize_append(&sb, s, len, utf8);
	return strbuf_str(&sb);
}

#define ck_clean(in, want, want_width)                                                                       \
	do {                                                                                                 \
		ck_assert_str_eq(clean(in, sizeof(in) - 1, true), want);                                     \
		ck_assert_uint_eq(width, want_width);                                                        \
	} while (0)

START_TEST(t_plain_passes)
{
	ck_clean("nginx: worker", "nginx: worker", 13);
	ck_clean("", "", 0);
}
END_TEST

START_TEST(t_controls_escaped)
{
	ck_clean("\x1b[31mred", "\\x1b[31mred", 11);
	ck_clean("a\nb\tc\rd", "a\\nb\\tc\\rd", 10);
	ck_clean("abc\b\bX", "abc\\x08\\x08X", 12);
	ck_clean("bell\a", "bell\\x07", 8);
	ck_clean("del\x7f", "del\\x7f", 7);
	ck_clean("nul\0", "nul\\x00", 7);
	ck_clean("back\\slash", "back\\\\slash", 11);
}
END_TEST

START_TEST(t_unicode_classes)
{
	ck_clean("caf\xc3\xa9", "caf\xc3\xa9", 4);
	ck_clean("\xe6\x95\xb0\xe6\x8d\xae", "\xe6\x95\xb0\xe6\x8d\xae", 4); /* wide CJK: 2 cells each */
	ck_clean("\xc2\x9b"
		 "31m",
		 "\\u009b31m", 9);                                    /* C1 CSI */
	ck_clean("abc\xe2\x80\xaetxt", "abc\\u202etxt", 12);          /* RLO */
	ck_clean("\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069", 13); /* isolates */
	ck_clean("\xe2\x80\x8e\xe2\x80\x8f", "\\u200e\\u200f", 12);   /* LRM RLM */
	ck_clean("\xd8\x9c", "\\u061c", 6);                           /* ALM */
	ck_clean("a\xe2\x80\x8b"
		 "b",
		 "a\\u200bb", 8);               /* zero-width space */
	ck_clean("\xef\xbb\xbf", "\\ufeff", 6); /* BOM */
}
END_TEST

START_TEST(t_invalid_utf8)
{
	ck_clean("bad\xff", "bad\\xff", 7);
	ck_clean("\xc3", "\\xc3", 4);
	ck_clean("\xed\xa0\x80", "\\xed\\xa0\\x80", 12);
	ck_clean("\xc0\xaf", "\\xc0\\xaf", 8);
}
END_TEST

START_TEST(t_non_utf8_locale)
{
	ck_assert_str_eq(clean("caf\xc3\xa9", 5, false), "caf\\xc3\\xa9");
	ck_assert_uint_eq(width, 11);
	ck_assert_str_eq(clean("ok", 2, false), "ok");
}
END_TEST

START_TEST(t_fit)
{
	static const char wide[] = "\xe6\x95\xb0\xe6\x8d\xae"
				   "ab"; /* 2 + 2 + 1 + 1 cells */
	size_t used;

	ck_assert_uint_eq(sanitize_fit("abcdef", 6, 4, &used), 4);
	ck_assert_uint_eq(used, 4);
	ck_assert_uint_eq(sanitize_fit("abc", 3, 10, &used), 3);
	ck_assert_uint_eq(used, 3);
	/* A wide character never straddles the edge. */
	ck_assert_uint_eq(sanitize_fit(wide, sizeof(wide) - 1, 3, &used), 3);
	ck_assert_uint_eq(used, 2);
	ck_assert_uint_eq(sanitize_fit(wide, sizeof(wide) - 1, 5, &used), 7);
	ck_assert_uint_eq(used, 5);
	ck_assert_uint_eq(sanitize_fit("caf\xc3\xa9", 5, 4, &used), 5);
	ck_assert_uint_eq(used, 4);
}
END_TEST

CHECK_SUITE("sanitize", t_plain_passes, t_controls_escaped, t_unicode_classes, t_invalid_utf8,
	    t_non_utf8_locale, t_fit)
