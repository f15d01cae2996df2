#include "config.h"

#include <string.h>

#include "check_main.h"
#include "sparkline.h"

static const char *spark(const struct spark_history *h, uint64_t key, bool utf8, size_t *width)
{
	static struct strbuf sb;

	strbuf_reset(&sb);
	*width = spark_format(h, key, utf8, &sb);
	return strbuf_str(&sb);
}

static void refresh(struct spark_history *h, uint64_t key, double value)
{
	spark_begin(h);
	spark_record(h, key, value);
	spark_end(h);
}

START_TEST(t_scaled_to_the_largest)
{
	struct spark_history *h = spark_new();
	size_t w;

	refresh(h, 7, 0);
	ck_assert_str_eq(spark(h, 7, true, &w), ""); /* one point: no line yet */
	refresh(h, 7, 100);
	refresh(h, 7, 50);
	refresh(h, 7, 1); /* tiny, but not nothing */
	ck_assert_str_eq(spark(h, 7, true, &w), "▁█▅▂");
	ck_assert_uint_eq(w, 4);
	ck_assert_str_eq(spark(h, 7, false, &w), " #=.");
	ck_assert_str_eq(spark(h, 8, true, &w), ""); /* unknown key */
	spark_free(h);
}
END_TEST

START_TEST(t_keeps_the_last_points)
{
	struct spark_history *h = spark_new();
	size_t w;

	for (int i = 0; i < 20; i++)
		refresh(h, 1, i < 12 ? 1000 : 0); /* busy, then idle */
	ck_assert_uint_eq(strlen(spark(h, 1, false, &w)), SPARK_POINTS);
	ck_assert_str_eq(spark(h, 1, false, &w), "        "); /* all idle: the scale is 0 */
	refresh(h, 1, 5);
	ck_assert_str_eq(spark(h, 1, false, &w), "       #");
	spark_free(h);
}
END_TEST

START_TEST(t_forgets_groups_not_shown)
{
	struct spark_history *h = spark_new();
	size_t w;

	for (int i = 0; i < 3; i++) {
		spark_begin(h);
		spark_record(h, 1, 10);
		spark_record(h, 2, 20);
		spark_record(h, 2, 999); /* one point a refresh */
		spark_end(h);
	}
	ck_assert_str_eq(spark(h, 2, false, &w), "###");
	spark_begin(h);
	spark_record(h, 2, 0);
	spark_end(h);
	ck_assert_str_eq(spark(h, 1, false, &w), ""); /* gone from the screen: forgotten */
	ck_assert_str_eq(spark(h, 2, false, &w), "### ");
	spark_begin(h);
	spark_record(h, 1, 10);
	spark_end(h);
	ck_assert_str_eq(spark(h, 1, false, &w), ""); /* starts over */
	spark_free(h);
}
END_TEST

CHECK_SUITE("sparkline", t_scaled_to_the_largest, t_keeps_the_last_points, t_forgets_groups_not_shown)
