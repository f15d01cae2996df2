#include "config.h"

#include "procinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "textfile.h"
#include "workload.h"
#include "xalloc.h"

int procinfo_parse_stat(const char *text, size_t len, const char **comm, size_t *comm_len,
			unsigned long long *start_time)
{
	const char *open = memchr(text, '(', len), *close = NULL, *p;
	int field;

	for (p = text + len; p > text; p--) {
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	}
	if (!open || !close || close < open)
		return -1;
	*comm = open + 1;
	*comm_len = (size_t)(close - open - 1);
	/* After ") " comes field 3 (the state); the start time is field 22. */
	p = close + 1;
	for (field = 3;; field++) {
		while (p < text + len && *p == ' ')
			p++;
		if (field == 22)
			break;
		while (p < text + len && *p != ' ')
			p++;
	}
	if (p >= text + len || *p < '0' || *p > '9')
		return -1;
	*start_time = strtoull(p, NULL, 10);
	return 0;
}

int procinfo_parse_status_uid(const char *text, uint32_t *uid)
{
	const char *line = strstr(text, "\nUid:");
	unsigned long effective;
	char *end;

	if (!line)
		return -1;
	/* "Uid:\treal\teffective\tsaved\tfs": skip the real uid. */
	strtoul(line + 5, &end, 10);
	effective = strtoul(end, &end, 10);
	if (end == line + 5)
		return -1;
	*uid = (uint32_t)effective;
	return 0;
}

size_t procinfo_join_cmdline(char *buf, size_t len)
{
	size_t i;

	while (len > 0 && buf[len - 1] == '\0')
		len--;
	for (i = 0; i < len; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[len] = '\0';
	return len;
}

/* Opens name in the process directory pid_name under procfd. */
static int procinfo_open(int procfd, const char *pid_name, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "%s/%s", pid_name, name);
	return openat(procfd, path, O_RDONLY | O_CLOEXEC);
}

/* Short enough to read at a glance, long enough to be unique on a host:
 * as docker ps and podman ps show ids. */
enum { PROCINFO_SHORT_ID = 12 };

static void procinfo_set_workload(struct pv_process *pr, const char *cgroup_text, size_t len,
				  struct arena *arena)
{
	const char *path;
	size_t path_len;
	struct workload w;

	pr->workload_kind = PV_WORKLOAD_NONE;
	pr->workload = pr->workload_id = pr->pod = pr->cgroup = NULL;
	if (!cgroup_path_pick(cgroup_text, len, &path, &path_len))
		return;
	pr->cgroup = arena_strndup(arena, path, path_len);
	workload_classify(pr->cgroup, path_len, &w);
	pr->workload_kind = (uint8_t)w.kind;
	if (w.pod)
		pr->pod = arena_strndup(arena, w.pod, w.pod_len);
	if (w.kind == PV_WORKLOAD_NONE)
		return;
	pr->workload_id = arena_strndup(arena, w.id, w.id_len);
	/* A container's name comes later, from its runtime's files
	 * (containers.h); until then, the short id. */
	pr->workload = workload_kinds[w.kind].container && w.id_len > PROCINFO_SHORT_ID
			       ? arena_strndup(arena, w.id, PROCINFO_SHORT_ID)
			       : pr->workload_id;
}

void procinfo_copy_strings(struct pv_process *dst, const struct pv_process *src, struct arena *arena)
{
	const char **fields[] = { &dst->comm, &dst->workload_id, &dst->pod, &dst->cgroup,
				  &dst->listen_fdnames };

	*dst = *src;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (*fields[i])
			*fields[i] = arena_strdup(arena, *fields[i]);
	dst->cmdline = arena_strndup(arena, src->cmdline, src->cmdline_len);
	/* The shown name is the id itself or a name of its own. */
	if (src->workload == src->workload_id)
		dst->workload = dst->workload_id;
	else if (src->workload)
		dst->workload = arena_strdup(arena, src->workload);
}

int procinfo_read(int procfd, const char *pid_name, struct pv_process *pr, struct arena *arena)
{
	struct stat st;
	char *text = NULL;
	const char *comm;
	size_t comm_len;
	bool more, owner_known;
	ssize_t n;
	int fd;

	pr->pid = atoi(pid_name);
	pr->workload_kind = PV_WORKLOAD_NONE;
	pr->workload = pr->workload_id = pr->pod = pr->cgroup = NULL;
	fd = procinfo_open(procfd, pid_name, "stat");
	if (fd < 0)
		return -1;
	/* Files under /proc/PID belong to the effective uid, except that a
	 * process that is not dumpable shows as root: only then read status. */
	owner_known = fstat(fd, &st) == 0 && st.st_uid != 0;
	n = text_read_fd(fd, &text, 4096, &more);
	if (n < 0)
		return -1;
	if (procinfo_parse_stat(text, (size_t)n, &comm, &comm_len, &pr->start_time) < 0) {
		free(text);
		return -1;
	}
	pr->comm = arena_strndup(arena, comm, comm_len);
	free(text);

	if (owner_known) {
		pr->uid = st.st_uid;
	} else {
		pr->uid = (uint32_t)-1;
		n = text_read_fd(procinfo_open(procfd, pid_name, "status"), &text, 16384, &more);
		if (n >= 0) {
			if (procinfo_parse_status_uid(text, &pr->uid) < 0)
				pr->uid = (uint32_t)-1;
			free(text);
		}
	}

	/* A kernel thread or zombie has an empty command line; the reader of
	 * the output sees "" and can fall back to comm. */
	n = text_read_fd(procinfo_open(procfd, pid_name, "cmdline"), &text, PROCINFO_CMDLINE_MAX, &more);
	if (n >= 0) {
		size_t len = procinfo_join_cmdline(text, (size_t)n);

		pr->cmdline = arena_strndup(arena, text, len);
		pr->cmdline_len = len;
		pr->cmdline_truncated = more;
		free(text);
	} else {
		pr->cmdline = arena_strdup(arena, "");
		pr->cmdline_len = 0;
		pr->cmdline_truncated = false;
	}
	procinfo_read_workload(procfd, pid_name, pr, arena);
	return 0;
}

void procinfo_read_workload(int procfd, const char *pid_name, struct pv_process *pr, struct arena *arena)
{
	char *text;
	bool more;
	ssize_t n = text_read_fd(procinfo_open(procfd, pid_name, "cgroup"), &text, 16384, &more);

	pr->workload_kind = PV_WORKLOAD_NONE;
	pr->workload = pr->workload_id = pr->pod = pr->cgroup = NULL;
	if (n < 0)
		return;
	procinfo_set_workload(pr, text, (size_t)n, arena);
	free(text);
}

int procinfo_start_time(int pid, unsigned long long *start_time)
{
	char pid_name[16], *text = NULL;
	const char *comm;
	size_t comm_len;
	bool more;
	ssize_t n;
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret;

	if (procfd < 0)
		return -1;
	snprintf(pid_name, sizeof(pid_name), "%d", pid);
	n = text_read_fd(procinfo_open(procfd, pid_name, "stat"), &text, 4096, &more);
	close(procfd);
	if (n < 0)
		return -1;
	ret = procinfo_parse_stat(text, (size_t)n, &comm, &comm_len, start_time);
	free(text);
	return ret;
}
