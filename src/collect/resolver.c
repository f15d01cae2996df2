#include "config.h"

#include "resolver.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "u64map.h"
#include "xalloc.h"

/* Two lookups at a time: enough to hide one slow server, few enough not
 * to flood it. The cache stops growing at RESOLVER_MAX_NAMES addresses;
 * later ones stay numeric. */
enum { RESOLVER_WORKERS = 2, RESOLVER_MAX_NAMES = 16384 };

enum entry_state { ENTRY_QUEUED, ENTRY_BUSY, ENTRY_DONE };

struct entry {
	struct pv_addr addr;
	enum entry_state state;
	char *name; /* NULL: no name */
};

struct resolver {
	pthread_mutex_t lock;
	pthread_cond_t work, settled;
	struct entry *entries;
	size_t nentries, cap;
	struct u64map by_hash; /* address hash -> entry index (chained by probing) */
	size_t *queue;         /* entry indices waiting, FIFO */
	size_t qhead, qlen, qcap;
	size_t busy; /* lookups under way */
	int notify_fd;
	bool stopping;
	unsigned refs; /* the owner and each live worker */
	pthread_t workers[RESOLVER_WORKERS];
	int nworkers;
};

static uint64_t addr_hash(const struct pv_addr *a)
{
	uint64_t h = 1469598103934665603ULL ^ a->family;

	for (size_t i = 0; i < sizeof(a->bytes); i++)
		h = (h ^ a->bytes[i]) * 1099511628211ULL;
	return h | 1;
}

static bool addr_equal(const struct pv_addr *a, const struct pv_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

/* The last reference frees everything; called with the lock held, which
 * it releases. */
static void resolver_unref_locked(struct resolver *r)
{
	size_t i;

	if (--r->refs > 0) {
		pthread_mutex_unlock(&r->lock);
		return;
	}
	pthread_mutex_unlock(&r->lock);
	for (i = 0; i < r->nentries; i++)
		free(r->entries[i].name);
	free(r->entries);
	free(r->queue);
	u64map_free(&r->by_hash);
	pthread_cond_destroy(&r->work);
	pthread_cond_destroy(&r->settled);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* getnameinfo with a name required: an address with none stays numeric. */
static char *resolver_lookup(const struct pv_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char host[NI_MAXHOST];

	memset(&ss, 0, sizeof(ss));
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, a->bytes, 16);
		len = sizeof(*in6);
	} else {
		struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;

		in4->sin_family = AF_INET;
		memcpy(&in4->sin_addr, a->bytes, 4);
		len = sizeof(*in4);
	}
	if (getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), NULL, 0, NI_NAMEREQD) != 0)
		return NULL;
	return xstrdup(host);
}

static void *resolver_worker(void *arg)
{
	struct resolver *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		struct pv_addr addr;
		size_t idx;
		char *name;

		while (!r->stopping && r->qlen == 0)
			pthread_cond_wait(&r->work, &r->lock);
		if (r->stopping)
			break;
		idx = r->queue[r->qhead];
		r->qhead = (r->qhead + 1) % r->qcap;
		r->qlen--;
		r->entries[idx].state = ENTRY_BUSY;
		addr = r->entries[idx].addr;
		r->busy++;
		pthread_mutex_unlock(&r->lock);

		name = resolver_lookup(&addr);

		pthread_mutex_lock(&r->lock);
		r->busy--;
		r->entries[idx].name = name;
		r->entries[idx].state = ENTRY_DONE;
		if (r->notify_fd >= 0 && !r->stopping) {
			uint64_t one = 1;

			/* A full eventfd already says there is news. */
			(void)!write(r->notify_fd, &one, sizeof(one));
		}
		pthread_cond_broadcast(&r->settled);
	}
	resolver_unref_locked(r);
	return NULL;
}

struct resolver *resolver_new(int notify_fd)
{
	struct resolver *r = xcalloc(1, sizeof(*r));
	int i;

	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->work, NULL);
	pthread_cond_init(&r->settled, NULL);
	u64map_init(&r->by_hash, 256);
	r->notify_fd = notify_fd;
	r->refs = 1;
	for (i = 0; i < RESOLVER_WORKERS; i++) {
		pthread_mutex_lock(&r->lock);
		r->refs++;
		pthread_mutex_unlock(&r->lock);
		if (pthread_create(&r->workers[r->nworkers], NULL, resolver_worker, r) == 0) {
			r->nworkers++;
		} else {
			pthread_mutex_lock(&r->lock);
			r->refs--;
			pthread_mutex_unlock(&r->lock);
		}
	}
	return r;
}

void resolver_free(struct resolver *r)
{
	bool idle;

	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stopping = true;
	pthread_cond_broadcast(&r->work);
	/* Idle workers end at once and are joined; one stuck in a slow DNS
	 * look-up is let go (it frees what it shares on its way out), so
	 * that quitting never waits for a resolver. */
	idle = r->busy == 0;
	pthread_mutex_unlock(&r->lock);
	for (int i = 0; i < r->nworkers; i++) {
		if (idle)
			pthread_join(r->workers[i], NULL);
		else
			pthread_detach(r->workers[i]);
	}
	pthread_mutex_lock(&r->lock);
	resolver_unref_locked(r);
}

static void resolver_enqueue(struct resolver *r, size_t idx)
{
	if (r->qlen == r->qcap) {
		size_t cap = r->qcap ? r->qcap * 2 : 64, i;
		size_t *q = xreallocarray(NULL, cap, sizeof(*q));

		for (i = 0; i < r->qlen; i++)
			q[i] = r->queue[(r->qhead + i) % r->qcap];
		free(r->queue);
		r->queue = q;
		r->qcap = cap;
		r->qhead = 0;
	}
	r->queue[(r->qhead + r->qlen) % r->qcap] = idx;
	r->qlen++;
	pthread_cond_signal(&r->work);
}

const char *resolver_name(struct resolver *r, const struct pv_addr *a)
{
	uint64_t key = addr_hash(a);
	const char *name = NULL;
	uint32_t *slot;

	pthread_mutex_lock(&r->lock);
	/* Step past the rare hash collision by comparing addresses. */
	while ((slot = u64map_get(&r->by_hash, key)) && !addr_equal(&r->entries[*slot].addr, a))
		key += 2;
	if (slot) {
		name = r->entries[*slot].state == ENTRY_DONE ? r->entries[*slot].name : NULL;
	} else if (r->nentries < RESOLVER_MAX_NAMES) {
		if (r->nentries == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 256;
			r->entries = xreallocarray(r->entries, r->cap, sizeof(*r->entries));
		}
		memset(&r->entries[r->nentries], 0, sizeof(r->entries[0]));
		r->entries[r->nentries].addr = *a;
		r->entries[r->nentries].state = ENTRY_QUEUED;
		u64map_put(&r->by_hash, key, (uint32_t)r->nentries, NULL);
		resolver_enqueue(r, r->nentries);
		r->nentries++;
	}
	pthread_mutex_unlock(&r->lock);
	return name;
}

size_t resolver_settle(struct resolver *r, int timeout_ms)
{
	struct timespec deadline;
	size_t left;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->lock);
	while (r->qlen + r->busy > 0) {
		if (pthread_cond_timedwait(&r->settled, &r->lock, &deadline) == ETIMEDOUT)
			break;
	}
	left = r->qlen + r->busy;
	pthread_mutex_unlock(&r->lock);
	return left;
}
