#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "procinfo.h"

START_TEST(t_stat_with_hostile_name)
{
	static const char stat[] =
		"4211 (a) (b) x) S 1 4211 4211 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 987654 1000 50";
	const char *comm;
	size_t len;
	unsigned long long start;

	ck_assert_int_eq(procinfo_parse_stat(stat, sizeof(stat) - 1, &comm, &len, &start), 0);
	ck_assert_uint_eq(len, 8);
	ck_assert(memcmp(comm, "a) (b) x", 8) == 0);
	ck_assert_uint_eq(start, 987654);
}
END_TEST

START_TEST(t_stat_malformed)
{
	const char *comm;
	size_t len;
	unsigned long long start;

	ck_assert_int_eq(procinfo_parse_stat("", 0, &comm, &len, &start), -1);
	ck_assert_int_eq(procinfo_parse_stat("12 (x", 5, &comm, &len, &start), -1);
	ck_assert_int_eq(procinfo_parse_stat("12 x) S 1", 9, &comm, &len, &start), -1);
	ck_assert_int_eq(procinfo_parse_stat("12 (x) S 1 2", 12, &comm, &len, &start), -1);
}
END_TEST

START_TEST(t_status_uid)
{
	uint32_t uid = 0;

	ck_assert_int_eq(procinfo_parse_status_uid("Name:\tx\nUid:\t1000\t33\t33\t33\nGid:\t0\n", &uid), 0);
	ck_assert_uint_eq(uid, 33);
	ck_assert_int_eq(procinfo_parse_status_uid("Name:\tx\nGid:\t0\n", &uid), -1);
}
END_TEST

START_TEST(t_cmdline_join)
{
	char buf[] = "nginx\0-g\0daemon off;\0\0";

	ck_assert_uint_eq(procinfo_join_cmdline(buf, sizeof(buf) - 1), 20);
	ck_assert_str_eq(buf, "nginx -g daemon off;");
}
END_TEST

START_TEST(t_reads_own_process)
{
	int fd = open("/proc", O_RDONLY | O_DIRECTORY);
	struct pv_process p = { 0 };
	struct arena a = { 0 };
	char pid[16];
	unsigned long long start;

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(procinfo_read(fd, pid, &p, &a), 0);
	ck_assert_int_eq(p.pid, getpid());
	ck_assert_int_eq(procinfo_start_time(getpid(), &start), 0);
	ck_assert_uint_eq(start, p.start_time);
	ck_assert_int_eq(procinfo_read(fd, "999999999", &p, &a), -1);
	ck_assert_str_eq(p.comm, "check_procinfo");
	ck_assert_uint_eq(p.uid, geteuid());
	ck_assert_ptr_nonnull(strstr(p.cmdline, "check_procinfo"));
	ck_assert_uint_gt(p.start_time, 0);
	close(fd);
	arena_free(&a);
}
END_TEST

CHECK_SUITE("procinfo", t_stat_with_hostile_name, t_stat_malformed, t_status_uid, t_cmdline_join,
	    t_reads_own_process)
