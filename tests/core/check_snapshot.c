/* The snapshot container: dedupe by cookie, one at a time and in batches,
 * and recycling for the next refresh. */
#include "config.h"

#include <string.h>

#include "check_main.h"
#include "fixtures.h"
#include "snapshot.h"

static struct pv_socket sock(uint64_t cookie, uint16_t port)
{
	struct pv_socket k = { .family = 2, .proto = 6, .state = 10, .cookie = cookie };

	k.local.port = port;
	return k;
}

START_TEST(t_add_drops_repeated_cookies)
{
	struct pv_snapshot s;
	struct pv_socket a = sock(7, 80), b = sock(7, 81), c = sock(0, 82), d = sock(0, 83);

	snapshot_init(&s);
	ck_assert(snapshot_add_socket(&s, &a));
	ck_assert(!snapshot_add_socket(&s, &b)); /* the first one stays */
	ck_assert(snapshot_add_socket(&s, &c));  /* no cookie: always kept */
	ck_assert(snapshot_add_socket(&s, &d));
	ck_assert_uint_eq(s.nsocks, 3);
	ck_assert_uint_eq(s.socks[0].local.port, 80);
	ck_assert_uint_eq(*u64map_get(&s.by_cookie, 7), 0);
	snapshot_free(&s);
}
END_TEST

START_TEST(t_batch_index_keeps_first_and_compacts)
{
	struct pv_snapshot s;
	struct pv_socket k;
	size_t i;

	snapshot_init(&s);
	k = sock(5, 1);
	snapshot_add_socket(&s, &k);
	/* A batch of 3,000 with repeats of itself and of the earlier socket,
	 * more than the prefetch distance and the map's first size. */
	for (i = 0; i < 3000; i++) {
		k = sock(i % 1000 + 5, (uint16_t)(i + 2));
		snapshot_append_socket(&s, &k);
	}
	ck_assert_uint_eq(snapshot_index_from(&s, 1), 2001);
	ck_assert_uint_eq(s.nsocks, 1000);
	ck_assert_uint_eq(s.socks[0].local.port, 1); /* cookie 5 from before */
	for (i = 1; i < s.nsocks; i++) {
		ck_assert_uint_eq(s.socks[i].cookie, i + 5);
		ck_assert_uint_eq(s.socks[i].local.port, i + 2); /* first seen */
		ck_assert_uint_eq(*u64map_get(&s.by_cookie, s.socks[i].cookie), i);
	}
	snapshot_free(&s);
}
END_TEST

START_TEST(t_recycle_empties_and_keeps_storage)
{
	struct pv_snapshot s;
	const struct pv_socket *storage;
	struct pv_socket k = sock(1, 80);
	uint64_t first_cookie;

	fixture_snapshot(&s);
	first_cookie = s.socks[0].cookie;
	s.incomplete = true;
	s.unavailable = PV_DUMP_UDP6;
	snapshot_recycle(&s, s.nsocks);
	storage = s.socks;
	ck_assert_uint_eq(s.nsocks, 0);
	ck_assert_uint_eq(s.nprocs, 0);
	ck_assert_uint_eq(s.nrefs, 0);
	ck_assert(!s.incomplete);
	ck_assert_uint_eq(s.unavailable, 0);
	ck_assert_uint_eq(s.kernel_mask, ~0ull);
	ck_assert_ptr_null(u64map_get(&s.by_cookie, first_cookie));
	ck_assert_uint_eq(s.by_cookie.count, 0);
	ck_assert(snapshot_add_socket(&s, &k));
	ck_assert_ptr_eq(s.socks, storage);
	/* Sized for many more sockets than it holds room for, it grows. */
	snapshot_recycle(&s, 100000);
	ck_assert_uint_ge(s.socks_cap, 100000);
	ck_assert_uint_ge(s.by_cookie.mask + 1, 200000);
	snapshot_free(&s);
}
END_TEST

CHECK_SUITE("snapshot", t_add_drops_repeated_cookies, t_batch_index_keeps_first_and_compacts,
	    t_recycle_empties_and_keeps_storage)
