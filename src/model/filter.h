/* The filter language shared by --once and the dashboard.
 *
 *   port:N[-M] lport: rport: :N   proc:TEXT comm:NAME cmd:TEXT   pid:N
 *   user:NAME|UID   state:NAME[,NAME...]  listen estab ... (states alone)
 *   proto:NAME  tcp udp unix tcp6 udp6 u_str u_seq u_dgr  4 6 ipv4 ipv6
 *   addr:ADDR[/PREFIX] laddr: raddr:   path:TEXT (UNIX socket names)
 *   flag:NAME   "port 80" (a keyword and its value as two words)
 *   a bare word: a port, an address, or a process name holding it
 *   !X or not X, X Y or X and Y, X | Y or X or Y, ( ... )
 *
 * The model evaluates it per socket; its coarse part (family, protocol,
 * state) is also summarised as a mask the collector pushes into the kernel. */
#ifndef PV_FILTER_H
#define PV_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"
#include "strbuf.h"

enum { FILTER_MAX_LEN = 4096, FILTER_MAX_DEPTH = 64 };

struct pv_filter;

struct filter_error {
	size_t pos; /* byte offset in the text where the problem is */
	char msg[160];
};

/* Parses text. Returns a filter (matching everything when text is blank),
 * or NULL with *err filled in. The caller frees it with filter_free. */
struct pv_filter *filter_parse(const char *text, struct filter_error *err);
void filter_free(struct pv_filter *f);

/* True when socket k of snapshot s satisfies f (NULL f matches all). */
bool filter_match(const struct pv_filter *f, const struct pv_snapshot *s, const struct pv_socket *k);

/* Combines a and b with AND into a new filter; either may be NULL. */
struct pv_filter *filter_and(const struct pv_filter *a, const struct pv_filter *b);

/* The kernel mask: bit kind_mask_bit(family, proto, state) (kinds.h) is set when a
 * socket of that kind could match. Sockets outside it never match, so the
 * collector need not ask for them. */
uint64_t filter_kernel_mask(const struct pv_filter *f);
/* Calls emit for each word of the language with what it takes and
 * matches ("port:N[-M]", "the local or remote port"), from the table the
 * parser reads: the dashboard's help lists them all. */
typedef void (*filter_word_fn)(const char *word, const char *help, void *arg);
void filter_describe_words(filter_word_fn emit, void *arg);
/* False, with err naming the term, when f asks for a user by a name this
 * host does not know (user:nosuchuser): such a term could never match. */
bool filter_check_users(const struct pv_filter *f, struct filter_error *err);
/* For a filter that matched no socket of s: appends why, naming the
 * terms (as the user wrote them: untrusted, for the caller to sanitise)
 * that match nothing on their own ("nothing matches 'port:9999'"), or
 * saying that each matches but not together. One pass over s per term. */
void filter_explain_empty(const struct pv_filter *f, const struct pv_snapshot *s, struct strbuf *out);
/* True when f names UNIX sockets (proto:unix, unix, path:): such a filter
 * asks for them even where they are not shown by default. */
bool filter_names_unix(const struct pv_filter *f);
#endif
