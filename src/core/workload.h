/* What a process runs as, read from its cgroup path: a systemd unit, a
 * container of a known runtime, a Kubernetes pod, an LXC or nspawn
 * machine. Pure text work on /proc/PID/cgroup: collection reads the file
 * and looks container names up on disk. */
#ifndef PV_WORKLOAD_H
#define PV_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>

enum pv_workload_kind {
	PV_WORKLOAD_NONE,
	PV_WORKLOAD_UNIT,
	PV_WORKLOAD_DOCKER,
	PV_WORKLOAD_PODMAN,
	PV_WORKLOAD_CONTAINERD,
	PV_WORKLOAD_CRIO,
	PV_WORKLOAD_LXC,
	PV_WORKLOAD_NSPAWN,
	PV_WORKLOAD_COUNT
};

struct workload_kind_info {
	const char *name; /* in JSON and on screen: "unit", "docker", ... */
	bool container;   /* matched by container: and names a namespace as one */
};

extern const struct workload_kind_info workload_kinds[PV_WORKLOAD_COUNT];

/* A cgroup path taken apart. Pointers are into the path given. */
struct workload {
	enum pv_workload_kind kind;
	const char *id; /* unit name, container id or machine name */
	size_t id_len;
	const char *pod; /* a Kubernetes pod's uid, or NULL */
	size_t pod_len;
};

/* The path of the process in the text of /proc/PID/cgroup: the cgroup v2
 * line ("0::/path") unless it is the root, as on a hybrid host where
 * systemd keeps its tree in v1, then the name=systemd line. Returns false
 * when neither is there. */
bool cgroup_path_pick(const char *text, size_t len, const char **path, size_t *path_len);

/* Classifies a cgroup path. A container anywhere on the path wins over
 * the deepest unit (a container running systemd has units inside it). */
void workload_classify(const char *path, size_t len, struct workload *out);

#endif
