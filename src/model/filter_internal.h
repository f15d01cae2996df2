/* What the filter parser builds and the evaluator walks: a tree of
 * nodes in one array. Internal to filter.c and filter_parse.c. */
#ifndef PV_FILTER_INTERNAL_H
#define PV_FILTER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "filter.h"

enum filter_kind {
	FK_AND,
	FK_OR,
	FK_NOT,
	FK_PORT,
	FK_ADDR,
	FK_PROC,
	FK_PID,
	FK_USER,
	FK_STATE,
	FK_PROTO,
	FK_FAMILY,
	FK_LISTENING,
	FK_FLAG,
	FK_PATH,
	FK_NETNS,     /* ns: the socket's namespace */
	FK_CONTAINER, /* container: an owner's container, or the namespace's */
	FK_UNIT,      /* unit: an owner's systemd unit */
	FK_EXPOSED,   /* a listener reachable beyond loopback */
};

enum filter_side { SIDE_ANY, SIDE_LOCAL, SIDE_REMOTE };

/* Where FK_PROC looks for its text (in lo). */
enum proc_match {
	PROC_NAME_OR_CMD, /* proc: the name or the command line holds it */
	PROC_NAME,        /* a bare word: the name holds it */
	PROC_NAME_EXACT,  /* comm: the name is it */
	PROC_CMD,         /* cmd: the command line holds it */
};

struct filter_node {
	enum filter_kind kind;
	int a, b; /* children (node indices) */
	enum filter_side side;
	/* port range, pid, uid, state mask, proc_match, flag; FK_PROTO: the
	 * protocol, and in hi the family (tcp6) or UNIX type (u_str) or 0 */
	uint32_t lo, hi;
	bool numeric; /* user given as a uid */
	struct pv_addr addr;
	int prefix;
	char *text;      /* proc text, user name */
	char *source;    /* a term as the user wrote it ("port 80"), for messages */
	size_t value_at; /* keyword:VALUE: where VALUE starts in the filter's text */
};

struct pv_filter {
	struct filter_node *nodes;
	int count, cap;
	int root; /* -1: matches everything */
};

/* Adds a node of kind (zeroed) and returns its index. */
int filter_add(struct pv_filter *f, enum filter_kind kind);
/* Adds an AND or OR node over a and b and returns its index. */
int filter_add_binary(struct pv_filter *f, enum filter_kind kind, int a, int b);

#endif
