#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include "activation.h"
#include "check_main.h"
#include "systemd_sockets.h"

START_TEST(t_parse)
{
	struct arena arena = { 0 };
	struct pv_socket_unit u[8];
	size_t n = systemd_socket_parse(
		"[Unit]\nDescription=CUPS\n[Socket]\nListenStream=/run/cups/cups.sock\n"
		"ListenStream = [::1]:631\n# ListenStream=9\nListenDatagram=0.0.0.0:631\n"
		"ListenStream=vsock:2:1234\n[Install]\nListenStream=77\n",
		"cups.socket", u, 8, &arena);

	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(u[0].proto, PV_PROTO_UNIX);
	ck_assert_str_eq(u[0].path, "/run/cups/cups.sock");
	ck_assert_uint_eq(u[1].proto, IPPROTO_TCP);
	ck_assert_uint_eq(u[1].port, 631);
	ck_assert_uint_eq(u[2].proto, IPPROTO_UDP);
	ck_assert_str_eq(u[2].unit, "cups.socket");
	ck_assert_str_eq(u[2].service, "cups.service");
	n = systemd_socket_parse("[Socket]\nListenStream=22\nAccept=yes\n", "sshd.socket", u, 8, &arena);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(u[0].service, "sshd@.service");
	n = systemd_socket_parse("[Socket]\nListenStream=8080\nService=web-app.service\n", "web.socket", u, 8,
				 &arena);
	ck_assert_str_eq(u[0].service, "web-app.service");
	/* Room for one: the rest are dropped, not written past. */
	n = systemd_socket_parse("[Socket]\nListenStream=1\nListenStream=2\n", "x.socket", u, 1, &arena);
	ck_assert_uint_eq(n, 1);
	arena_free(&arena);
}
END_TEST

/* PID 1 holding a listener of a unit in a folder: the unit and service
 * are named though the service does not run. */
START_TEST(t_pid1_listener)
{
	char dir[] = "/tmp/pv-units-XXXXXX", path[300];
	const char *dirs[] = { dir, NULL };
	struct systemd_sockets *ss;
	struct pv_snapshot s;
	struct pv_socket k;
	struct pv_activation a;
	uint32_t p;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/web.socket", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("[Socket]\nListenStream=8080\n", f);
	fclose(f);
	snapshot_init(&s);
	p = snapshot_add_process(&s);
	s.procs[p].pid = 1;
	s.procs[p].comm = "systemd";
	memset(&k, 0, sizeof(k));
	k.family = AF_INET;
	k.proto = IPPROTO_TCP;
	k.state = 10;
	k.local.port = 8080;
	k.cookie = 5;
	snapshot_reserve_refs(&s, 1);
	k.owner_count = 1;
	snapshot_push_ref(&s, p, 3);
	snapshot_add_socket(&s, &k);
	ss = systemd_sockets_new(dirs, "/nonexistent");
	systemd_sockets_fill(ss, &s, 1.0);
	ck_assert(socket_activation(&s, &s.socks[0], &a));
	ck_assert_int_eq(a.activator->pid, 1);
	ck_assert_ptr_null(a.service);
	ck_assert_str_eq(a.socket_unit, "web.socket");
	ck_assert_str_eq(a.service_unit, "web.service");
	/* Another port: PID 1 holds it, no unit says which. */
	s.socks[0].local.port = 8081;
	ck_assert(socket_activation(&s, &s.socks[0], &a));
	ck_assert_ptr_null(a.socket_unit);
	systemd_sockets_free(ss);
	snapshot_free(&s);
	unlink(path);
	rmdir(dir);
}
END_TEST

CHECK_SUITE("systemd_sockets", t_parse, t_pid1_listener)
