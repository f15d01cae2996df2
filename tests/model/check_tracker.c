#include "config.h"

#include <stdint.h>
#include <string.h>

#include "check_main.h"
#include "fixtures.h"
#include "states.h"
#include "filter.h"
#include "tracker.h"

static struct pv_snapshot first, second;
static struct tracker *t;

static void setup(void)
{
	fixture_snapshot(&first);
	t = tracker_new();
}

static void teardown(void)
{
	tracker_free(t);
	snapshot_free(&first);
}

static const struct pv_socket *find(const struct pv_snapshot *s, uint64_t cookie)
{
	size_t i;

	for (i = 0; i < s->nsocks; i++)
		if (s->socks[i].cookie == cookie)
			return &s->socks[i];
	return NULL;
}

START_TEST(t_first_snapshot_marks_nothing)
{
	size_t i;

	tracker_update(t, NULL, &first, 0, 3);
	for (i = 0; i < first.nsocks; i++)
		ck_assert_int_eq(tracker_mark(t, &first.socks[i], 0.5), MARK_NONE);
	ck_assert(tracker_next_expiry(t, 0.5) < 0);
}
END_TEST

START_TEST(t_new_changed_gone)
{
	struct pv_socket fresh = first.socks[0];
	uint64_t gone_cookie = first.socks[6].cookie, changed_cookie = first.socks[7].cookie;
	const struct pv_socket *tomb;
	struct pv_snapshot third;
	size_t live;

	tracker_update(t, NULL, &first, 0, 3);
	/* What socket 6 moved and was flagged for ends with it. */
	first.socks[6].has_rate = true;
	first.socks[6].rate_in = first.socks[6].rate_out = 1e9;
	first.socks[6].flags = PV_FLAG_STALLED;
	first.socks[6].wqueue = 1000;
	fixture_copy_without(&first, &second, 6);
	fresh.cookie = 77777;
	fresh.local.port = 8443;
	snapshot_add_socket(&second, &fresh);
	second.socks[6].state = PV_STATE_CLOSE_WAIT; /* was socket 7 */
	live = second.nsocks;

	tracker_update(t, &first, &second, 10, 3);
	ck_assert_uint_eq(second.nsocks, live + 1);
	ck_assert_int_eq(tracker_mark(t, find(&second, 77777), 10.5), MARK_NEW);
	ck_assert_int_eq(tracker_mark(t, find(&second, changed_cookie), 10.5), MARK_CHANGED);
	tomb = find(&second, gone_cookie);
	ck_assert_ptr_nonnull(tomb);
	ck_assert(tomb->gone);
	ck_assert(!tomb->has_rate && tomb->rate_in == 0 && tomb->rate_out == 0);
	ck_assert_uint_eq(tomb->flags, 0);
	ck_assert_uint_eq(tomb->wqueue, 0);
	ck_assert_int_eq(tracker_mark(t, tomb, 10.5), MARK_GONE);
	/* The tombstone keeps its owner, found again in the new snapshot. */
	ck_assert_uint_eq(tomb->owner_count, 1);
	ck_assert_str_eq(snapshot_owner(&second, tomb, 0)->comm, "psql");
	ck_assert_uint_eq(second.nprocs, first.nprocs); /* reused, not copied */
	ck_assert_int_eq(tracker_mark(t, find(&second, first.socks[0].cookie), 10.5), MARK_NONE);
	ck_assert(tracker_next_expiry(t, 11) > 1.99 && tracker_next_expiry(t, 11) < 2.01);

	/* Marks fade after the highlight time; the tombstone goes at the next
	 * update after it. */
	ck_assert_int_eq(tracker_mark(t, find(&second, 77777), 13.1), MARK_NONE);
	fixture_copy_without(&second, &third, SIZE_MAX);
	third.nsocks = live; /* drop the resurrected tombstone */
	tracker_update(t, &second, &third, 13.5, 3);
	ck_assert_ptr_null(find(&third, gone_cookie));
	ck_assert_uint_eq(third.nsocks, live);
	snapshot_free(&third);
	snapshot_free(&second);
}
END_TEST

START_TEST(t_tombstone_outlives_its_process)
{
	struct pv_snapshot empty;
	const struct pv_socket *tomb;

	tracker_update(t, NULL, &first, 0, 5);
	snapshot_init(&empty);
	tracker_update(t, &first, &empty, 1, 5);
	ck_assert_uint_eq(empty.nsocks, first.nsocks);
	tomb = find(&empty, first.socks[0].cookie);
	ck_assert_ptr_nonnull(tomb);
	ck_assert_uint_eq(tomb->owner_count, 2);
	ck_assert_str_eq(snapshot_owner(&empty, tomb, 0)->comm, "nginx");
	ck_assert_str_eq(snapshot_owner(&empty, tomb, 1)->cmdline, "nginx: master process /usr/sbin/nginx");
	/* Each owner is copied once, however many tombstones it holds. */
	ck_assert_uint_eq(empty.nprocs, first.nprocs);
	snapshot_free(&empty);
}
END_TEST

/* A closed UNIX socket keeps its name, NUL bytes and all, after the
 * snapshot that held it is freed (names live in a snapshot's arena). */
START_TEST(t_unix_tombstone_keeps_its_name)
{
	struct pv_snapshot unix_first, empty, later;
	const struct pv_socket *tomb;
	uint64_t cookie;

	fixture_unix_snapshot(&unix_first);
	cookie = unix_first.socks[3].cookie; /* the abstract "\0bus\x1b" */
	tracker_update(t, NULL, &unix_first, 0, 5);
	snapshot_init(&empty);
	tracker_update(t, &unix_first, &empty, 1, 5);
	snapshot_free(&unix_first);
	snapshot_init(&later);
	tracker_update(t, &empty, &later, 2, 5);
	snapshot_free(&empty);
	tomb = find(&later, cookie);
	ck_assert_ptr_nonnull(tomb);
	ck_assert(tomb->gone);
	ck_assert_uint_eq(tomb->path_len, 5);
	ck_assert(memcmp(tomb->path, "\0bus\x1b", 5) == 0);
	snapshot_free(&later);
}
END_TEST

START_TEST(t_highlight_zero_keeps_nothing)
{
	struct pv_snapshot empty;

	tracker_update(t, NULL, &first, 0, 0);
	snapshot_init(&empty);
	tracker_update(t, &first, &empty, 1, 0);
	ck_assert_uint_eq(empty.nsocks, 0);
	ck_assert(tracker_next_expiry(t, 1) < 0);
	snapshot_free(&empty);
}
END_TEST

START_TEST(t_kernel_mask_changes_are_not_events)
{
	struct pv_snapshot listeners_only, all;
	size_t i;

	/* Asking only for listeners must not bury the connections ... */
	tracker_update(t, NULL, &first, 0, 3);
	fixture_copy_listeners(&first, &listeners_only);
	tracker_update(t, &first, &listeners_only, 1, 3);
	ck_assert_uint_eq(listeners_only.nsocks, 4);
	/* ... and asking for everything again must not call them new. */
	fixture_copy_without(&first, &all, SIZE_MAX);
	tracker_update(t, &listeners_only, &all, 2, 3);
	for (i = 0; i < all.nsocks; i++)
		ck_assert_int_eq(tracker_mark(t, &all.socks[i], 2.5), MARK_NONE);
	snapshot_free(&all);
	snapshot_free(&listeners_only);
}
END_TEST

/* The kernel usually dumps in the same order, and the tracker tries the
 * next socket of the last snapshot first; any other order must give the
 * same answers. */
START_TEST(t_reordered_dump_matches_by_cookie)
{
	struct pv_snapshot reversed;
	uint64_t changed_cookie = first.socks[2].cookie;
	size_t i, n = first.nsocks;

	tracker_update(t, NULL, &first, 0, 3);
	snapshot_init(&reversed);
	for (i = n; i-- > 1;) /* socket 0 closes */
		snapshot_add_socket(&reversed, &first.socks[i]);
	for (i = 0; i < reversed.nsocks; i++) {
		reversed.socks[i].owner_count = 0;
		if (reversed.socks[i].cookie == changed_cookie)
			reversed.socks[i].state = PV_STATE_FIN_WAIT1;
	}
	tracker_update(t, &first, &reversed, 1, 3);
	ck_assert_uint_eq(reversed.nsocks, n); /* n - 1 live and one tombstone */
	for (i = 0; i < n - 1; i++) {
		enum change_mark want = reversed.socks[i].cookie == changed_cookie ? MARK_CHANGED : MARK_NONE;

		ck_assert_int_eq(tracker_mark(t, &reversed.socks[i], 1.5), want);
	}
	ck_assert(reversed.socks[n - 1].gone);
	ck_assert_uint_eq(reversed.socks[n - 1].cookie, first.socks[0].cookie);
	snapshot_free(&reversed);
}
END_TEST

CHECK_SUITE_WITH_FIXTURE("tracker", setup, teardown, t_reordered_dump_matches_by_cookie,
			 t_first_snapshot_marks_nothing, t_new_changed_gone, t_unix_tombstone_keeps_its_name,
			 t_tombstone_outlives_its_process, t_highlight_zero_keeps_nothing,
			 t_kernel_mask_changes_are_not_events)
