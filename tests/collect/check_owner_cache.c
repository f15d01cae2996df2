#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "diag.h"
#include "owner_cache.h"

static struct diag_conn *diag;
static struct owner_cache *cache;
static struct users *users;

static void setup(void)
{
	char err[256];

	diag = diag_open(0, err, sizeof(err));
	ck_assert_msg(diag != NULL, "%s", err);
	cache = owner_cache_new();
	users = users_new();
}

static void teardown(void)
{
	owner_cache_free(cache);
	users_free(users);
	diag_close(diag);
}

static int listener(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	return fd;
}

static uint32_t inode_of(int fd)
{
	struct stat st;

	ck_assert_int_eq(fstat(fd, &st), 0);
	return (uint32_t)st.st_ino;
}

/* Collects at time now and returns how many owners the socket on fd has
 * (-1 when the dump does not have it); *full says if every process was walked. */
static int owners_at(double now, int fd, bool *full)
{
	struct pv_snapshot s;
	struct owners_stats stats;
	char err[256];
	uint32_t ino = inode_of(fd);
	int found = -1;
	size_t i;

	snapshot_init(&s);
	ck_assert_int_eq(diag_collect(diag, ~0ull, 0, &s, err, sizeof(err)), 0);
	ck_assert_int_eq(owner_cache_collect(cache, &s, "/proc", users, now, &stats), 0);
	*full = owner_cache_last_was_full(cache);
	for (i = 0; i < s.nsocks; i++) {
		if (s.socks[i].inode != ino)
			continue;
		found = (int)s.socks[i].owner_count;
		if (found)
			ck_assert_int_eq(snapshot_owner(&s, &s.socks[i], 0)->pid, getpid());
	}
	snapshot_free(&s);
	return found;
}

START_TEST(t_follows_owners_between_refreshes)
{
	int a = listener(), b, c;
	bool full;

	ck_assert_int_eq(owners_at(0, a, &full), 1);
	ck_assert(full);
	ck_assert_int_eq(owners_at(1, a, &full), 1);
	ck_assert(!full);

	/* Same fd count, new socket in the old fd's place: only a full walk
	 * finds it, and not sooner than ten seconds after the last. */
	close(a);
	b = listener();
	ck_assert_int_eq(owners_at(2, b, &full), 0);
	ck_assert(!full);
	ck_assert_int_eq(owners_at(12, b, &full), 1);
	ck_assert(full);

	/* A changed fd count is enough to find a new socket at once. */
	c = listener();
	ck_assert_int_eq(owners_at(13, c, &full), 1);
	ck_assert(!full);

	/* The safety net walks everything once a minute. */
	ck_assert_int_eq(owners_at(75, c, &full), 1);
	ck_assert(full);
	close(b);
	close(c);
}
END_TEST

CHECK_SUITE_WITH_FIXTURE("owner_cache", setup, teardown, t_follows_owners_between_refreshes)
