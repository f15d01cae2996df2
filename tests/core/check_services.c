#include "config.h"

#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "check_main.h"
#include "services.h"

static struct services *parse(const char *text)
{
	return services_parse(text, strlen(text));
}

START_TEST(t_names)
{
	struct services *sv = parse("# Network services\n"
				    "ftp\t\t21/tcp\n"
				    "http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP\n"
				    "domain  53/tcp\n"
				    "domain  53/udp\r\n"
				    "www-alt 80/tcp\n" /* the first name of a port wins */
				    "   kerberos  88/udp  kerberos5 krb5\n"
				    "last 65535/udp"); /* no newline at the end */

	ck_assert_str_eq(services_name(sv, IPPROTO_TCP, 21), "ftp");
	ck_assert_str_eq(services_name(sv, IPPROTO_TCP, 80), "http");
	ck_assert_str_eq(services_name(sv, IPPROTO_TCP, 53), "domain");
	ck_assert_str_eq(services_name(sv, IPPROTO_UDP, 53), "domain");
	ck_assert_str_eq(services_name(sv, IPPROTO_UDP, 88), "kerberos");
	ck_assert_str_eq(services_name(sv, IPPROTO_UDP, 65535), "last");
	ck_assert_ptr_null(services_name(sv, IPPROTO_UDP, 80)); /* tcp only */
	ck_assert_ptr_null(services_name(sv, IPPROTO_TCP, 22));
	ck_assert_ptr_null(services_name(sv, 254, 80)); /* not tcp or udp */
	ck_assert_uint_eq(services_count(sv), 6);
	services_free(sv);
}
END_TEST

/* What does not fit is skipped, never half-read. */
START_TEST(t_malformed_lines)
{
	char longname[100];
	struct services *sv;
	char text[300];

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	snprintf(text, sizeof(text),
		 "noport\n"
		 "zero 0/tcp\n"
		 "big 65536/tcp\n"
		 "neg -1/tcp\n"
		 "sctp 132/sctp\n"
		 "slashless 80\n"
		 "junk 80x/tcp\n"
		 "tcpx 81/tcpx\n"
		 "#commented 82/tcp\n"
		 "%s 83/tcp\n"
		 "ok 84/tcp#comment\n",
		 longname);
	sv = parse(text);
	ck_assert_uint_eq(services_count(sv), 1);
	ck_assert_str_eq(services_name(sv, IPPROTO_TCP, 84), "ok");
	services_free(sv);
}
END_TEST

START_TEST(t_empty_and_missing)
{
	struct services *sv = parse("");

	ck_assert_uint_eq(services_count(sv), 0);
	services_free(sv);
	sv = services_load("/nonexistent/services");
	ck_assert_uint_eq(services_count(sv), 0);
	ck_assert_ptr_null(services_name(sv, IPPROTO_TCP, 80));
	services_free(sv);
	ck_assert_ptr_null(services_name(NULL, IPPROTO_TCP, 80));
	services_free(NULL);
}
END_TEST

CHECK_SUITE("services", t_names, t_malformed_lines, t_empty_and_missing)
