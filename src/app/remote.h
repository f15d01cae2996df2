/* --remote: the fleet (collect/fleet.h) the settings ask for. */
#ifndef PV_REMOTE_H
#define PV_REMOTE_H

#include <stddef.h>

#include "fleet.h"
#include "settings.h"

/* Starts ssh to each host of s->remote (NULL with a message in err for a
 * bad host); the ssh command is $PORTVIEW_SSH, else ssh. */
struct fleet *remote_open(const struct settings *s, char *err, size_t errsize);

/* Waits until every host has sent its whole model or cannot, at most
 * seconds: what --once prints. */
void remote_wait(struct fleet *f, double seconds);

#endif
