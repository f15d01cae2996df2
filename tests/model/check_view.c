#include "config.h"

#include <stdint.h>
#include <string.h>

#include "check_main.h"
#include "columns.h"
#include "fixtures.h"
#include "model.h"
#include "sparkline.h"
#include "view_state.h"

static struct pv_snapshot snap;
static struct view_state v;

static void setup(void)
{
	fixture_snapshot(&snap);
	view_init(&v, GROUP_PROCESS);
	view_rebuild(&v, &snap);
}

static void teardown(void)
{
	view_free(&v);
	snapshot_free(&snap);
}

static uint64_t current_cookie(void)
{
	const struct pv_row *r = view_current(&v);

	ck_assert_int_eq(r->kind, ROW_SOCKET);
	return v.snap->socks[r->index].cookie;
}

START_TEST(t_selection_survives_rebuild)
{
	struct pv_snapshot smaller;
	uint64_t cookie;
	size_t before;

	/* Rows: G100 0 2 4 1 3 G812 5 7 G4211 6 9 ... ; cursor on socket 3. */
	view_move(&v, 5);
	cookie = current_cookie();
	ck_assert_uint_eq(cookie, snap.socks[3].cookie);
	before = v.cursor;
	/* Socket 2, above the cursor, goes away: the cursor follows socket 3. */
	fixture_copy_without(&snap, &smaller, 2);
	view_rebuild(&v, &smaller);
	ck_assert_uint_eq(current_cookie(), cookie);
	ck_assert_uint_eq(v.cursor, before - 1);
	/* A re-sort moves the row; the cursor goes with it. */
	view_sort_by(&v, COL_REMOTE);
	view_rebuild(&v, &smaller);
	ck_assert_uint_eq(current_cookie(), cookie);
	view_rebuild(&v, &snap);
	snapshot_free(&smaller);
}
END_TEST

START_TEST(t_gone_selection_goes_to_neighbour)
{
	struct pv_snapshot smaller;

	view_move(&v, 5); /* socket 3 */
	fixture_copy_without(&snap, &smaller, 3);
	view_rebuild(&v, &smaller);
	/* Socket 3 was the last under nginx; its place now holds postgres. */
	ck_assert_uint_eq(v.cursor, 5);
	ck_assert_int_eq(view_current(&v)->kind, ROW_GROUP);
	view_rebuild(&v, &snap);
	snapshot_free(&smaller);
}
END_TEST

START_TEST(t_collapse_and_expand)
{
	size_t all = v.nvisible;

	ck_assert_uint_eq(all, v.rows.nrows);
	ck_assert_uint_eq(view_toggle_expand(&v), EFFECT_REDRAW); /* nginx group */
	ck_assert_uint_eq(v.nvisible, all - 5);
	ck_assert_uint_eq(v.cursor, 0);
	/* Folding survives a rebuild. */
	view_rebuild(&v, &snap);
	ck_assert_uint_eq(v.nvisible, all - 5);
	view_expand(&v);
	ck_assert_uint_eq(v.nvisible, all);
	/* A listener folds its connections; left goes to the parent. */
	view_move(&v, 1);
	view_collapse_or_parent(&v);
	ck_assert_uint_eq(v.nvisible, all - 2);
	ck_assert_uint_eq(v.cursor, 1);
	view_collapse_or_parent(&v);
	ck_assert_uint_eq(v.cursor, 0);
	/* A socket without children does not fold. */
	view_move_to(&v, 3);
	ck_assert_uint_eq(view_toggle_expand(&v), EFFECT_NONE);
	/* - folds everything to group lines, + opens everything. */
	view_set_all_expanded(&v, false);
	ck_assert_uint_eq(v.nvisible, v.rows.ngroups);
	ck_assert_int_eq(view_current(&v)->kind, ROW_GROUP);
	ck_assert_uint_eq(v.cursor, 0);
	view_set_all_expanded(&v, true);
	ck_assert_uint_eq(v.nvisible, all);
}
END_TEST

START_TEST(t_filter_live_and_errors)
{
	struct filter_error err;
	int effect;

	effect = view_set_filter(&v, "udp", &err);
	ck_assert_int_ge(effect, 0);
	ck_assert(effect & EFFECT_REBUILD);
	view_rebuild(&v, &snap);
	ck_assert_uint_eq(v.rows.nselected, 2);
	ck_assert_int_eq(view_set_filter(&v, "port:abc", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "port must be a number"));
	view_rebuild(&v, &snap);
	ck_assert_uint_eq(v.rows.nselected, 2);
	ck_assert_str_eq(v.filter_text, "udp");
	/* A filter never narrows what is collected, so widening it needs
	 * no rescan; showing UNIX sockets does. */
	ck_assert_uint_eq(view_kernel_mask(&v), kind_mask_all() & ~kind_mask_unix());
	effect = view_set_filter(&v, "", &err);
	ck_assert(!(effect & EFFECT_RESCAN));
	ck_assert(view_toggle_unix(&v) & EFFECT_RESCAN);
	ck_assert_uint_eq(view_kernel_mask(&v), kind_mask_all());
	view_toggle_unix(&v);
	view_rebuild(&v, &snap);
	ck_assert_uint_eq(v.rows.nselected, snap.nsocks);
}
END_TEST

START_TEST(t_toggles)
{
	struct strbuf sb = { 0 };
	unsigned effect;

	effect = view_toggle(&v, TOGGLE_LISTEN);
	ck_assert(!(effect & EFFECT_RESCAN));
	view_rebuild(&v, &snap);
	ck_assert_uint_eq(v.rows.nselected, 4);
	effect = view_toggle(&v, TOGGLE_ESTAB); /* switches listening off */
	ck_assert(!(effect & EFFECT_RESCAN));
	ck_assert_uint_eq(v.toggles, TOGGLE_ESTAB);
	view_toggle(&v, TOGGLE_V6);
	view_rebuild(&v, &snap);
	ck_assert_uint_eq(v.rows.nselected, 1); /* socket 9; 3 is shown as IPv4 */
	view_describe_toggles(&v, &sb);
	ck_assert_str_eq(strbuf_str(&sb), "[established] [ipv6]");
	view_toggle(&v, TOGGLE_V6);
	view_toggle(&v, TOGGLE_ESTAB);
	ck_assert_uint_eq(v.toggles, 0);
	view_rebuild(&v, &snap);
	ck_assert_uint_eq(v.rows.nselected, snap.nsocks);
	strbuf_free(&sb);
}
END_TEST

START_TEST(t_sort_and_group_cycles)
{
	ck_assert_int_eq(v.order.column, -1);
	view_cycle_sort(&v);
	ck_assert_int_eq(v.order.column, COL_PROCESS);
	view_cycle_sort(&v);
	ck_assert_int_eq(v.order.column, COL_LOCAL);
	view_reverse_sort(&v);
	ck_assert(v.order.reverse);
	view_sort_by(&v, COL_LOCAL);
	ck_assert(!v.order.reverse);
	view_sort_by(&v, COL_RECVQ);
	ck_assert_int_eq(v.order.column, COL_RECVQ);
	ck_assert(!v.order.reverse);
	ck_assert_int_eq(v.group, GROUP_PROCESS);
	view_cycle_group(&v);
	ck_assert_int_eq(v.group, GROUP_PORT);
	view_cycle_group(&v);
	ck_assert_int_eq(v.group, GROUP_NETNS);
	view_cycle_group(&v);
	ck_assert_int_eq(v.group, GROUP_NONE);
	view_rebuild(&v, &snap);
	ck_assert_uint_eq(v.nvisible, snap.nsocks);
	view_cycle_group(&v);
	ck_assert_int_eq(v.group, GROUP_PROCESS);
}
END_TEST

START_TEST(t_scrolling)
{
	view_move_to(&v, 12);
	view_scroll_to_cursor(&v, 5);
	ck_assert_uint_eq(v.top, 8);
	view_move(&v, -100);
	ck_assert_uint_eq(v.cursor, 0);
	view_scroll_to_cursor(&v, 5);
	ck_assert_uint_eq(v.top, 0);
	view_move(&v, 1000);
	ck_assert_uint_eq(v.cursor, v.nvisible - 1);
}
END_TEST

static void collect_notice(const char *message, void *arg)
{
	struct strbuf *sb = arg;

	strbuf_printf(sb, "%s|", message);
}

START_TEST(t_notices)
{
	struct strbuf sb = { 0 };

	snapshot_notices(&snap, 0, collect_notice, &sb);
	ck_assert_str_eq(strbuf_str(&sb), "");
	snap.unavailable = PV_DUMP_UDP6;
	snap.incomplete = true;
	snapshot_notices(&snap, 2, collect_notice, &sb);
	ck_assert_str_eq(strbuf_str(&sb), "UDP over IPv6: not available on this kernel|"
					  "a socket dump was interrupted; the listing may be incomplete|"
					  "owners of 2 sockets hidden (no permission): run as root, "
					  "or grant CAP_DAC_READ_SEARCH,CAP_SYS_PTRACE|");
	strbuf_reset(&sb);
	snap.unavailable = 0;
	snap.incomplete = false;
	snap.procs_invisible = true;
	snapshot_notices(&snap, 1, collect_notice, &sb);
	ck_assert_str_eq(strbuf_str(&sb), "owners of 1 sockets hidden: /proc is mounted with hidepid=2, "
					  "so other users' processes are invisible; run as root|");
	strbuf_free(&sb);
}
END_TEST

START_TEST(t_same_rows_detects_changes)
{
	struct pv_snapshot copy;

	fixture_copy_without(&snap, &copy, SIZE_MAX);
	ck_assert(snapshot_same_rows(&snap, &copy));
	copy.socks[3].wqueue++;
	ck_assert(!snapshot_same_rows(&snap, &copy));
	copy.socks[3].wqueue--;
	copy.socks[5].state = 8;
	ck_assert(!snapshot_same_rows(&snap, &copy));
	copy.socks[5].state = snap.socks[5].state;
	copy.owner_refs[0] = FX_PSQL;
	ck_assert(!snapshot_same_rows(&snap, &copy));
	copy.owner_refs[0] = snap.owner_refs[0];
	copy.procs[FX_PSQL].comm = "renamed";
	ck_assert(!snapshot_same_rows(&snap, &copy));
	copy.procs[FX_PSQL].comm = snap.procs[FX_PSQL].comm;
	ck_assert(snapshot_same_rows(&snap, &copy));
	copy.nsocks--;
	ck_assert(!snapshot_same_rows(&snap, &copy));
	copy.nsocks++;
	/* Retargeted rows keep the cursor and the row count. */
	view_move(&v, 4);
	view_retarget(&v, &copy);
	ck_assert_ptr_eq(v.snap, &copy);
	ck_assert_uint_eq(v.cursor, 4);
	view_rebuild(&v, &snap);
	snapshot_free(&copy);
}
END_TEST

/* The width of the sparkline on the group line of process pid. */
static size_t spark_width_of(int pid)
{
	struct strbuf sb = { 0 };
	size_t w = 0;

	for (size_t i = 0; i < v.rows.nrows; i++) {
		const struct pv_row *r = &v.rows.rows[i];
		struct row_key key;

		if (r->kind != ROW_GROUP || v.rows.groups[r->index].kind != GK_PROCESS ||
		    snap.procs[v.rows.groups[r->index].proc].pid != pid)
			continue;
		rows_key(&v.rows, &snap, i, &key);
		w = spark_format(v.sparks, row_key_hash(&key), false, &sb);
	}
	strbuf_free(&sb);
	return w;
}

/* Sparklines chart a group's whole traffic: a filter that hides the
 * group for a while and is cleared again finds its history whole. */
START_TEST(t_sparklines_outlive_filters)
{
	struct pv_model m = { .snap = &snap, .same_rows = true, .rates = true };
	struct filter_error err;

	snap.socks[7].has_rate = true; /* postgres's end of the psql connection */
	snap.socks[7].rate_in = 100;
	view_refresh(&v, &m);
	view_refresh(&v, &m);
	ck_assert_uint_eq(spark_width_of(812), 2);
	ck_assert_int_ge(view_set_filter(&v, "port:80", &err), 0);
	view_rebuild(&v, &snap);
	for (int i = 0; i < 3; i++)
		view_refresh(&v, &m);
	ck_assert_uint_eq(spark_width_of(812), 0); /* not shown */
	ck_assert_int_ge(view_set_filter(&v, "", &err), 0);
	view_rebuild(&v, &snap);
	view_refresh(&v, &m);
	ck_assert_uint_eq(spark_width_of(812), 6);
}
END_TEST

CHECK_SUITE_WITH_FIXTURE("view", setup, teardown, t_sparklines_outlive_filters, t_selection_survives_rebuild,
			 t_gone_selection_goes_to_neighbour, t_collapse_and_expand, t_filter_live_and_errors,
			 t_toggles, t_sort_and_group_cycles, t_scrolling, t_same_rows_detects_changes,
			 t_notices)
