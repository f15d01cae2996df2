#include "config.h"

#include "owners_bpf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_BPF
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "owner_record.h"
#include "privilege.h"
#include "procinfo.h"
#include "socket_owners.skel.h"
#include "u64map.h"
#include "xalloc.h"

/* read() bytes at a time: a multiple of the record, though the reader
 * copes with any cut. */
enum { BPF_READ_BUFFER = 1024 * sizeof(struct owner_record), BPF_READ_EINTR_TRIES = 8 };

struct owners_bpf {
	struct socket_owners_bpf *skel;
	struct bpf_link *link;
	int procfd;
	unsigned char *buf;
};

/* libbpf explains its failures on stderr, which is the dashboard's
 * terminal: the reason is given back in why instead. */
static int bpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

struct owners_bpf *owners_bpf_open(char *why, size_t whysize)
{
	struct owners_bpf *b;

	/* Without the privilege, libbpf would parse the kernel's BTF only to
	 * be refused at the end. */
	if (!privilege_may_load_bpf()) {
		snprintf(why, whysize,
			 "loading the BPF owner iterator needs root (or CAP_BPF and CAP_PERFMON)");
		errno = EPERM;
		return NULL;
	}
	b = xcalloc(1, sizeof(*b));
	libbpf_set_print(bpf_quiet);
	b->procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	privilege_raise();
	b->skel = socket_owners_bpf__open_and_load();
	if (b->skel)
		b->link = bpf_program__attach_iter(b->skel->progs.socket_owners, NULL);
	privilege_lower();
	if (!b->skel || !b->link || b->procfd < 0) {
		snprintf(why, whysize, "%s: %s",
			 b->procfd < 0 ? "/proc cannot be opened"
			 : !b->skel    ? "the BPF owner iterator cannot be loaded"
				       : "the BPF owner iterator cannot be attached",
			 strerror(errno));
		owners_bpf_close(b);
		return NULL;
	}
	b->buf = xmalloc(BPF_READ_BUFFER);
	return b;
}

void owners_bpf_close(struct owners_bpf *b)
{
	if (!b)
		return;
	bpf_link__destroy(b->link);
	socket_owners_bpf__destroy(b->skel);
	if (b->procfd >= 0)
		close(b->procfd);
	free(b->buf);
	free(b);
}

/* The records as they come: each socket of the snapshot a process holds,
 * found by cookie (a record whose cookie the dump did not give is not a
 * socket shown: another namespace's, or a kind not dumped). */
struct bpf_take {
	const struct pv_snapshot *snap;
	struct owner_pair *pairs;
	size_t npairs, cap;
	unsigned long records;
};

static void bpf_take_record(const struct owner_record *r, void *arg)
{
	struct bpf_take *t = arg;
	const uint32_t *sock;

	t->records++;
	sock = r->cookie ? u64map_get(&t->snap->by_cookie, r->cookie) : NULL;
	if (!sock || t->snap->socks[*sock].inode != r->inode)
		return;
	if (t->npairs == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->pairs = xreallocarray(t->pairs, t->cap, sizeof(*t->pairs));
	}
	t->pairs[t->npairs++] = (struct owner_pair){ .sock = *sock, .pid = (int)r->tgid, .fd = r->fd };
}

/* Runs the iterator once, whole, feeding the records to t. */
static int bpf_read_all(struct owners_bpf *b, struct bpf_take *t)
{
	struct owner_record_reader reader = { 0 };
	int fd, tries = 0;
	ssize_t n;

	privilege_raise();
	fd = bpf_iter_create(bpf_link__fd(b->link));
	privilege_lower();
	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, b->buf, BPF_READ_BUFFER);
		if (n < 0 && errno == EINTR && ++tries < BPF_READ_EINTR_TRIES)
			continue;
		if (n <= 0)
			break;
		owner_record_feed(&reader, b->buf, (size_t)n, bpf_take_record, t);
	}
	close(fd);
	return n == 0 && owner_record_complete(&reader) ? 0 : -1;
}

/* Each owner process's details from /proc, once; a process gone since
 * the iterator saw it loses its pairs. Returns the pairs kept. */
static size_t bpf_read_processes(struct owners_bpf *b, struct pv_snapshot *snap, struct owner_pair *pairs,
				 size_t n, unsigned *processes)
{
	struct u64map by_pid;
	size_t kept = 0;

	u64map_init(&by_pid, 64);
	privilege_raise();
	for (size_t i = 0; i < n; i++) {
		int inserted;
		uint32_t *slot = u64map_put(&by_pid, (uint64_t)pairs[i].pid + 1, UINT32_MAX, &inserted);

		if (inserted) {
			char name[16];
			struct pv_process p;

			snprintf(name, sizeof(name), "%d", pairs[i].pid);
			memset(&p, 0, sizeof(p));
			(*processes)++;
			if (procinfo_read(b->procfd, name, &p, &snap->arena) == 0) {
				*slot = snapshot_add_process(snap);
				snap->procs[*slot] = p;
			}
		}
		if (*slot == UINT32_MAX)
			continue;
		pairs[i].proc = *slot;
		pairs[kept++] = pairs[i];
	}
	privilege_lower();
	u64map_free(&by_pid);
	return kept;
}

int owners_bpf_collect(struct owners_bpf *b, struct pv_snapshot *snap, struct users *users,
		       struct owners_stats *stats)
{
	struct bpf_take t = { .snap = snap };
	size_t kept;

	memset(stats, 0, sizeof(*stats));
	if (bpf_read_all(b, &t) < 0) {
		free(t.pairs);
		return -1;
	}
	kept = bpf_read_processes(b, snap, t.pairs, t.npairs, &stats->processes);
	stats->fds = (unsigned)t.records;
	owners_assign_pairs(snap, t.pairs, kept);
	owners_settle(snap, users, 0, false);
	snap->owner_source = PV_OWNERS_BPF;
	free(t.pairs);
	return 0;
}

#else /* !HAVE_BPF */

struct owners_bpf {
	int unused;
};

struct owners_bpf *owners_bpf_open(char *why, size_t whysize)
{
	snprintf(why, whysize, "this portview was built without BPF (configure --with-bpf)");
	errno = ENOTSUP;
	return NULL;
}

void owners_bpf_close(struct owners_bpf *b)
{
	(void)b;
}

int owners_bpf_collect(struct owners_bpf *b, struct pv_snapshot *snap, struct users *users,
		       struct owners_stats *stats)
{
	(void)b;
	(void)snap;
	(void)users;
	(void)stats;
	errno = ENOTSUP;
	return -1;
}

#endif
