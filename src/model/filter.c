#include "config.h"

#include "filter.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "addr.h"
#include "health.h"
#include "kinds.h"
#include "states.h"
#include "xalloc.h"

enum filter_kind {
	FK_AND,
	FK_OR,
	FK_NOT,
	FK_PORT,
	FK_ADDR,
	FK_PROC,
	FK_PID,
	FK_USER,
	FK_STATE,
	FK_PROTO,
	FK_FAMILY,
	FK_LISTENING,
	FK_FLAG,
	FK_PATH,
};

enum filter_side { SIDE_ANY, SIDE_LOCAL, SIDE_REMOTE };

struct filter_node {
	enum filter_kind kind;
	int a, b; /* children (node indices) */
	enum filter_side side;
	uint32_t lo, hi; /* port range, pid, uid, state mask, proto, family */
	bool numeric;    /* user given as a uid */
	struct pv_addr addr;
	int prefix;
	char *text; /* proc text, user name */
};

struct pv_filter {
	struct filter_node *nodes;
	int count, cap;
	int root; /* -1: matches everything */
};

/* ---- building ---- */

static int filter_add(struct pv_filter *f, enum filter_kind kind)
{
	if (f->count == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->nodes = xreallocarray(f->nodes, (size_t)f->cap, sizeof(*f->nodes));
	}
	memset(&f->nodes[f->count], 0, sizeof(f->nodes[0]));
	f->nodes[f->count].kind = kind;
	return f->count++;
}

static int filter_add_binary(struct pv_filter *f, enum filter_kind kind, int a, int b)
{
	int n = filter_add(f, kind);

	f->nodes[n].a = a;
	f->nodes[n].b = b;
	return n;
}

void filter_free(struct pv_filter *f)
{
	int i;

	if (!f)
		return;
	for (i = 0; i < f->count; i++)
		free(f->nodes[i].text);
	free(f->nodes);
	free(f);
}

/* ---- lexing ---- */

enum token_kind { TOK_END, TOK_WORD, TOK_LPAREN, TOK_RPAREN, TOK_NOT, TOK_OR, TOK_AND };

struct parser {
	const char *text;
	size_t pos;
	enum token_kind tok;
	size_t tok_pos;
	char *word; /* current word, unquoted */
	size_t word_len;
	int depth;
	struct pv_filter *f;
	struct filter_error *err;
	bool failed;
};

static void parser_fail(struct parser *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void parser_fail(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	p->err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
}

static bool lex_is_delim(char c)
{
	return c == '\0' || isspace((unsigned char)c) || c == '(' || c == ')' || c == '|';
}

static bool word_is(const struct parser *p, const char *kw)
{
	return strlen(kw) == p->word_len && strncasecmp(p->word, kw, p->word_len) == 0;
}

/* Reads the next token; words may hold "quoted parts" with spaces. */
static void lex_next(struct parser *p)
{
	const char *t = p->text;
	size_t cap = 0;

	while (isspace((unsigned char)t[p->pos]))
		p->pos++;
	p->tok_pos = p->pos;
	p->word_len = 0;
	switch (t[p->pos]) {
	case '\0': p->tok = TOK_END; return;
	case '(':
		p->pos++;
		p->tok = TOK_LPAREN;
		return;
	case ')':
		p->pos++;
		p->tok = TOK_RPAREN;
		return;
	case '|':
		p->pos++;
		p->tok = TOK_OR;
		return;
	case '!':
		p->pos++;
		p->tok = TOK_NOT;
		return;
	default: break;
	}
	free(p->word);
	cap = strlen(t + p->pos) + 1;
	p->word = xmalloc(cap);
	while (!lex_is_delim(t[p->pos])) {
		if (t[p->pos] == '"') {
			size_t open = p->pos++;

			while (t[p->pos] && t[p->pos] != '"')
				p->word[p->word_len++] = t[p->pos++];
			if (!t[p->pos]) {
				parser_fail(p, open, "unterminated quote");
				p->tok = TOK_END;
				return;
			}
			p->pos++;
			continue;
		}
		p->word[p->word_len++] = t[p->pos++];
	}
	p->word[p->word_len] = '\0';
	p->tok = TOK_WORD;
	if (word_is(p, "or"))
		p->tok = TOK_OR;
	else if (word_is(p, "and"))
		p->tok = TOK_AND;
	else if (word_is(p, "not"))
		p->tok = TOK_NOT;
}

/* ---- terms ---- */

/* Parses a decimal number no greater than max from [s, s+len). */
static bool parse_uint(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

static void term_port(struct parser *p, int n, const char *v, size_t len, size_t at)
{
	struct filter_node *node = &p->f->nodes[n];
	const char *dash = memchr(v, '-', len);

	if (dash) {
		if (!parse_uint(v, (size_t)(dash - v), 65535, &node->lo) ||
		    !parse_uint(dash + 1, len - (size_t)(dash - v) - 1, 65535, &node->hi)) {
			parser_fail(p, at, "port range must be two numbers from 0 to 65535, as in 8000-8100");
			return;
		}
		if (node->lo > node->hi)
			parser_fail(p, at, "port range %u-%u runs backwards", node->lo, node->hi);
		return;
	}
	if (!parse_uint(v, len, 65535, &node->lo)) {
		parser_fail(p, at, "port must be a number from 0 to 65535, not '%.*s'", (int)len, v);
		return;
	}
	node->hi = node->lo;
}

static void term_addr(struct parser *p, int n, const char *v, size_t len, size_t at)
{
	struct filter_node *node = &p->f->nodes[n];

	if (addr_parse(v, len, &node->addr, &node->prefix) < 0)
		parser_fail(p, at, "'%.*s' is not an address or address/prefix", (int)len, v);
}

static void term_state(struct parser *p, int n, const char *v, size_t len, size_t at)
{
	struct filter_node *node = &p->f->nodes[n];

	if (len == 9 && strncasecmp(v, "listening", 9) == 0) {
		node->kind = FK_LISTENING;
		return;
	}
	while (len > 0) {
		const char *comma = memchr(v, ',', len);
		size_t one = comma ? (size_t)(comma - v) : len;
		uint32_t mask = state_parse(v, one);

		if (!mask) {
			parser_fail(
				p, at,
				"unknown state '%.*s' (try listen, established, time-wait, close-wait, unconn)",
				(int)one, v);
			return;
		}
		node->lo |= mask;
		at += one + 1;
		v += one;
		len -= one;
		if (comma) {
			v++;
			len--;
			if (len == 0)
				parser_fail(p, at, "state list ends with a comma");
		}
	}
}

static void term_proto(struct parser *p, int n, const char *v, size_t len, size_t at)
{
	struct filter_node *node = &p->f->nodes[n];

	if (len == 3 && strncasecmp(v, "tcp", 3) == 0)
		node->lo = IPPROTO_TCP;
	else if (len == 3 && strncasecmp(v, "udp", 3) == 0)
		node->lo = IPPROTO_UDP;
	else if (len == 4 && strncasecmp(v, "unix", 4) == 0)
		node->lo = PV_PROTO_UNIX;
	else
		parser_fail(p, at, "unknown protocol '%.*s' (tcp, udp or unix)", (int)len, v);
}

static void term_pid(struct parser *p, int n, const char *v, size_t len, size_t at)
{
	if (!parse_uint(v, len, 0x7fffffff, &p->f->nodes[n].lo) || p->f->nodes[n].lo == 0)
		parser_fail(p, at, "pid must be a positive number, not '%.*s'", (int)len, v);
}

static void term_text(struct parser *p, int n, const char *v, size_t len, size_t at)
{
	(void)at;
	p->f->nodes[n].text = xstrndup(v, len);
}

static void term_user(struct parser *p, int n, const char *v, size_t len, size_t at)
{
	struct filter_node *node = &p->f->nodes[n];

	node->numeric = parse_uint(v, len, 0xffffffffu, &node->lo);
	term_text(p, n, v, len, at);
}

static void term_flag(struct parser *p, int n, const char *v, size_t len, size_t at)
{
	unsigned bit = health_flag_parse(v, len);

	if (!bit)
		parser_fail(
			p, at,
			"unknown flag '%.*s' (try stalled, retrans, zerowindow, closewait, saturated, timewait)",
			(int)len, v);
	p->f->nodes[n].lo = bit;
}

typedef void (*term_parser)(struct parser *, int, const char *, size_t, size_t);

/* Each keyword with what it takes and what it matches: the parser and
 * the dashboard's help read the same rows. */
struct keyword {
	const char *name;
	enum filter_kind kind;
	enum filter_side side;
	term_parser parse;
	const char *arg, *help;
};

static const struct keyword keywords[] = {
	{ "port", FK_PORT, SIDE_ANY, term_port, "N[-M]", "the local or remote port" },
	{ "lport", FK_PORT, SIDE_LOCAL, term_port, "N[-M]", "the local port" },
	{ "sport", FK_PORT, SIDE_LOCAL, term_port, "N[-M]", "the local port, as ss says" },
	{ "rport", FK_PORT, SIDE_REMOTE, term_port, "N[-M]", "the remote port" },
	{ "dport", FK_PORT, SIDE_REMOTE, term_port, "N[-M]", "the remote port, as ss says" },
	{ "addr", FK_ADDR, SIDE_ANY, term_addr, "ADDR[/N]", "the local or remote address" },
	{ "laddr", FK_ADDR, SIDE_LOCAL, term_addr, "ADDR[/N]", "the local address" },
	{ "raddr", FK_ADDR, SIDE_REMOTE, term_addr, "ADDR[/N]", "the remote address" },
	{ "proc", FK_PROC, SIDE_ANY, term_text, "TEXT", "an owner's name or command line holds TEXT" },
	{ "pid", FK_PID, SIDE_ANY, term_pid, "N", "an owner's pid" },
	{ "user", FK_USER, SIDE_ANY, term_user, "NAME|UID", "the socket's or an owner's user" },
	{ "state", FK_STATE, SIDE_ANY, term_state, "NAME[,NAME]",
	  "listen, established, time-wait, close-wait, ..., listening, unconn" },
	{ "proto", FK_PROTO, SIDE_ANY, term_proto, "tcp|udp|unix", "the protocol" },
	{ "flag", FK_FLAG, SIDE_ANY, term_flag, "NAME",
	  "saturated, stalled, retrans, zerowindow, closewait, timewait" },
	{ "path", FK_PATH, SIDE_ANY, term_text, "TEXT", "a UNIX socket's name, or its peer's, holds TEXT" },
};

struct bare_word {
	const char *name;
	enum filter_kind kind;
	uint32_t value;
	const char *help; /* NULL: an alias of the word before */
};

static const struct bare_word bare_words[] = {
	{ "tcp", FK_PROTO, IPPROTO_TCP, "TCP sockets" },
	{ "udp", FK_PROTO, IPPROTO_UDP, "UDP sockets" },
	{ "unix", FK_PROTO, PV_PROTO_UNIX, "UNIX domain sockets" },
	{ "4", FK_FAMILY, AF_INET, "shown as IPv4 (and dual-stack listeners)" },
	{ "ipv4", FK_FAMILY, AF_INET, NULL },
	{ "inet", FK_FAMILY, AF_INET, NULL },
	{ "6", FK_FAMILY, AF_INET6, "shown as IPv6" },
	{ "ipv6", FK_FAMILY, AF_INET6, NULL },
	{ "inet6", FK_FAMILY, AF_INET6, NULL },
};

void filter_describe_words(filter_word_fn emit, void *arg)
{
	char word[48];

	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		snprintf(word, sizeof(word), "%s:%s", keywords[i].name, keywords[i].arg);
		emit(word, keywords[i].help, arg);
	}
	for (size_t i = 0; i < sizeof(bare_words) / sizeof(bare_words[0]); i++) {
		size_t n = (size_t)snprintf(word, sizeof(word), "%s", bare_words[i].name);

		if (!bare_words[i].help)
			continue;
		/* Its aliases follow it: "4 ipv4 inet". */
		for (size_t j = i + 1; j < sizeof(bare_words) / sizeof(bare_words[0]) &&
				       !bare_words[j].help && n < sizeof(word);
		     j++)
			n += (size_t)snprintf(word + n, sizeof(word) - n, " %s", bare_words[j].name);
		emit(word, bare_words[i].help, arg);
	}
	emit("WORD", "a number is a port, an address an address, other words a process (proc:)", arg);
	emit("! not, | or, ( )", "negate, either, group; words side by side must all hold", arg);
}

static int parse_bare(struct parser *p)
{
	size_t i;
	int n;
	struct pv_addr a;
	int prefix;
	uint32_t port;

	for (i = 0; i < sizeof(bare_words) / sizeof(bare_words[0]); i++) {
		if (word_is(p, bare_words[i].name)) {
			n = filter_add(p->f, bare_words[i].kind);
			p->f->nodes[n].lo = bare_words[i].value;
			return n;
		}
	}
	if (parse_uint(p->word, p->word_len, 65535, &port)) {
		n = filter_add(p->f, FK_PORT);
		p->f->nodes[n].lo = p->f->nodes[n].hi = port;
		return n;
	}
	if (addr_parse(p->word, p->word_len, &a, &prefix) == 0) {
		n = filter_add(p->f, FK_ADDR);
		p->f->nodes[n].addr = a;
		p->f->nodes[n].prefix = prefix;
		return n;
	}
	if (p->word_len > 0 && p->word[0] >= '0' && p->word[0] <= '9' &&
	    strspn(p->word, "0123456789") == p->word_len) {
		parser_fail(p, p->tok_pos, "port must be a number from 0 to 65535, not '%s'", p->word);
		return -1;
	}
	n = filter_add(p->f, FK_PROC);
	p->f->nodes[n].text = xstrndup(p->word, p->word_len);
	return n;
}

static int parse_term(struct parser *p)
{
	const char *colon = memchr(p->word, ':', p->word_len);
	size_t i, klen;
	int n;

	if (colon) {
		klen = (size_t)(colon - p->word);
		for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
			const struct keyword *kw = &keywords[i];
			const char *v = colon + 1;
			size_t vlen = p->word_len - klen - 1;

			if (strlen(kw->name) != klen || strncasecmp(p->word, kw->name, klen) != 0)
				continue;
			if (vlen == 0) {
				parser_fail(p, p->tok_pos, "%s: needs a value", kw->name);
				return -1;
			}
			n = filter_add(p->f, kw->kind);
			p->f->nodes[n].side = kw->side;
			kw->parse(p, n, v, vlen, p->tok_pos + klen + 1);
			return p->failed ? -1 : n;
		}
		/* An IPv6 address is also a word with colons. */
		{
			struct pv_addr a;
			int prefix;

			if (addr_parse(p->word, p->word_len, &a, &prefix) < 0) {
				parser_fail(
					p, p->tok_pos,
					"unknown keyword '%.*s:' (try port: proc: pid: user: state: proto: addr: flag:)",
					(int)klen, p->word);
				return -1;
			}
		}
	}
	return parse_bare(p);
}

/* ---- grammar: or := and (('|'|or) and)*; and := unary ((and)? unary)* ---- */

static int parse_or(struct parser *p);

static int parse_unary(struct parser *p)
{
	int n, inner;

	if (p->failed)
		return -1;
	switch (p->tok) {
	case TOK_NOT:
		if (++p->depth > FILTER_MAX_DEPTH) {
			parser_fail(p, p->tok_pos, "filter nests deeper than %d levels", FILTER_MAX_DEPTH);
			return -1;
		}
		lex_next(p);
		inner = parse_unary(p);
		p->depth--;
		if (inner < 0)
			return -1;
		n = filter_add(p->f, FK_NOT);
		p->f->nodes[n].a = inner;
		return n;
	case TOK_LPAREN: {
		size_t open = p->tok_pos;

		if (++p->depth > FILTER_MAX_DEPTH) {
			parser_fail(p, p->tok_pos, "filter nests deeper than %d levels", FILTER_MAX_DEPTH);
			return -1;
		}
		lex_next(p);
		if (p->tok == TOK_RPAREN) {
			parser_fail(p, p->tok_pos, "empty parentheses");
			return -1;
		}
		n = parse_or(p);
		if (n < 0)
			return -1;
		if (p->tok != TOK_RPAREN) {
			parser_fail(p, open, "unbalanced '(': no matching ')'");
			return -1;
		}
		p->depth--;
		lex_next(p);
		return n;
	}
	case TOK_WORD:
		n = parse_term(p);
		if (n >= 0)
			lex_next(p);
		return n;
	case TOK_RPAREN: parser_fail(p, p->tok_pos, "unbalanced ')': no matching '('"); return -1;
	case TOK_END: parser_fail(p, p->tok_pos, "filter ends where a term was expected"); return -1;
	default:
		parser_fail(p, p->tok_pos, "operator '%s' needs a term before it",
			    p->tok == TOK_OR ? "or" : "and");
		return -1;
	}
}

static int parse_and(struct parser *p)
{
	int left = parse_unary(p);

	while (left >= 0 && !p->failed &&
	       (p->tok == TOK_WORD || p->tok == TOK_NOT || p->tok == TOK_LPAREN || p->tok == TOK_AND)) {
		int right;

		if (p->tok == TOK_AND)
			lex_next(p);
		right = parse_unary(p);
		if (right < 0)
			return -1;
		left = filter_add_binary(p->f, FK_AND, left, right);
	}
	return p->failed ? -1 : left;
}

static int parse_or(struct parser *p)
{
	int left = parse_and(p);

	while (left >= 0 && !p->failed && p->tok == TOK_OR) {
		int right;

		lex_next(p);
		right = parse_and(p);
		if (right < 0)
			return -1;
		left = filter_add_binary(p->f, FK_OR, left, right);
	}
	return p->failed ? -1 : left;
}

struct pv_filter *filter_parse(const char *text, struct filter_error *err)
{
	struct parser p = { .text = text, .err = err };
	struct pv_filter *f = xcalloc(1, sizeof(*f));

	memset(err, 0, sizeof(*err));
	f->root = -1;
	p.f = f;
	if (strlen(text) > FILTER_MAX_LEN) {
		parser_fail(&p, FILTER_MAX_LEN, "filter is longer than %d characters", FILTER_MAX_LEN);
		filter_free(f);
		return NULL;
	}
	lex_next(&p);
	if (p.tok != TOK_END || p.failed) {
		f->root = parse_or(&p);
		if (!p.failed && p.tok == TOK_RPAREN)
			parser_fail(&p, p.tok_pos, "unbalanced ')': no matching '('");
		else if (!p.failed && p.tok != TOK_END)
			parser_fail(&p, p.tok_pos, "unexpected text");
	}
	free(p.word);
	if (p.failed) {
		filter_free(f);
		return NULL;
	}
	return f;
}

/* ---- combining ---- */

static int filter_copy_into(struct pv_filter *dst, const struct pv_filter *src, int n)
{
	const struct filter_node *s = &src->nodes[n];
	int m, a = -1, b = -1;

	if (s->kind == FK_AND || s->kind == FK_OR || s->kind == FK_NOT)
		a = filter_copy_into(dst, src, s->a);
	if (s->kind == FK_AND || s->kind == FK_OR)
		b = filter_copy_into(dst, src, s->b);
	m = filter_add(dst, s->kind);
	dst->nodes[m] = *s;
	dst->nodes[m].a = a;
	dst->nodes[m].b = b;
	dst->nodes[m].text = s->text ? xstrdup(s->text) : NULL;
	return m;
}

struct pv_filter *filter_and(const struct pv_filter *a, const struct pv_filter *b)
{
	struct pv_filter *f = xcalloc(1, sizeof(*f));
	int ra = a && a->root >= 0 ? filter_copy_into(f, a, a->root) : -1;
	int rb = b && b->root >= 0 ? filter_copy_into(f, b, b->root) : -1;

	if (ra >= 0 && rb >= 0)
		f->root = filter_add_binary(f, FK_AND, ra, rb);
	else
		f->root = ra >= 0 ? ra : rb;
	return f;
}

/* ---- evaluation ---- */

static bool port_in(uint16_t port, const struct filter_node *n)
{
	return port >= n->lo && port <= n->hi;
}

static bool owner_matches(const struct filter_node *n, const struct pv_process *pr)
{
	switch (n->kind) {
	case FK_PROC:
		return (pr->comm && strcasestr(pr->comm, n->text)) ||
		       (pr->cmdline && strcasestr(pr->cmdline, n->text));
	case FK_PID: return pr->pid == (int)n->lo;
	case FK_USER: return (n->numeric && pr->uid == n->lo) || (pr->user && strcmp(pr->user, n->text) == 0);
	default: return false;
	}
}

static bool any_owner_matches(const struct filter_node *n, const struct pv_snapshot *s,
			      const struct pv_socket *k)
{
	uint32_t i;

	for (i = 0; i < k->owner_count; i++)
		if (owner_matches(n, snapshot_owner(s, k, i)))
			return true;
	return false;
}

/* Names may hold NUL bytes (abstract ones do): search by length. */
static bool bytes_contain(const char *hay, size_t len, const char *needle)
{
	return memmem(hay, len, needle, strlen(needle)) != NULL;
}

/* A UNIX socket's name, or for an unnamed client the name of the socket
 * it is connected to: "path:docker.sock" finds the daemon and its clients.
 * Abstract names match as they are shown, with a leading '@'. */
static bool path_matches(const struct filter_node *n, const struct pv_snapshot *s, const struct pv_socket *k)
{
	const struct pv_socket *named = k;

	if (!socket_is_unix(k))
		return false;
	if (!k->path_len && k->has_peer && k->peer < s->nsocks)
		named = &s->socks[k->peer];
	if (!named->path_len)
		return false;
	if (named->path[0] != '\0')
		return bytes_contain(named->path, named->path_len, n->text);
	/* Abstract: the name after its NUL, asked for with or without '@'. */
	return bytes_contain(named->path + 1, named->path_len - 1U, n->text + (n->text[0] == '@'));
}

/* A family word matches what is shown: an IPv4 peer of a dual-stack
 * socket is an AF_INET6 socket shown (and stored) as IPv4. A dual-stack
 * listener on the wildcard serves both, so it matches both. */
static bool family_matches(const struct pv_socket *k, uint8_t family)
{
	if (socket_is_unix(k))
		return false;
	if (k->local.addr.family == family)
		return true;
	return k->family == AF_INET6 && k->v6only == 0 && socket_is_listener(k) &&
	       addr_is_wildcard(&k->local.addr);
}

static bool node_match(const struct pv_filter *f, int idx, const struct pv_snapshot *s,
		       const struct pv_socket *k)
{
	const struct filter_node *n = &f->nodes[idx];

	switch (n->kind) {
	case FK_AND: return node_match(f, n->a, s, k) && node_match(f, n->b, s, k);
	case FK_OR: return node_match(f, n->a, s, k) || node_match(f, n->b, s, k);
	case FK_NOT: return !node_match(f, n->a, s, k);
	case FK_PORT:
		/* UNIX sockets have no ports, not port 0. */
		return !socket_is_unix(k) && ((n->side != SIDE_REMOTE && port_in(k->local.port, n)) ||
					      (n->side != SIDE_LOCAL && port_in(k->remote.port, n)));
	case FK_ADDR:
		return !socket_is_unix(k) &&
		       ((n->side != SIDE_REMOTE && addr_in_prefix(&k->local.addr, &n->addr, n->prefix)) ||
			(n->side != SIDE_LOCAL && addr_in_prefix(&k->remote.addr, &n->addr, n->prefix)));
	case FK_PATH: return path_matches(n, s, k);
	case FK_PROC:
	case FK_PID: return any_owner_matches(n, s, k);
	case FK_USER:
		return (n->numeric && k->uid != PV_UID_UNKNOWN && k->uid == n->lo) ||
		       (k->user && strcmp(k->user, n->text) == 0) || any_owner_matches(n, s, k);
	case FK_STATE: return k->state < 32 && ((1u << k->state) & n->lo);
	case FK_PROTO: return k->proto == n->lo;
	case FK_FAMILY: return family_matches(k, n->lo);
	case FK_LISTENING: return socket_is_listener(k);
	case FK_FLAG: return (k->flags & n->lo) != 0;
	}
	return false;
}

bool filter_match(const struct pv_filter *f, const struct pv_snapshot *s, const struct pv_socket *k)
{
	if (!f || f->root < 0)
		return true;
	return node_match(f, f->root, s, k);
}

/* ---- kernel mask ---- */

/* The mask of every bit whose (family, proto, state) satisfies pred. */
static uint64_t mask_where(const struct filter_node *n)
{
	uint64_t m = 0;
	size_t ki;
	uint8_t st;

	for (ki = 0; ki < SOCKET_KIND_COUNT; ki++) {
		const struct socket_kind *mk = &socket_kinds[ki];

		for (st = 0; st < KIND_MASK_STATES; st++) {
			bool ok;

			switch (n->kind) {
			case FK_STATE: ok = (n->lo >> st) & 1u; break;
			case FK_PROTO: ok = mk->proto == n->lo; break;
			case FK_FAMILY: ok = mk->proto != PV_PROTO_UNIX; break;
			case FK_PATH: ok = mk->proto == PV_PROTO_UNIX; break;
			default: /* FK_LISTENING */
				ok = mk->proto == IPPROTO_TCP ? st == PV_STATE_LISTEN
				     : mk->proto == IPPROTO_UDP
					     ? st == PV_STATE_CLOSE
					     : st == PV_STATE_LISTEN || st == PV_STATE_CLOSE ||
						       st == PV_STATE_ESTABLISHED;
				break;
			}
			if (ok)
				m |= 1ull << kind_mask_bit(mk->family, mk->proto, st);
		}
	}
	return m;
}

/* Returns a superset of the kinds node idx can match; *exact is set when the
 * mask describes the node precisely (it tests only family, proto, state).
 * LISTENING is exact only as a superset: a connected UDP socket in state
 * CLOSE with a remote port is outside it, so it is marked inexact. */
static uint64_t node_mask(const struct pv_filter *f, int idx, bool *exact)
{
	const struct filter_node *n = &f->nodes[idx];
	bool ea, eb;
	uint64_t a, b;

	switch (n->kind) {
	case FK_AND:
		a = node_mask(f, n->a, &ea);
		b = node_mask(f, n->b, &eb);
		*exact = ea && eb;
		return a & b;
	case FK_OR:
		a = node_mask(f, n->a, &ea);
		b = node_mask(f, n->b, &eb);
		*exact = ea && eb;
		return a | b;
	case FK_NOT:
		a = node_mask(f, n->a, &ea);
		*exact = ea;
		return ea ? ~a : ~0ull;
	case FK_STATE:
	case FK_PROTO: *exact = true; return mask_where(n);
	case FK_FAMILY: /* both families hold sockets shown as IPv4 */
	case FK_LISTENING:
	case FK_PATH: *exact = false; return mask_where(n);
	default: *exact = false; return ~0ull;
	}
}

/* The states of one protocol that decide something about the others:
 * listeners (roles, accept-queue joins), handshakes and TIME_WAIT (the
 * counts a listener shows), and the states a connection can be in at its
 * two ends (the peer of an ESTABLISHED socket may be in CLOSE_WAIT). */
static const uint32_t tcp_role_states =
	1u << PV_STATE_LISTEN | 1u << PV_STATE_SYN_RECV | 1u << PV_STATE_TIME_WAIT;
static const uint32_t tcp_connection_states = 1u << PV_STATE_ESTABLISHED | 1u << PV_STATE_SYN_SENT |
					      1u << PV_STATE_FIN_WAIT1 | 1u << PV_STATE_FIN_WAIT2 |
					      1u << PV_STATE_CLOSE | 1u << PV_STATE_CLOSE_WAIT |
					      1u << PV_STATE_LAST_ACK | 1u << PV_STATE_CLOSING;

/* Widens a mask of what a filter can match to what must be collected for
 * those sockets to show what is true: a protocol is asked for in both
 * families (an IPv4 client of a dual-stack listener is an AF_INET6 socket
 * at the server), with its listeners, handshakes and TIME_WAIT, and with
 * every connection state once one is asked for. UDP and UNIX dumps are
 * small and their relations cross every state, so they are all or none. */
static uint64_t mask_close_over_relations(uint64_t m)
{
	uint64_t out = 0;
	size_t ki;

	for (ki = 0; ki < SOCKET_KIND_COUNT; ki++) {
		const struct socket_kind *mk = &socket_kinds[ki];
		uint32_t asked = 0, want;
		size_t kj;

		for (kj = 0; kj < SOCKET_KIND_COUNT; kj++)
			if (socket_kinds[kj].proto == mk->proto)
				asked |= kind_mask_states(m, socket_kinds[kj].family, mk->proto);
		if (!asked)
			continue;
		if (mk->proto != IPPROTO_TCP)
			want = KIND_MASK_ALL_STATES;
		else
			want = asked | tcp_role_states |
			       ((asked & tcp_connection_states) ? tcp_connection_states : 0);
		out |= (uint64_t)want << kind_mask_bit(mk->family, mk->proto, 0);
	}
	return out;
}

uint64_t filter_kernel_mask(const struct pv_filter *f)
{
	bool exact;

	if (!f || f->root < 0)
		return ~0ull;
	return mask_close_over_relations(node_mask(f, f->root, &exact));
}

bool filter_names_unix(const struct pv_filter *f)
{
	int i;

	if (!f)
		return false;
	for (i = 0; i < f->count; i++)
		if ((f->nodes[i].kind == FK_PROTO && f->nodes[i].lo == PV_PROTO_UNIX) ||
		    f->nodes[i].kind == FK_PATH)
			return true;
	return false;
}
