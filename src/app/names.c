#include "config.h"

#include "names.h"

#include <stdlib.h>

#include "columns.h"
#include "resolver.h"
#include "services.h"
#include "xalloc.h"

struct names {
	struct services *services;
	struct resolver *resolver;
	struct column_names columns;
};

static const char *names_host(void *ctx, const struct pv_addr *a)
{
	return resolver_name(ctx, a);
}

struct names *names_open(int notify_fd)
{
	struct names *n = xcalloc(1, sizeof(*n));

	n->services = services_load("/etc/services");
	n->resolver = resolver_new(notify_fd);
	n->columns.services = n->services;
	n->columns.host = names_host;
	n->columns.ctx = n->resolver;
	columns_use_names(&n->columns);
	return n;
}

void names_close(struct names *n)
{
	if (!n)
		return;
	columns_use_names(NULL);
	resolver_free(n->resolver);
	services_free(n->services);
	free(n);
}

void names_prefetch(struct names *n, const struct pv_snapshot *s, const struct pv_rows *r, int timeout_ms)
{
	size_t i;

	for (i = 0; i < r->nselected; i++) {
		const struct pv_socket *k = &s->socks[r->selected[i]];

		if (socket_is_unix(k))
			continue;
		/* Asking queues the lookup; wildcards are never asked. */
		column_host_name(&k->local.addr);
		column_host_name(&k->remote.addr);
	}
	resolver_settle(n->resolver, timeout_ms);
}
