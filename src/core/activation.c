#include "config.h"

#include "activation.h"

#include <string.h>
#include <netinet/in.h>

#include "workload.h"

/* The managers by process name (comm: at most 15 bytes, so the second
 * is systemd-socket-activate cut short). */
static const char *const activators[] = { "systemd", "systemd-socket-", "inetd", "xinetd" };

bool process_is_activator(const struct pv_process *p)
{
	if (p->pid == 1)
		return true;
	for (size_t i = 0; i < sizeof(activators) / sizeof(activators[0]); i++)
		if (p->comm && strcmp(p->comm, activators[i]) == 0)
			return true;
	return false;
}

/* k's UNIX name is path ('@' first for an abstract name). */
static bool path_is(const struct pv_socket *k, const char *path)
{
	size_t n = strlen(path);

	if (path[0] == '@')
		return k->path_len == n && k->path[0] == '\0' && memcmp(k->path + 1, path + 1, n - 1) == 0;
	return k->path_len == n && memcmp(k->path, path, n) == 0;
}

/* The unit-file entry listening where k does. */
static const struct pv_socket_unit *unit_for(const struct pv_snapshot *s, const struct pv_socket *k)
{
	for (size_t i = 0; i < s->nsocket_units; i++) {
		const struct pv_socket_unit *u = &s->socket_units[i];

		if (u->proto != k->proto)
			continue;
		if (socket_is_unix(k) ? u->path && k->path_len && path_is(k, u->path)
				      : u->port == k->local.port)
			return u;
	}
	return NULL;
}

/* The first of LISTEN_FDNAMES (names are joined by ':'), when it names a
 * socket unit: systemd's default name for each passed socket. */
static const char *fdname_unit(const struct pv_process *p, const struct pv_snapshot *s)
{
	(void)s;
	if (!p->listen_fdnames || !strstr(p->listen_fdnames, ".socket"))
		return NULL;
	return p->listen_fdnames;
}

bool socket_activation(const struct pv_snapshot *s, const struct pv_socket *k, struct pv_activation *out)
{
	const struct pv_socket_unit *u;

	memset(out, 0, sizeof(*out));
	if (!socket_is_listener(k))
		return false;
	for (uint32_t o = 0; o < k->owner_count; o++) {
		const struct pv_process *p = snapshot_owner(s, k, o);

		if (process_is_activator(p) && !out->activator)
			out->activator = p;
		else if (!process_is_activator(p) && (!out->service || p->listen_fds))
			out->service = p;
	}
	if (!out->activator && !(out->service && out->service->listen_fds))
		return false;
	u = unit_for(s, k);
	out->socket_unit = out->service ? fdname_unit(out->service, s) : NULL;
	if (!out->socket_unit && u)
		out->socket_unit = u->unit;
	if (out->service && out->service->workload_kind == PV_WORKLOAD_UNIT)
		out->service_unit = out->service->workload;
	else if (u)
		out->service_unit = u->service;
	return true;
}
