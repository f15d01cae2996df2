#include "config.h"

#include "compare.h"

#include <string.h>

int cmp_endpoint(const struct pv_endpoint *a, const struct pv_endpoint *b)
{
	int c = cmp_u32(a->addr.family, b->addr.family);

	if (c)
		return c;
	c = memcmp(a->addr.bytes, b->addr.bytes, sizeof(a->addr.bytes));
	if (c)
		return c;
	return cmp_u32(a->port, b->port);
}

int cmp_name(const struct pv_socket *a, const struct pv_socket *b)
{
	size_t n = a->path_len < b->path_len ? a->path_len : b->path_len;
	int c = n ? memcmp(a->path, b->path, n) : 0;

	return c ? (c < 0 ? -1 : 1) : cmp_u32(a->path_len, b->path_len);
}

int cmp_text(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}
