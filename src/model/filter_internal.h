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
};

enum filter_side { SIDE_ANY, SIDE_LOCAL, SIDE_REMOTE };

struct filter_node {
	enum filter_kind kind;
	int a, b; /* children (node indices) */
	enum filter_side side;
	uint32_t lo, hi; /* port range, pid, uid, state mask, proto, family */
	bool numeric;    /* user given as a uid */
	struct pv_addr addr;
	int prefix;
	char *text; /* proc text, user name */
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
