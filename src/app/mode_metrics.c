#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "addr.h"
#include "headless.h"
#include "kinds.h"
#include "metrics.h"
#include "modes.h"
#include "refresh.h"
#include "sanitize.h"
#include "xalloc.h"

/* A scrape is a short GET: anything longer, slower or bigger is dropped
 * without costing the refresh (libmicrohttpd runs on its own thread). */
enum {
	HTTP_CONNECTIONS_MAX = 32,
	HTTP_PER_IP_MAX = 8,
	HTTP_TIMEOUT_SECONDS = 5,
	HTTP_MEMORY_PER_CONNECTION = 16384,
};

/* The text the HTTP thread serves: replaced after each refresh. */
struct exposition {
	pthread_mutex_t lock;
	char *text;
	size_t len;
};

static enum MHD_Result http_reply(struct MHD_Connection *conn, unsigned status, const char *body, bool copy,
				  size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		len, (void *)body, copy ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				status == MHD_HTTP_OK ? "text/plain; version=0.0.4; charset=utf-8"
						      : "text/plain");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* GET (or HEAD) /metrics, nothing else, and no body. */
static enum MHD_Result http_handle(void *cls, struct MHD_Connection *conn, const char *url,
				   const char *method, const char *version, const char *upload_data,
				   size_t *upload_size, void **state)
{
	static const char not_found[] = "portview serves /metrics only\n";
	static const char not_allowed[] = "GET /metrics\n";
	struct exposition *e = cls;
	/* The state is no pointer: 1 + the body's bytes seen so far. */
	uintptr_t body = (uintptr_t)*state;
	char *copy;
	size_t len;

	(void)version;
	(void)upload_data;
	if (!body) {
		*state = (void *)(uintptr_t)1; /* headers read; a body, if any, comes next */
		return MHD_YES;
	}
	if (*upload_size) {
		/* Read and dropped; more than a request's worth ends it. */
		body += *upload_size;
		*upload_size = 0;
		*state = (void *)body;
		return body - 1 > HTTP_MEMORY_PER_CONNECTION ? MHD_NO : MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return http_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, not_allowed, false,
				  sizeof(not_allowed) - 1);
	if (body > 1)
		return http_reply(conn, MHD_HTTP_BAD_REQUEST, not_allowed, false, sizeof(not_allowed) - 1);
	if (strcmp(url, "/metrics") != 0)
		return http_reply(conn, MHD_HTTP_NOT_FOUND, not_found, false, sizeof(not_found) - 1);
	pthread_mutex_lock(&e->lock);
	len = e->len;
	copy = xmalloc(len ? len : 1);
	memcpy(copy, e->text, len);
	pthread_mutex_unlock(&e->lock);
	return http_reply(conn, MHD_HTTP_OK, copy, true, len);
}

/* "9100", "0.0.0.0:9100", "[::1]:9100": where to listen; a bare port is
 * loopback's. Returns false with a message in err. */
static bool parse_listen(const char *text, struct sockaddr_storage *ss, socklen_t *len, char *err,
			 size_t errsize)
{
	const char *colon = strrchr(text, ':'), *port_text = colon ? colon + 1 : text;
	char host[64];
	char *end;
	long port;
	struct pv_addr a;
	int prefix;

	errno = 0;
	port = strtol(port_text, &end, 10);
	if (!*port_text || *end || errno || port < 1 || port > 65535) {
		snprintf(err, errsize, "--metrics wants [ADDR:]PORT with a port of 1-65535, not '%s'", text);
		return false;
	}
	snprintf(host, sizeof(host), "%.*s", colon ? (int)(colon - text) : 0, text);
	if (!colon)
		snprintf(host, sizeof(host), "127.0.0.1");
	if (addr_parse(host, strlen(host), &a, &prefix) < 0 || prefix != (a.family == AF_INET ? 32 : 128)) {
		snprintf(err, errsize, "--metrics: '%s' is not an address to listen on", host);
		return false;
	}
	memset(ss, 0, sizeof(*ss));
	if (a.family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		memcpy(&in->sin_addr, a.bytes, 4);
		*len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		memcpy(&in6->sin6_addr, a.bytes, 16);
		*len = sizeof(*in6);
	}
	return true;
}

/* The listening socket, made here so that a port in use is one clear line. */
static int open_listener(const char *text, char *err, size_t errsize)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	if (!parse_listen(text, &ss, &len, err, errsize))
		return -1;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0) {
		snprintf(err, errsize, "cannot serve metrics on %s: %s%s", text, strerror(errno),
			 errno == EADDRINUSE ? " (portview why tells who holds it)" : "");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Writes text to path atomically: a temporary file beside it, then a
 * rename, so that a reader sees the old file or the new, never half. */
static int write_atomically(const char *path, const char *text, size_t len, char *err, size_t errsize)
{
	char tmp[PATH_MAX];
	int fd;
	size_t done = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errsize, "--metrics-file: the path is too long");
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errsize, "cannot write beside %s: %s", path, strerror(errno));
		return -1;
	}
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	/* node_exporter runs as its own user: the file is for reading. */
	if (done < len || fchmod(fd, 0644) < 0 || fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		snprintf(err, errsize, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int mode_metrics(const struct settings *s, bool once)
{
	struct refresh_options ro = {
		.incremental = true,
		.tcp_info = true,
		.peers = true,
		.owners = s->owners,
		.netns = s->netns,
		.metrics = true,
	};
	struct exposition e = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct MHD_Daemon *http = NULL;
	struct refresh *refresh;
	const struct pv_model *m;
	char err[300];
	int status = EXIT_SUCCESS, fd = -1;

	if (s->metrics && (fd = open_listener(s->metrics, err, sizeof(err))) < 0) {
		fprintf(stderr, "portview: %s\n", err);
		return 2;
	}
	refresh = refresh_open(&ro, err, sizeof(err));
	if (!refresh) {
		fprintf(stderr, "portview: %s\n", err);
		if (fd >= 0)
			close(fd);
		return EXIT_FAILURE;
	}
	if (fd >= 0) {
		http = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL, NULL,
					http_handle, &e, MHD_OPTION_LISTEN_SOCKET, fd,
					MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTIONS_MAX,
					MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTP_PER_IP_MAX,
					MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT_SECONDS,
					MHD_OPTION_CONNECTION_MEMORY_LIMIT,
					(size_t)HTTP_MEMORY_PER_CONNECTION, MHD_OPTION_END);
		if (!http) {
			fprintf(stderr, "portview: cannot start serving metrics on %s\n", s->metrics);
			close(fd);
			refresh_close(refresh);
			return EXIT_FAILURE;
		}
	}
	headless_catch_stop();
	signal(SIGPIPE, SIG_IGN);
	while (!headless_stopped()) {
		struct strbuf text = { 0 };

		m = refresh_now(refresh, kind_mask_all() & ~kind_mask_unix(), err, sizeof(err));
		if (!m) {
			fprintf(stderr, "portview: %s\n", err);
			status = EXIT_FAILURE;
			break;
		}
		metrics_render(m->metrics, m->snap, m->duration, &text);
		if (s->metrics_file &&
		    write_atomically(s->metrics_file, strbuf_str(&text), text.len, err, sizeof(err)) < 0) {
			fprintf(stderr, "portview: %s\n", err);
			status = EXIT_FAILURE;
		}
		pthread_mutex_lock(&e.lock);
		free(e.text);
		e.len = text.len;
		e.text = text.data ? text.data : xstrdup("");
		pthread_mutex_unlock(&e.lock);
		if (once || status != EXIT_SUCCESS)
			break;
		headless_sleep(s->delay);
	}
	if (http)
		MHD_stop_daemon(http);
	free(e.text);
	refresh_close(refresh);
	return status;
}
