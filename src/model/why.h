/* `portview why PORT`: why a new server could not bind a port, or that it
 * could, from the kernel's answer to real binds (collect/bindprobe.h) and
 * what the snapshot shows on that port in portview's own namespace:
 * listeners by family, SO_REUSEPORT siblings, sockets bound but not
 * listening, TIME_WAIT and CLOSE_WAIT, and the namespace's port rules. */
#ifndef PV_WHY_H
#define PV_WHY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ports.h"
#include "snapshot.h"
#include "strbuf.h"

struct why_query {
	uint16_t port;
	uint8_t proto; /* IPPROTO_TCP or IPPROTO_UDP; 0: both */
};

/* Parses "8080", ":8080", "8080/tcp", "53/udp". Returns false with a
 * message in err on anything else (port 0 too: nothing binds it). */
bool why_parse(const char *text, struct why_query *q, char *err, size_t errsize);

/* One protocol's findings. Socket lists are indices into the snapshot. */
struct why_proto {
	uint8_t proto;
	struct pv_bind_try tries[PV_BIND_FORM_COUNT];
	bool taken;        /* a try failed because the port is in use */
	bool denied;       /* a try failed for want of privilege */
	uint32_t *holders; /* listeners and bound sockets on the port */
	size_t nholders;
	uint32_t *close_wait; /* connections of the port left in CLOSE_WAIT */
	size_t nclose_wait;
	size_t time_wait;           /* connections of the port in TIME_WAIT */
	uint32_t time_wait_left_ms; /* the longest any of them has left */
	size_t connections;         /* other connections on it as their local port */
	size_t elsewhere;           /* listeners on it in other namespaces */
};

struct why_report {
	struct why_query query;
	uint32_t netns; /* the namespace asked about: portview's own */
	struct pv_port_rules rules;
	struct why_proto protos[2];
	size_t nprotos;
	bool taken; /* any protocol's */
};

/* Builds the report for q on s from tries[i], the binds tried for the
 * i-th protocol asked (TCP first when both). */
void why_build(const struct pv_snapshot *s, const struct why_query *q,
	       const struct pv_bind_try tries[2][PV_BIND_FORM_COUNT], struct why_report *r);
void why_free(struct why_report *r);

/* The protocols q asks about, in order: n of them into protos. */
size_t why_protocols(const struct why_query *q, uint8_t protos[2]);

/* "label\tvalue\n" lines, as the details pane shows them: the verdict
 * first, then each finding; untrusted text sanitised. */
void why_describe(const struct pv_snapshot *s, const struct why_report *r, bool utf8, struct strbuf *out);

/* How a bind form is described: "0.0.0.0", "[::] IPv6 only", ... */
const char *why_form_name(enum pv_bind_form form);

#endif
