#include "config.h"

#include "states.h"

#include <stddef.h>
#include <strings.h>
#include <netinet/in.h>

#include "snapshot.h"

struct state_entry {
	const char *name;       /* the kernel's name */
	const char *short_name; /* ss-style column label */
};

static const struct state_entry state_table[PV_STATE_MAX + 1] = {
	[0] = { "UNKNOWN", "UNKNOWN" },
	[PV_STATE_ESTABLISHED] = { "ESTABLISHED", "ESTAB" },
	[PV_STATE_SYN_SENT] = { "SYN_SENT", "SYN-SENT" },
	[PV_STATE_SYN_RECV] = { "SYN_RECV", "SYN-RECV" },
	[PV_STATE_FIN_WAIT1] = { "FIN_WAIT1", "FIN-WAIT-1" },
	[PV_STATE_FIN_WAIT2] = { "FIN_WAIT2", "FIN-WAIT-2" },
	[PV_STATE_TIME_WAIT] = { "TIME_WAIT", "TIME-WAIT" },
	[PV_STATE_CLOSE] = { "CLOSE", "CLOSE" },
	[PV_STATE_CLOSE_WAIT] = { "CLOSE_WAIT", "CLOSE-WAIT" },
	[PV_STATE_LAST_ACK] = { "LAST_ACK", "LAST-ACK" },
	[PV_STATE_LISTEN] = { "LISTEN", "LISTEN" },
	[PV_STATE_CLOSING] = { "CLOSING", "CLOSING" },
};

const char *state_name(uint8_t proto, uint8_t state)
{
	if (proto != IPPROTO_TCP && state == PV_STATE_CLOSE)
		return "UNCONN";
	if (proto == IPPROTO_TCP && state == PV_STATE_BOUND_INACTIVE)
		return "BOUND_INACTIVE";
	if (state > PV_STATE_MAX)
		return "UNKNOWN";
	return state_table[state].name;
}

const char *state_short_name(uint8_t proto, uint8_t state)
{
	if (proto != IPPROTO_TCP && state == PV_STATE_CLOSE)
		return "UNCONN";
	if (proto == IPPROTO_TCP && state == PV_STATE_BOUND_INACTIVE)
		return "BOUND";
	if (state > PV_STATE_MAX)
		return "UNKNOWN";
	return state_table[state].short_name;
}

/* Compares ignoring case and treating '-' and '_' as the same character. */
static int state_name_equal(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen; i++) {
		char x = a[i] == '-' ? '_' : a[i];
		char y = b[i] == '-' ? '_' : b[i];

		if (!y || (x | 0x20) != (y | 0x20))
			return 0;
	}
	return b[alen] == '\0';
}

uint32_t state_parse(const char *name, size_t len)
{
	static const struct {
		const char *alias;
		uint32_t mask;
	} aliases[] = {
		{ "unconn", 1u << PV_STATE_CLOSE },
		{ "time_wait", 1u << PV_STATE_TIME_WAIT },
		{ "fin_wait_1", 1u << PV_STATE_FIN_WAIT1 },
		{ "fin_wait_2", 1u << PV_STATE_FIN_WAIT2 },
	};
	size_t i;

	for (i = 1; i <= PV_STATE_MAX; i++)
		if (state_name_equal(name, len, state_table[i].name) ||
		    state_name_equal(name, len, state_table[i].short_name))
			return 1u << i;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (state_name_equal(name, len, aliases[i].alias))
			return aliases[i].mask;
	return 0;
}

const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case PV_PROTO_UNIX: return "unix";
	default: return "unknown";
	}
}

const char *unix_type_name(uint8_t sock_type)
{
	switch (sock_type) {
	case 1: return "stream";    /* SOCK_STREAM */
	case 2: return "dgram";     /* SOCK_DGRAM */
	case 5: return "seqpacket"; /* SOCK_SEQPACKET */
	default: return "unknown";
	}
}
