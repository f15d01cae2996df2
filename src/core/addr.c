#include "config.h"

#include "addr.h"

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void addr_from_kernel(struct pv_addr *out, uint8_t family, const void *bytes)
{
	memset(out, 0, sizeof(*out));
	if (family == AF_INET6 && memcmp(bytes, v4mapped_prefix, 12) == 0) {
		out->family = AF_INET;
		memcpy(out->bytes, (const uint8_t *)bytes + 12, 4);
		return;
	}
	out->family = family;
	memcpy(out->bytes, bytes, family == AF_INET6 ? 16 : 4);
}

char *addr_format(const struct pv_addr *a, char *buf, size_t size)
{
	if (!inet_ntop(a->family == AF_INET6 ? AF_INET6 : AF_INET, a->bytes, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

char *endpoint_format(const struct pv_endpoint *e, char *buf, size_t size)
{
	char a[PV_ADDR_STRLEN];

	addr_format(&e->addr, a, sizeof(a));
	if (e->addr.family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", a, e->port);
	else
		snprintf(buf, size, "%s:%u", a, e->port);
	return buf;
}

bool addr_is_wildcard(const struct pv_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->bytes, zero, a->family == AF_INET6 ? 16 : 4) == 0;
}

/* Parses the decimal prefix length in [p, end); -1 when malformed or > max. */
static int addr_parse_prefix(const char *p, const char *end, int max)
{
	int n = 0;

	if (p == end)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (*p - '0');
		if (n > max)
			return -1;
	}
	return n;
}

int addr_parse(const char *text, size_t len, struct pv_addr *out, int *prefix)
{
	char buf[PV_ADDR_STRLEN];
	const char *slash = memchr(text, '/', len);
	const char *a = text;
	size_t alen = slash ? (size_t)(slash - text) : len;
	int max;

	if (alen >= 2 && a[0] == '[' && a[alen - 1] == ']') {
		a++;
		alen -= 2;
	}
	if (alen == 0 || alen >= sizeof(buf))
		return -1;
	memcpy(buf, a, alen);
	buf[alen] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->bytes) == 1) {
		out->family = AF_INET;
	} else if (inet_pton(AF_INET6, buf, out->bytes) == 1) {
		/* A mapped address in a filter means the IPv4 address it maps,
		 * as sockets store mapped addresses as IPv4. */
		uint8_t raw[16];

		memcpy(raw, out->bytes, sizeof(raw));
		addr_from_kernel(out, AF_INET6, raw);
	} else {
		return -1;
	}
	max = out->family == AF_INET ? 32 : 128;
	*prefix = max;
	if (slash) {
		*prefix = addr_parse_prefix(slash + 1, text + len, max);
		if (*prefix < 0)
			return -1;
	}
	return 0;
}

bool addr_in_prefix(const struct pv_addr *a, const struct pv_addr *net, int prefix)
{
	int whole = prefix / 8, rest = prefix % 8;

	if (a->family != net->family)
		return false;
	if (memcmp(a->bytes, net->bytes, (size_t)whole) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		return (a->bytes[whole] & mask) == (net->bytes[whole] & mask);
	}
	return true;
}

bool addr_is_wildcard_or_equal(const struct pv_addr *listener, const struct pv_addr *a)
{
	return addr_is_wildcard(listener) ||
	       (listener->family == a->family && memcmp(listener->bytes, a->bytes, sizeof(a->bytes)) == 0);
}
