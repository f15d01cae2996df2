#include "config.h"

#include "ports.h"

#include <ctype.h>
#include <stdlib.h>

const char *const port_class_names[PV_PORT_CLASS_COUNT] = {
	[PV_PORT_WELL_KNOWN] = "well-known",
	[PV_PORT_REGISTERED] = "registered",
	[PV_PORT_DYNAMIC] = "dynamic",
};

enum pv_port_class port_class(uint16_t port)
{
	if (port < 1024)
		return PV_PORT_WELL_KNOWN;
	return port < 49152 ? PV_PORT_REGISTERED : PV_PORT_DYNAMIC;
}

/* One decimal port at *p, moving *p past it: digits only, at most 65535. */
static bool parse_port(const char **p, uint32_t *out)
{
	uint32_t v = 0;
	const char *s = *p;

	if (!isdigit((unsigned char)*s))
		return false;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (uint32_t)(*s - '0');
		if (v > 65535)
			return false;
	}
	*p = s;
	*out = v;
	return true;
}

bool ports_parse_range(const char *text, uint16_t *lo, uint16_t *hi)
{
	uint32_t a, b;
	const char *p = text;

	while (isspace((unsigned char)*p))
		p++;
	if (!parse_port(&p, &a) || !isspace((unsigned char)*p))
		return false;
	while (isspace((unsigned char)*p))
		p++;
	if (!parse_port(&p, &b))
		return false;
	while (isspace((unsigned char)*p))
		p++;
	if (*p || a > b)
		return false;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return true;
}

/* Whether port is in a reserved list: 1 or 0, or -1 on bad syntax (a
 * port above 65535 only checks the syntax). */
static int reserved_walk(const char *text, uint32_t port)
{
	const char *p = text;
	bool hit = false;

	while (isspace((unsigned char)*p))
		p++;
	while (*p) {
		uint32_t a, b;

		if (!parse_port(&p, &a))
			return -1;
		b = a;
		if (*p == '-') {
			p++;
			if (!parse_port(&p, &b) || b < a)
				return -1;
		}
		hit |= port >= a && port <= b;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return hit;
}

bool ports_valid_list(const char *text)
{
	return reserved_walk(text, 65536) >= 0;
}

bool ports_reserved(const struct pv_port_rules *rules, uint16_t port)
{
	return rules->known && rules->reserved && reserved_walk(rules->reserved, port) > 0;
}

bool ports_ephemeral(const struct pv_port_rules *rules, uint16_t port)
{
	return rules->known && port >= rules->ephemeral_lo && port <= rules->ephemeral_hi &&
	       !ports_reserved(rules, port);
}
