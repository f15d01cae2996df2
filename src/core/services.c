#include "config.h"

#include "services.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include "strbuf.h"
#include "u64map.h"
#include "xalloc.h"

/* /etc/services is some 12 KiB; anything past this is not a services file. */
enum { SERVICES_MAX_BYTES = 4 << 20, SERVICES_MAX_NAME = 64 };

struct services {
	struct u64map by_port; /* proto << 16 | port -> offset in names */
	struct strbuf names;   /* NUL-terminated names, back to back */
};

static uint64_t services_key(uint8_t proto, uint16_t port)
{
	return ((uint64_t)proto << 16 | port) + 1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next blank-separated word of [*p, end), or length 0 at the end or
 * at a comment. */
static size_t next_word(const char **p, const char *end, const char **word)
{
	const char *s = *p;

	while (s < end && is_blank(*s))
		s++;
	*word = s;
	if (s == end || *s == '#') {
		*p = end;
		return 0;
	}
	while (s < end && !is_blank(*s) && *s != '#')
		s++;
	*p = s;
	return (size_t)(s - *word);
}

/* Parses "80/tcp"; false unless it is a port from 1 to 65535 over tcp or udp. */
static bool parse_port_proto(const char *w, size_t len, uint16_t *port, uint8_t *proto)
{
	unsigned long v = 0;
	size_t i = 0;

	for (; i < len && w[i] >= '0' && w[i] <= '9'; i++) {
		v = v * 10 + (unsigned long)(w[i] - '0');
		if (v > 65535)
			return false;
	}
	if (i == 0 || v == 0 || i + 4 != len || w[i] != '/')
		return false;
	if (strncmp(w + i + 1, "tcp", 3) == 0)
		*proto = IPPROTO_TCP;
	else if (strncmp(w + i + 1, "udp", 3) == 0)
		*proto = IPPROTO_UDP;
	else
		return false;
	*port = (uint16_t)v;
	return true;
}

static void services_line(struct services *sv, const char *p, const char *end)
{
	const char *name, *pp;
	size_t name_len = next_word(&p, end, &name), pp_len;
	uint16_t port;
	uint8_t proto;
	int inserted;

	if (name_len == 0 || name_len > SERVICES_MAX_NAME)
		return;
	pp_len = next_word(&p, end, &pp);
	if (!parse_port_proto(pp, pp_len, &port, &proto))
		return;
	u64map_put(&sv->by_port, services_key(proto, port), (uint32_t)sv->names.len, &inserted);
	if (!inserted)
		return;
	strbuf_append(&sv->names, name, name_len);
	strbuf_putc(&sv->names, '\0');
}

struct services *services_parse(const char *text, size_t len)
{
	struct services *sv = xcalloc(1, sizeof(*sv));
	const char *p = text, *end = text + len;

	u64map_init(&sv->by_port, 1024);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;

		services_line(sv, p, line_end);
		p = nl ? nl + 1 : end;
	}
	return sv;
}

struct services *services_load(const char *path)
{
	struct strbuf text = { 0 };
	struct services *sv;
	char chunk[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		while ((n = read(fd, chunk, sizeof(chunk))) > 0 && text.len < SERVICES_MAX_BYTES)
			strbuf_append(&text, chunk, (size_t)n);
		close(fd);
	}
	sv = services_parse(text.len ? text.data : "", text.len);
	strbuf_free(&text);
	return sv;
}

void services_free(struct services *sv)
{
	if (!sv)
		return;
	u64map_free(&sv->by_port);
	strbuf_free(&sv->names);
	free(sv);
}

const char *services_name(const struct services *sv, uint8_t proto, uint16_t port)
{
	const uint32_t *off;

	if (!sv || (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return NULL;
	off = u64map_get(&sv->by_port, services_key(proto, port));
	return off ? sv->names.data + *off : NULL;
}

size_t services_count(const struct services *sv)
{
	return sv ? sv->by_port.count : 0;
}
