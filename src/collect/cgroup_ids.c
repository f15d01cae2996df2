#include "config.h"

#include "cgroup_ids.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "strbuf.h"
#include "u64map.h"
#include "xalloc.h"

/* A deep or huge tree is walked only so far: a refresh must stay cheap. */
enum { CGROUP_IDS_MAX_DEPTH = 32, CGROUP_IDS_MAX_DIRS = 100000 };
static const double CGROUP_IDS_REWALK = 5.0;

struct cgroup_ids {
	char *root;          /* the cgroup2 mount, or NULL when there is none */
	struct u64map by_id; /* id -> index in paths */
	char **paths;
	size_t npaths;
	double walked_at; /* monotonic seconds; 0 never */
};

/* The mount point of the cgroup2 file system: on a hybrid host,
 * /sys/fs/cgroup/unified; on a v2 host, /sys/fs/cgroup. */
static char *cgroup2_mount(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	char *found = NULL;

	if (!f)
		return NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		/* id parent maj:min root mountpoint options... - fstype ... */
		char *sep = strstr(line, " - ");
		char mountpoint[2048];

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %2047s", mountpoint) == 1 && !strchr(mountpoint, '\\'))
			found = xstrdup(mountpoint);
	}
	fclose(f);
	return found;
}

struct cgroup_ids *cgroup_ids_new(const char *root)
{
	struct cgroup_ids *c = xcalloc(1, sizeof(*c));

	c->root = root ? xstrdup(root) : cgroup2_mount();
	u64map_init(&c->by_id, 64);
	return c;
}

static void cgroup_ids_clear(struct cgroup_ids *c)
{
	for (size_t i = 0; i < c->npaths; i++)
		free(c->paths[i]);
	free(c->paths);
	c->paths = NULL;
	c->npaths = 0;
	u64map_clear(&c->by_id);
}

void cgroup_ids_free(struct cgroup_ids *c)
{
	if (!c)
		return;
	cgroup_ids_clear(c);
	u64map_free(&c->by_id);
	free(c->root);
	free(c);
}

static void remember(struct cgroup_ids *c, uint64_t id, const char *path)
{
	int inserted;

	if (c->npaths % 64 == 0)
		c->paths = xreallocarray(c->paths, c->npaths + 64, sizeof(*c->paths));
	*u64map_put(&c->by_id, id, (uint32_t)c->npaths, &inserted) = (uint32_t)c->npaths;
	c->paths[c->npaths++] = xstrdup(path);
}

/* Walks the directory dir (path rel under the mount), depth first. */
static void walk(struct cgroup_ids *c, int dir, struct strbuf *rel, int depth, size_t *dirs)
{
	DIR *d = fdopendir(dir);
	struct dirent *e;

	if (!d) {
		close(dir);
		return;
	}
	while ((e = readdir(d)) && *dirs < CGROUP_IDS_MAX_DIRS) {
		struct stat st;
		size_t len = rel->len;
		int fd;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) < 0) {
			close(fd);
			continue;
		}
		(*dirs)++;
		strbuf_printf(rel, "/%s", e->d_name);
		remember(c, (uint64_t)st.st_ino, strbuf_str(rel));
		if (depth < CGROUP_IDS_MAX_DEPTH)
			walk(c, fd, rel, depth + 1, dirs);
		else
			close(fd);
		rel->len = len;
		rel->data[len] = '\0';
	}
	closedir(d);
}

static void rewalk(struct cgroup_ids *c)
{
	struct strbuf rel = { 0 };
	struct stat st;
	size_t dirs = 0;
	int fd;

	cgroup_ids_clear(c);
	fd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0)
		remember(c, (uint64_t)st.st_ino, "/");
	strbuf_puts(&rel, "");
	walk(c, fd, &rel, 1, &dirs);
	strbuf_free(&rel);
}

static int cmp_cgroup(const void *a, const void *b)
{
	uint64_t x = ((const struct pv_cgroup *)a)->id, y = ((const struct pv_cgroup *)b)->id;

	return x < y ? -1 : x > y;
}

void cgroup_ids_resolve(struct cgroup_ids *c, struct pv_snapshot *snap, double now)
{
	struct u64map wanted;
	size_t n = 0;
	bool unknown = false;
	uint64_t last = 0;

	if (!c->root)
		return;
	u64map_init(&wanted, 64);
	/* Sockets come in dump order, runs of them from one cgroup: only a
	 * change of id is looked up. */
	for (size_t i = 0; i < snap->nsocks; i++) {
		uint64_t id = snap->socks[i].cgroup_id;
		int inserted;

		if (!id || id == last)
			continue;
		last = id;
		u64map_put(&wanted, id, 0, &inserted);
		n += inserted != 0;
		unknown |= inserted && !u64map_get(&c->by_id, id);
	}
	if (unknown && (c->walked_at == 0 || now - c->walked_at >= CGROUP_IDS_REWALK)) {
		rewalk(c);
		c->walked_at = now > 0 ? now : 1;
	}
	snap->cgroups = arena_alloc(&snap->arena, (n ? n : 1) * sizeof(*snap->cgroups));
	snap->ncgroups = 0;
	last = 0;
	for (size_t i = 0; i < snap->nsocks; i++) {
		uint64_t id = snap->socks[i].cgroup_id;
		uint32_t *mark = id && id != last ? u64map_get(&wanted, id) : NULL;
		const uint32_t *at;

		last = id;
		if (!mark || *mark)
			continue;
		*mark = 1;
		at = u64map_get(&c->by_id, id);
		if (at)
			snap->cgroups[snap->ncgroups++] =
				(struct pv_cgroup){ .id = id,
						    .path = arena_strdup(&snap->arena, c->paths[*at]) };
	}
	qsort(snap->cgroups, snap->ncgroups, sizeof(*snap->cgroups), cmp_cgroup);
	u64map_free(&wanted);
}
