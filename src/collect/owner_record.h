/* The record the BPF owner iterator writes for each socket file a process
 * holds, and the reader that takes them from the iterator's read()s. The
 * layout is shared with the BPF program (bpf/socket_owners.bpf.c), which
 * compiles against the kernel's own types (vmlinux.h) instead of libc's. */
#ifndef PV_OWNER_RECORD_H
#define PV_OWNER_RECORD_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#endif

enum { OWNER_RECORD_VERSION = 1 };

/* Every record starts with its version and its size in bytes, so that a
 * reader can step over versions it does not know. */
struct owner_record {
	__u16 version;
	__u16 size;
	__u32 tgid;  /* the process (thread group) holding the socket */
	__u32 fd;    /* by this fd */
	__u32 inode; /* the socket's inode */
	__u32 netns; /* the inode of the socket's network namespace */
	__u32 reserved;
	__u64 cookie; /* the socket's cookie, as sock_diag reports it; 0 if never asked */
};

#ifndef __VMLINUX_H__
typedef void (*owner_record_fn)(const struct owner_record *r, void *arg);

/* Reads records from a byte stream that read() may cut anywhere. */
struct owner_record_reader {
	unsigned char partial[sizeof(struct owner_record)];
	size_t npartial;
	size_t skip;           /* bytes of an unknown record still to step over */
	unsigned long unknown; /* records of other versions stepped over */
	bool broken;           /* a header no version can have: the rest is ignored */
};

/* Feeds n bytes of the stream: fn gets each whole record of this version;
 * others are counted and stepped over by their size. */
void owner_record_feed(struct owner_record_reader *r, const void *data, size_t n, owner_record_fn fn,
		       void *arg);

/* True when the stream ended between records and made sense throughout. */
bool owner_record_complete(const struct owner_record_reader *r);
#endif

#endif
