#include "config.h"

#include <string.h>
#include <netinet/in.h>

#include "check_main.h"
#include "exposure.h"
#include "ports.h"

START_TEST(t_classes)
{
	ck_assert_int_eq(port_class(0), PV_PORT_WELL_KNOWN);
	ck_assert_int_eq(port_class(1023), PV_PORT_WELL_KNOWN);
	ck_assert_int_eq(port_class(1024), PV_PORT_REGISTERED);
	ck_assert_int_eq(port_class(49151), PV_PORT_REGISTERED);
	ck_assert_int_eq(port_class(49152), PV_PORT_DYNAMIC);
	ck_assert_int_eq(port_class(65535), PV_PORT_DYNAMIC);
	ck_assert_str_eq(port_class_names[PV_PORT_DYNAMIC], "dynamic");
}
END_TEST

START_TEST(t_range)
{
	uint16_t lo = 1, hi = 2;

	ck_assert(ports_parse_range("32768\t60999\n", &lo, &hi));
	ck_assert_uint_eq(lo, 32768);
	ck_assert_uint_eq(hi, 60999);
	/* Anything else leaves them as they were. */
	ck_assert(!ports_parse_range("60999 32768", &lo, &hi));
	ck_assert(!ports_parse_range("1 65536", &lo, &hi));
	ck_assert(!ports_parse_range("1", &lo, &hi));
	ck_assert(!ports_parse_range("1 2 3", &lo, &hi));
	ck_assert(!ports_parse_range("-1 2", &lo, &hi));
	ck_assert(!ports_parse_range("", &lo, &hi));
	ck_assert_uint_eq(lo, 32768);
}
END_TEST

START_TEST(t_reserved_and_ephemeral)
{
	struct pv_port_rules r = {
		.known = true, .ephemeral_lo = 32768, .ephemeral_hi = 60999, .reserved = "8080,40000-40009"
	};

	ck_assert(ports_valid_list(""));
	ck_assert(ports_valid_list("1,2-3,65535"));
	ck_assert(!ports_valid_list("1,,"));
	ck_assert(!ports_valid_list("3-2"));
	ck_assert(!ports_valid_list("1;2"));
	ck_assert(!ports_valid_list("70000"));
	ck_assert(ports_reserved(&r, 8080));
	ck_assert(ports_reserved(&r, 40005));
	ck_assert(!ports_reserved(&r, 40010));
	ck_assert(ports_ephemeral(&r, 32768));
	ck_assert(ports_ephemeral(&r, 60999));
	ck_assert(!ports_ephemeral(&r, 61000));
	ck_assert(!ports_ephemeral(&r, 40000)); /* reserved */
	ck_assert(!ports_ephemeral(&r, 8080));
	/* Rules not read claim nothing. */
	r.known = false;
	ck_assert(!ports_ephemeral(&r, 40020));
}
END_TEST

static struct pv_socket listener(uint8_t proto, uint8_t family, const char *bytes, size_t len)
{
	struct pv_socket k;

	memset(&k, 0, sizeof(k));
	k.proto = proto;
	k.family = family;
	k.state = proto == IPPROTO_TCP ? 10 : 7;
	k.local.addr.family = family;
	memcpy(k.local.addr.bytes, bytes, len);
	k.local.port = 80;
	k.netns = 1;
	return k;
}

START_TEST(t_exposure)
{
	struct pv_snapshot s;
	struct pv_netns ns = { .inode = 1 };
	struct pv_link links[] = { { .ifindex = 1, .loopback = true, .name = "lo" },
				   { .ifindex = 2, .name = "eth0" } };
	struct pv_ifaddr addrs[] = { { .ifindex = 2,
				       .addr = { .family = AF_INET, .bytes = { 192, 0, 2, 7 } } } };
	struct pv_socket k;

	snapshot_init(&s);
	ns.links = links;
	ns.nlinks = 2;
	ns.addrs = addrs;
	ns.naddrs = 1;
	s.netns = &ns;
	s.nnetns = 1;

	k = listener(IPPROTO_TCP, AF_INET, "\x7f\x00\x00\x05", 4);
	ck_assert_int_eq(socket_exposure(&s, &k), PV_EXPOSURE_LOOPBACK);
	k = listener(IPPROTO_TCP, AF_INET6, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	ck_assert_int_eq(socket_exposure(&s, &k), PV_EXPOSURE_LOOPBACK);
	k = listener(IPPROTO_UDP, AF_INET6, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	ck_assert_int_eq(socket_exposure(&s, &k), PV_EXPOSURE_ALL);
	/* A wildcard bound to one device reaches through it alone. */
	k.ifindex = 2;
	ck_assert_int_eq(socket_exposure(&s, &k), PV_EXPOSURE_ADDRESS);
	ck_assert_str_eq(exposure_interface(&s, &k), "eth0");
	k.ifindex = 1;
	ck_assert_int_eq(socket_exposure(&s, &k), PV_EXPOSURE_LOOPBACK);
	k = listener(IPPROTO_TCP, AF_INET, "\xc0\x00\x02\x07", 4);
	ck_assert_int_eq(socket_exposure(&s, &k), PV_EXPOSURE_ADDRESS);
	ck_assert_str_eq(exposure_interface(&s, &k), "eth0");
	ck_assert(exposure_beyond_loopback(socket_exposure(&s, &k)));
	/* An address no interface holds (IP_FREEBIND): no name. */
	k.local.addr.bytes[3] = 8;
	ck_assert_ptr_null(exposure_interface(&s, &k));
	/* Connections and UNIX sockets have no exposure. */
	k.state = 1;
	ck_assert_int_eq(socket_exposure(&s, &k), PV_EXPOSURE_NONE);
	k = listener(PV_PROTO_UNIX, AF_UNIX, "", 0);
	ck_assert_int_eq(socket_exposure(&s, &k), PV_EXPOSURE_NONE);
	/* A connected UDP socket is no listener. */
	k = listener(IPPROTO_UDP, AF_INET, "\0\0\0\0", 4);
	k.remote.port = 53;
	ck_assert_int_eq(socket_exposure(&s, &k), PV_EXPOSURE_NONE);
	s.netns = NULL;
	s.nnetns = 0;
	snapshot_free(&s);
}
END_TEST

CHECK_SUITE("ports", t_classes, t_range, t_reserved_and_ephemeral, t_exposure)
