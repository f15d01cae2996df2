/* Owners from the kernel: a BPF iterator over every task's file table
 * (bpf/socket_owners.bpf.c) reports each socket file a process holds, in
 * one read() loop and no system call per fd. The sockets are joined by
 * cookie, exact across namespaces; process details still come from /proc,
 * for owner processes only. Needs root (or CAP_BPF and CAP_PERFMON), a
 * kernel with BTF, and a build with libbpf (configure --with-bpf). */
#ifndef PV_OWNERS_BPF_H
#define PV_OWNERS_BPF_H

#include <stddef.h>

#include "owners.h"
#include "snapshot.h"
#include "users.h"

struct owners_bpf;

/* Loads the iterator. NULL, with the reason in why, when it cannot be:
 * built without BPF, no privilege, no BTF. */
struct owners_bpf *owners_bpf_open(char *why, size_t whysize);
void owners_bpf_close(struct owners_bpf *b);

/* Fills the owners of every socket of snap, as owners_walk_finish does.
 * Returns 0, or -1 (snap's owners untouched) when the iterator could not
 * be read whole: the caller walks /proc instead. */
int owners_bpf_collect(struct owners_bpf *b, struct pv_snapshot *snap, struct users *users,
		       struct owners_stats *stats);

#endif
