/* Addresses: from the kernel's form, to text, and from filter text. */
#ifndef PV_ADDR_H
#define PV_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

/* Longest text addr_format writes, with its NUL (an IPv6 address). */
#define PV_ADDR_STRLEN 46
/* Longest text endpoint_format writes: "[" addr "]:" port NUL. */
#define PV_ENDPOINT_STRLEN (PV_ADDR_STRLEN + 8)

/* Fills out from a kernel address of family (AF_INET or AF_INET6) in network
 * order; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) becomes IPv4. */
void addr_from_kernel(struct pv_addr *out, uint8_t family, const void *bytes);
/* Writes the inet_ntop form ("127.0.0.1", "::"); returns buf. */
char *addr_format(const struct pv_addr *a, char *buf, size_t size);
/* Writes "addr:port", bracketing IPv6 ("[::1]:53"); returns buf. */
char *endpoint_format(const struct pv_endpoint *e, char *buf, size_t size);
/* True for 0.0.0.0 and ::. */
bool addr_is_wildcard(const struct pv_addr *a);
/* True when a listener bound to listener receives connections to a: it is
 * the wildcard or the same address. */
bool addr_is_wildcard_or_equal(const struct pv_addr *listener, const struct pv_addr *a);
/* Parses "ADDR" or "ADDR/PREFIX" of len bytes (IPv6 may be bracketed).
 * On success fills out and *prefix (the full length when absent) and returns
 * 0; returns -1 when the text is not an address or the prefix is out of range. */
int addr_parse(const char *text, size_t len, struct pv_addr *out, int *prefix);
/* True when a lies inside net/prefix (same family, leading bits equal). */
bool addr_in_prefix(const struct pv_addr *a, const struct pv_addr *net, int prefix);

#endif
