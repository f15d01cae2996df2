/* Sockets' cgroup ids (INET_DIAG_CGROUP_ID) to paths: the id of a cgroup
 * v2 directory is its inode, so a walk of the cgroup2 mount maps them. The
 * map is kept; it is walked again only when an id turns up that it lacks,
 * and not more often than every CGROUP_IDS_REWALK seconds, so a host
 * whose sockets come from a cgroup since removed does not walk each
 * refresh. Readable by any user: it tells whose a socket is when its
 * owner cannot be read. */
#ifndef PV_CGROUP_IDS_H
#define PV_CGROUP_IDS_H

#include "snapshot.h"

struct cgroup_ids;

/* root: the cgroup2 mount, or NULL to find it in /proc/self/mountinfo. */
struct cgroup_ids *cgroup_ids_new(const char *root);
void cgroup_ids_free(struct cgroup_ids *c);

/* Fills snap->cgroups with the paths of its sockets' cgroup ids. now is
 * the monotonic time in seconds. */
void cgroup_ids_resolve(struct cgroup_ids *c, struct pv_snapshot *snap, double now);

#endif
