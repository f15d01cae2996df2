/* Reading a small text file whole: /proc's files, runtimes' state. */
#ifndef PV_TEXTFILE_H
#define PV_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Reads the whole of fd (up to max bytes) into a new NUL-terminated buffer
 * in *out and closes fd (a negative fd fails at once). Returns the length,
 * or -1 (nothing to free); sets *more when there was more than max. */
ssize_t text_read_fd(int fd, char **out, size_t max, bool *more);

#endif
