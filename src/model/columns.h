/* The column table shared by the text output and the dashboard: what each
 * column is called, how it is aligned, how important it is when space is
 * short, and how a socket's cell is written. */
#ifndef PV_COLUMNS_H
#define PV_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"
#include "strbuf.h"

enum column_id {
	COL_PROTO,
	COL_STATE,
	COL_LOCAL,
	COL_PORT,
	COL_REMOTE,
	COL_EXPOSED,
	COL_RECVQ,
	COL_SENDQ,
	COL_RATE_IN,
	COL_RATE_OUT,
	COL_BYTES_IN,
	COL_BYTES_OUT,
	COL_RTT,
	COL_RETRANS,
	COL_CWND,
	COL_DELIVERY,
	COL_HOST,
	COL_NETNS,
	COL_USER,
	COL_PID,
	COL_FD,
	COL_PROCESS,
	COL_COMMAND,
	COL_COUNT,
};

/* Writes the cell of k into sb; returns its display width. */
typedef size_t (*column_formatter)(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
				   struct strbuf *sb);

/* Orders sockets by the column (ties fall to the natural order). */
typedef int (*column_compare)(const struct pv_snapshot *s, const struct pv_socket *a,
			      const struct pv_socket *b);

/* How groups are ordered when the rows are sorted by a column. */
enum column_group_order {
	GROUPS_BY_FIRST_SOCKET, /* where their first socket sorts */
	GROUPS_BY_QUEUES,       /* the group's queue sum, largest first */
	GROUPS_BY_RATE_IN,      /* the busiest first */
	GROUPS_BY_RATE_OUT,
	GROUPS_BY_NAME, /* the natural order: servers, then clients, by name */
};

struct column {
	const char *header;
	bool right_align;
	unsigned priority; /* lower survives longer on narrow screens */
	column_formatter format;
	column_compare compare;
	unsigned sort_step; /* place in the s key's cycle, 1 first; 0: not in it */
	enum column_group_order group_order;
	bool needs_rates;       /* shown only where rates were measured */
	bool needs_info;        /* shown only where tcp_info was asked for */
	bool hidden_by_default; /* shown once chosen (c) or listed in the settings */
	bool needs_namespaces;  /* shown only when sockets of two namespaces or more are */
	bool needs_hosts;       /* shown only with --remote */
	bool text_when_named;   /* a wide column: text output has it only when
				 * --columns names it */
};

/* The sort order after column (-1: the natural order) in the s key's
 * cycle: -1 after the last. */
int column_next_sort(int column);

/* The columns hidden until chosen, as a bit set of column ids. */
unsigned columns_hidden_by_default(void);

extern const struct column columns[COL_COUNT];

/* Writes namespace inode as "db (container)  net:[4026532306]", its
 * name sanitised; for one that has gone, without the kind. */
void column_format_netns(struct strbuf *sb, const struct pv_snapshot *s, uint32_t inode, bool utf8);

/* Writes what process p runs as, "unit nginx.service" or "container api
 * (podman)", sanitised; returns false, writing nothing, when neither. */
bool column_format_workload(struct strbuf *sb, const struct pv_process *p, bool utf8);

/* False for a column that has nothing to tell about s (NETNS when all its
 * sockets are of one namespace). */
bool column_applies(int c, const struct pv_snapshot *s);

/* Writes the owners of k as "nginx 100,101, sh 7" (names sanitised), or
 * "(hidden)" / "-" when it has none, then, for a connection whose other
 * end is on this host, that end's owners: "psql 4211 -> postgres 812" from
 * the client, "postgres 812 <- psql 4211" from the server. Returns the
 * display width. */
size_t column_format_owners(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			    struct strbuf *sb);

/* Writes connection k in one line, "tcp 127.0.0.1:44874 -> 127.0.0.1:8080
 * ESTAB  curl 4211 -> nginx 812", as --close lists it and the dashboard
 * asks about it. */
void column_format_connection(const struct pv_snapshot *s, const struct pv_socket *k, bool utf8,
			      struct strbuf *sb);

/* Names instead of numbers in LOCAL, REMOTE and group lines: service
 * names for ports and host names for addresses (-r, the n key). */
struct services;
struct column_names {
	const struct services *services; /* port names; NULL: numbers */
	/* The host name of a, or NULL for the address; NULL: addresses. */
	const char *(*host)(void *ctx, const struct pv_addr *a);
	void *ctx;
};

/* Makes the formatters use names (NULL: numbers again); names must stay
 * valid while in use. Text output, the dashboard and JSON share it. */
void columns_use_names(const struct column_names *names);
/* The names in use, or NULL. */
const struct column_names *columns_names(void);
/* The service name of port for proto, or NULL (numbers, or none known). */
const char *column_service_name(uint8_t proto, uint16_t port);
/* The host name of a, or NULL (numbers, a wildcard, or not known). */
const char *column_host_name(const struct pv_addr *a);
/* The most cells a host name takes in an endpoint; longer ones end in an
 * ellipsis. */
enum { COLUMN_HOST_MAX = 40 };
/* Writes an endpoint, with names when in use: "db.example:postgresql",
 * "[2001:db8::1]:443"; names sanitised. Returns the display width. */
size_t column_format_endpoint(struct strbuf *sb, const struct pv_endpoint *e, uint8_t proto, bool utf8);

/* Writes a UNIX socket's name sanitised, an abstract one as "@name", an
 * unnamed socket as "*"; returns the display width. */
size_t column_format_unix_name(struct strbuf *sb, const struct pv_socket *k, bool utf8);

/* Writes a user name (sanitised), or the uid when it has none; returns the
 * display width. */
size_t column_format_user(struct strbuf *sb, const char *user, uint32_t uid, bool utf8);

/* PROTO (which carries the tree's indentation), LOCAL and PROCESS can
 * never be hidden. */
bool column_always_shown(int c);

/* Writes a round-trip time as "85µs" ("85us" without UTF-8), "1.2ms" or
 * "46ms"; returns the width. */
size_t column_format_round_trip(struct strbuf *sb, uint32_t us, bool utf8);

/* Writes an amount of bytes as "0 B", "512 B", "1.5 KiB", "38 MiB" (binary
 * units); returns the width. */
size_t column_format_bytes(struct strbuf *sb, double bytes);
/* The same a second: "512 B/s", "194 KiB/s"; nothing at all is "0". */
size_t column_format_rate(struct strbuf *sb, double bytes_per_second);

struct pv_group;
struct pv_pile;

/* Writes a TIME_WAIT pile's line: "700 in TIME-WAIT  oldest 58s  from 3
 * addresses, 640 from 10.0.0.5". */
void column_format_pile(const struct pv_pile *p, bool utf8, struct strbuf *sb);

/* Writes a group's line ("nginx  pid 100  user root  2 listening, 3
 * connections", "tcp port 80  nginx 100  ...  accept 0/511"), names
 * sanitised. */
void column_format_group(const struct pv_snapshot *s, const struct pv_group *g, bool utf8, struct strbuf *sb);

/* Decides which columns fit avail cells: shown[] starts with the columns
 * wanted and loses the least important (highest priority number) until the
 * widths want[] plus gap between columns fit. Columns of priority 0 always
 * stay. Returns the width the shown columns take. */
size_t columns_fit(const size_t *want, size_t gap, size_t avail, bool *shown);

#endif
