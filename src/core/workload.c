#include "config.h"

#include "workload.h"

#include <string.h>

const struct workload_kind_info workload_kinds[PV_WORKLOAD_COUNT] = {
	[PV_WORKLOAD_NONE] = { "", false },
	[PV_WORKLOAD_UNIT] = { "unit", false },
	[PV_WORKLOAD_DOCKER] = { "docker", true },
	[PV_WORKLOAD_PODMAN] = { "podman", true },
	[PV_WORKLOAD_CONTAINERD] = { "containerd", true },
	[PV_WORKLOAD_CRIO] = { "cri-o", true },
	[PV_WORKLOAD_LXC] = { "lxc", true },
	[PV_WORKLOAD_NSPAWN] = { "nspawn", true },
};

/* One cgroup directory name a runtime makes for a container: the id (or
 * machine name) lies between prefix and suffix. The systemd driver's
 * names end in ".scope"; the cgroupfs driver's have no suffix. A
 * runtime's monitor process lives beside its container under a longer
 * prefix that is not the container (not_prefix). */
struct container_rule {
	const char *prefix, *suffix, *not_prefix;
	enum pv_workload_kind kind;
};

static const struct container_rule container_rules[] = {
	{ "docker-", ".scope", NULL, PV_WORKLOAD_DOCKER },
	{ "libpod-", ".scope", "libpod-conmon-", PV_WORKLOAD_PODMAN },
	{ "libpod-", "", "libpod-conmon-", PV_WORKLOAD_PODMAN },
	{ "cri-containerd-", ".scope", NULL, PV_WORKLOAD_CONTAINERD },
	{ "crio-", ".scope", "crio-conmon-", PV_WORKLOAD_CRIO },
	{ "lxc.payload.", "", NULL, PV_WORKLOAD_LXC },
	{ "machine-", ".scope", NULL, PV_WORKLOAD_NSPAWN },
};

/* Parents whose children are containers named by id alone (the cgroupfs
 * drivers): /docker/<id>, /lxc/<name>. */
static const struct {
	const char *parent;
	enum pv_workload_kind kind;
} container_parents[] = {
	{ "docker", PV_WORKLOAD_DOCKER },
	{ "lxc", PV_WORKLOAD_LXC },
};

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

static bool has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static bool same_word(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(s, word, len) == 0;
}

bool cgroup_path_pick(const char *text, size_t len, const char **path, size_t *path_len)
{
	const char *v2 = NULL, *systemd = NULL;
	size_t v2_len = 0, systemd_len = 0;
	const char *line = text, *end = text + len;

	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *stop = nl ? nl : end;
		const char *colon1 = memchr(line, ':', (size_t)(stop - line));
		const char *colon2 = colon1 ? memchr(colon1 + 1, ':', (size_t)(stop - colon1 - 1)) : NULL;

		if (colon2) {
			const char *controllers = colon1 + 1;
			size_t clen = (size_t)(colon2 - controllers);

			if (colon1 - line == 1 && line[0] == '0' && clen == 0) {
				v2 = colon2 + 1;
				v2_len = (size_t)(stop - v2);
			} else if (same_word(controllers, clen, "name=systemd")) {
				systemd = colon2 + 1;
				systemd_len = (size_t)(stop - systemd);
			}
		}
		line = stop + 1;
	}
	if (v2 && !(same_word(v2, v2_len, "/") && systemd)) {
		*path = v2;
		*path_len = v2_len;
		return true;
	}
	if (systemd) {
		*path = systemd;
		*path_len = systemd_len;
		return true;
	}
	return false;
}

/* A container's directory name, or kind NONE. */
static enum pv_workload_kind container_component(const char *c, size_t len, const char *parent,
						 size_t parent_len, const char **id, size_t *id_len)
{
	for (size_t i = 0; i < sizeof(container_rules) / sizeof(container_rules[0]); i++) {
		const struct container_rule *r = &container_rules[i];
		size_t pre = strlen(r->prefix), suf = strlen(r->suffix);

		if (!has_prefix(c, len, r->prefix) || (r->not_prefix && has_prefix(c, len, r->not_prefix)))
			continue;
		if (*r->suffix ? !has_suffix(c, len, r->suffix) : has_suffix(c, len, ".scope"))
			continue;
		if (len <= pre + suf)
			continue;
		*id = c + pre;
		*id_len = len - pre - suf;
		return r->kind;
	}
	for (size_t i = 0; i < sizeof(container_parents) / sizeof(container_parents[0]); i++)
		if (parent && same_word(parent, parent_len, container_parents[i].parent)) {
			*id = c;
			*id_len = len;
			return container_parents[i].kind;
		}
	return PV_WORKLOAD_NONE;
}

/* A Kubernetes pod's directory: "kubepods-burstable-pod<uid>.slice" (the
 * systemd driver, '_' for '-' in the uid) or "pod<uid>" under kubepods. */
static bool pod_component(const char *c, size_t len, bool under_kubepods, const char **uid, size_t *uid_len)
{
	if (has_prefix(c, len, "kubepods") && has_suffix(c, len, ".slice")) {
		const char *p = NULL;

		for (size_t i = 0; i + 4 <= len; i++)
			if (memcmp(c + i, "-pod", 4) == 0)
				p = c + i + 4;
		if (!p || p >= c + len - 6)
			return false;
		*uid = p;
		*uid_len = (size_t)(c + len - 6 - p);
		return true;
	}
	if (under_kubepods && has_prefix(c, len, "pod") && len > 3) {
		*uid = c + 3;
		*uid_len = len - 3;
		return true;
	}
	return false;
}

void workload_classify(const char *path, size_t len, struct workload *out)
{
	const char *p = path, *end = path + len, *parent = NULL;
	size_t parent_len = 0;
	bool under_kubepods = false;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *stop = slash ? slash : end;
		size_t clen = (size_t)(stop - p);
		const char *id;
		size_t id_len;
		enum pv_workload_kind kind;

		if (clen) {
			kind = container_component(p, clen, parent, parent_len, &id, &id_len);
			if (kind != PV_WORKLOAD_NONE) {
				/* The outermost container is the one a person
				 * started; nested ones belong to it. */
				if (out->kind == PV_WORKLOAD_NONE || out->kind == PV_WORKLOAD_UNIT) {
					out->kind = kind;
					out->id = id;
					out->id_len = id_len;
				}
			} else if (pod_component(p, clen, under_kubepods, &id, &id_len)) {
				out->pod = id;
				out->pod_len = id_len;
			} else if ((has_suffix(p, clen, ".service") || has_suffix(p, clen, ".scope")) &&
				   (out->kind == PV_WORKLOAD_NONE || out->kind == PV_WORKLOAD_UNIT)) {
				out->kind = PV_WORKLOAD_UNIT;
				out->id = p;
				out->id_len = clen;
			}
			under_kubepods |= has_prefix(p, clen, "kubepods");
			parent = p;
			parent_len = clen;
		}
		p = stop + 1;
	}
}
