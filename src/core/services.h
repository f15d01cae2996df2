/* Service names for well-known ports, from /etc/services: "80/tcp" is
 * "http". Parsing is pure, so every malformed line can be unit-tested; a
 * file that cannot be read gives an empty table (ports stay numeric). */
#ifndef PV_SERVICES_H
#define PV_SERVICES_H

#include <stddef.h>
#include <stdint.h>

struct services;

/* Reads services(5) text, len bytes: "name port/proto [aliases] [# ...]".
 * Lines that do not fit are skipped; the first name given to a port and
 * protocol wins. Never NULL. */
struct services *services_parse(const char *text, size_t len);
/* services_parse of the file at path, or an empty table when it cannot
 * be read. Never NULL. */
struct services *services_load(const char *path);
void services_free(struct services *sv);

/* The name of port for proto (IPPROTO_TCP or IPPROTO_UDP), or NULL. The
 * text is the file's bytes, unsanitised; it lives as long as sv. */
const char *services_name(const struct services *sv, uint8_t proto, uint16_t port);
/* How many (port, protocol) names the table holds. */
size_t services_count(const struct services *sv);

#endif
