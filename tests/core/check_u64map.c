#include "config.h"

#include "check_main.h"
#include "u64map.h"

START_TEST(t_put_get_grow)
{
	struct u64map m;
	uint64_t k;
	int inserted;

	u64map_init(&m, 4);
	for (k = 1; k <= 100000; k++) {
		u64map_put(&m, k * 7919, (uint32_t)k, &inserted);
		ck_assert_int_eq(inserted, 1);
	}
	ck_assert_uint_eq(m.count, 100000);
	for (k = 1; k <= 100000; k++) {
		uint32_t *v = u64map_get(&m, k * 7919);

		ck_assert_ptr_nonnull(v);
		ck_assert_uint_eq(*v, k);
	}
	ck_assert_ptr_null(u64map_get(&m, 3));
	ck_assert_ptr_null(u64map_get(&m, 0));
	/* A second put keeps the first value and reports it. */
	ck_assert_uint_eq(*u64map_put(&m, 7919, 42, &inserted), 1);
	ck_assert_int_eq(inserted, 0);
	u64map_clear(&m);
	ck_assert_uint_eq(m.count, 0);
	ck_assert_ptr_null(u64map_get(&m, 7919));
	u64map_free(&m);
}
END_TEST

CHECK_SUITE("u64map", t_put_get_grow)
