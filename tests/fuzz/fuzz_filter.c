/* libFuzzer target: the filter parser and evaluator. Any text must either
 * parse or give an error with a position inside it, never crash or hang;
 * a parsed filter is evaluated on every socket of a fixture snapshot and
 * its kernel mask must never exclude a socket the filter matches. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "fixtures.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pv_snapshot snap;
	static int ready;
	struct filter_error err;
	struct pv_filter *f;
	char *text;
	size_t i;

	if (!ready) {
		fixture_snapshot(&snap);
		ready = 1;
	}
	if (size > FILTER_MAX_LEN + 16)
		return 0;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	f = filter_parse(text, &err);
	if (!f) {
		if (err.pos > strlen(text) || !err.msg[0])
			abort();
	} else {
		uint64_t mask = filter_kernel_mask(f);

		for (i = 0; i < snap.nsocks; i++) {
			const struct pv_socket *k = &snap.socks[i];

			if (filter_match(f, &snap, k) &&
			    !((mask >> kind_mask_bit(k->family, k->proto, k->state)) & 1))
				abort();
		}
		filter_free(f);
	}
	free(text);
	return 0;
}
