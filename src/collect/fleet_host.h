/* One --remote host as its --stream lines left it (output/stream.h is
 * the writer, doc/FORMATS.md the contract): its namespaces, processes
 * and sockets by key, and what its last line said. Pure: the lines come
 * from fleet.c, which owns the ssh. */
#ifndef PV_FLEET_HOST_H
#define PV_FLEET_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"
#include "u64map.h"

struct fleet_host;

struct fleet_host *fleet_host_new(void);
void fleet_host_free(struct fleet_host *h);

enum fleet_apply_result {
	FLEET_LINE_OK,
	FLEET_LINE_BAD,     /* not a line of the stream: the connection is not to be trusted */
	FLEET_LINE_REFUSED, /* another wire version: err names both portviews */
};

/* Applies one line (no newline) read at local monotonic time now. */
enum fleet_apply_result fleet_host_apply(struct fleet_host *h, const char *line, size_t len, double now,
					 char *err, size_t errsize);

/* Its portview's version from its hello, or NULL. */
const char *fleet_host_version(const struct fleet_host *h);
/* True once a snapshot arrived. */
bool fleet_host_ready(const struct fleet_host *h);
/* Its interval from the hello (seconds), 0 before. */
double fleet_host_interval(const struct fleet_host *h);
/* Forgets the hello: a new connection must say it again (records stay
 * until its snapshot replaces them). */
void fleet_host_reconnected(struct fleet_host *h);

/* Maps (host, namespace inode) to the merged snapshot's namespace ids,
 * stable for as long as the fleet runs. */
struct fleet_ids {
	struct u64map map;
	uint32_t next;
};

/* Appends h's records to s as host number host (1-based) called name:
 * cookies and namespace inodes made unique across hosts, namespaces named
 * after the host ("web1", "web1:nginx"), peers joined by cookie, and times
 * moved onto this host's monotonic clock at now. Returns how many sockets
 * it added. */
size_t fleet_host_build(const struct fleet_host *h, uint16_t host, const char *name, struct pv_snapshot *s,
			struct fleet_ids *ids, double now);

#endif
