/* The neutral model of one refresh: every socket the kernel reported and the
 * processes that own them. Free of netlink and curses; everything a snapshot
 * points to lives in its arena or its arrays and goes with snapshot_free. */
#ifndef PV_SNAPSHOT_H
#define PV_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "arena.h"
#include "kinds.h"
#include "ports.h"
#include "u64map.h"

/* An address as shown: IPv4-mapped IPv6 addresses are stored as IPv4. */
struct pv_addr {
	uint8_t family;    /* AF_INET or AF_INET6 */
	uint8_t bytes[16]; /* network order; IPv4 uses the first 4 */
};

struct pv_endpoint {
	struct pv_addr addr;
	uint16_t port; /* host order */
};

enum pv_owner_status {
	PV_OWNER_NONE,   /* no process holds it (TIME_WAIT, orphans) */
	PV_OWNER_OK,     /* owners found */
	PV_OWNER_HIDDEN, /* not found, and some processes unreadable or invisible */
};

/* Where owners come from: the kernel's task_file iterator (BPF) or the
 * fd tables under /proc. AUTO, asked for, is BPF when it loads. */
enum pv_owner_source { PV_OWNERS_AUTO, PV_OWNERS_BPF, PV_OWNERS_PROC };

/* The sources' names as options, the header and JSON say them, then NULL. */
extern const char *const owner_source_names[];
const char *owner_source_name(enum pv_owner_source source);

/* TCP details from INET_DIAG_INFO, present only when has_info is set. */
struct pv_tcp_details {
	bool has_info;
	uint32_t rtt_us, rttvar_us;
	uint32_t retransmits, total_retrans;
	uint32_t snd_cwnd, unacked, lost;
	uint32_t last_data_sent_ms, last_data_recv_ms, last_ack_recv_ms;
	uint64_t bytes_acked, bytes_received, delivery_rate;
	bool has_snd_wnd; /* kernels before 5.19 do not report it */
	uint32_t snd_wnd; /* the peer's advertised receive window */
};

/* What is wrong with a socket (pv_socket.flags). */
enum {
	PV_FLAG_SATURATED = 1u << 0,   /* a listener whose accept queue is full */
	PV_FLAG_STALLED = 1u << 1,     /* data waiting, no ACK progress for a while */
	PV_FLAG_RETRANS = 1u << 2,     /* retransmitting now or lately */
	PV_FLAG_ZERO_WINDOW = 1u << 3, /* the peer advertises no room */
	PV_FLAG_CLOSE_WAIT = 1u << 4,  /* CLOSE_WAIT for long: the owner forgot to close */
	PV_FLAG_TIME_WAIT = 1u << 5,   /* one of many TIME_WAIT on one port (relations.h) */
	PV_FLAG_COUNT = 6,
};

/* UNIX domain sockets have family AF_UNIX and this protocol number, one no
 * IP protocol uses here (254 is for experiments), so that a zeroed record
 * is never mistaken for a UNIX socket. */
#define PV_PROTO_UNIX 254

/* Which end of a connection a socket is (pv_socket.side). */
enum pv_side { PV_SIDE_UNKNOWN, PV_SIDE_SERVER, PV_SIDE_CLIENT, PV_SIDE_COUNT };

/* "", "server" and "client", in enum order. */
extern const char *const side_names[PV_SIDE_COUNT];

/* A uid the kernel does not keep: TIME_WAIT and half-open (request)
 * sockets are minisockets with no owner, for which it reports uid 0, and
 * kernels before 5.3 report no uid for UNIX sockets. */
#define PV_UID_UNKNOWN UINT32_MAX

/* True for the minisockets the kernel keeps for TIME_WAIT and for
 * handshakes not yet complete: no file, no uid, no queues, no tcp_info. */
static inline bool socket_is_minisocket(uint8_t proto, uint8_t state)
{
	/* 6 is IPPROTO_TCP; 3 SYN_RECV and 6 TIME_WAIT. */
	return proto == 6 && (state == 3 || state == 6);
}

/* Laid out without holes: a refresh walks tens of thousands of these
 * several times, so every byte is paid for in cache misses. */
struct pv_socket {
	uint8_t family;    /* the socket's own family: AF_INET, AF_INET6 or AF_UNIX */
	uint8_t proto;     /* IPPROTO_TCP, IPPROTO_UDP or PV_PROTO_UNIX */
	uint8_t state;     /* kernel state number, see states.h */
	uint8_t sock_type; /* UNIX: SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET */
	int8_t v6only;     /* 1, 0, or -1 when the kernel did not say */
	uint32_t netns;    /* the inode of its network namespace (pv_snapshot.netns) */
	struct pv_endpoint local, remote;
	uint16_t path_len;            /* UNIX: bytes of path; 0 for an unnamed socket */
	uint32_t ifindex, inode, uid; /* uid may be PV_UID_UNKNOWN */
	uint32_t peer_inode;          /* UNIX: the inode of the other end, 0 when none */
	const char *path;             /* UNIX: the bound name, raw bytes in the arena; an
				  * abstract name starts with a NUL byte */
	uint64_t cookie;
	uint64_t cgroup_id; /* TCP, UDP: the creator's cgroup v2 id (snapshot_cgroup_path); 0 unknown */
	uint32_t rqueue, wqueue;
	const char *user;     /* name for uid, or NULL; owned by the users cache */
	uint32_t owner_first; /* index into snapshot owner_refs */
	uint32_t owner_count;
	uint8_t owner_status; /* enum pv_owner_status */
	bool gone;            /* closed: a tombstone kept for display */
	/* Derived from the whole snapshot (relations.h); zero when not. */
	bool has_peer;
	bool peer_queued; /* UNIX: not accepted yet; peer is the listener it waits on */
	bool accepted;    /* a connection a listener of this host accepted */
	uint8_t flags;    /* PV_FLAG_*, from relations.h and health.h */
	uint8_t side;     /* a connection's end: enum pv_side, from relations.h */
	/* Derived from earlier snapshots (health.h); zero when not. */
	bool has_rate, has_state_since;
	bool state_entered;     /* seen to enter its state: state_since is when, not a bound */
	uint16_t host;          /* --remote: 1 + its host's index in pv_snapshot.hosts; 0 here */
	uint32_t peer;          /* the other end of a local connection */
	uint32_t syn_recv;      /* listeners: handshakes not yet complete */
	uint32_t time_wait;     /* TCP listeners: connections of the port in TIME_WAIT */
	uint32_t timer_left_ms; /* TCP TIME_WAIT: milliseconds until the kernel frees it */
	uint32_t forward_to; /* a published port's listener: 1 + the index of the container's (publish.h) */
	struct pv_tcp_details tcp;
	double rate_in, rate_out; /* bytes a second received and acknowledged */
	double state_since;       /* monotonic time it entered its state, at the latest */
};

struct pv_process {
	int pid;
	unsigned long long start_time; /* clock ticks after boot (stat field 22) */
	uint32_t uid;
	const char *user;    /* NULL when the uid has no name */
	const char *comm;    /* raw bytes as the kernel holds them */
	const char *cmdline; /* arguments joined by spaces, raw bytes */
	size_t cmdline_len;
	bool cmdline_truncated;
	/* From its cgroup (workload.h): what it runs as. workload is the
	 * name to show (a unit, a container's name or short id), NULL when
	 * none; cgroup is the raw path, NULL when unreadable. */
	uint8_t workload_kind; /* enum pv_workload_kind */
	const char *workload;
	const char *workload_id; /* a container's full id, or the unit's name */
	const char *pod;         /* a Kubernetes pod's uid, or NULL */
	const char *cgroup;
	/* Of the sockets collected, whatever a view shows (relations.h). */
	uint32_t listen_count, conn_count;
	/* systemd's convention for sockets passed to a service it started
	 * (LISTEN_PID naming this process): how many, and their names, read
	 * only for processes sharing a listener with a socket activator. */
	uint32_t listen_fds;
	const char *listen_fdnames; /* LISTEN_FDNAMES, or NULL */
};

/* The clients waiting in one UNIX listener's accept queue, by inode: the
 * kernel lists the sockets that are not accepted yet only this way. */
struct pv_unix_queue {
	struct pv_unix_queue *next;
	uint32_t listener_inode;
	uint32_t count;
	uint32_t clients[];
};

/* How a network namespace is named, from the most telling: the one
 * portview runs in, an `ip netns` name, a container or pod whose
 * processes live in it, a systemd unit's, else a pid in it. */
enum pv_netns_kind {
	PV_NETNS_HOST,
	PV_NETNS_NAMED,
	PV_NETNS_CONTAINER,
	PV_NETNS_POD,
	PV_NETNS_UNIT,
	PV_NETNS_PID,
	PV_NETNS_KIND_COUNT
};

/* The kinds' names as JSON says them, in enum order. */
extern const char *const netns_kind_names[PV_NETNS_KIND_COUNT];

/* An address of an interface, and an interface's name, in a namespace. */
struct pv_ifaddr {
	uint32_t ifindex;
	struct pv_addr addr;
};

struct pv_link {
	uint32_t ifindex;
	bool loopback;    /* IFF_LOOPBACK */
	const char *name; /* raw bytes, in the arena */
};

struct pv_netns {
	uint32_t inode;   /* the nsfs inode: its identity */
	uint8_t kind;     /* enum pv_netns_kind */
	bool dumped;      /* its sockets are in the snapshot */
	const char *name; /* in the arena; raw bytes from names the host gave */
	uint32_t sockets; /* how many of the snapshot's sockets are in it */
	/* Read with its sockets (none when not dumped): its port sysctls,
	 * its interfaces' addresses and names, all in the arena. */
	struct pv_port_rules ports;
	struct pv_ifaddr *addrs;
	size_t naddrs;
	struct pv_link *links;
	size_t nlinks;
};

/* A systemd .socket unit from the unit files: what it listens on and
 * the service it starts (activation.h). */
struct pv_socket_unit {
	uint8_t proto;       /* IPPROTO_TCP, IPPROTO_UDP or PV_PROTO_UNIX */
	uint16_t port;       /* TCP, UDP */
	const char *path;    /* UNIX: the path, '@' first for an abstract name */
	const char *unit;    /* "cups.socket" */
	const char *service; /* "cups.service", or "foo@.service" with Accept=yes */
};

/* A cgroup v2 directory: its id (the directory's inode) and its path
 * under the cgroup2 mount. */
struct pv_cgroup {
	uint64_t id;
	const char *path;
};

/* A host --remote shows, as its stream stands (collect/fleet.h). */
enum pv_host_status {
	PV_HOST_CONNECTING, /* ssh started, nothing read yet */
	PV_HOST_LIVE,       /* its lines arrive */
	PV_HOST_STALE,      /* no line for longer than three intervals: shown as last seen */
	PV_HOST_DOWN,       /* its ssh ended; reconnecting with backoff */
	PV_HOST_REFUSED,    /* a portview that speaks another stream version */
	PV_HOST_STATUS_COUNT
};

/* "connecting", "live", ... in enum order. */
extern const char *const host_status_names[PV_HOST_STATUS_COUNT];

struct pv_host {
	const char *name;    /* as given to --remote, in the arena */
	uint8_t status;      /* enum pv_host_status */
	double age;          /* seconds since its last line; < 0 when none came */
	const char *message; /* why it is not live (ssh's last words), or NULL */
	const char *version; /* its portview's version, or NULL before its hello */
	uint32_t sockets;    /* how many of the snapshot's sockets are its */
};

/* The fd of an owner reference that has none to show: a closed socket's. */
#define PV_FD_UNKNOWN UINT32_MAX

struct pv_snapshot {
	struct pv_socket *socks;
	size_t nsocks, socks_cap;
	struct pv_process *procs;
	size_t nprocs, procs_cap;
	uint32_t *owner_refs; /* process indices, grouped per socket */
	uint32_t *owner_fds;  /* beside each: the fd it holds the socket by, or PV_FD_UNKNOWN */
	size_t nrefs;
	struct u64map by_cookie; /* cookie -> socket index, for dedupe */
	struct arena arena;
	struct pv_unix_queue *unix_queues; /* in the arena */
	struct timespec taken;             /* wall clock when collection started */
	double monotonic_taken;            /* the same on the monotonic clock, seconds; 0 unknown */
	double boot_time;                  /* wall-clock seconds at boot, 0 when unknown */
	long clock_ticks;                  /* units of start_time per second */
	uint64_t kernel_mask;              /* what was asked of the kernel (filter_kernel_mask) */
	unsigned unavailable;              /* PV_DUMP_* bits the kernel refused */
	bool incomplete;                   /* a dump was interrupted or failed midway */
	unsigned hidden_procs;             /* processes whose fd tables we could not read */
	bool procs_invisible;              /* /proc (hidepid=2) hides other users' processes */
	bool procs_unreadable;             /* /proc is missing or not procfs: no owner is known */
	uint8_t owner_source;              /* enum pv_owner_source: what found the owners */
	struct pv_cgroup *cgroups;         /* in the arena, by id: the paths of sockets' cgroup_id */
	size_t ncgroups;
	struct pv_netns *netns; /* in the arena; [0] is the one portview runs in */
	size_t nnetns;
	unsigned netns_skipped; /* namespaces on the host not dumped: no privilege */
	bool netns_denied;      /* others exist but may not be entered */
	/* What closed since the collection before, from the kernel's destroy
	 * groups (collect/closefeed.h), when asked for: each socket's last
	 * record, tcp_info included; not in socks. */
	struct pv_socket *closed;
	size_t nclosed, closed_cap;
	/* The .socket units of the unit files, in the arena. */
	struct pv_socket_unit *socket_units;
	size_t nsocket_units;
	unsigned close_overruns; /* times the kernel dropped some: ENOBUFS */
	/* --remote: the hosts whose sockets these are (pv_socket.host), in
	 * the arena; none for this host's own. */
	struct pv_host *hosts;
	size_t nhosts;
	bool close_feeds; /* every namespace dumped has a feed */
};

/* The namespace with inode, or NULL (a tombstone's may have gone). */
const struct pv_netns *snapshot_netns(const struct pv_snapshot *s, uint32_t inode);
/* Interface ifindex in namespace netns, or NULL. */
const struct pv_link *snapshot_link(const struct pv_snapshot *s, uint32_t netns, uint32_t ifindex);
/* The interface that holds addr in namespace netns: its index, 0 when none. */
uint32_t snapshot_addr_ifindex(const struct pv_snapshot *s, uint32_t netns, const struct pv_addr *addr);
/* The port rules of namespace netns; rules not known when it was not read. */
const struct pv_port_rules *snapshot_port_rules(const struct pv_snapshot *s, uint32_t netns);

/* The path of cgroup v2 id, or NULL when not known. */
const char *snapshot_cgroup_path(const struct pv_snapshot *s, uint64_t id);

/* How many namespaces' sockets the snapshot holds. */
size_t snapshot_shown_netns(const struct pv_snapshot *s);
/* Its name, or "net:[INODE]" in buf for one no longer on the host. */
const char *snapshot_netns_name(const struct pv_snapshot *s, uint32_t inode, char *buf, size_t size);

void snapshot_init(struct pv_snapshot *s);
/* As snapshot_init, with room for about expected sockets: a refresh
 * passes the last count and its maps never regrow. */
void snapshot_init_sized(struct pv_snapshot *s, size_t expected);
void snapshot_free(struct pv_snapshot *s);
/* Empties s for another collection of about expected sockets, keeping its
 * arrays and map: a dashboard refresh then allocates almost nothing. */
void snapshot_recycle(struct pv_snapshot *s, size_t expected);

/* Adds a copy of rec unless a socket with the same cookie is present (dumps
 * are not atomic and may repeat a socket). Returns true when added. */
bool snapshot_add_socket(struct pv_snapshot *s, const struct pv_socket *rec);
/* The same for a batch, faster: append records unchecked, then index the
 * ones from first on, which drops those whose cookie is already present
 * (keeping the first) and returns how many it dropped. */
void snapshot_append_socket(struct pv_snapshot *s, const struct pv_socket *rec);
size_t snapshot_index_from(struct pv_snapshot *s, size_t first);
/* Appends a zeroed process record and returns its index. */
uint32_t snapshot_add_process(struct pv_snapshot *s);

/* How many sockets of each kind, how many of them have hidden owners, and
 * how many processes own them. */
struct pv_counts {
	size_t listening, established, other, hidden, processes;
	size_t exposed;                /* listeners reachable beyond loopback (exposure.h) */
	size_t flagged[PV_FLAG_COUNT]; /* sockets with each PV_FLAG_* bit */
};

/* Counts the sockets whose indices are listed in which (n of them), or,
 * with which NULL, every socket that has not closed. */
void snapshot_count(const struct pv_snapshot *s, const uint32_t *which, size_t n, struct pv_counts *out);

/* Calls emit with one sentence for each thing s could not show: a protocol
 * the kernel cannot dump, an interrupted dump, and, when hidden (a count
 * of the shown sockets whose owner is hidden) is not 0, why owners are
 * hidden and what reveals them. The same words serve stderr and the
 * dashboard's notice line. */
typedef void (*snapshot_notice_fn)(const char *message, void *arg);
void snapshot_notices(const struct pv_snapshot *s, size_t hidden, snapshot_notice_fn emit, void *arg);

/* True when b holds the same sockets as a, in the same order, with the
 * same states, queues and owners: rows built from a are then valid for b
 * (they hold indices), and the dashboard need not rebuild them. */
bool snapshot_same_rows(const struct pv_snapshot *a, const struct pv_snapshot *b);

/* The index in prev of the socket with cookie, or SIZE_MAX. The kernel
 * dumps in the same order every time, so guess (the socket after the last
 * match) is tried before the map: a map look-up per socket costs a cache
 * miss each at tens of thousands of sockets. */
size_t snapshot_find_prev(const struct pv_snapshot *prev, size_t guess, uint64_t cookie);

/* Owner i of socket k (0 <= i < owner_count). */
const struct pv_process *snapshot_owner(const struct pv_snapshot *s, const struct pv_socket *k, uint32_t i);

/* Listeners are TCP and UNIX LISTEN sockets, unconnected UDP sockets and
 * UNIX datagram sockets bound to a name that are not connected themselves
 * (a syslog socket: the kernel calls it ESTABLISHED once a client has
 * connected to it). Inline: it sits in sort comparators. */
static inline bool socket_is_listener(const struct pv_socket *k)
{
	/* 6 is IPPROTO_TCP, 10 LISTEN and 7 CLOSE (unconnected); 2 SOCK_DGRAM. */
	if (k->proto == 6)
		return k->state == 10;
	if (k->proto == PV_PROTO_UNIX)
		return k->state == 10 || (k->sock_type == 2 && k->path_len > 0 && k->peer_inode == 0);
	return k->state == 7 && k->remote.port == 0;
}

/* True for a socket with an accept queue: a TCP or UNIX LISTEN socket,
 * whose receive queue is the connections waiting to be accepted and whose
 * send queue is the backlog. */
static inline bool socket_has_accept_queue(const struct pv_socket *k)
{
	return (k->proto == 6 || k->proto == PV_PROTO_UNIX) && k->state == 10;
}

/* A hash of a UNIX socket's name, never 0; equal names, equal hashes. */
uint64_t socket_name_hash(const struct pv_socket *k);
/* True when UNIX sockets a and b have the same name. */
bool socket_same_name(const struct pv_socket *a, const struct pv_socket *b);

/* True for a UNIX domain socket. */
static inline bool socket_is_unix(const struct pv_socket *k)
{
	return k->proto == PV_PROTO_UNIX;
}

/* Makes room for n owner references in all (owner_refs and owner_fds
 * grow together). */
void snapshot_reserve_refs(struct pv_snapshot *s, size_t n);

/* Appends an owner reference: process index proc holding the socket by fd.
 * Room must have been reserved. */
static inline void snapshot_push_ref(struct pv_snapshot *s, uint32_t proc, uint32_t fd)
{
	s->owner_refs[s->nrefs] = proc;
	s->owner_fds[s->nrefs] = fd;
	s->nrefs++;
}

#endif
