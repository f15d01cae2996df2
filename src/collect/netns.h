/* Every network namespace on the host, each dumped with a sock_diag
 * socket of its own. A netlink socket belongs to the namespace its
 * creating thread was in, and keeps it: so a namespace is entered once
 * (setns), its socket made, and the thread returns at once; the socket
 * is kept until the namespace goes, and closed then (it pins the
 * namespace alive). */
#ifndef PV_NETNS_H
#define PV_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "containers.h"
#include "snapshot.h"

struct netns_set;

/* specs selects namespaces, each a name (as shown, or an `ip netns`
 * name), a pid, a path to a namespace file, or "current"; none (n 0)
 * means every namespace this process may enter. Returns NULL with a
 * message in err when this process's own namespace cannot be used. */
/* What each namespace's collection gathers besides its sockets. */
enum {
	NETNS_BOUND = 1u << 0,       /* bound-but-inactive TCP sockets (diag_want_bound) */
	NETNS_CLOSE_FEEDS = 1u << 1, /* what closed since the last run (closefeed.h) */
};
struct netns_set *netns_set_open(const char *const *specs, size_t nspecs, unsigned flags, char *err,
				 size_t errsize);
void netns_set_close(struct netns_set *set);

/* Finds the namespaces on the host, names them in snap->netns (the
 * current one first), and dumps the selected ones as diag_collect does.
 * The first run fails (-1, err) on a spec that matches no namespace;
 * later runs let a selected namespace come and go. Fails, too, when the
 * current namespace's dump does. */
int netns_set_collect(struct netns_set *set, struct containers *names, uint64_t kernel_mask,
		      uint32_t info_states, struct pv_snapshot *snap, char *err, size_t errsize);

#endif
