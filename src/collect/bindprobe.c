#include "config.h"

#include "bindprobe.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

static const struct {
	int family;
	int v6only; /* -1: not an IPv6 socket */
	bool reuse; /* SO_REUSEADDR (TCP only) */
	bool tcp_only;
} bind_forms[PV_BIND_FORM_COUNT] = {
	[PV_BIND_V4] = { AF_INET, -1, true, false },
	[PV_BIND_V6_ONLY] = { AF_INET6, 1, true, false },
	[PV_BIND_DUAL] = { AF_INET6, 0, true, false },
	[PV_BIND_V4_NO_REUSE] = { AF_INET, -1, false, true },
};

static int try_bind(uint8_t proto, uint16_t port, enum pv_bind_form form)
{
	bool tcp = proto == IPPROTO_TCP;
	int fd = socket(bind_forms[form].family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	int one = 1, error = 0;
	struct sockaddr_in v4 = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	bool ok;

	if (fd < 0)
		return errno;
	if (bind_forms[form].v6only >= 0)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &(int){ bind_forms[form].v6only }, sizeof(int));
	if (tcp && bind_forms[form].reuse)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ok = (bind_forms[form].family == AF_INET ? bind(fd, (struct sockaddr *)&v4, sizeof(v4))
						 : bind(fd, (struct sockaddr *)&v6, sizeof(v6))) == 0 &&
	     (!tcp || listen(fd, 1) == 0);
	if (!ok)
		error = errno;
	close(fd);
	return error;
}

void bind_probe(uint8_t proto, uint16_t port, struct pv_bind_try out[PV_BIND_FORM_COUNT])
{
	for (int form = 0; form < PV_BIND_FORM_COUNT; form++) {
		out[form].tried = proto == IPPROTO_TCP || !bind_forms[form].tcp_only;
		out[form].error = out[form].tried ? try_bind(proto, port, (enum pv_bind_form)form) : 0;
	}
}
