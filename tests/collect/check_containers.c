#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "check_main.h"
#include "containers.h"

#define DOCKER_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define PODMAN_ID "f66c881e458c1dae116e179072fe52a7aa721b5a2e7468fb9cac2c9047ccec12"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[512], dir[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	memcpy(dir, path, sizeof(dir));
	*strrchr(dir, '/') = '\0';
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	strcpy(root, "/tmp/pv-containers-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	put("var/lib/docker/containers/" DOCKER_ID "/config.v2.json",
	    "{\"ID\":\"" DOCKER_ID
	    "\",\"Config\":{\"Hostname\":\"x\"},\"Name\":\"/web\",\"Driver\":\"overlay2\"}");
	put("var/lib/containers/storage/overlay-containers/containers.json",
	    "[{\"id\":\"aaaa\",\"names\":[\"first\"]},{\"id\":\"" PODMAN_ID
	    "\",\"names\":[\"orders-db\",\"alias\"],\"image\":\"x\"},"
	    "{\"id\":\"bbbb\",\"names\":[\"bad\\u001b[2Jname\"]},{\"id\":\"cccc\",\"image\":\"y\"}]");
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(t_names_from_the_runtimes_files)
{
	struct containers *c = containers_new(root);
	const char *name;

	containers_refresh(c);
	name = containers_lookup(c, PV_WORKLOAD_DOCKER, DOCKER_ID);
	ck_assert_str_eq(name ? name : "(none)", "web");
	name = containers_lookup(c, PV_WORKLOAD_PODMAN, PODMAN_ID);
	ck_assert_str_eq(name ? name : "(none)", "orders-db");
	name = containers_lookup(c, PV_WORKLOAD_CRIO, "aaaa");
	ck_assert_str_eq(name ? name : "(none)", "first");
	/* A name with escapes is none: the short id stands instead. A
	 * container without names does not take the next one's. */
	ck_assert_ptr_null(containers_lookup(c, PV_WORKLOAD_PODMAN, "bbbb"));
	ck_assert_ptr_null(containers_lookup(c, PV_WORKLOAD_PODMAN, "cccc"));
	ck_assert_ptr_null(containers_lookup(c, PV_WORKLOAD_DOCKER, "ffff"));
	/* An id from a cgroup path is hex; anything else is not a path. */
	ck_assert_ptr_null(containers_lookup(c, PV_WORKLOAD_DOCKER, "../../../etc"));
	ck_assert_ptr_null(containers_lookup(c, PV_WORKLOAD_LXC, "web1"));
	containers_free(c);
}
END_TEST

/* containers.json is read again when it changes, not before. */
START_TEST(t_storage_reread_when_changed)
{
	struct containers *c = containers_new(root);
	char path[512];
	struct timespec later[2] = { { 0, UTIME_OMIT }, { 2000000000, 0 } };

	containers_refresh(c);
	ck_assert_str_eq(containers_lookup(c, PV_WORKLOAD_PODMAN, PODMAN_ID), "orders-db");
	put("var/lib/containers/storage/overlay-containers/containers.json",
	    "[{\"id\":\"" PODMAN_ID "\",\"names\":[\"renamed\"]}]");
	snprintf(path, sizeof(path), "%s/var/lib/containers/storage/overlay-containers/containers.json",
		 root);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, later, 0), 0);
	ck_assert_str_eq(containers_lookup(c, PV_WORKLOAD_PODMAN, PODMAN_ID), "orders-db");
	containers_refresh(c);
	ck_assert_str_eq(containers_lookup(c, PV_WORKLOAD_PODMAN, PODMAN_ID), "renamed");
	containers_free(c);
}
END_TEST

/* A symlink where a runtime's file should be is not followed. */
START_TEST(t_no_symlinks)
{
	struct containers *c = containers_new(root);
	char from[512], to[512];

	snprintf(to, sizeof(to), "%s/var/lib/docker/containers/" DOCKER_ID "/config.v2.json", root);
	snprintf(from, sizeof(from), "%s/secret.json", root);
	ck_assert_int_eq(rename(to, from), 0);
	ck_assert_int_eq(symlink(from, to), 0);
	ck_assert_ptr_null(containers_lookup(c, PV_WORKLOAD_DOCKER, DOCKER_ID));
	containers_free(c);
}
END_TEST

/* Processes in containers take their container's name; others keep
 * theirs (a unit's name, or none). */
START_TEST(t_processes_named)
{
	struct containers *c = containers_new(root);
	struct pv_snapshot s;
	uint32_t a, b, u;

	snapshot_init(&s);
	a = snapshot_add_process(&s);
	s.procs[a].workload_kind = PV_WORKLOAD_PODMAN;
	s.procs[a].workload_id = PODMAN_ID;
	s.procs[a].workload = "f66c881e458c";
	b = snapshot_add_process(&s);
	s.procs[b].workload_kind = PV_WORKLOAD_DOCKER;
	s.procs[b].workload_id = "99999999";
	s.procs[b].workload = "99999999";
	u = snapshot_add_process(&s);
	s.procs[u].workload_kind = PV_WORKLOAD_UNIT;
	s.procs[u].workload_id = s.procs[u].workload = "web.service";
	containers_refresh(c);
	containers_name_processes(c, &s);
	ck_assert_str_eq(s.procs[a].workload, "orders-db");
	ck_assert_str_eq(s.procs[b].workload, "99999999");
	ck_assert_str_eq(s.procs[u].workload, "web.service");
	snapshot_free(&s);
	containers_free(c);
}
END_TEST

CHECK_SUITE_WITH_FIXTURE("containers", setup, teardown, t_names_from_the_runtimes_files,
			 t_storage_reread_when_changed, t_no_symlinks, t_processes_named)
