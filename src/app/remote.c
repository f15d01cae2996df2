#include "config.h"

#include "remote.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xalloc.h"

struct fleet *remote_open(const struct settings *s, char *err, size_t errsize)
{
	const char *ssh = getenv("PORTVIEW_SSH");
	char *words = xstrdup(s->remote), *save = NULL;
	const char **hosts = NULL;
	struct fleet_options o = {
		.ssh = ssh && ssh[0] ? ssh : "ssh",
		.remote_command = s->remote_command ? s->remote_command : "portview",
		.delay = s->delay,
		.lean = s->lean,
		.unix_sockets = s->unix_sockets,
	};
	struct fleet *f;

	for (char *w = strtok_r(words, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		hosts = xreallocarray(hosts, o.nhosts + 1, sizeof(*hosts));
		hosts[o.nhosts++] = w;
	}
	o.hosts = hosts;
	f = fleet_open(&o, err, errsize);
	free(hosts);
	free(words);
	return f;
}

void remote_wait(struct fleet *f, double seconds)
{
	struct timespec step = { 0, 50 * 1000 * 1000 };

	for (double waited = 0; waited < seconds && !fleet_settled(f); waited += 0.05)
		nanosleep(&step, NULL);
}
