/* Reading processes' fd tables under /proc: the one place that turns
 * /proc/PID/fd entries into socket inodes, for the full walk and for the
 * dashboard's owner cache. */
#ifndef PV_PROCFD_H
#define PV_PROCFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { PROCFD_BUFFER = 65536 };

/* Called with each socket inode a process holds. */
typedef void (*procfd_socket_fn)(uint32_t inode, uint32_t fd, void *arg);

/* Reads the fd table of process pid_name under the open /proc directory
 * procfd with getdents64 and readlinkat (no path strings per fd, no
 * SELinux look-ups), calling fn for every socket. buf is scratch space of
 * PROCFD_BUFFER bytes. Returns the number of fds read, or -1 with errno
 * when the table cannot be opened (ENOENT: the process is gone; EACCES:
 * not ours to read). */
long procfd_each_socket(int procfd, const char *pid_name, char *buf, procfd_socket_fn fn, void *arg);

/* Lists the processes under procfd as NUL-separated pid names, *offsets[i]
 * being where the i-th starts. Returns the count; the caller frees both. */
size_t procfd_list_pids(int procfd, char **names, uint32_t **offsets);

/* True when /proc is mounted with hidepid=2 (invisible) and we are not
 * root: other users' processes are then missing from the listing, not
 * merely unreadable, and their sockets look unowned. */
bool procfd_others_invisible(void);

/* Parses a readlink result "socket:[12345]"; 0 when it is no socket. */
uint32_t procfd_socket_inode(const char *link, size_t len);

#endif
