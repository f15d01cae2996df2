/* libFuzzer target: the sock_diag reply parser, fed arbitrary buffers as
 * if the kernel had sent them (lying lengths, truncated attributes,
 * unknown types, errors). It must never read out of bounds or crash. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "diag_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_snapshot snap;
	struct diag_parse_ctx ctx;
	/* The kernel's buffers are aligned; libmnl relies on it. */
	void *buf = malloc(size ? size : 1);

	memcpy(buf, data, size);
	snapshot_init(&snap);
	memset(&ctx, 0, sizeof(ctx));
	ctx.snap = &snap;
	/* The first byte picks the dump: TCP, UDP, or UNIX (its own parser). */
	ctx.proto = size && (data[0] & 1) ? IPPROTO_UDP : IPPROTO_TCP;
	ctx.family = AF_INET;
	if (size && (data[0] & 2)) {
		ctx.proto = PV_PROTO_UNIX;
		ctx.family = AF_UNIX;
	}
	/* Sequence and port 0: libmnl then checks neither, so the fuzzer
	 * reaches the message parsing itself. */
	diag_parse_buffer(buf, size, 0, 0, &ctx);
	if (ctx.added != snap.nsocks)
		abort();
	snapshot_free(&snap);
	free(buf);
	return 0;
}
