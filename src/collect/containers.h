/* Containers' names, from their runtimes' files on disk: a cgroup path
 * gives a container's id; people know it by name. No daemon is asked
 * (a refresh must not wait on one); what cannot be read keeps the short
 * id. */
#ifndef PV_CONTAINERS_H
#define PV_CONTAINERS_H

#include "snapshot.h"
#include "workload.h"

struct containers;

/* root is where the runtimes' state lives ("/" on a host; tests give a
 * folder of their own). */
struct containers *containers_new(const char *root);
void containers_free(struct containers *c);

/* Rereads what changed on disk since the last call: once a refresh,
 * before the look-ups. */
void containers_refresh(struct containers *c);

/* The name the runtime gave container id, or NULL when it is not known. */
const char *containers_lookup(struct containers *c, enum pv_workload_kind kind, const char *id);

/* Gives every container process in snap its container's name. */
void containers_name_processes(struct containers *c, struct pv_snapshot *snap);

#endif
