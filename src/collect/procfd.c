#include "config.h"

#include "procfd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "xalloc.h"

/* Raw getdents64 records: no DIR streams and no allocation per directory. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

uint32_t procfd_socket_inode(const char *link, size_t len)
{
	uint64_t ino = 0;
	size_t i;

	if (len < 10 || memcmp(link, "socket:[", 8) != 0 || link[len - 1] != ']')
		return 0;
	for (i = 8; i < len - 1; i++) {
		if (link[i] < '0' || link[i] > '9')
			return 0;
		ino = ino * 10 + (uint64_t)(link[i] - '0');
		if (ino > UINT32_MAX)
			return 0;
	}
	return (uint32_t)ino;
}

/* getdents fills the buffer while entries remain: a read well short of it
 * is the end, and saves the call that would return 0. */
static bool procfd_read_ended(long n)
{
	return n < PROCFD_BUFFER - 1024;
}

/* An entry of /proc/PID/fd is the fd's number in decimal. */
static uint32_t procfd_number(const char *name)
{
	uint32_t fd = 0;

	for (; *name >= '0' && *name <= '9'; name++)
		fd = fd * 10 + (uint32_t)(*name - '0');
	return fd;
}

long procfd_each_socket(int procfd, const char *pid_name, char *buf, procfd_socket_fn fn, void *arg)
{
	char path[32];
	long fds = 0;
	int fddir;

	snprintf(path, sizeof(path), "%s/fd", pid_name);
	fddir = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fddir < 0)
		return -1;
	for (;;) {
		long n = syscall(SYS_getdents64, fddir, buf, PROCFD_BUFFER), off;

		if (n <= 0)
			break;
		for (off = 0; off < n;) {
			const struct linux_dirent64 *d = (const void *)(buf + off);
			char link[64];
			ssize_t len;
			uint32_t ino;

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			fds++;
			len = readlinkat(fddir, d->d_name, link, sizeof(link));
			ino = len > 0 ? procfd_socket_inode(link, (size_t)len) : 0;
			if (ino)
				fn(ino, procfd_number(d->d_name), arg);
		}
		if (procfd_read_ended(n))
			break;
	}
	close(fddir);
	return fds;
}

static bool procfd_is_pid(const char *name)
{
	if (*name < '1' || *name > '9')
		return false;
	while (*++name)
		if (*name < '0' || *name > '9')
			return false;
	return true;
}

size_t procfd_list_pids(int procfd, char **names, uint32_t **offsets)
{
	char *dents = xmalloc(PROCFD_BUFFER);
	size_t n = 0, used = 0, cap = 4096, ocap = 256;

	*names = xmalloc(cap);
	*offsets = xmalloc(ocap * sizeof(**offsets));
	lseek(procfd, 0, SEEK_SET);
	for (;;) {
		long got = syscall(SYS_getdents64, procfd, dents, PROCFD_BUFFER), off;

		if (got <= 0)
			break;
		for (off = 0; off < got;) {
			const struct linux_dirent64 *d = (const void *)(dents + off);
			size_t len = strlen(d->d_name) + 1;

			off += d->d_reclen;
			if (!procfd_is_pid(d->d_name))
				continue;
			if (used + len > cap)
				*names = xreallocarray(*names, cap *= 2, 1);
			if (n == ocap)
				*offsets = xreallocarray(*offsets, ocap *= 2, sizeof(**offsets));
			memcpy(*names + used, d->d_name, len);
			(*offsets)[n++] = (uint32_t)used;
			used += len;
		}
	}
	free(dents);
	return n;
}

bool procfd_others_invisible(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024];
	bool invisible = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		/* "... /proc rw,... - proc proc rw,hidepid=invisible" */
		const char *sep = strstr(line, " - proc ");
		char mountpoint[64];

		if (!sep || sscanf(line, "%*s %*s %*s %*s %63s", mountpoint) != 1 ||
		    strcmp(mountpoint, "/proc") != 0)
			continue;
		invisible = strstr(sep, "hidepid=2") || strstr(sep, "hidepid=invisible");
	}
	fclose(f);
	return invisible && geteuid() != 0;
}
