/* What socket activation leaves on disk and in the environment: the
 * .socket units of systemd's unit folders (what each listens on, which
 * service it starts), and, for a process that shares a listener with a
 * socket activator, the LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES it was
 * started with. */
#ifndef PV_SYSTEMD_SOCKETS_H
#define PV_SYSTEMD_SOCKETS_H

#include <stddef.h>

#include "snapshot.h"

struct systemd_sockets;

/* dirs: the unit folders, NULL-terminated, most important first; NULL
 * for systemd's (/etc, /run, /usr/lib, /lib). proc: /proc's path. */
struct systemd_sockets *systemd_sockets_new(const char *const *dirs, const char *proc);
void systemd_sockets_free(struct systemd_sockets *ss);

/* Gives snap the .socket units (the folders read again when one changed,
 * at most every few seconds), and the LISTEN_* of the processes that
 * share a listener with an activator (activation.h). */
void systemd_sockets_fill(struct systemd_sockets *ss, struct pv_snapshot *snap, double now);

/* Parses one unit file's text, named name ("cups.socket"), appending up
 * to max entries to out with strings in arena. Returns how many. */
size_t systemd_socket_parse(const char *text, const char *name, struct pv_socket_unit *out, size_t max,
			    struct arena *arena);

#endif
