#include "config.h"

#include "systemd_sockets.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include "activation.h"
#include "privilege.h"
#include "textfile.h"
#include "xalloc.h"

/* A unit file is small; a folder of them is read at most this often, and
 * only when its mtime moved. UNITS_MAX bounds a hostile folder. */
enum { UNIT_FILE_MAX = 65536, ENVIRON_MAX = 131072, UNITS_MAX = 4096 };
static const double RESCAN_SECONDS = 5.0;

static const char *const default_dirs[] = { "/etc/systemd/system", "/run/systemd/system",
					    "/usr/lib/systemd/system", "/lib/systemd/system", NULL };

/* A listener owner's LISTEN_* as read once: the environment a process
 * started with does not change, so (pid, start time) keys it. */
struct listen_env {
	int pid;
	unsigned long long start_time;
	uint32_t fds;
	char *names;
	bool seen; /* on this run */
};

struct systemd_sockets {
	struct listen_env *envs;
	size_t nenvs;
	char **dirs;
	size_t ndirs;
	char *proc;
	struct timespec *mtimes; /* of each folder at the last read */
	double scanned;          /* when, 0 for never */
	struct arena arena;      /* the entries' strings */
	struct pv_socket_unit *units;
	size_t nunits;
};

struct systemd_sockets *systemd_sockets_new(const char *const *dirs, const char *proc)
{
	struct systemd_sockets *ss = xcalloc(1, sizeof(*ss));

	if (!dirs)
		dirs = default_dirs;
	for (; dirs[ss->ndirs]; ss->ndirs++)
		;
	ss->dirs = xcalloc(ss->ndirs ? ss->ndirs : 1, sizeof(*ss->dirs));
	for (size_t i = 0; i < ss->ndirs; i++)
		ss->dirs[i] = xstrdup(dirs[i]);
	ss->mtimes = xcalloc(ss->ndirs ? ss->ndirs : 1, sizeof(*ss->mtimes));
	ss->proc = xstrdup(proc ? proc : "/proc");
	return ss;
}

void systemd_sockets_free(struct systemd_sockets *ss)
{
	if (!ss)
		return;
	for (size_t i = 0; i < ss->ndirs; i++)
		free(ss->dirs[i]);
	free(ss->dirs);
	free(ss->mtimes);
	free(ss->proc);
	free(ss->units);
	arena_free(&ss->arena);
	for (size_t i = 0; i < ss->nenvs; i++)
		free(ss->envs[i].names);
	free(ss->envs);
	free(ss);
}

/* "8080", "0.0.0.0:8080", "[::]:8080": the port; 0 for anything else
 * (a path is handled before, vsock and netlink are not ports). */
static uint16_t listen_port(const char *v)
{
	const char *colon = strrchr(v, ':'), *digits = colon ? colon + 1 : v;
	unsigned long port = 0;

	if (!*digits)
		return 0;
	for (const char *p = digits; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		port = port * 10 + (unsigned long)(*p - '0');
		if (port > 65535)
			return 0;
	}
	if (colon && strncmp(v, "vsock:", 6) == 0)
		return 0;
	return (uint16_t)port;
}

size_t systemd_socket_parse(const char *text, const char *name, struct pv_socket_unit *out, size_t max,
			    struct arena *arena)
{
	char line[1024], service[300] = "";
	bool in_socket = false, accept = false;
	size_t n = 0, stem = strlen(name) > 7 ? strlen(name) - 7 : 0;

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char *key, *value, *eq;

		snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) ? len : sizeof(line) - 1),
			 text);
		text += len + (nl ? 1 : 0);
		for (key = line; isspace((unsigned char)*key); key++)
			;
		if (*key == '[') {
			in_socket = strncmp(key, "[Socket]", 8) == 0;
			continue;
		}
		eq = strchr(key, '=');
		if (!in_socket || !eq || *key == '#' || *key == ';')
			continue;
		*eq = '\0';
		for (value = eq + 1; isspace((unsigned char)*value); value++)
			;
		for (char *end = eq; end > key && isspace((unsigned char)end[-1]); *--end = '\0')
			;
		for (char *end = value + strlen(value); end > value && isspace((unsigned char)end[-1]);
		     *--end = '\0')
			;
		if (strcmp(key, "Service") == 0) {
			snprintf(service, sizeof(service), "%s", value);
		} else if (strcmp(key, "Accept") == 0) {
			accept = strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 ||
				 strcmp(value, "1") == 0;
		} else if (n < max &&
			   (strcmp(key, "ListenStream") == 0 || strcmp(key, "ListenDatagram") == 0 ||
			    strcmp(key, "ListenSequentialPacket") == 0)) {
			bool path = value[0] == '/' || value[0] == '@';
			uint16_t port = path ? 0 : listen_port(value);

			if (!path && !port)
				continue;
			out[n] = (struct pv_socket_unit){
				.proto = path            ? PV_PROTO_UNIX
					 : key[6] == 'D' ? IPPROTO_UDP
							 : IPPROTO_TCP,
				.port = port,
				.path = path ? arena_strdup(arena, value) : NULL,
				.unit = arena_strdup(arena, name),
			};
			n++;
		}
	}
	/* Which service: Service=, else the unit's own name, one instance
	 * a connection with Accept=yes. */
	if (!service[0])
		snprintf(service, sizeof(service), "%.*s%s", (int)stem, name,
			 accept ? "@.service" : ".service");
	for (size_t i = 0; i < n; i++)
		out[i].service = arena_strdup(arena, service);
	return n;
}

/* Reads every folder's .socket files again; the first folder naming a
 * unit wins, as systemd's own order has it. */
static void rescan(struct systemd_sockets *ss)
{
	arena_free(&ss->arena);
	ss->nunits = 0;
	free(ss->units);
	ss->units = xcalloc(UNITS_MAX, sizeof(*ss->units));
	for (size_t d = 0; d < ss->ndirs; d++) {
		DIR *dir = opendir(ss->dirs[d]);
		struct dirent *de;

		while (dir && (de = readdir(dir)) && ss->nunits < UNITS_MAX) {
			size_t len = strlen(de->d_name);
			char path[4096], *text = NULL;
			bool more, seen = false;

			if (len < 8 || strcmp(de->d_name + len - 7, ".socket") != 0)
				continue;
			for (size_t i = 0; i < ss->nunits && !seen; i++)
				seen = strcmp(ss->units[i].unit, de->d_name) == 0;
			snprintf(path, sizeof(path), "%s/%s", ss->dirs[d], de->d_name);
			/* O_NOFOLLOW is not wanted: units are often links. */
			if (seen ||
			    text_read_fd(open(path, O_RDONLY | O_CLOEXEC), &text, UNIT_FILE_MAX, &more) < 0)
				continue;
			ss->nunits += systemd_socket_parse(text, de->d_name, ss->units + ss->nunits,
							   UNITS_MAX - ss->nunits, &ss->arena);
			free(text);
		}
		if (dir)
			closedir(dir);
	}
}

/* True when a folder changed since it was read (or was never read). */
static bool folders_changed(struct systemd_sockets *ss)
{
	bool changed = ss->scanned == 0;

	for (size_t d = 0; d < ss->ndirs; d++) {
		struct stat st;
		struct timespec t = { 0, 0 };

		if (stat(ss->dirs[d], &st) == 0)
			t = st.st_mtim;
		changed |= t.tv_sec != ss->mtimes[d].tv_sec || t.tv_nsec != ss->mtimes[d].tv_nsec;
		ss->mtimes[d] = t;
	}
	return changed;
}

/* LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES of p into e, when LISTEN_PID
 * names it: then they were meant for it. */
static void read_listen_env(const struct systemd_sockets *ss, const struct pv_process *p,
			    struct listen_env *e)
{
	char path[64], *env = NULL;
	bool more;
	ssize_t n;
	long pid = 0, fds = 0;
	const char *names = NULL;

	*e = (struct listen_env){ .pid = p->pid, .start_time = p->start_time, .seen = true };
	snprintf(path, sizeof(path), "%s/%d/environ", ss->proc, p->pid);
	privilege_raise();
	n = text_read_fd(open(path, O_RDONLY | O_CLOEXEC), &env, ENVIRON_MAX, &more);
	privilege_lower();
	if (n < 0)
		return;
	for (const char *v = env; v < env + n; v += strlen(v) + 1) {
		if (strncmp(v, "LISTEN_PID=", 11) == 0)
			pid = strtol(v + 11, NULL, 10);
		else if (strncmp(v, "LISTEN_FDS=", 11) == 0)
			fds = strtol(v + 11, NULL, 10);
		else if (strncmp(v, "LISTEN_FDNAMES=", 15) == 0)
			names = v + 15;
	}
	if (pid == p->pid && fds > 0 && fds < 65536) {
		e->fds = (uint32_t)fds;
		e->names = names ? xstrdup(names) : NULL;
	}
	free(env);
}

/* p's LISTEN_*, read the first time p is met. */
static const struct listen_env *listen_env_of(struct systemd_sockets *ss, const struct pv_process *p)
{
	for (size_t i = 0; i < ss->nenvs; i++) {
		if (ss->envs[i].pid == p->pid && ss->envs[i].start_time == p->start_time) {
			ss->envs[i].seen = true;
			return &ss->envs[i];
		}
	}
	ss->envs = xreallocarray(ss->envs, ss->nenvs + 1, sizeof(*ss->envs));
	read_listen_env(ss, p, &ss->envs[ss->nenvs]);
	return &ss->envs[ss->nenvs++];
}

/* Forgets the processes no listener had on this run. */
static void listen_envs_sweep(struct systemd_sockets *ss)
{
	size_t kept = 0;

	for (size_t i = 0; i < ss->nenvs; i++) {
		if (ss->envs[i].seen) {
			ss->envs[i].seen = false;
			ss->envs[kept++] = ss->envs[i];
		} else {
			free(ss->envs[i].names);
		}
	}
	ss->nenvs = kept;
}

void systemd_sockets_fill(struct systemd_sockets *ss, struct pv_snapshot *snap, double now)
{
	if ((ss->scanned == 0 || now - ss->scanned >= RESCAN_SECONDS) && folders_changed(ss)) {
		rescan(ss);
		ss->scanned = now > 0 ? now : 1;
	}
	snap->socket_units =
		arena_alloc(&snap->arena, (ss->nunits ? ss->nunits : 1) * sizeof(*snap->socket_units));
	snap->nsocket_units = ss->nunits;
	for (size_t i = 0; i < ss->nunits; i++) {
		snap->socket_units[i] = ss->units[i];
		snap->socket_units[i].unit = arena_strdup(&snap->arena, ss->units[i].unit);
		snap->socket_units[i].service = arena_strdup(&snap->arena, ss->units[i].service);
		if (ss->units[i].path)
			snap->socket_units[i].path = arena_strdup(&snap->arena, ss->units[i].path);
	}
	/* Listeners' owners only, each read once in its life: a service
	 * started by systemd-socket-activate or inetd holds the listener
	 * alone, under its own name. */
	for (size_t i = 0; i < snap->nsocks; i++) {
		const struct pv_socket *k = &snap->socks[i];

		if (!socket_is_listener(k))
			continue;
		for (uint32_t o = 0; o < k->owner_count; o++) {
			struct pv_process *p = &snap->procs[snap->owner_refs[k->owner_first + o]];
			const struct listen_env *e;

			if (process_is_activator(p) || p->listen_fds)
				continue;
			e = listen_env_of(ss, p);
			p->listen_fds = e->fds;
			p->listen_fdnames = e->names ? arena_strdup(&snap->arena, e->names) : NULL;
		}
	}
	listen_envs_sweep(ss);
}
