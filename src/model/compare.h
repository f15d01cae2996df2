/* Three-way comparisons of the parts of a socket, shared by the natural
 * order (rows.c) and the column table's sort orders (columns.c): each
 * returns <0, 0 or >0. */
#ifndef PV_COMPARE_H
#define PV_COMPARE_H

#include <stdint.h>

#include "snapshot.h"

static inline int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static inline int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static inline int cmp_double(double a, double b)
{
	return a < b ? -1 : a > b;
}

/* TCP, then UDP, then UNIX. */
static inline uint32_t proto_rank(uint8_t proto)
{
	return proto == 6 ? 0 : proto == 17 ? 1 : 2;
}

/* Family, address bytes, port. */
int cmp_endpoint(const struct pv_endpoint *a, const struct pv_endpoint *b);
/* UNIX socket names, byte by byte; a name before its extensions. */
int cmp_name(const struct pv_socket *a, const struct pv_socket *b);
/* Strings, NULL as "". */
int cmp_text(const char *a, const char *b);

#endif
