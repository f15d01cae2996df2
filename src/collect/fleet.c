#include "config.h"

#include "fleet.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "fleet_host.h"
#include "strbuf.h"
#include "xalloc.h"

/* A line longer than this is not a stream's: 40,000 sockets make ~20 MB. */
enum { FLEET_LINE_MAX = 256 << 20, FLEET_MESSAGE_MAX = 200 };
/* Reconnects wait 1, 2, 4 ... seconds, at most this. */
#define FLEET_BACKOFF_MAX 30.0
/* A host is stale after this many of its intervals without a line (plus
 * a second for the network). */
#define FLEET_STALE_INTERVALS 3.0

struct fleet_peer {
	char *name;
	struct fleet_host *state;
	pid_t pid;    /* its ssh, or 0 */
	int out, err; /* its stdout and stderr, or -1 */
	struct strbuf line, err_line;
	bool err_done;                   /* err_line is whole: the next byte starts another */
	char message[FLEET_MESSAGE_MAX]; /* the last thing ssh or the stream said */
	enum pv_host_status status;
	double last_line; /* local monotonic time of its last line; < 0 none */
	double next_try;  /* when a down host is tried again */
	double backoff;
};

struct fleet {
	struct fleet_options opts;
	struct fleet_peer *peers;
	size_t npeers;
	struct fleet_ids ids;
	pthread_mutex_t lock;
	pthread_t thread;
	bool running;
	int wake[2]; /* a pipe: fleet_close wakes the thread */
};

static double fleet_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Keeps what ssh or a stream said printable: it is shown on the screen. */
static void fleet_set_message(struct fleet_peer *p, const char *text, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 1 < sizeof(p->message); i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\r' || c == '\n')
			continue;
		p->message[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	p->message[n] = '\0';
}

/* Appends word to argv as one shell word for the remote side. */
static void fleet_quote(struct strbuf *cmd, const char *word)
{
	strbuf_putc(cmd, ' ');
	strbuf_putc(cmd, '\'');
	for (const char *c = word; *c; c++) {
		if (*c == '\'')
			strbuf_puts(cmd, "'\\''");
		else
			strbuf_putc(cmd, *c);
	}
	strbuf_putc(cmd, '\'');
}

/* The command run on the host: the remote command as given (it may be
 * `sudo -n portview`), then --stream and its options, quoted. */
static void fleet_remote_command(const struct fleet_options *o, struct strbuf *cmd)
{
	char delay[32];

	strbuf_puts(cmd, o->remote_command);
	fleet_quote(cmd, "--stream");
	fleet_quote(cmd, "-d");
	snprintf(delay, sizeof(delay), "%g", o->delay);
	fleet_quote(cmd, delay);
	if (o->lean)
		fleet_quote(cmd, "--lean");
	if (o->unix_sockets)
		fleet_quote(cmd, "-x");
}

/* The ssh command line for p, in one allocation of words and pointers
 * made before fork (free *words and the array after). */
static const char **fleet_argv(const struct fleet *f, const struct fleet_peer *p, char **words,
			       struct strbuf *cmd)
{
	static const char *const batch[] = { "-T",
					     "-o",
					     "BatchMode=yes",
					     "-o",
					     "ConnectTimeout=10",
					     "-o",
					     "ServerAliveInterval=5",
					     "-o",
					     "ServerAliveCountMax=3" };
	enum { BATCH = sizeof(batch) / sizeof(batch[0]) };
	const char **argv = xcalloc(strlen(f->opts.ssh) + BATCH + 4, sizeof(*argv));
	char *save = NULL;
	size_t n = 0;

	*words = xstrdup(f->opts.ssh);
	for (char *w = strtok_r(*words, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	for (size_t i = 0; i < BATCH; i++)
		argv[n++] = batch[i];
	fleet_remote_command(&f->opts, cmd);
	argv[n++] = "--";
	argv[n++] = p->name;
	argv[n++] = strbuf_str(cmd);
	argv[n] = NULL;
	return argv;
}

/* In the child: ssh dies with portview, inherits no capability of its,
 * reads nothing, and writes into the two pipes. */
static void fleet_child(const char **argv, int out, int err)
{
	int null = open("/dev/null", O_RDONLY);

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	setpgid(0, 0);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	execvp(argv[0], (char *const *)argv);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Starts p's ssh; on failure p is down with the reason. */
static void fleet_start(struct fleet *f, struct fleet_peer *p, double now)
{
	struct strbuf cmd = { 0 };
	char *words;
	const char **argv = fleet_argv(f, p, &words, &cmd);
	int out[2], err[2];

	if (pipe2(out, O_CLOEXEC) < 0)
		goto fail;
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(out[0]);
		close(out[1]);
		goto fail;
	}
	p->pid = fork();
	if (p->pid == 0)
		fleet_child(argv, out[1], err[1]);
	close(out[1]);
	close(err[1]);
	if (p->pid < 0) {
		close(out[0]);
		close(err[0]);
		goto fail;
	}
	p->out = out[0];
	p->err = err[0];
	fcntl(p->out, F_SETFL, O_NONBLOCK);
	fcntl(p->err, F_SETFL, O_NONBLOCK);
	strbuf_reset(&p->line);
	strbuf_reset(&p->err_line);
	p->err_done = false;
	fleet_host_reconnected(p->state);
	if (p->status != PV_HOST_STALE && p->status != PV_HOST_DOWN)
		p->status = PV_HOST_CONNECTING;
	goto done;
fail:
	p->pid = 0;
	snprintf(p->message, sizeof(p->message), "cannot start ssh: %s", strerror(errno));
	p->status = PV_HOST_DOWN;
	p->next_try = now + p->backoff;
done:
	free(argv);
	free(words);
	strbuf_free(&cmd);
}

/* Ends p's ssh (when refused or closing) and closes its pipes. */
static void fleet_stop(struct fleet_peer *p)
{
	if (p->pid > 0) {
		kill(-p->pid, SIGTERM);
		kill(p->pid, SIGTERM);
		waitpid(p->pid, NULL, 0);
	}
	p->pid = 0;
	if (p->out >= 0)
		close(p->out);
	if (p->err >= 0)
		close(p->err);
	p->out = p->err = -1;
}

static void fleet_read_err(struct fleet *f, struct fleet_peer *p);

/* p's connection is over: its ssh ended (stdout closed) or its stream
 * went bad (why says how). Its last words are read once it has exited,
 * and it is down, to be tried again after the backoff. */
static void fleet_lost(struct fleet *f, struct fleet_peer *p, double now, const char *why)
{
	int status = 0;
	bool exited = false;

	if (why && p->pid > 0) {
		kill(-p->pid, SIGTERM);
		kill(p->pid, SIGTERM);
	}
	if (p->pid > 0)
		exited = waitpid(p->pid, &status, 0) == p->pid;
	p->pid = 0;
	if (p->err >= 0)
		fleet_read_err(f, p);
	pthread_mutex_lock(&f->lock);
	if (why) {
		fleet_set_message(p, why, strlen(why));
	} else if (exited && p->err_line.len) {
		fleet_set_message(p, p->err_line.data, p->err_line.len);
	} else if (exited && WIFEXITED(status) && !p->message[0]) {
		snprintf(p->message, sizeof(p->message), "ssh exited with status %d", WEXITSTATUS(status));
	} else if (exited && WIFSIGNALED(status)) {
		snprintf(p->message, sizeof(p->message), "ssh killed by signal %d", WTERMSIG(status));
	}
	fleet_stop(p);
	if (p->status != PV_HOST_REFUSED) {
		p->status = PV_HOST_DOWN;
		p->next_try = now + p->backoff;
		p->backoff = p->backoff * 2 > FLEET_BACKOFF_MAX ? FLEET_BACKOFF_MAX : p->backoff * 2;
	}
	pthread_mutex_unlock(&f->lock);
}

static void fleet_take_line(struct fleet *f, struct fleet_peer *p, const char *line, size_t len, double now)
{
	char err[FLEET_MESSAGE_MAX];
	enum fleet_apply_result r;

	pthread_mutex_lock(&f->lock);
	r = fleet_host_apply(p->state, line, len, now, err, sizeof(err));
	if (r == FLEET_LINE_OK) {
		p->last_line = now;
		if (fleet_host_ready(p->state)) {
			p->status = PV_HOST_LIVE;
			p->message[0] = '\0';
			p->backoff = 1;
		}
	} else if (r == FLEET_LINE_REFUSED) {
		p->status = PV_HOST_REFUSED;
		fleet_set_message(p, err, strlen(err));
	}
	pthread_mutex_unlock(&f->lock);
	if (r == FLEET_LINE_REFUSED) {
		fleet_stop(p);
	} else if (r == FLEET_LINE_BAD) {
		char why[FLEET_MESSAGE_MAX + 32];

		snprintf(why, sizeof(why), "bad stream: %s", err);
		fleet_lost(f, p, now, why);
	}
}

/* Reads what p's stdout has; each whole line is applied. */
static void fleet_read_out(struct fleet *f, struct fleet_peer *p, double now)
{
	char buf[1 << 16];
	ssize_t n;

	while ((n = read(p->out, buf, sizeof(buf))) > 0) {
		const char *at = buf, *end = buf + n, *nl;

		while (p->out >= 0 && (nl = memchr(at, '\n', (size_t)(end - at)))) {
			if (p->line.len) {
				strbuf_append(&p->line, at, (size_t)(nl - at));
				fleet_take_line(f, p, p->line.data, p->line.len, now);
				strbuf_reset(&p->line);
			} else {
				fleet_take_line(f, p, at, (size_t)(nl - at), now);
			}
			at = nl + 1;
		}
		if (p->out < 0)
			return;
		strbuf_append(&p->line, at, (size_t)(end - at));
		if (p->line.len > FLEET_LINE_MAX) {
			fleet_lost(f, p, now, "bad stream: a line longer than 256 MiB");
			return;
		}
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		fleet_lost(f, p, now, NULL);
}

/* Keeps the last line ssh (or the remote command) wrote on stderr in
 * err_line, and as the host's message. */
static void fleet_read_err(struct fleet *f, struct fleet_peer *p)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(p->err, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				p->err_done = true;
				continue;
			}
			if (p->err_done) {
				strbuf_reset(&p->err_line);
				p->err_done = false;
			}
			if (p->err_line.len < FLEET_MESSAGE_MAX)
				strbuf_putc(&p->err_line, buf[i]);
		}
		if (p->err_line.len) {
			pthread_mutex_lock(&f->lock);
			fleet_set_message(p, p->err_line.data, p->err_line.len);
			pthread_mutex_unlock(&f->lock);
		}
	}
}

static void *fleet_thread(void *arg)
{
	struct fleet *f = arg;
	struct pollfd *pfd = xcalloc(2 * f->npeers + 1, sizeof(*pfd));
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		double now = fleet_now();
		size_t n = 0;

		pthread_mutex_lock(&f->lock);
		for (size_t i = 0; i < f->npeers; i++) {
			struct fleet_peer *p = &f->peers[i];

			if (p->pid == 0 && p->status == PV_HOST_DOWN && now >= p->next_try)
				fleet_start(f, p, now);
		}
		pthread_mutex_unlock(&f->lock);
		pfd[n++] = (struct pollfd){ .fd = f->wake[0], .events = POLLIN };
		for (size_t i = 0; i < f->npeers; i++) {
			pfd[n++] = (struct pollfd){ .fd = f->peers[i].out, .events = POLLIN };
			pfd[n++] = (struct pollfd){ .fd = f->peers[i].err, .events = POLLIN };
		}
		if (poll(pfd, n, 250) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			break;
		now = fleet_now();
		for (size_t i = 0; i < f->npeers; i++) {
			struct fleet_peer *p = &f->peers[i];

			if (p->err >= 0 && pfd[2 + 2 * i].revents)
				fleet_read_err(f, p);
			if (p->out >= 0 && pfd[1 + 2 * i].revents)
				fleet_read_out(f, p, now);
		}
	}
	free(pfd);
	return NULL;
}

struct fleet *fleet_open(const struct fleet_options *opts, char *err, size_t errsize)
{
	struct fleet *f;
	double now = fleet_now();

	for (size_t i = 0; i < opts->nhosts; i++) {
		const char *h = opts->hosts[i];

		if (!h[0] || h[0] == '-' || strpbrk(h, " \t\n'\"\\;&|`$")) {
			snprintf(err, errsize, "bad host for --remote: '%.60s'", h);
			return NULL;
		}
	}
	f = xcalloc(1, sizeof(*f));
	f->opts = *opts;
	/* The caller's strings need not outlive this call. */
	f->opts.hosts = NULL;
	f->opts.ssh = xstrdup(opts->ssh);
	f->opts.remote_command = xstrdup(opts->remote_command);
	f->npeers = opts->nhosts;
	f->peers = xcalloc(f->npeers ? f->npeers : 1, sizeof(*f->peers));
	u64map_init(&f->ids.map, 64);
	pthread_mutex_init(&f->lock, NULL);
	if (pipe2(f->wake, O_CLOEXEC) < 0) {
		snprintf(err, errsize, "cannot make a pipe: %s", strerror(errno));
		fleet_close(f);
		return NULL;
	}
	for (size_t i = 0; i < f->npeers; i++) {
		struct fleet_peer *p = &f->peers[i];

		p->name = xstrdup(opts->hosts[i]);
		p->state = fleet_host_new();
		p->out = p->err = -1;
		p->last_line = -1;
		p->backoff = 1;
		fleet_start(f, p, now);
	}
	f->running = pthread_create(&f->thread, NULL, fleet_thread, f) == 0;
	if (!f->running) {
		snprintf(err, errsize, "cannot start a thread");
		fleet_close(f);
		return NULL;
	}
	return f;
}

void fleet_close(struct fleet *f)
{
	if (!f)
		return;
	if (f->running) {
		/* Without the byte the thread would poll on. */
		if (write(f->wake[1], "x", 1) < 0)
			pthread_cancel(f->thread);
		pthread_join(f->thread, NULL);
	}
	for (size_t i = 0; i < f->npeers; i++) {
		fleet_stop(&f->peers[i]);
		free(f->peers[i].name);
		fleet_host_free(f->peers[i].state);
		strbuf_free(&f->peers[i].line);
		strbuf_free(&f->peers[i].err_line);
	}
	free(f->peers);
	free((char *)f->opts.ssh);
	free((char *)f->opts.remote_command);
	u64map_free(&f->ids.map);
	if (f->wake[0] > 0)
		close(f->wake[0]);
	if (f->wake[1] > 0)
		close(f->wake[1]);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

/* How p stands now: live turns stale when its lines stop. */
static enum pv_host_status fleet_status(const struct fleet_peer *p, double now)
{
	double interval = fleet_host_interval(p->state);

	if (p->status == PV_HOST_LIVE && p->last_line >= 0 &&
	    now - p->last_line > FLEET_STALE_INTERVALS * (interval > 0 ? interval : 1) + 1)
		return PV_HOST_STALE;
	return p->status;
}

void fleet_collect(struct fleet *f, struct pv_snapshot *s)
{
	double now = fleet_now();

	clock_gettime(CLOCK_REALTIME, &s->taken);
	s->monotonic_taken = now;
	s->owner_source = PV_OWNERS_PROC;
	s->hosts = arena_alloc(&s->arena, (f->npeers ? f->npeers : 1) * sizeof(*s->hosts));
	s->nhosts = f->npeers;
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->npeers; i++) {
		struct fleet_peer *p = &f->peers[i];
		struct pv_host *h = &s->hosts[i];
		const char *version = fleet_host_version(p->state);

		memset(h, 0, sizeof(*h));
		h->name = arena_strdup(&s->arena, p->name);
		h->status = (uint8_t)fleet_status(p, now);
		h->age = p->last_line >= 0 ? now - p->last_line : -1;
		h->message = p->message[0] ? arena_strdup(&s->arena, p->message) : NULL;
		h->version = version ? arena_strdup(&s->arena, version) : NULL;
		h->sockets =
			(uint32_t)fleet_host_build(p->state, (uint16_t)(i + 1), h->name, s, &f->ids, now);
	}
	pthread_mutex_unlock(&f->lock);
}

bool fleet_settled(struct fleet *f)
{
	bool settled = true;

	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->npeers; i++)
		if (f->peers[i].status == PV_HOST_CONNECTING ||
		    (f->peers[i].status != PV_HOST_REFUSED && !fleet_host_ready(f->peers[i].state) &&
		     f->peers[i].status != PV_HOST_DOWN))
			settled = false;
	pthread_mutex_unlock(&f->lock);
	return settled;
}
