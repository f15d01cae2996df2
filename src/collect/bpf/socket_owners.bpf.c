/* The kernel half of portview's BPF owner source: an iterator over every
 * task's file table (iter/task_file) that writes, for each socket file, the
 * process holding it, the fd, the socket's inode, its network namespace and
 * its cookie (struct owner_record). The kernel skips threads that share
 * their leader's file table, so a process is walked once, whatever its
 * thread count. Compiled with clang against the running kernel's BTF
 * (vmlinux.h) and relocated by libbpf when loaded (CO-RE). */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "owner_record.h"

char LICENSE[] SEC("license") = "GPL";

/* From the kernel's stat.h, which vmlinux.h does not carry. */
#define PV_S_IFMT 00170000
#define PV_S_IFSOCK 0140000

SEC("iter/task_file")
int socket_owners(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct owner_record rec = { .version = OWNER_RECORD_VERSION, .size = sizeof(rec) };
	struct inode *inode;
	struct socket *sock;
	struct sock *sk;

	if (!task || !file)
		return 0;
	inode = BPF_CORE_READ(file, f_inode);
	if ((BPF_CORE_READ(inode, i_mode) & PV_S_IFMT) != PV_S_IFSOCK)
		return 0;
	/* A socket file's private data is its struct socket. */
	sock = BPF_CORE_READ(file, private_data);
	sk = BPF_CORE_READ(sock, sk);
	rec.tgid = BPF_CORE_READ(task, tgid);
	rec.fd = ctx->fd;
	rec.inode = (__u32)BPF_CORE_READ(inode, i_ino);
	if (sk) {
		rec.netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
		rec.cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
	}
	bpf_seq_write(seq, &rec, sizeof(rec));
	return 0;
}
