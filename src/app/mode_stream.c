#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "collect.h"
#include "headless.h"
#include "kinds.h"
#include "modes.h"
#include "refresh.h"
#include "stream.h"

/* The monotonic clock in seconds, as the pipeline keeps state ages. */
static double stream_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int mode_stream(const struct settings *s, const struct pv_filter *filter)
{
	struct refresh_options ro = {
		.incremental = true,
		.tcp_info = !s->lean,
		.age_info = true,
		.peers = !s->lean,
		.owners = s->owners,
		.netns = s->netns,
	};
	uint64_t mask = filter_kernel_mask(filter);
	char err[256], host[256];
	struct refresh *refresh = refresh_open(&ro, err, sizeof(err));
	struct stream_writer *sw;
	const struct pv_model *m;
	int status = EXIT_SUCCESS;

	if (!refresh) {
		fprintf(stderr, "portview: %s\n", err);
		return EXIT_FAILURE;
	}
	if (!s->unix_sockets && !filter_names_unix(filter))
		mask &= ~kind_mask_unix();
	collect_hostname(host, sizeof(host));
	headless_catch_stop();
	sw = stream_writer_new();
	stream_write_hello(stdout, host, s->delay);
	while (!headless_stopped() && !ferror(stdout)) {
		m = refresh_now(refresh, mask, err, sizeof(err));
		if (!m) {
			fprintf(stderr, "portview: %s\n", err);
			status = EXIT_FAILURE;
			break;
		}
		stream_write(sw, stdout, m, stream_now());
		headless_sleep(s->delay);
	}
	stream_writer_free(sw);
	refresh_close(refresh);
	return status == EXIT_SUCCESS && ferror(stdout) ? EXIT_FAILURE : status;
}
