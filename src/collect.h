/* One refresh: the sock_diag dumps, then the owners from /proc. The one
 * entry point for --once and the dashboard. */
#ifndef PV_COLLECT_H
#define PV_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

struct collector;

/* Returns NULL with a message in err when sock_diag cannot be used. An
 * incremental collector remembers owners between runs (see owner_cache.h):
 * for the dashboard, which refreshes the same host again and again. */
struct collector *collector_open(bool incremental, char *err, size_t errsize);
void collector_close(struct collector *c);

/* What a collection gathers beyond sockets and owners; each costs time
 * per socket. */
enum {
	COLLECT_TCP_INFO = 1u << 0,   /* the kernel's tcp_info for TCP sockets */
	COLLECT_PEERS = 1u << 1,      /* join the two ends of local connections */
};

/* Fills snap (initialised, empty) with the sockets kernel_mask allows,
 * their owners, each listener's SYN_RECV count and saturation, and what
 * the COLLECT_* bits in what ask for. Returns 0, or -1 with a message in
 * err when no dump could be made; partial failures are flagged in the
 * snapshot. */
int collector_run(struct collector *c, uint64_t kernel_mask, unsigned what, struct pv_snapshot *snap,
		  char *err, size_t errsize);

/* The host name, or "?" when it cannot be had. */
void collect_hostname(char *buf, size_t size);

#endif
