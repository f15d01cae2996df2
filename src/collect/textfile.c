#include "config.h"

#include "textfile.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "xalloc.h"

ssize_t text_read_fd(int fd, char **out, size_t max, bool *more)
{
	size_t cap = 4096, len = 0;
	char *buf;

	*more = false;
	if (fd < 0)
		return -1;
	buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t n;

		if (len == cap) {
			if (cap >= max) {
				char probe;

				*more = read(fd, &probe, 1) > 0;
				break;
			}
			cap = cap * 2 > max ? max : cap * 2;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		/* /proc's files and regular files give all they have up to
		 * the size asked: a short read is the end, without one more
		 * call. */
		if (len < cap)
			break;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;
}
