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
#include "filter_internal.h"
#include "health.h"
#include "states.h"
#include "xalloc.h"

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
	size_t term_end; /* where the text of the last term or group ends */
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

/* The tokens of one character; everything else starts a word. */
static const struct {
	char c;
	enum token_kind tok;
} single_char_tokens[] = {
	{ '(', TOK_LPAREN },
	{ ')', TOK_RPAREN },
	{ '|', TOK_OR },
	{ '!', TOK_NOT },
};

/* Reads the next token; words may hold "quoted parts" with spaces. */
static void lex_next(struct parser *p)
{
	const char *t = p->text;
	size_t cap = 0;

	while (isspace((unsigned char)t[p->pos]))
		p->pos++;
	p->tok_pos = p->pos;
	p->word_len = 0;
	if (!t[p->pos]) {
		p->tok = TOK_END;
		return;
	}
	for (size_t i = 0; i < sizeof(single_char_tokens) / sizeof(single_char_tokens[0]); i++) {
		if (t[p->pos] == single_char_tokens[i].c) {
			p->pos++;
			p->tok = single_char_tokens[i].tok;
			return;
		}
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

/* The protocol words: proto:NAME and NAME alone, as the PROTO column
 * prints them (tcp6 is TCP over IPv6, u_str a UNIX stream socket). */
static const struct proto_word {
	const char *name;
	uint8_t proto;
	uint32_t qualifier; /* family for TCP/UDP, socket type for UNIX; 0: any */
	const char *help;
} proto_words[] = {
	{ "tcp", IPPROTO_TCP, 0, "TCP sockets" },
	{ "udp", IPPROTO_UDP, 0, "UDP sockets" },
	{ "unix", PV_PROTO_UNIX, 0, "UNIX domain sockets" },
	{ "tcp6", IPPROTO_TCP, AF_INET6, "TCP over IPv6, as PROTO prints it" },
	{ "udp6", IPPROTO_UDP, AF_INET6, "UDP over IPv6, as PROTO prints it" },
	{ "u_str", PV_PROTO_UNIX, SOCK_STREAM, "UNIX stream sockets (ss's names)" },
	{ "u_seq", PV_PROTO_UNIX, SOCK_SEQPACKET, "UNIX seqpacket sockets" },
	{ "u_dgr", PV_PROTO_UNIX, SOCK_DGRAM, "UNIX datagram sockets" },
};

static const struct proto_word *proto_word_find(const char *v, size_t len)
{
	for (size_t i = 0; i < sizeof(proto_words) / sizeof(proto_words[0]); i++)
		if (strlen(proto_words[i].name) == len && strncasecmp(v, proto_words[i].name, len) == 0)
			return &proto_words[i];
	return NULL;
}

static void term_proto(struct parser *p, int n, const char *v, size_t len, size_t at)
{
	const struct proto_word *w = proto_word_find(v, len);

	if (!w) {
		parser_fail(p, at,
			    "unknown protocol '%.*s' (tcp, udp, unix, tcp6, udp6, u_str, u_seq, u_dgr)",
			    (int)len, v);
		return;
	}
	p->f->nodes[n].lo = w->proto;
	p->f->nodes[n].hi = w->qualifier;
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

static void term_comm(struct parser *p, int n, const char *v, size_t len, size_t at)
{
	term_text(p, n, v, len, at);
	p->f->nodes[n].lo = PROC_NAME_EXACT;
}

static void term_cmd(struct parser *p, int n, const char *v, size_t len, size_t at)
{
	term_text(p, n, v, len, at);
	p->f->nodes[n].lo = PROC_CMD;
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
	{ "comm", FK_PROC, SIDE_ANY, term_comm, "NAME", "an owner's process name is NAME, exactly" },
	{ "cmd", FK_PROC, SIDE_ANY, term_cmd, "TEXT", "an owner's command line holds TEXT" },
	{ "pid", FK_PID, SIDE_ANY, term_pid, "N", "an owner's pid" },
	{ "user", FK_USER, SIDE_ANY, term_user, "NAME|UID", "the socket's or an owner's user" },
	{ "state", FK_STATE, SIDE_ANY, term_state, "NAME[,NAME]",
	  "listen, established, time-wait, close-wait, ..., listening, unconn" },
	{ "proto", FK_PROTO, SIDE_ANY, term_proto, "NAME", "tcp, udp, unix, or as PROTO prints it" },
	{ "flag", FK_FLAG, SIDE_ANY, term_flag, "NAME",
	  "saturated, stalled, retrans, zerowindow, closewait, timewait" },
	{ "path", FK_PATH, SIDE_ANY, term_text, "TEXT", "a UNIX socket's name, or its peer's, holds TEXT" },
	{ "ns", FK_NETNS, SIDE_ANY, term_text, "NAME",
	  "the network namespace's name holds NAME (or is inode NAME)" },
	{ "container", FK_CONTAINER, SIDE_ANY, term_text, "NAME",
	  "an owner's container (name or id), or the namespace's, holds NAME" },
	{ "unit", FK_UNIT, SIDE_ANY, term_text, "NAME", "an owner's systemd unit holds NAME" },
};

struct bare_word {
	const char *name;
	enum filter_kind kind;
	uint32_t value;
	const char *help; /* NULL: an alias of the word before */
};

static const struct bare_word bare_words[] = {
	{ "4", FK_FAMILY, AF_INET, "shown as IPv4 (and dual-stack listeners)" },
	{ "ipv4", FK_FAMILY, AF_INET, NULL },
	{ "inet", FK_FAMILY, AF_INET, NULL },
	{ "6", FK_FAMILY, AF_INET6, "shown as IPv6" },
	{ "ipv6", FK_FAMILY, AF_INET6, NULL },
	{ "inet6", FK_FAMILY, AF_INET6, NULL },
	{ "listening", FK_LISTENING, 0, "listeners: TCP LISTEN, unconnected UDP, bound UNIX" },
	{ "exposed", FK_EXPOSED, 0, "TCP and UDP listeners other hosts can reach (not loopback)" },
};

/* Words of the help that no table row gives. */
static const struct {
	const char *word, *help;
} more_words[] = {
	{ "listen estab ...",
	  "a state alone: listen, established (estab), time-wait, close-wait, syn-sent, ..." },
	{ ":N[-M]", "the port, as ss and lsof write it (:8000)" },
	{ "port 80", "a keyword, a space and its value: the same as port:80" },
	{ "N", "a port (a pid is pid:N)" },
	{ "ADDR[/N]", "an address" },
	{ "WORD", "a process whose name holds WORD (cmd: for command lines)" },
	{ "\"a b\"", "quotes keep spaces in a word" },
	{ "! not, | or, ( )", "negate, either, group; words side by side must all hold" },
};

void filter_describe_words(filter_word_fn emit, void *arg)
{
	char word[48];

	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		snprintf(word, sizeof(word), "%s:%s", keywords[i].name, keywords[i].arg);
		emit(word, keywords[i].help, arg);
	}
	for (size_t i = 0; i < sizeof(proto_words) / sizeof(proto_words[0]); i++)
		emit(proto_words[i].name, proto_words[i].help, arg);
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
	for (size_t i = 0; i < sizeof(more_words) / sizeof(more_words[0]); i++)
		emit(more_words[i].word, more_words[i].help, arg);
}

/* A state's name alone ("listen", "estab", "time-wait"), as ss takes
 * them. "close" and "unknown" are left to process names. */
static uint32_t bare_state(const struct parser *p)
{
	if (word_is(p, "close") || word_is(p, "unknown"))
		return 0;
	return state_parse(p->word, p->word_len);
}

static int parse_bare(struct parser *p)
{
	const struct proto_word *pw = proto_word_find(p->word, p->word_len);
	size_t i;
	int n;
	struct pv_addr a;
	int prefix;
	uint32_t port, states;

	if (pw) {
		n = filter_add(p->f, FK_PROTO);
		p->f->nodes[n].lo = pw->proto;
		p->f->nodes[n].hi = pw->qualifier;
		return n;
	}
	for (i = 0; i < sizeof(bare_words) / sizeof(bare_words[0]); i++) {
		if (word_is(p, bare_words[i].name)) {
			n = filter_add(p->f, bare_words[i].kind);
			p->f->nodes[n].lo = bare_words[i].value;
			return n;
		}
	}
	if ((states = bare_state(p)) != 0) {
		n = filter_add(p->f, FK_STATE);
		p->f->nodes[n].lo = states;
		return n;
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
		parser_fail(p, p->tok_pos,
			    "a number alone is a port, 0 to 65535, not '%s' (for a pid: pid:%s)", p->word,
			    p->word);
		return -1;
	}
	n = filter_add(p->f, FK_PROC);
	p->f->nodes[n].lo = PROC_NAME;
	p->f->nodes[n].text = xstrndup(p->word, p->word_len);
	return n;
}

static const struct keyword *keyword_find(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strlen(keywords[i].name) == len && strncasecmp(name, keywords[i].name, len) == 0)
			return &keywords[i];
	return NULL;
}

/* keyword:VALUE, where v is the value (vlen bytes, at byte at). */
static int parse_keyword(struct parser *p, const struct keyword *kw, const char *v, size_t vlen, size_t at)
{
	int n = filter_add(p->f, kw->kind);

	p->f->nodes[n].side = kw->side;
	p->f->nodes[n].value_at = at;
	kw->parse(p, n, v, vlen, at);
	return p->failed ? -1 : n;
}

/* "port 80" and "port: 80": a keyword whose value is the next word. */
static int parse_keyword_then_word(struct parser *p, const struct keyword *kw)
{
	size_t at = p->tok_pos;

	lex_next(p);
	if (p->tok != TOK_WORD) {
		parser_fail(p, at, "%s: needs a value", kw->name);
		return -1;
	}
	return parse_keyword(p, kw, p->word, p->word_len, p->tok_pos);
}

static int parse_term(struct parser *p)
{
	const char *colon = memchr(p->word, ':', p->word_len);
	const struct keyword *kw;
	size_t klen;

	if (!colon) {
		kw = keyword_find(p->word, p->word_len);
		return kw ? parse_keyword_then_word(p, kw) : parse_bare(p);
	}
	klen = (size_t)(colon - p->word);
	kw = keyword_find(p->word, klen);
	if (kw) {
		if (klen + 1 == p->word_len)
			return parse_keyword_then_word(p, kw);
		return parse_keyword(p, kw, colon + 1, p->word_len - klen - 1, p->tok_pos + klen + 1);
	}
	/* ":8000" (ss, lsof): a port, unless it reads as an IPv6 address. */
	if (klen == 0 && p->word_len > 1 && strspn(p->word + 1, "0123456789-") == p->word_len - 1)
		return parse_keyword(p, keyword_find("port", 4), p->word + 1, p->word_len - 1,
				     p->tok_pos + 1);
	/* An IPv6 address is also a word with colons. */
	{
		struct pv_addr a;
		int prefix;

		if (addr_parse(p->word, p->word_len, &a, &prefix) < 0) {
			parser_fail(
				p, p->tok_pos,
				"unknown keyword '%.*s:' (try port: proc: comm: cmd: pid: user: state: proto: "
				"addr: flag: path:)",
				(int)klen, p->word);
			return -1;
		}
	}
	return parse_bare(p);
}

/* ---- grammar: or := and (('|'|or) and)*; and := unary ((and)? unary)* ---- */

static int parse_or(struct parser *p);

/* Keeps the text of node n, [start, p->term_end), as the user wrote it:
 * "port:9999 matches no socket" quotes it. */
static void parse_note_source(struct parser *p, int n, size_t start)
{
	if (!p->f->nodes[n].source)
		p->f->nodes[n].source = xstrndup(p->text + start, p->term_end - start);
}

static int parse_unary(struct parser *p)
{
	size_t start = p->tok_pos;
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
		parse_note_source(p, n, start);
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
		p->term_end = p->pos;
		parse_note_source(p, n, open);
		lex_next(p);
		return n;
	}
	case TOK_WORD:
		n = parse_term(p);
		if (n < 0)
			return -1;
		p->term_end = p->pos;
		parse_note_source(p, n, start);
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
