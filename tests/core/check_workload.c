#include "config.h"

#include <string.h>

#include "check_main.h"
#include "workload.h"

static struct workload w;

static void classify(const char *path)
{
	workload_classify(path, strlen(path), &w);
}

#define ck_workload(path, want_kind, want_id)                                                                \
	do {                                                                                                 \
		classify(path);                                                                              \
		ck_assert_int_eq(w.kind, want_kind);                                                         \
		ck_assert_int_eq((int)w.id_len, (int)strlen(want_id));                                       \
		ck_assert(w.id_len == 0 || memcmp(w.id, want_id, w.id_len) == 0);                            \
	} while (0)

#define ID "f66c881e458c1dae116e179072fe52a7aa721b5a2e7468fb9cac2c9047ccec12"

START_TEST(t_units)
{
	ck_workload("/system.slice/nginx.service", PV_WORKLOAD_UNIT, "nginx.service");
	ck_workload("/user.slice/user-1000.slice/session-3.scope", PV_WORKLOAD_UNIT, "session-3.scope");
	/* The deepest unit: an app inside the user's manager. */
	ck_workload("/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service", PV_WORKLOAD_UNIT,
		    "foo.service");
	classify("/");
	ck_assert_int_eq(w.kind, PV_WORKLOAD_NONE);
	classify("/system.slice");
	ck_assert_int_eq(w.kind, PV_WORKLOAD_NONE);
}
END_TEST

START_TEST(t_containers)
{
	ck_workload("/system.slice/docker-" ID ".scope", PV_WORKLOAD_DOCKER, ID);
	ck_workload("/docker/" ID, PV_WORKLOAD_DOCKER, ID);
	ck_workload("/machine.slice/libpod-" ID ".scope", PV_WORKLOAD_PODMAN, ID);
	ck_workload("/libpod_parent/libpod-" ID, PV_WORKLOAD_PODMAN, ID);
	ck_workload("/system.slice/crio-" ID ".scope", PV_WORKLOAD_CRIO, ID);
	ck_workload("/lxc.payload.web1", PV_WORKLOAD_LXC, "web1");
	ck_workload("/machine.slice/machine-deb12.scope", PV_WORKLOAD_NSPAWN, "deb12");
	/* A container running systemd: the container, not its units. */
	ck_workload("/system.slice/docker-" ID ".scope/system.slice/nginx.service", PV_WORKLOAD_DOCKER, ID);
	/* The runtimes' monitors are not the containers they watch. */
	ck_workload("/libpod_parent/libpod-conmon-" ID, PV_WORKLOAD_NONE, "");
	ck_workload("/machine.slice/libpod-conmon-" ID ".scope", PV_WORKLOAD_UNIT,
		    "libpod-conmon-" ID ".scope");
}
END_TEST

START_TEST(t_pods)
{
	classify("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b_3c4d.slice/"
		 "cri-containerd-" ID ".scope");
	ck_assert_int_eq(w.kind, PV_WORKLOAD_CONTAINERD);
	ck_assert(w.pod && w.pod_len == 9 && memcmp(w.pod, "1a2b_3c4d", 9) == 0);
	classify("/kubepods/besteffort/pod1a2b-3c4d/" ID);
	ck_assert(w.pod && w.pod_len == 9 && memcmp(w.pod, "1a2b-3c4d", 9) == 0);
	classify("/system.slice/pod.service");
	ck_assert(!w.pod);
}
END_TEST

/* v2 wins unless it is the root of a hybrid host, where systemd keeps
 * its tree in v1's name=systemd. */
START_TEST(t_pick)
{
	const char *path;
	size_t len;
	static const char hybrid[] = "9:name=systemd:/system.slice/ssh.service\n4:memory:/x\n0::/\n";
	static const char v2[] = "0::/system.slice/nginx.service\n";
	static const char both[] = "1:name=systemd:/a.service\n0::/libpod_parent/libpod-" ID "\n";
	static const char junk[] = "garbage\n::\n7:cpu\n";

	ck_assert(cgroup_path_pick(hybrid, sizeof(hybrid) - 1, &path, &len));
	ck_assert_int_eq((int)len, (int)strlen("/system.slice/ssh.service"));
	ck_assert(memcmp(path, "/system.slice/ssh.service", len) == 0);
	ck_assert(cgroup_path_pick(v2, sizeof(v2) - 1, &path, &len));
	ck_assert(memcmp(path, "/system.slice/nginx.service", len) == 0);
	ck_assert(cgroup_path_pick(both, sizeof(both) - 1, &path, &len));
	ck_assert(memcmp(path, "/libpod_parent/", 15) == 0);
	ck_assert(!cgroup_path_pick(junk, sizeof(junk) - 1, &path, &len));
	ck_assert(!cgroup_path_pick("", 0, &path, &len));
}
END_TEST

CHECK_SUITE("workload", t_units, t_containers, t_pods, t_pick)
