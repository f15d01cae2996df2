#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "check_main.h"

static struct pv_addr parsed(const char *text, int *prefix)
{
	struct pv_addr a;
	int p;

	ck_assert_msg(addr_parse(text, strlen(text), &a, prefix ? prefix : &p) == 0, "%s", text);
	return a;
}

START_TEST(t_unmaps_v4_mapped)
{
	uint8_t raw[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1 };
	struct pv_addr a;
	char buf[PV_ADDR_STRLEN];

	addr_from_kernel(&a, AF_INET6, raw);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_str_eq(addr_format(&a, buf, sizeof(buf)), "127.0.0.1");
	raw[10] = 0; /* ::127.0.0.1 is not mapped */
	addr_from_kernel(&a, AF_INET6, raw);
	ck_assert_int_eq(a.family, AF_INET6);
}
END_TEST

START_TEST(t_formats)
{
	char buf[PV_ENDPOINT_STRLEN];
	struct pv_endpoint e = { .addr = parsed("::1", NULL), .port = 53 };

	ck_assert_str_eq(endpoint_format(&e, buf, sizeof(buf)), "[::1]:53");
	e.addr = parsed("10.1.2.3", NULL);
	e.port = 65535;
	ck_assert_str_eq(endpoint_format(&e, buf, sizeof(buf)), "10.1.2.3:65535");
	e.addr = parsed("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", NULL);
	ck_assert_str_eq(endpoint_format(&e, buf, sizeof(buf)),
			 "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe]:65535");
	e.addr = parsed("::", NULL);
	ck_assert(addr_is_wildcard(&e.addr));
	e.addr = parsed("0.0.0.0", NULL);
	ck_assert(addr_is_wildcard(&e.addr));
	e.addr = parsed("0.0.0.1", NULL);
	ck_assert(!addr_is_wildcard(&e.addr));
}
END_TEST

START_TEST(t_parses_prefixes)
{
	struct pv_addr a;
	int prefix;

	a = parsed("10.0.0.0/8", &prefix);
	ck_assert_int_eq(prefix, 8);
	a = parsed("[fe80::1]/64", &prefix);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_int_eq(prefix, 64);
	a = parsed("::ffff:10.0.0.1", &prefix);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_int_eq(prefix, 32);
	a = parsed("1.2.3.4", &prefix);
	ck_assert_int_eq(prefix, 32);
	ck_assert_int_eq(addr_parse("1.2.3.4/", 8, &a, &prefix), -1);
	ck_assert_int_eq(addr_parse("1.2.3.4/33", 10, &a, &prefix), -1);
	ck_assert_int_eq(addr_parse("1.2.3.4/3x", 10, &a, &prefix), -1);
	ck_assert_int_eq(addr_parse("::/129", 6, &a, &prefix), -1);
	ck_assert_int_eq(addr_parse("[]", 2, &a, &prefix), -1);
	ck_assert_int_eq(addr_parse("", 0, &a, &prefix), -1);
	ck_assert_int_eq(addr_parse("nginx", 5, &a, &prefix), -1);
	/* Only len bytes count: the rest of the buffer is not read. */
	ck_assert_int_eq(addr_parse("1.2.3.4/8 junk", 9, &a, &prefix), 0);
	ck_assert_int_eq(prefix, 8);
}
END_TEST

START_TEST(t_prefix_match)
{
	struct pv_addr net = parsed("10.0.0.0", NULL), a = parsed("10.200.1.1", NULL);
	struct pv_addr b = parsed("11.0.0.1", NULL), v6 = parsed("2001:db8::1", NULL);

	ck_assert(addr_in_prefix(&a, &net, 8));
	ck_assert(!addr_in_prefix(&b, &net, 8));
	ck_assert(addr_in_prefix(&b, &net, 7));
	ck_assert(addr_in_prefix(&b, &net, 0));
	ck_assert(!addr_in_prefix(&v6, &net, 0));
	net = parsed("2001:db8::", NULL);
	ck_assert(addr_in_prefix(&v6, &net, 32));
	ck_assert(!addr_in_prefix(&v6, &net, 128));
	ck_assert(addr_in_prefix(&v6, &net, 127));
}
END_TEST

CHECK_SUITE("addr", t_unmaps_v4_mapped, t_formats, t_parses_prefixes, t_prefix_match)
