/* Grouping: turns a snapshot and a filter into the ordered rows both the
 * text output and the dashboard show. Rows refer to sockets and groups by
 * index; they are valid until the snapshot changes. */
#ifndef PV_ROWS_H
#define PV_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "snapshot.h"

/* GROUP_HOST only means something with --remote; g skips it otherwise. */
enum group_mode { GROUP_PROCESS, GROUP_PORT, GROUP_NETNS, GROUP_HOST, GROUP_NONE };

enum group_kind {
	GK_PROCESS, /* one owning process */
	GK_HIDDEN,  /* sockets whose owner we may not see, per uid */
	GK_NOPROC,  /* sockets no process holds (TIME_WAIT and such) */
	GK_PORT,    /* one local listening (proto, port) */
	GK_REMOTE,  /* connections to one remote endpoint, no local listener */
	GK_NETNS,   /* one network namespace */
	GK_HOST,    /* one --remote host */
};

struct pv_group {
	enum group_kind kind;
	int32_t proc;                    /* GK_PROCESS: process index */
	uint32_t uid;                    /* GK_HIDDEN */
	uint8_t proto;                   /* GK_PORT; GK_REMOTE: PV_PROTO_UNIX for UNIX names */
	uint16_t port;                   /* GK_PORT */
	uint32_t netns;                  /* GK_NETNS: its inode */
	uint16_t host;                   /* GK_HOST: pv_socket.host */
	struct pv_endpoint remote;       /* GK_REMOTE, IP: the remote endpoint */
	uint32_t named;                  /* GK_REMOTE, UNIX: the socket whose name the group
				      * shows, or UINT32_MAX for unnamed ends */
	uint32_t listeners, connections; /* shown and open */
	bool serves;                     /* holds a listener (shown or not) or an accepted connection */
	uint32_t accept_queue, backlog;  /* summed over the group's TCP listeners */
	uint32_t syn_recv;               /* summed over the group's TCP listeners */
	uint32_t time_wait;              /* the same: their ports' TIME_WAIT connections */
	uint32_t flagged;                /* sockets with a PV_FLAG_* */
	bool has_rate;                   /* some socket's rates were measured */
	double rate_in, rate_out;        /* bytes a second, summed */
	uint32_t first_socket;           /* the group's first socket: for GK_PORT a listener,
					 * or a connection accepted on it */
	uint64_t queue_sum;              /* receive and send queues summed, for sorting */
	/* GK_PROCESS: the ports its shown listeners listen on, smallest first,
	 * the first ROWS_GROUP_PORTS of them; more_ports when there are others. */
	uint16_t ports[6];
	uint8_t nports;
	bool more_ports;
};

enum { ROWS_GROUP_PORTS = 6 };

/* TIME_WAIT connections that pile up under one listener (or at the top of
 * one group) are summed up in one row that folds them, closed at first. */
enum { ROWS_PILE_MIN = 3 }; /* fewer than this are rows of their own */
/* How long Linux keeps a connection in TIME_WAIT (TCP_TIMEWAIT_LEN). */
enum { ROWS_TIME_WAIT_SPAN_MS = 60000 };

struct pv_pile {
	uint32_t parent;    /* the listener's socket index; UINT32_MAX at a group's top */
	uint32_t group;     /* the group it is in */
	uint32_t first;     /* socket index of its first connection */
	uint32_t count;     /* connections in it */
	uint32_t oldest_ms; /* how long the oldest has been in TIME_WAIT */
	uint32_t remotes;   /* distinct remote addresses */
	struct pv_addr top; /* the remote address most of them are from */
	uint32_t top_count; /* and how many */
};

enum row_kind { ROW_GROUP, ROW_SOCKET, ROW_PILE };

struct pv_row {
	uint8_t kind;   /* enum row_kind */
	uint8_t depth;  /* 0 for groups, 1 or 2 for sockets */
	uint32_t index; /* group or socket index */
};

/* What rows are ordered by: a column (see columns.h), or -1 for the natural
 * order (protocol, port, address), with reverse flipping it. Within a
 * group, listeners come first whatever the order. */
struct rows_order {
	int column;
	bool reverse;
};

/* A row's identity across rebuilds: the socket cookie for sockets; the
 * process (pid, start time), uid, port or remote endpoint for groups; for
 * a pile, its listener's cookie or its group's identity. */
struct row_key {
	uint8_t kind;       /* enum row_kind */
	uint8_t group_kind; /* enum group_kind, for groups */
	uint64_t a, b;
	uint8_t addr[16];
};

struct pv_rows {
	struct pv_group *groups;
	size_t ngroups;
	struct pv_pile *piles;
	size_t npiles;
	struct pv_row *rows;
	size_t nrows;
	uint32_t *selected; /* socket indices that passed the filter, flat order */
	size_t nselected;
	size_t nopen; /* of them, the sockets not closed (tombstones count for nothing) */
};

/* Builds rows for the sockets of s that f selects, grouped by mode. The
 * previous contents of out are freed. */
void rows_build(struct pv_rows *out, const struct pv_snapshot *s, const struct pv_filter *f,
		enum group_mode mode, struct rows_order order);
void rows_free(struct pv_rows *r);

/* Sums again the queues, rates and flags of each group from s, which holds
 * the same sockets as the snapshot r was built from (snapshot_same_rows). */
void rows_update_traffic(struct pv_rows *r, const struct pv_snapshot *s);

/* Ages each TIME_WAIT pile again from s, which holds the same sockets. */
void rows_update_piles(struct pv_rows *r, const struct pv_snapshot *s);

/* The owner that stands for socket k: the oldest (earliest start, then
 * lowest pid), as the parent of forked servers is. -1 when it has none. */
int32_t rows_primary_owner(const struct pv_snapshot *s, const struct pv_socket *k);

/* The identity of row i. */
void rows_key(const struct pv_rows *r, const struct pv_snapshot *s, size_t i, struct row_key *out);
bool row_key_equal(const struct row_key *a, const struct row_key *b);
/* A 64-bit digest of a row's identity: equal keys, equal digests. */
uint64_t row_key_hash(const struct row_key *k);

/* The grouping names by mode, then NULL. */
extern const char *const group_mode_names[];
/* Parses a grouping name ("process", "port", "none"); -1 when unknown. */
int group_mode_parse(const char *name);
const char *group_mode_name(enum group_mode mode);

#endif
