/* Reading one process's identity from its /proc directory. */
#ifndef PV_PROCINFO_H
#define PV_PROCINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

/* Longest command line kept; longer ones are cut and flagged. */
enum { PROCINFO_CMDLINE_MAX = 128 * 1024 };

/* Fills pr from the process directory pid_name under the open /proc
 * directory procfd: comm and start time from stat, the effective uid from
 * the owner of stat (or from status for a process that is not dumpable),
 * the command line from cmdline. Strings go into arena. Returns 0, or -1
 * when the process has gone. */
int procinfo_read(int procfd, const char *pid_name, struct pv_process *pr, struct arena *arena);

/* Sets pr's cgroup and what it runs as from pid_name's cgroup file under
 * procfd (procinfo_read does this too); none when it cannot be read.
 * Strings go into arena. */
void procinfo_read_workload(int procfd, const char *pid_name, struct pv_process *pr, struct arena *arena);

/* Copies src into dst with its strings in arena. */
void procinfo_copy_strings(struct pv_process *dst, const struct pv_process *src, struct arena *arena);

/* Reads the start time of process pid; 0, or -1 when it does not exist. */
int procinfo_start_time(int pid, unsigned long long *start_time);

/* Parses the text of /proc/PID/stat: the name lies between the first '('
 * and the last ')' (a name may contain both), the start time is field 22.
 * Returns 0 and sets *comm and *comm_len (pointing into text) and *start_time,
 * or -1 when the text is malformed. */
int procinfo_parse_stat(const char *text, size_t len, const char **comm, size_t *comm_len,
			unsigned long long *start_time);

/* Parses the effective uid from the text of /proc/PID/status; -1 if absent. */
int procinfo_parse_status_uid(const char *text, uint32_t *uid);

/* Turns a raw cmdline (NUL-separated arguments) into one line in place:
 * separators become spaces, trailing NULs go. Returns the new length. */
size_t procinfo_join_cmdline(char *buf, size_t len);

#endif
