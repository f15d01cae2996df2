#include "config.h"

#include <string.h>

#include "check_main.h"
#include "owner_record.h"

/* What the reader passed on, in order. */
static struct owner_record got[16];
static size_t ngot;

static void take(const struct owner_record *r, void *arg)
{
	(void)arg;
	if (ngot < sizeof(got) / sizeof(got[0]))
		got[ngot++] = *r;
}

static struct owner_record record(__u32 tgid, __u32 fd, __u64 cookie)
{
	return (struct owner_record){ .version = OWNER_RECORD_VERSION,
				      .size = sizeof(struct owner_record),
				      .tgid = tgid,
				      .fd = fd,
				      .inode = 1000 + fd,
				      .netns = 4026531840u,
				      .cookie = cookie };
}

/* A stream of three records and, between the first two, one of a later
 * version 40 bytes long. */
static size_t stream(unsigned char *buf)
{
	struct owner_record a = record(10, 3, 77), b = record(11, 4, 78), c = record(12, 100, 1ull << 40);
	unsigned char later[40] = { 0 };
	__u16 v = OWNER_RECORD_VERSION + 1, size = sizeof(later);
	size_t n = 0;

	memcpy(later, &v, 2);
	memcpy(later + 2, &size, 2);
	memcpy(buf + n, &a, sizeof(a)), n += sizeof(a);
	memcpy(buf + n, later, sizeof(later)), n += sizeof(later);
	memcpy(buf + n, &b, sizeof(b)), n += sizeof(b);
	memcpy(buf + n, &c, sizeof(c)), n += sizeof(c);
	return n;
}

static void check_three(const struct owner_record_reader *r)
{
	ck_assert_uint_eq(ngot, 3);
	ck_assert_uint_eq(got[0].tgid, 10);
	ck_assert_uint_eq(got[1].fd, 4);
	ck_assert_uint_eq(got[2].fd, 100);
	ck_assert(got[2].cookie == 1ull << 40);
	ck_assert_uint_eq(r->unknown, 1);
	ck_assert(owner_record_complete(r));
}

START_TEST(t_whole_stream)
{
	unsigned char buf[256];
	struct owner_record_reader r = { 0 };
	size_t n = stream(buf);

	ngot = 0;
	owner_record_feed(&r, buf, n, take, NULL);
	check_three(&r);
}
END_TEST

/* read() may return any number of bytes: cut the stream everywhere. */
START_TEST(t_every_cut)
{
	unsigned char buf[256];
	size_t n = stream(buf);

	for (size_t step = 1; step <= n; step++) {
		struct owner_record_reader r = { 0 };

		ngot = 0;
		for (size_t off = 0; off < n; off += step)
			owner_record_feed(&r, buf + off, off + step <= n ? step : n - off, take, NULL);
		check_three(&r);
	}
}
END_TEST

START_TEST(t_short_stream)
{
	unsigned char buf[256];
	struct owner_record_reader r = { 0 };
	size_t n = stream(buf);

	ngot = 0;
	owner_record_feed(&r, buf, n - 5, take, NULL);
	ck_assert_uint_eq(ngot, 2);
	ck_assert(!owner_record_complete(&r));
}
END_TEST

/* A header no record can have (too small, odd, huge, or this version at
 * the wrong size) stops the reader: nothing after it is believed. */
START_TEST(t_broken_headers)
{
	static const __u16 bad[][2] = {
		{ OWNER_RECORD_VERSION + 1, 2 },
		{ OWNER_RECORD_VERSION + 1, 6 },
		{ OWNER_RECORD_VERSION + 1, 8192 },
		{ OWNER_RECORD_VERSION, 16 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct owner_record_reader r = { 0 };
		struct owner_record ok = record(1, 1, 1);
		unsigned char buf[64];

		memcpy(buf, bad[i], 4);
		memcpy(buf + 4, &ok, sizeof(ok));
		ngot = 0;
		owner_record_feed(&r, buf, 4 + sizeof(ok), take, NULL);
		ck_assert_uint_eq(ngot, 0);
		ck_assert(r.broken && !owner_record_complete(&r));
	}
}
END_TEST

CHECK_SUITE("owner_record", t_whole_stream, t_every_cut, t_short_stream, t_broken_headers)
