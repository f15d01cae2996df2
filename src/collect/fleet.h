/* --remote: other hosts' sockets, each from `portview --stream` run there
 * through the system's ssh (its config, keys and known_hosts as they are;
 * BatchMode, so no password is ever asked or handled here). A thread
 * reads every host's lines as they come; a refresh takes what they left.
 * A host that stops sending is stale, one whose ssh ends is down and
 * reconnected with backoff, one that speaks another stream version is
 * refused. */
#ifndef PV_FLEET_H
#define PV_FLEET_H

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

struct fleet_options {
	const char *const *hosts; /* as ssh takes them: [user@]host or a Host of ssh_config */
	size_t nhosts;
	const char *ssh;            /* the ssh command, words split on spaces (PORTVIEW_SSH) */
	const char *remote_command; /* run there before --stream: "portview", "sudo -n portview" */
	double delay;               /* -d for the hosts */
	bool lean, unix_sockets;    /* passed on as --lean and -x */
};

struct fleet;

/* Starts every host's ssh. NULL with a message for a host that cannot be
 * one (empty, or an option). */
struct fleet *fleet_open(const struct fleet_options *opts, char *err, size_t errsize);
/* Ends every ssh and the thread. */
void fleet_close(struct fleet *f);

/* Fills s (recycled) with every host's sockets as its lines left them,
 * and s->hosts with how each stands. */
void fleet_collect(struct fleet *f, struct pv_snapshot *s);

/* True when every host has sent its whole model or cannot (down or
 * refused): --once then prints. */
bool fleet_settled(struct fleet *f);

#endif
