/* The kernel half of portview's BPF owner source: an iterator over every
 * task's file table (iter/task_file) that writes, for each socket file, the
 * process holding it, the fd, the socket's inode, its network namespace and
 * its cookie (struct owner_record). The kernel skips threads that share
 * their leader's file table, so a process is walked once, whatever its
 * thread count. Compiled with clang against the running kernel's BTF
 * (vmlinux.h) and relocated by libbpf when loaded (CO-RE). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "owner_record.h"

char LICENSE[] SEC("license") = "GPL";

SEC("iter/task_file")
int socket_owners(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct owner_record rec = { .version = OWNER_RECORD_VERSION, .size = sizeof(rec) };
	struct socket *sock;
	struct sock *sk;

	if (!task || !file)
		return 0;
	/* NULL for every file that is not a socket. Fields are read through
	 * typed pointers the verifier checks, not a helper call per read:
	 * that was a fifth of the pass. */
	sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	rec.tgid = task->tgid;
	rec.fd = ctx->fd;
	rec.inode = (__u32)file->f_inode->i_ino;
	sk = sock->sk;
	if (sk) {
		rec.netns = sk->__sk_common.skc_net.net->ns.inum;
		rec.cookie = sk->__sk_common.skc_cookie.counter;
	}
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	return 0;
}
