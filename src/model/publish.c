#include "config.h"

#include "publish.h"

#include <stdlib.h>
#include <string.h>

#include "addr.h"

bool publish_option(const char *cmdline, size_t len, const char *name, char *out, size_t size)
{
	size_t n = strlen(name);

	for (size_t i = 0; i + n < len; i++) {
		size_t start, end;

		/* A whole word, followed by its value. */
		if ((i && cmdline[i - 1] != ' ') || memcmp(cmdline + i, name, n) != 0 ||
		    cmdline[i + n] != ' ')
			continue;
		start = i + n + 1;
		for (end = start; end < len && cmdline[end] != ' '; end++)
			;
		if (end == start || end - start >= size)
			return false;
		memcpy(out, cmdline + start, end - start);
		out[end - start] = '\0';
		return true;
	}
	return false;
}

static bool parse_port(const char *text, uint16_t *port)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);

	if (*end || end == text || v == 0 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

/* The listener, in another namespace than from's, on port (and address,
 * when want_addr is set, else any) whose namespace or owner is chosen by
 * accept; the one with the exact address first. Index + 1, or 0 when
 * none or when two namespaces could be meant. */
static uint32_t find_target(const struct pv_snapshot *s, const struct pv_socket *from, uint16_t port,
			    const struct pv_addr *want_addr, const char *container_id)
{
	uint32_t found = 0, wildcard = 0;

	for (size_t i = 0; i < s->nsocks; i++) {
		const struct pv_socket *k = &s->socks[i];
		bool owned = !container_id;

		if (k->gone || !socket_is_listener(k) || k->netns == from->netns || k->proto != from->proto)
			continue;
		for (uint32_t o = 0; container_id && o < k->owner_count; o++) {
			const struct pv_process *p = snapshot_owner(s, k, o);

			owned |= p->workload_id && strcmp(p->workload_id, container_id) == 0;
		}
		if (!owned || (port && k->local.port != port))
			continue;
		if (want_addr && !addr_is_wildcard(&k->local.addr) &&
		    addr_is_wildcard_or_equal(&k->local.addr, want_addr) && !found)
			found = (uint32_t)i + 1;
		else if (!want_addr || addr_is_wildcard(&k->local.addr)) {
			/* Two candidates in two namespaces: not certain. */
			if (wildcard && s->socks[wildcard - 1].netns != k->netns)
				return found;
			if (!wildcard)
				wildcard = (uint32_t)i + 1;
		}
	}
	return found ? found : wildcard;
}

/* A container's one listener of proto: a published port's target when
 * the host port says nothing of the container's. */
static uint32_t only_listener(const struct pv_snapshot *s, const struct pv_socket *from,
			      const char *container_id)
{
	uint32_t at = find_target(s, from, from->local.port, NULL, container_id);

	return at ? at : find_target(s, from, 0, NULL, container_id);
}

static uint32_t target_of(const struct pv_snapshot *s, const struct pv_socket *k, const struct pv_process *p)
{
	char value[128];
	uint16_t port;
	struct pv_addr addr;
	int prefix;

	if (publish_option(p->cmdline, p->cmdline_len, "-container-port", value, sizeof(value)) &&
	    parse_port(value, &port)) {
		bool has_addr =
			publish_option(p->cmdline, p->cmdline_len, "-container-ip", value, sizeof(value)) &&
			addr_parse(value, strlen(value), &addr, &prefix) == 0;

		return find_target(s, k, port, has_addr ? &addr : NULL, NULL);
	}
	if (strcmp(p->comm, "conmon") == 0 &&
	    publish_option(p->cmdline, p->cmdline_len, "-c", value, sizeof(value)))
		return only_listener(s, k, value);
	return 0;
}

void publish_link(struct pv_snapshot *s)
{
	for (size_t i = 0; i < s->nsocks; i++) {
		struct pv_socket *k = &s->socks[i];

		k->forward_to = 0;
		if (k->gone || !socket_is_listener(k) || socket_is_unix(k))
			continue;
		for (uint32_t o = 0; o < k->owner_count && !k->forward_to; o++)
			k->forward_to = target_of(s, k, snapshot_owner(s, k, o));
	}
}
