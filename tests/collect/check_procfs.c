/* The owner walk and process reader against a /proc tree built in a
 * temporary directory: the kernel's /proc cannot be made to hold an empty
 * stat file, a process whose fd directory vanished, or a 200 KiB command
 * line on demand, but a tree of plain files and symlinks can, and the code
 * reads both the same way (directory fds, getdents64, readlinkat). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "check_main.h"
#include "owners.h"
#include "procinfo.h"
#include "users.h"

static char root[64];

static void put_file(const char *rel, const char *data, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void put_dir(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void put_link(const char *rel, const char *target)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ck_assert_int_eq(symlink(target, path), 0);
}

/* A process directory with a stat line for comm, status giving uid 33
 * (the files belong to root, as for a process that is not dumpable) and
 * the given command line. */
static void put_process(const char *pid, const char *comm, const char *cmdline, size_t cmdline_len)
{
	char rel[64], stat[256];
	int n = snprintf(stat, sizeof(stat), "%s (%s) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4242 0 0", pid,
			 comm);

	put_dir(pid);
	snprintf(rel, sizeof(rel), "%s/fd", pid);
	put_dir(rel);
	snprintf(rel, sizeof(rel), "%s/stat", pid);
	put_file(rel, stat, (size_t)n);
	snprintf(rel, sizeof(rel), "%s/status", pid);
	put_file(rel, "Name:\tx\nUid:\t33\t33\t33\t33\n", 25);
	snprintf(rel, sizeof(rel), "%s/cmdline", pid);
	put_file(rel, cmdline, cmdline_len);
}

static void remove_tree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

static void setup(void)
{
	static const char server[] = "srv\0--port\0"
				     "80\0";
	char *big = malloc(200 * 1024);

	snprintf(root, sizeof(root), "/tmp/pv-procfs.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	/* 100: an ordinary server with two sockets and a file. */
	put_process("100", "srv", server, sizeof(server) - 1);
	put_link("100/fd/3", "socket:[5001]");
	put_link("100/fd/4", "/dev/null");
	put_link("100/fd/5", "socket:[5002]");
	/* 101: stat became empty (the process is exiting): it owns nothing. */
	put_process("101", "gone", "x", 1);
	put_file("101/stat", "", 0);
	put_link("101/fd/3", "socket:[5003]");
	/* 102: its fd directory vanished between the listing and the walk. */
	put_dir("102");
	/* 103: a command line longer than portview keeps. */
	memset(big, 'a', 200 * 1024);
	put_process("103", "big", big, 200 * 1024);
	put_link("103/fd/7", "socket:[5004]");
	/* 104: a kernel thread's empty command line; it shares socket 5001. */
	put_process("104", "worker", "", 0);
	put_link("104/fd/9", "socket:[5001]");
	/* 105: links that only look like sockets. */
	put_process("105", "odd", "odd", 3);
	put_link("105/fd/3", "socket:[]");
	put_link("105/fd/4", "socket:[12a]");
	put_link("105/fd/5", "socket:[99999999999]");
	put_link("105/fd/6", "socket:[5005");
	put_link("105/fd/7", "pipe:[5005]");
	/* Not processes at all. */
	put_dir("self1");
	put_dir("0");
	free(big);
}

static void teardown(void)
{
	remove_tree();
}

static void add_socket(struct pv_snapshot *s, uint32_t inode, uint64_t cookie)
{
	struct pv_socket k = { .family = 2, .proto = 6, .state = 10, .inode = inode, .cookie = cookie };

	snapshot_add_socket(s, &k);
}

static const struct pv_socket *by_inode(const struct pv_snapshot *s, uint32_t inode)
{
	size_t i;

	for (i = 0; i < s->nsocks; i++)
		if (s->socks[i].inode == inode)
			return &s->socks[i];
	ck_abort_msg("socket %u missing", inode);
	return NULL;
}

START_TEST(t_walk_of_an_odd_tree)
{
	struct pv_snapshot s;
	struct owners_stats stats;
	struct users *users = users_new();
	struct owners_walk *w;
	const struct pv_socket *k;
	uint32_t ino;

	snapshot_init(&s);
	for (ino = 5001; ino <= 5005; ino++)
		add_socket(&s, ino, ino);
	w = owners_walk_start(root);
	ck_assert_ptr_nonnull(w);
	owners_walk_finish(w, &s, users, &stats);

	/* Processes 100, 101, 103, 104, 105 were looked at; 102 had gone. */
	ck_assert_uint_eq(stats.processes, 5);
	ck_assert_uint_eq(stats.unreadable, 0);
	ck_assert_uint_eq(stats.fds, 3 + 1 + 1 + 1 + 5);

	k = by_inode(&s, 5001); /* shared: both holders, by pid */
	ck_assert_uint_eq(k->owner_count, 2);
	ck_assert_int_eq(snapshot_owner(&s, k, 0)->pid, 100);
	ck_assert_str_eq(snapshot_owner(&s, k, 0)->comm, "srv");
	ck_assert_str_eq(snapshot_owner(&s, k, 0)->cmdline, "srv --port 80");
	/* Files owned by root stand for a process that is not dumpable: its
	 * uid comes from status. Another user's files give their owner. */
	ck_assert_uint_eq(snapshot_owner(&s, k, 0)->uid, geteuid() == 0 ? 33 : geteuid());
	ck_assert_uint_eq(snapshot_owner(&s, k, 0)->start_time, 4242);
	ck_assert_int_eq(snapshot_owner(&s, k, 1)->pid, 104);
	ck_assert_str_eq(snapshot_owner(&s, k, 1)->cmdline, "");
	ck_assert_uint_eq(by_inode(&s, 5002)->owner_count, 1);

	k = by_inode(&s, 5003); /* its process's stat was empty */
	ck_assert_uint_eq(k->owner_count, 0);
	ck_assert_int_eq(k->owner_status, PV_OWNER_NONE);

	k = by_inode(&s, 5004);
	ck_assert_uint_eq(k->owner_count, 1);
	ck_assert_uint_eq(snapshot_owner(&s, k, 0)->cmdline_len, PROCINFO_CMDLINE_MAX);
	ck_assert(snapshot_owner(&s, k, 0)->cmdline_truncated);

	ck_assert_uint_eq(by_inode(&s, 5005)->owner_count, 0);
	ck_assert_uint_eq(s.nprocs, 3); /* 100, 103, 104 */
	snapshot_free(&s);
	users_free(users);
}
END_TEST

START_TEST(t_process_files_that_fail)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY);
	struct pv_process p;
	struct arena a = { 0 };

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(procinfo_read(fd, "101", &p, &a), -1); /* empty stat */
	ck_assert_int_eq(procinfo_read(fd, "102", &p, &a), -1); /* no stat */
	ck_assert_int_eq(procinfo_read(fd, "100", &p, &a), 0);
	ck_assert_str_eq(p.comm, "srv");
	/* status gone too: the uid is unknown, not 0 (root) */
	put_file("100/status", "Name:\tsrv\n", 10);
	ck_assert_int_eq(procinfo_read(fd, "100", &p, &a), 0);
	ck_assert_uint_eq(p.uid, geteuid() == 0 ? (uint32_t)-1 : geteuid());
	/* cmdline unreadable: the process is still shown, with "" */
	{
		char path[256];

		snprintf(path, sizeof(path), "%s/100/cmdline", root);
		ck_assert_int_eq(unlink(path), 0);
	}
	ck_assert_int_eq(procinfo_read(fd, "100", &p, &a), 0);
	ck_assert_str_eq(p.cmdline, "");
	ck_assert_uint_eq(p.cmdline_len, 0);
	close(fd);
	arena_free(&a);
}
END_TEST

START_TEST(t_missing_root)
{
	errno = 0;
	ck_assert_ptr_null(owners_walk_start("/nonexistent-proc"));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* A UNIX socket from a kernel that does not report its uid (before 5.3)
 * takes its first owner's; one that does keeps its own. */
START_TEST(t_unix_uid_from_owner)
{
	struct pv_snapshot s;
	struct users *users = users_new();
	struct pv_socket k = { .family = AF_UNIX,
			       .proto = PV_PROTO_UNIX,
			       .state = 10,
			       .inode = 1,
			       .cookie = 1,
			       .uid = UINT32_MAX };
	uint32_t p;

	snapshot_init(&s);
	p = snapshot_add_process(&s);
	s.procs[p].pid = 42;
	s.procs[p].uid = 33;
	s.procs[p].comm = "srv";
	s.procs[p].cmdline = "";
	snapshot_reserve_refs(&s, 1);
	snapshot_push_ref(&s, p, 3);
	k.owner_count = 1;
	snapshot_add_socket(&s, &k);
	k.cookie = 2;
	k.uid = 7;
	snapshot_add_socket(&s, &k);
	owners_settle(&s, users, 0, false);
	ck_assert_uint_eq(s.socks[0].uid, 33);
	ck_assert_uint_eq(s.socks[1].uid, 7);
	snapshot_free(&s);
	users_free(users);
}
END_TEST

CHECK_SUITE_WITH_FIXTURE("procfs", setup, teardown, t_unix_uid_from_owner, t_walk_of_an_odd_tree,
			 t_process_files_that_fail, t_missing_root)
