#include "config.h"

#include "refresh.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "collect.h"
#include "fleet.h"
#include "health.h"
#include "relations.h"
#include "states.h"
#include "strbuf.h"
#include "tracker.h"
#include "xalloc.h"

enum { REFRESH_NOTICE_MAX = 512 };

struct refresh {
	struct refresh_options opts;
	struct collector *collector;
	struct health *health;
	struct tracker *tracker;  /* NULL unless opts.track */
	struct event_log *events; /* NULL unless opts.events */
	struct metrics *metrics;  /* NULL unless opts.metrics */
	double collect_seconds;   /* how long the last collection took */

	/* The shown snapshot and the spare the next collection fills. */
	struct pv_snapshot snaps[2];
	int cur;
	bool have_model;
	struct pv_model model;
	char notice[REFRESH_NOTICE_MAX];

	/* The background collection: the worker touches only the spare
	 * snapshot, the collector and the fields below until it signals
	 * done_fd. */
	pthread_t worker;
	bool collecting, again;
	int done_fd;
	uint64_t worker_mask;
	int worker_status;
	char worker_err[256];
};

/* The collector for opts: its namespaces are the words of opts->netns. */
static struct collector *refresh_open_collector(const struct refresh_options *opts, char *err, size_t errsize)
{
	struct collector_options copts = { .incremental = opts->incremental,
					   .owners = opts->owners,
					   .bound = opts->bound,
					   .close_feeds = opts->events };
	char *words = opts->netns ? xstrdup(opts->netns) : NULL;
	const char **list = NULL;
	struct collector *c;
	char *save = NULL;

	for (char *w = words ? strtok_r(words, ",", &save) : NULL; w; w = strtok_r(NULL, ",", &save)) {
		list = xreallocarray(list, copts.nnetns + 1, sizeof(*list));
		list[copts.nnetns++] = w;
	}
	copts.netns = list;
	c = collector_open(&copts, err, errsize);
	free(list);
	free(words);
	return c;
}

struct refresh *refresh_open(const struct refresh_options *opts, char *err, size_t errsize)
{
	struct refresh *r = xcalloc(1, sizeof(*r));

	r->opts = *opts;
	r->done_fd = -1;
	snapshot_init(&r->snaps[0]);
	snapshot_init(&r->snaps[1]);
	r->collector = opts->fleet ? NULL : refresh_open_collector(opts, err, errsize);
	if (!r->collector && !opts->fleet) {
		refresh_close(r);
		return NULL;
	}
	r->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->done_fd < 0) {
		snprintf(err, errsize, "cannot make an eventfd: %s", strerror(errno));
		refresh_close(r);
		return NULL;
	}
	r->health = health_new();
	if (opts->track)
		r->tracker = tracker_new();
	if (opts->events)
		r->events = event_log_new(opts->events);
	if (opts->metrics)
		r->metrics = metrics_new();
	return r;
}

void refresh_close(struct refresh *r)
{
	if (!r)
		return;
	if (r->collecting)
		pthread_join(r->worker, NULL);
	collector_close(r->collector);
	health_free(r->health);
	tracker_free(r->tracker);
	event_log_free(r->events);
	metrics_free(r->metrics);
	snapshot_free(&r->snaps[0]);
	snapshot_free(&r->snaps[1]);
	if (r->done_fd >= 0)
		close(r->done_fd);
	free(r);
}

/* A fleet's rates were measured where any socket came with one. */
static bool refresh_fleet_rates(const struct pv_snapshot *s)
{
	for (size_t i = 0; i < s->nsocks; i++)
		if (s->socks[i].has_rate)
			return true;
	return false;
}

static int refresh_spare(const struct refresh *r)
{
	return r->have_model ? 1 - r->cur : r->cur;
}

/* The part that may run on the worker: the dumps, the owners, and the
 * relations between what they found, on the spare snapshot alone. */
static void refresh_collect_spare(struct refresh *r)
{
	struct pv_snapshot *s = &r->snaps[refresh_spare(r)];
	uint32_t info_states = r->opts.tcp_info   ? PV_STATES_ALL
			       : r->opts.age_info ? HEALTH_AGE_INFO_STATES
						  : 0;
	struct timespec t0, t1;

	r->worker_err[0] = '\0';
	if (r->opts.fleet) {
		/* What the hosts sent is already related and measured. */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		fleet_collect(r->opts.fleet, s);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		r->collect_seconds =
			(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		r->worker_status = 0;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r->worker_status = collector_run(r->collector, r->worker_mask, info_states, s, r->worker_err,
					 sizeof(r->worker_err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->collect_seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* The shown snapshot is only read meanwhile, on either thread. */
	if (r->worker_status == 0)
		relations_compute(s, r->have_model ? &r->snaps[r->cur] : NULL, r->opts.peers);
}

static void refresh_prepare(struct refresh *r, uint64_t kernel_mask)
{
	snapshot_recycle(&r->snaps[refresh_spare(r)], r->have_model ? r->snaps[r->cur].nsocks : 0);
	r->worker_mask = kernel_mask;
}

static void refresh_add_notice(const char *message, void *arg)
{
	struct strbuf *sb = arg;

	strbuf_printf(sb, "%s%s", sb->len ? "; " : "", message);
}

/* The part that needs the model before: health and history, then the
 * spare becomes the shown snapshot. Runs on the consumer's thread. */
static const struct pv_model *refresh_fold(struct refresh *r, char *err, size_t errsize)
{
	int next = refresh_spare(r);
	struct pv_snapshot *s = &r->snaps[next];
	const struct pv_snapshot *prev = r->have_model ? &r->snaps[r->cur] : NULL;
	struct strbuf sb = { 0 };

	if (r->worker_status < 0) {
		snprintf(err, errsize, "%s", r->worker_err);
		return NULL;
	}
	if (!r->opts.fleet)
		health_update(r->health, prev, s, s->monotonic_taken);
	if (r->tracker)
		tracker_update(r->tracker, prev, s, s->monotonic_taken, r->opts.highlight);
	if (r->events)
		event_log_update(r->events, s, prev);
	if (r->metrics)
		metrics_update(r->metrics, s, prev);
	r->model.same_rows = prev && snapshot_same_rows(prev, s);
	r->model.rates = r->opts.fleet ? refresh_fleet_rates(s) : r->opts.tcp_info && prev != NULL;
	r->cur = next;
	r->have_model = true;
	r->model.snap = s;
	r->model.tracker = r->tracker;
	r->model.events = r->events;
	r->model.metrics = r->metrics;
	r->model.duration = r->collect_seconds;
	r->model.serial++;
	snapshot_count(s, NULL, 0, &r->model.counts);
	snapshot_notices(s, r->model.counts.hidden, refresh_add_notice, &sb);
	snprintf(r->notice, sizeof(r->notice), "%s", strbuf_str(&sb));
	strbuf_free(&sb);
	r->model.notice = r->notice;
	return &r->model;
}

/* Takes the word a finished collection left on done_fd; false when none
 * was there. */
static bool refresh_take_word(struct refresh *r)
{
	uint64_t n;

	return read(r->done_fd, &n, sizeof(n)) == sizeof(n);
}

/* Collects into the spare snapshot, then says so on done_fd. */
static void refresh_collect_and_signal(struct refresh *r)
{
	uint64_t one = 1;

	refresh_collect_spare(r);
	if (write(r->done_fd, &one, sizeof(one)) != sizeof(one))
		r->worker_status = -1;
}

const struct pv_model *refresh_now(struct refresh *r, uint64_t kernel_mask, char *err, size_t errsize)
{
	/* A background refresh still running is superseded: its result is
	 * dropped with its word on the fd, so nothing folds it in later. */
	if (r->collecting) {
		pthread_join(r->worker, NULL);
		r->collecting = false;
		r->again = false;
		refresh_take_word(r);
	}
	refresh_prepare(r, kernel_mask);
	refresh_collect_spare(r);
	return refresh_fold(r, err, errsize);
}

static void *refresh_worker(void *arg)
{
	struct refresh *r = arg;
	sigset_t all;

	/* Signals belong to the consumer's thread: SIGWINCH must interrupt
	 * the dashboard's poll(). Only this thread blocks them. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	refresh_collect_and_signal(r);
	return NULL;
}

void refresh_start(struct refresh *r, uint64_t kernel_mask)
{
	if (r->collecting) {
		r->again = true;
		return;
	}
	refresh_prepare(r, kernel_mask);
	r->collecting = pthread_create(&r->worker, NULL, refresh_worker, r) == 0;
	if (!r->collecting) {
		/* No thread: collect here, and still say so on the fd. */
		refresh_collect_and_signal(r);
	}
}

int refresh_fd(const struct refresh *r)
{
	return r->done_fd;
}

const struct pv_model *refresh_finish(struct refresh *r, bool *again, char *err, size_t errsize)
{
	*again = false;
	err[0] = '\0';
	if (!refresh_take_word(r))
		return NULL;
	if (r->collecting) {
		pthread_join(r->worker, NULL);
		r->collecting = false;
	}
	*again = r->again;
	r->again = false;
	return refresh_fold(r, err, errsize);
}

const struct pv_model *refresh_model(const struct refresh *r)
{
	return r->have_model ? &r->model : NULL;
}
