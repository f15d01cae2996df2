#include "config.h"

#include <string.h>

#include "check_main.h"
#include "jsonread.h"

static const struct jv *parse(struct arena *a, const char *text, char *err)
{
	return jv_parse(a, text, strlen(text), err, 128);
}

START_TEST(t_values)
{
	struct arena a = { 0 };
	char err[128];
	const struct jv *v =
		parse(&a, " {\"a\": [1, 2.5, -3], \"b\": true, \"c\": null, \"d\": \"x\", \"e\": {}} ", err);
	uint64_t u;
	int64_t i;
	double d;

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, JV_OBJECT);
	ck_assert_uint_eq(v->count, 5);
	ck_assert_int_eq(jv_get(v, "a")->type, JV_ARRAY);
	ck_assert(jv_u64(&jv_get(v, "a")->item[0], &u) && u == 1);
	/* Fractions and signs are refused by the integer readers. */
	ck_assert(!jv_u64(&jv_get(v, "a")->item[1], &u));
	ck_assert(jv_double(&jv_get(v, "a")->item[1], &d) && d == 2.5);
	ck_assert(!jv_u64(&jv_get(v, "a")->item[2], &u));
	ck_assert(jv_i64(&jv_get(v, "a")->item[2], &i) && i == -3);
	ck_assert(jv_get_bool(v, "b", false));
	ck_assert_int_eq(jv_get(v, "c")->type, JV_NULL);
	ck_assert_str_eq(jv_get_string(v, "d", NULL), "x");
	ck_assert_ptr_null(jv_get_string(v, "c", NULL));
	ck_assert_uint_eq(jv_get(v, "e")->count, 0);
	ck_assert_ptr_null(jv_get(v, "missing"));
	ck_assert_uint_eq(jv_get_u64(v, "missing", 7), 7);
	arena_free(&a);
}
END_TEST

START_TEST(t_u64_range)
{
	struct arena a = { 0 };
	char err[128];
	uint64_t u;
	uint32_t w;

	ck_assert(jv_u64(parse(&a, "18446744073709551615", err), &u) && u == UINT64_MAX);
	ck_assert(!jv_u64(parse(&a, "18446744073709551616", err), &u));
	ck_assert(!jv_u32(parse(&a, "4294967296", err), &w));
	ck_assert(jv_u32(parse(&a, "4294967295", err), &w) && w == UINT32_MAX);
	arena_free(&a);
}
END_TEST

/* \u0000-\u00ff escapes are bytes (the writer's rule for invalid UTF-8
 * and C1 controls); above, UTF-8; a pair, one character. */
START_TEST(t_string_bytes)
{
	struct arena a = { 0 };
	char err[128];
	const struct jv *v = parse(&a, "\"a\\u0000b\\u00ff\\u00c2\\u0085\\u2028\\ud83d\\ude00\\n\\\"\"", err);
	static const char want[] = "a\0b\xff\xc2\x85\xe2\x80\xa8\xf0\x9f\x98\x80\n\"";

	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->len, sizeof(want) - 1);
	ck_assert_mem_eq(v->text, want, sizeof(want) - 1);
	/* Raw UTF-8 passes as it is. */
	v = parse(&a, "\"caf\xc3\xa9\"", err);
	ck_assert_str_eq(v->text, "caf\xc3\xa9");
	arena_free(&a);
}
END_TEST

START_TEST(t_refused)
{
	static const char *const bad[] = {
		"",
		"{",
		"{\"a\" 1}",
		"[1,]",
		"[1 2]",
		"\"abc",
		"\"\\x\"",
		"\"\\u12\"",
		"\"\\ud800\"",
		"\"\\udc00\"",
		"\"a\nb\"",
		"tru",
		"{} x",
		"{1:2}",
		"-",
		"nul",
		"[\"\\ud800\\u0041\"]",
	};
	struct arena a = { 0 };
	char err[128], deep[100];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(parse(&a, bad[i], err) == NULL, "accepted: %s", bad[i]);
		ck_assert_msg(strncmp(err, "bad JSON at byte ", 17) == 0, "message: %s", err);
	}
	/* Nesting is bounded: 33 levels are refused, 32 taken. */
	memset(deep, '[', 33);
	memset(deep + 33, ']', 33);
	deep[66] = '\0';
	ck_assert_ptr_null(parse(&a, deep, err));
	ck_assert_ptr_nonnull(strstr(err, "nested too deeply"));
	memset(deep, '[', 32);
	memset(deep + 32, ']', 32);
	deep[64] = '\0';
	ck_assert_ptr_nonnull(parse(&a, deep, err));
	arena_free(&a);
}
END_TEST

CHECK_SUITE("jsonread", t_values, t_u64_range, t_string_bytes, t_refused)
