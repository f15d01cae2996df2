#include "config.h"

#include "snapshot.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "states.h"
#include "xalloc.h"

void snapshot_init(struct pv_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->kernel_mask = ~0ull;
	u64map_init(&s->by_cookie, 256);
}

void snapshot_free(struct pv_snapshot *s)
{
	free(s->socks);
	free(s->procs);
	free(s->owner_refs);
	u64map_free(&s->by_cookie);
	arena_free(&s->arena);
	memset(s, 0, sizeof(*s));
}

bool snapshot_add_socket(struct pv_snapshot *s, const struct pv_socket *rec)
{
	int inserted = 1;

	/* Cookie 0 would be a kernel without cookies: keep every such record. */
	if (rec->cookie)
		u64map_put(&s->by_cookie, rec->cookie, (uint32_t)s->nsocks, &inserted);
	if (!inserted)
		return false;
	if (s->nsocks == s->socks_cap) {
		s->socks_cap = s->socks_cap ? s->socks_cap * 2 : 256;
		s->socks = xreallocarray(s->socks, s->socks_cap, sizeof(*s->socks));
	}
	s->socks[s->nsocks++] = *rec;
	return true;
}

uint32_t snapshot_add_process(struct pv_snapshot *s)
{
	if (s->nprocs == s->procs_cap) {
		s->procs_cap = s->procs_cap ? s->procs_cap * 2 : 64;
		s->procs = xreallocarray(s->procs, s->procs_cap, sizeof(*s->procs));
	}
	memset(&s->procs[s->nprocs], 0, sizeof(s->procs[0]));
	return (uint32_t)s->nprocs++;
}

const struct pv_process *snapshot_owner(const struct pv_snapshot *s,
					const struct pv_socket *k, uint32_t i)
{
	return &s->procs[s->owner_refs[k->owner_first + i]];
}

bool socket_is_listener(const struct pv_socket *k)
{
	if (k->proto == IPPROTO_TCP)
		return k->state == PV_STATE_LISTEN;
	return k->state == PV_STATE_CLOSE && k->remote.port == 0;
}
