/* libFuzzer target: --remote's reader of a host's --stream lines, the
 * bytes a remote host (or whatever answers as one) sends. Each line is
 * applied and the host's records built into a snapshot: whatever the
 * lines, no crash, no leak, and every socket built is the host's, with
 * its owners inside the snapshot's processes and its peer inside its
 * sockets. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_built(const struct pv_snapshot *s)
{
	for (size_t i = 0; i < s->nsocks; i++) {
		const struct pv_socket *k = &s->socks[i];

		if (k->host != 1 || (k->has_peer && k->peer >= s->nsocks) ||
		    (k->forward_to && k->forward_to > s->nsocks) ||
		    k->owner_first + k->owner_count > s->nrefs)
			abort();
		for (uint32_t o = 0; o < k->owner_count; o++)
			if (s->owner_refs[k->owner_first + o] >= s->nprocs)
				abort();
		if (k->path_len && !k->path)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fleet_host *h = fleet_host_new();
	struct fleet_ids ids = { .next = 0 };
	struct pv_snapshot s;
	const char *p = (const char *)data, *end = p + size;
	char err[200];

	u64map_init(&ids.map, 16);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		fleet_host_apply(h, p, len, 1000.0, err, sizeof(err));
		p += len + (nl != NULL);
	}
	snapshot_init(&s);
	fleet_host_build(h, 1, "fuzz", &s, &ids, 1001.0);
	check_built(&s);
	snapshot_free(&s);
	u64map_free(&ids.map);
	fleet_host_free(h);
	return 0;
}
