/* The netlink side of collection: one NETLINK_SOCK_DIAG socket, reused
 * across refreshes, dumping TCP and UDP over IPv4 and IPv6. */
#ifndef PV_DIAG_H
#define PV_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

struct diag_conn;

/* Opens and binds the socket in the calling thread's network namespace,
 * whose inode is netns: every record it dumps says so. Returns NULL with
 * a message in err on failure. */
struct diag_conn *diag_open(uint32_t netns, char *err, size_t errsize);
/* Marks c as opened in a namespace this thread has since left: when its
 * socket fails, a dump gives up rather than reopen it here. */
void diag_set_foreign(struct diag_conn *c);
/* Makes every collection through c dump bound-but-inactive TCP sockets
 * too (PV_STATE_BOUND_INACTIVE; older kernels have none to give). */
void diag_want_bound(struct diag_conn *c);
void diag_close(struct diag_conn *c);

/* Dumps into snap every (family, protocol, state) that kernel_mask (see
 * filter_kernel_mask) allows, asking for tcp_info of the TCP sockets in
 * the states of info_states (a 1 << state mask; PV_STATES_ALL for all).
 * A protocol the kernel cannot dump sets its PV_DUMP_* bit in
 * snap->unavailable; an interrupted or failed dump sets snap->incomplete.
 * Returns 0, or -1 with a message in err when no dump could be made at all. */
int diag_collect(struct diag_conn *c, uint64_t kernel_mask, uint32_t info_states, struct pv_snapshot *snap,
		 char *err, size_t errsize);

#endif
