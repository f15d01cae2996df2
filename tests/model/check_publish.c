#include "config.h"

#include <string.h>

#include "check_main.h"
#include "fixtures.h"
#include "publish.h"

static struct pv_snapshot snap;

static void setup(void)
{
	fixture_snapshot(&snap);
	fixture_namespaces(&snap);
}
static void teardown(void)
{
	snapshot_free(&snap);
}

START_TEST(t_option)
{
	static const char line[] = "/usr/bin/docker-proxy -proto tcp -host-port 15432 -container-port 5432";
	char v[16];

	ck_assert(publish_option(line, strlen(line), "-container-port", v, sizeof(v)));
	ck_assert_str_eq(v, "5432");
	ck_assert(publish_option(line, strlen(line), "-proto", v, sizeof(v)));
	ck_assert_str_eq(v, "tcp");
	/* Whole words only; a flag at the end has no value. */
	ck_assert(!publish_option(line, strlen(line), "-port", v, sizeof(v)));
	ck_assert(!publish_option("x -c", 4, "-c", v, sizeof(v)));
	ck_assert(!publish_option(line, strlen(line), "-host-port", v, 3));
}
END_TEST

/* docker-proxy names the container's address and port: the listener on
 * 127.0.0.1:5432 in namespace db, not the host's listeners on other
 * ports. */
START_TEST(t_docker_proxy)
{
	fixture_published_port(&snap, "docker-proxy",
			       "/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 15432 "
			       "-container-ip 127.0.0.1 -container-port 5432");
	ck_assert_uint_eq(snap.socks[11].forward_to, 5 + 1);
	for (size_t i = 0; i < 11; i++)
		ck_assert_uint_eq(snap.socks[i].forward_to, 0);
}
END_TEST

START_TEST(t_docker_proxy_wrong_port)
{
	fixture_published_port(&snap, "docker-proxy",
			       "docker-proxy -container-ip 127.0.0.1 -container-port 5433");
	ck_assert_uint_eq(snap.socks[11].forward_to, 0);
}
END_TEST

/* conmon holds a published port for container -c ID: its one listener. */
START_TEST(t_conmon)
{
	fixture_published_port(&snap, "conmon",
			       "/usr/bin/conmon --api-version 1 -c abc123def456abc123def456 -n db");
	ck_assert_uint_eq(snap.socks[11].forward_to, 5 + 1);
	teardown();
	setup();
	fixture_published_port(&snap, "conmon", "/usr/bin/conmon -c ffff -n other");
	ck_assert_uint_eq(snap.socks[11].forward_to, 0);
}
END_TEST

CHECK_SUITE_WITH_FIXTURE("publish", setup, teardown, t_option, t_docker_proxy, t_docker_proxy_wrong_port,
			 t_conmon)
