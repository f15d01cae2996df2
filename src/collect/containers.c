#include "config.h"

#include "containers.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "textfile.h"
#include "xalloc.h"

/* Runtimes' files can be large (containers.json lists every container);
 * beyond this they are not read. */
enum { CONTAINERS_FILE_MAX = 4 << 20, CONTAINERS_CACHE_MAX = 512 };

/* Podman and CRI-O share containers/storage: one JSON array of every
 * container, each with "id" and "names". Docker keeps one file per
 * container whose "Name" starts with '/'. */
static const char STORAGE_LIST[] = "var/lib/containers/storage/overlay-containers/containers.json";
static const char DOCKER_DIR[] = "var/lib/docker/containers";

struct known_name {
	uint8_t kind;
	char *id;
	char *name; /* NULL: looked for, not found */
};

struct containers {
	char *root;
	struct known_name *known;
	size_t nknown;
	struct timespec storage_mtime; /* of STORAGE_LIST when last read */
	char *storage;                 /* its text, or NULL */
};

struct containers *containers_new(const char *root)
{
	struct containers *c = xcalloc(1, sizeof(*c));

	c->root = xstrdup(root);
	return c;
}

static void containers_forget(struct containers *c)
{
	for (size_t i = 0; i < c->nknown; i++) {
		free(c->known[i].id);
		free(c->known[i].name);
	}
	c->nknown = 0;
}

void containers_free(struct containers *c)
{
	if (!c)
		return;
	containers_forget(c);
	free(c->known);
	free(c->storage);
	free(c->root);
	free(c);
}

/* The whole of a regular file under root, NUL-terminated, or NULL (also
 * when larger than CONTAINERS_FILE_MAX). */
static char *read_small_file(const struct containers *c, const char *rel, struct stat *st)
{
	char path[4096];
	char *text;
	bool more;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", c->root, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd >= 0 && (fstat(fd, st) < 0 || !S_ISREG(st->st_mode))) {
		close(fd);
		return NULL;
	}
	if (text_read_fd(fd, &text, CONTAINERS_FILE_MAX, &more) < 0)
		return NULL;
	if (more) {
		free(text);
		return NULL;
	}
	return text;
}

/* The JSON string that starts at p (just after its opening quote), when
 * it holds no escapes: runtimes allow none in names. */
static char *plain_string(const char *p)
{
	size_t n = strcspn(p, "\"\\");

	if (p[n] != '"' || n == 0)
		return NULL;
	return xstrndup(p, n);
}

/* The first of "names" of the container with id in the storage list:
 * between its "id" and the next container's. */
static char *storage_name(const char *list, const char *id)
{
	char key[160];
	const char *at, *next, *names;

	snprintf(key, sizeof(key), "\"id\":\"%s\"", id);
	at = strstr(list, key);
	if (!at)
		return NULL;
	at += strlen(key);
	next = strstr(at, "\"id\":\"");
	names = strstr(at, "\"names\":[\"");
	if (!names || (next && names > next))
		return NULL;
	return plain_string(names + strlen("\"names\":[\""));
}

static char *docker_name(const struct containers *c, const char *id)
{
	char rel[300];
	struct stat st;
	char *text, *name = NULL;
	const char *at;

	/* The id is hex from a cgroup path; anything else is not looked for. */
	if (strspn(id, "0123456789abcdef") != strlen(id))
		return NULL;
	snprintf(rel, sizeof(rel), "%s/%s/config.v2.json", DOCKER_DIR, id);
	text = read_small_file(c, rel, &st);
	if (!text)
		return NULL;
	at = strstr(text, "\"Name\":\"/");
	if (at)
		name = plain_string(at + strlen("\"Name\":\"/"));
	free(text);
	return name;
}

/* Rereads the storage list when it changed; names read from the old one
 * are forgotten with it. */
void containers_refresh(struct containers *c)
{
	struct stat st;
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", c->root, STORAGE_LIST);
	if (stat(path, &st) < 0) {
		free(c->storage);
		c->storage = NULL;
		return;
	}
	if (c->storage && st.st_mtim.tv_sec == c->storage_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == c->storage_mtime.tv_nsec)
		return;
	free(c->storage);
	c->storage = read_small_file(c, STORAGE_LIST, &st);
	c->storage_mtime = st.st_mtim;
	containers_forget(c);
}

const char *containers_lookup(struct containers *c, enum pv_workload_kind kind, const char *id)
{
	struct known_name *k;
	char *name = NULL;

	for (size_t i = 0; i < c->nknown; i++)
		if (c->known[i].kind == kind && strcmp(c->known[i].id, id) == 0)
			return c->known[i].name;
	switch (kind) {
	case PV_WORKLOAD_PODMAN:
	case PV_WORKLOAD_CRIO: name = c->storage ? storage_name(c->storage, id) : NULL; break;
	case PV_WORKLOAD_DOCKER: name = docker_name(c, id); break;
	default: return NULL;
	}
	if (c->nknown == CONTAINERS_CACHE_MAX)
		containers_forget(c);
	c->known = xreallocarray(c->known, c->nknown + 1, sizeof(*c->known));
	k = &c->known[c->nknown++];
	k->kind = (uint8_t)kind;
	k->id = xstrdup(id);
	k->name = name;
	return name;
}

void containers_name_processes(struct containers *c, struct pv_snapshot *snap)
{
	for (size_t i = 0; i < snap->nprocs; i++) {
		struct pv_process *pr = &snap->procs[i];
		const char *name;

		if (!pr->workload_id || !workload_kinds[pr->workload_kind].container)
			continue;
		name = containers_lookup(c, pr->workload_kind, pr->workload_id);
		if (name)
			pr->workload = arena_strdup(&snap->arena, name);
	}
}
