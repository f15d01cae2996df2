/* The refresh pipeline against the real kernel: a socket this test opens
 * is in the model with relations and health done, the background path
 * hands out the same as the synchronous one, and the model before stays
 * valid until the next collection starts. */
#include "config.h"

#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check_main.h"
#include "kinds.h"
#include "refresh.h"

/* A TCP listener on 127.0.0.1 with a kernel-chosen port. */
static int listen_somewhere(uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 7), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* A client connected to 127.0.0.1:port (the connection waits in the
 * listener's accept queue). */
static int connect_to(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				  .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static const struct pv_socket *find_client(const struct pv_model *m, uint16_t port)
{
	for (size_t i = 0; i < m->snap->nsocks; i++) {
		const struct pv_socket *k = &m->snap->socks[i];

		if (k->proto == IPPROTO_TCP && k->state == 1 && k->remote.port == port && !k->gone)
			return k;
	}
	return NULL;
}

static const struct pv_socket *find_listener(const struct pv_model *m, uint16_t port)
{
	for (size_t i = 0; i < m->snap->nsocks; i++) {
		const struct pv_socket *k = &m->snap->socks[i];

		if (k->proto == IPPROTO_TCP && k->state == 10 && k->local.port == port && !k->gone)
			return k;
	}
	return NULL;
}

START_TEST(t_now_and_in_the_background)
{
	struct refresh_options ro = {
		.incremental = true, .tcp_info = true, .peers = true, .track = true, .highlight = 3
	};
	char err[256];
	struct refresh *r = refresh_open(&ro, err, sizeof(err));
	const struct pv_model *first, *second;
	const struct pv_snapshot *first_snap;
	const struct pv_socket *listener, *client;
	struct pollfd pfd;
	uint16_t port;
	int fd = listen_somewhere(&port), cfd = connect_to(port);
	bool again;

	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_ptr_null(refresh_model(r));
	first = refresh_now(r, kind_mask_all(), err, sizeof(err));
	ck_assert_msg(first != NULL, "%s", err);
	ck_assert_uint_eq(first->serial, 1);
	ck_assert(!first->rates);
	ck_assert_ptr_nonnull(first->tracker);
	listener = find_listener(first, port);
	ck_assert_msg(listener != NULL, "the listener on %u is missing", port);
	ck_assert_uint_eq(listener->wqueue, 7);
	/* Relations ran on what was collected: the client names the server's
	 * end, which the listener accepted. */
	client = find_client(first, port);
	ck_assert_msg(client != NULL, "the client of %u is missing", port);
	ck_assert(client->has_peer);
	ck_assert_uint_eq(first->snap->socks[client->peer].local.port, port);
	ck_assert(first->snap->socks[client->peer].accepted);
	ck_assert_uint_ge(first->counts.listening, 1);
	first_snap = first->snap;

	/* In the background; a second start meanwhile asks for one more. */
	refresh_start(r, kind_mask_all());
	refresh_start(r, kind_mask_all());
	pfd = (struct pollfd){ .fd = refresh_fd(r), .events = POLLIN };
	ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
	second = refresh_finish(r, &again, err, sizeof(err));
	ck_assert_msg(second != NULL, "%s", err);
	ck_assert(again);
	ck_assert_uint_eq(second->serial, 2);
	ck_assert(second->rates);
	ck_assert_ptr_ne(second->snap, first_snap);
	ck_assert_ptr_nonnull(find_listener(second, port));
	/* The snapshot before is still whole until the next collection. */
	ck_assert_ptr_nonnull(find_listener(&(struct pv_model){ .snap = first_snap }, port));
	ck_assert_ptr_eq(refresh_model(r), second);

	/* A refresh now while one runs in the background supersedes it: no
	 * word is left on the fd for the loop to fold in twice. */
	refresh_start(r, kind_mask_all());
	second = refresh_now(r, kind_mask_all(), err, sizeof(err));
	ck_assert_ptr_nonnull(second);
	ck_assert_uint_eq(second->serial, 3);
	pfd.revents = 0;
	ck_assert_int_eq(poll(&pfd, 1, 200), 0);
	ck_assert_ptr_null(refresh_finish(r, &again, err, sizeof(err)));
	ck_assert_str_eq(err, "");
	ck_assert(!again);

	/* Closed: gone from the next model. */
	close(cfd);
	close(fd);
	second = refresh_now(r, kind_mask_all(), err, sizeof(err));
	ck_assert_ptr_nonnull(second);
	ck_assert_ptr_null(find_listener(second, port));
	ck_assert_uint_eq(second->serial, 4);
	refresh_close(r);
}
END_TEST

/* A mask without TCP asks the kernel for none. */
START_TEST(t_the_mask_is_pushed_down)
{
	struct refresh_options ro = { .tcp_info = false, .peers = true };
	char err[256];
	struct refresh *r = refresh_open(&ro, err, sizeof(err));
	uint64_t udp_only = 0;
	const struct pv_model *m;
	uint16_t port;
	int fd = listen_somewhere(&port);

	ck_assert_msg(r != NULL, "%s", err);
	for (uint8_t st = 0; st < KIND_MASK_STATES; st++) {
		udp_only |= 1ull << kind_mask_bit(AF_INET, IPPROTO_UDP, st);
		udp_only |= 1ull << kind_mask_bit(AF_INET6, IPPROTO_UDP, st);
	}
	m = refresh_now(r, udp_only, err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
	for (size_t i = 0; i < m->snap->nsocks; i++)
		ck_assert_uint_ne(m->snap->socks[i].proto, IPPROTO_TCP);
	ck_assert_uint_eq(m->snap->kernel_mask, udp_only);
	close(fd);
	refresh_close(r);
}
END_TEST

CHECK_SUITE("refresh", t_now_and_in_the_background, t_the_mask_is_pushed_down)
