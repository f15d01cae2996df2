/* An in-memory snapshot with known sockets and processes, for model tests. */
#ifndef PV_FIXTURES_H
#define PV_FIXTURES_H

#include "snapshot.h"

/* Process indices in the fixture. */
enum { FX_NGINX, FX_NGINX_WORKER, FX_PSQL, FX_POSTGRES, FX_PROCS };

/* Fills s with:
 *  0 tcp  LISTEN      0.0.0.0:80          owners nginx(100), worker(101)
 *  1 tcp6 LISTEN      [::]:80  v6only=0   owners nginx(100), worker(101)
 *  2 tcp  ESTAB       10.0.0.5:80 <- 10.0.0.17:51234   owner worker(101)
 *  3 tcp6 ESTAB       127.0.0.1:80 <- 127.0.0.1:40000 (v4-mapped) owner worker(101)
 *  4 tcp  TIME_WAIT   10.0.0.5:80 <- 10.0.0.18:40022   no owner, inode 0
 *  5 tcp  LISTEN      127.0.0.1:5432      owner postgres(812), uid 114
 *  6 tcp  ESTAB       127.0.0.1:33000 -> 127.0.0.1:5432  owner psql(4211), uid 1000
 *  7 tcp  ESTAB       127.0.0.1:5432 <- 127.0.0.1:33000  owner postgres(812)
 *  8 udp  UNCONN      127.0.0.53:53       hidden, uid 101
 *  9 udp6 ESTAB       [2001:db8::1]:5000 -> [2001:db8::2]:53  owner psql(4211)
 * 10 tcp  ESTAB       10.0.0.5:40100 -> 93.184.216.34:443  hidden, uid 1000
 * Sockets are added in this order. */
void fixture_snapshot(struct pv_snapshot *s);

/* The fixture's namespaces: sockets 5 to 7 (postgres and psql) in a
 * container's, "db", the rest in the host's. postgres runs in podman
 * container db (id abc123def456...), nginx in nginx.service. Relations
 * are computed again. */
enum { FX_HOST_NETNS = 4026531840u, FX_DB_NETNS = 4026532000u };
void fixture_namespaces(struct pv_snapshot *s);

/* After fixture_namespaces: adds process comm (pid 9000) with cmdline
 * holding a listener on the host's 0.0.0.0:15432 (socket 11), as a
 * container runtime's port publisher, and computes relations again. */
void fixture_published_port(struct pv_snapshot *s, const char *comm, const char *cmdline);

/* Process indices in the UNIX fixture. */
enum { FXU_APPD, FXU_CLI, FXU_JOURNAL };

/* Fills s with UNIX sockets (inodes 7000 + index) and one TCP listener:
 *  0 u_str LISTEN /run/app.sock, accept queue 4 of 4 (full)  appd(300)
 *  1 u_str ESTAB  /run/app.sock, accepted; peer 2            appd(300)
 *  2 u_str ESTAB  unnamed; peer 1                            cli(400)
 *  3 u_seq LISTEN abstract "bus" ESC (@bus\x1b)              appd(300)
 *  4 u_dgr ESTAB  /dev/log, no peer: a receiver              journal(1)
 *  5 u_dgr ESTAB  unnamed; peer 4                            cli(400)
 *  6 u_str ESTAB  unnamed; peer 7 (a socketpair)             cli(400)
 *  7 u_str ESTAB  unnamed; peer 6                            appd(300)
 *  8 tcp   LISTEN 0.0.0.0:80                                 appd(300)
 * with relations computed. */
void fixture_unix_snapshot(struct pv_snapshot *s);

/* Makes dst a copy of src without socket skip (SIZE_MAX keeps all).
 * Strings are shared with src, which must outlive dst. */
void fixture_copy_without(const struct pv_snapshot *src, struct pv_snapshot *dst, size_t skip);

/* Makes dst a copy of src's listeners only, the kernel mask saying so. */
void fixture_copy_listeners(const struct pv_snapshot *src, struct pv_snapshot *dst);

#endif
