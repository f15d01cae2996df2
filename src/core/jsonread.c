#include "config.h"

#include "jsonread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

struct jv_parser {
	struct arena *arena;
	const char *p, *end, *start;
	char *err;
	size_t errsize;
	bool failed;
	struct strbuf scratch; /* a string's bytes while they are decoded */
};

static void jv_fail(struct jv_parser *ps, const char *what)
{
	if (ps->failed)
		return;
	ps->failed = true;
	snprintf(ps->err, ps->errsize, "bad JSON at byte %zu: %s", (size_t)(ps->p - ps->start), what);
}

static void jv_skip_space(struct jv_parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static bool jv_literal(struct jv_parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) {
		jv_fail(ps, "unknown word");
		return false;
	}
	ps->p += n;
	return true;
}

static int jv_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads the four hex digits of a \u escape. */
static bool jv_u4(struct jv_parser *ps, unsigned *out)
{
	unsigned v = 0;

	if (ps->end - ps->p < 4) {
		jv_fail(ps, "short \\u escape");
		return false;
	}
	for (int i = 0; i < 4; i++) {
		int d = jv_hex(ps->p[i]);

		if (d < 0) {
			jv_fail(ps, "bad \\u escape");
			return false;
		}
		v = v * 16 + (unsigned)d;
	}
	ps->p += 4;
	*out = v;
	return true;
}

static void jv_put_utf8(struct strbuf *sb, unsigned cp)
{
	if (cp < 0x800) {
		strbuf_putc(sb, (char)(0xc0 | (cp >> 6)));
	} else if (cp < 0x10000) {
		strbuf_putc(sb, (char)(0xe0 | (cp >> 12)));
		strbuf_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
	} else {
		strbuf_putc(sb, (char)(0xf0 | (cp >> 18)));
		strbuf_putc(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
		strbuf_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
	}
	strbuf_putc(sb, (char)(0x80 | (cp & 0x3f)));
}

/* A \u escape: up to U+00FF one byte; above, UTF-8, a surrogate pair
 * joined. */
static bool jv_unicode_escape(struct jv_parser *ps)
{
	unsigned cp, low;

	if (!jv_u4(ps, &cp))
		return false;
	if (cp < 0x100) {
		strbuf_putc(&ps->scratch, (char)cp);
		return true;
	}
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		jv_fail(ps, "lone low surrogate");
		return false;
	}
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') {
			jv_fail(ps, "lone high surrogate");
			return false;
		}
		ps->p += 2;
		if (!jv_u4(ps, &low))
			return false;
		if (low < 0xdc00 || low > 0xdfff) {
			jv_fail(ps, "bad surrogate pair");
			return false;
		}
		cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
	}
	jv_put_utf8(&ps->scratch, cp);
	return true;
}

/* Reads a string after its opening quote into the arena. */
static const char *jv_string(struct jv_parser *ps, size_t *len)
{
	strbuf_reset(&ps->scratch);
	for (;;) {
		const char *run = ps->p;

		while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' && (unsigned char)*ps->p >= 0x20)
			ps->p++;
		strbuf_append(&ps->scratch, run, (size_t)(ps->p - run));
		if (ps->p >= ps->end) {
			jv_fail(ps, "unterminated string");
			return NULL;
		}
		if (*ps->p == '"') {
			ps->p++;
			break;
		}
		if (*ps->p != '\\') {
			jv_fail(ps, "control character in a string");
			return NULL;
		}
		if (++ps->p >= ps->end) {
			jv_fail(ps, "unterminated escape");
			return NULL;
		}
		switch (*ps->p++) {
		case '"': strbuf_putc(&ps->scratch, '"'); break;
		case '\\': strbuf_putc(&ps->scratch, '\\'); break;
		case '/': strbuf_putc(&ps->scratch, '/'); break;
		case 'b': strbuf_putc(&ps->scratch, '\b'); break;
		case 'f': strbuf_putc(&ps->scratch, '\f'); break;
		case 'n': strbuf_putc(&ps->scratch, '\n'); break;
		case 'r': strbuf_putc(&ps->scratch, '\r'); break;
		case 't': strbuf_putc(&ps->scratch, '\t'); break;
		case 'u':
			if (!jv_unicode_escape(ps))
				return NULL;
			break;
		default: jv_fail(ps, "unknown escape"); return NULL;
		}
	}
	*len = ps->scratch.len;
	return arena_strndup(ps->arena, ps->scratch.data ? ps->scratch.data : "", ps->scratch.len);
}

static bool jv_number(struct jv_parser *ps, struct jv *v)
{
	const char *s = ps->p;

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
		jv_fail(ps, "bad number");
		return false;
	}
	while (ps->p < ps->end && ((*ps->p >= '0' && *ps->p <= '9') || *ps->p == '.' || *ps->p == 'e' ||
				   *ps->p == 'E' || *ps->p == '+' || *ps->p == '-'))
		ps->p++;
	if (ps->p - s > 64) {
		jv_fail(ps, "number too long");
		return false;
	}
	v->type = JV_NUMBER;
	v->len = (size_t)(ps->p - s);
	v->text = arena_strndup(ps->arena, s, v->len);
	return true;
}

static bool jv_value(struct jv_parser *ps, struct jv *v, int depth);

/* The members of an array or object, after its opening bracket, up to
 * close; an object's each after its key. */
static bool jv_members(struct jv_parser *ps, struct jv *v, char close, int depth)
{
	struct jv *items = NULL;
	size_t n = 0, cap = 0;
	bool ok = false;

	if (depth >= JV_MAX_DEPTH) {
		jv_fail(ps, "nested too deeply");
		return false;
	}
	jv_skip_space(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		v->count = 0;
		return true;
	}
	for (;;) {
		struct jv item = { 0 };

		jv_skip_space(ps);
		if (close == '}') {
			size_t klen;

			if (ps->p >= ps->end || *ps->p != '"') {
				jv_fail(ps, "expected a key");
				break;
			}
			ps->p++;
			item.key = jv_string(ps, &klen);
			if (!item.key)
				break;
			jv_skip_space(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				jv_fail(ps, "expected ':'");
				break;
			}
			ps->p++;
		}
		if (!jv_value(ps, &item, depth + 1))
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			items = xreallocarray(items, cap, sizeof(*items));
		}
		items[n++] = item;
		jv_skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			ok = true;
		} else {
			jv_fail(ps, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
		}
		break;
	}
	if (ok) {
		struct jv *kept = arena_alloc(ps->arena, n * sizeof(*kept));

		memcpy(kept, items, n * sizeof(*kept));
		v->item = kept;
		v->count = n;
	}
	free(items);
	return ok;
}

static bool jv_value(struct jv_parser *ps, struct jv *v, int depth)
{
	jv_skip_space(ps);
	if (ps->p >= ps->end) {
		jv_fail(ps, "unexpected end");
		return false;
	}
	switch (*ps->p) {
	case '{':
		ps->p++;
		v->type = JV_OBJECT;
		return jv_members(ps, v, '}', depth);
	case '[':
		ps->p++;
		v->type = JV_ARRAY;
		return jv_members(ps, v, ']', depth);
	case '"':
		ps->p++;
		v->type = JV_STRING;
		v->text = jv_string(ps, &v->len);
		return v->text != NULL;
	case 't':
		v->type = JV_BOOL;
		v->boolean = true;
		return jv_literal(ps, "true");
	case 'f': v->type = JV_BOOL; return jv_literal(ps, "false");
	case 'n': v->type = JV_NULL; return jv_literal(ps, "null");
	default: return jv_number(ps, v);
	}
}

const struct jv *jv_parse(struct arena *a, const char *text, size_t len, char *err, size_t errsize)
{
	struct jv_parser ps = {
		.arena = a, .p = text, .end = text + len, .start = text, .err = err, .errsize = errsize
	};
	struct jv *root = arena_alloc(a, sizeof(*root));
	bool ok;

	memset(root, 0, sizeof(*root));
	ok = jv_value(&ps, root, 0);
	if (ok) {
		jv_skip_space(&ps);
		if (ps.p != ps.end) {
			jv_fail(&ps, "text after the value");
			ok = false;
		}
	}
	strbuf_free(&ps.scratch);
	return ok ? root : NULL;
}

const struct jv *jv_get(const struct jv *v, const char *key)
{
	if (!v || v->type != JV_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->count; i++)
		if (strcmp(v->item[i].key, key) == 0)
			return &v->item[i];
	return NULL;
}

bool jv_u64(const struct jv *v, uint64_t *out)
{
	char *end;
	unsigned long long n;

	if (!v || v->type != JV_NUMBER || v->text[0] == '-')
		return false;
	errno = 0;
	n = strtoull(v->text, &end, 10);
	if (errno || *end)
		return false;
	*out = n;
	return true;
}

bool jv_u32(const struct jv *v, uint32_t *out)
{
	uint64_t n;

	if (!jv_u64(v, &n) || n > UINT32_MAX)
		return false;
	*out = (uint32_t)n;
	return true;
}

bool jv_i64(const struct jv *v, int64_t *out)
{
	char *end;
	long long n;

	if (!v || v->type != JV_NUMBER)
		return false;
	errno = 0;
	n = strtoll(v->text, &end, 10);
	if (errno || *end)
		return false;
	*out = n;
	return true;
}

bool jv_double(const struct jv *v, double *out)
{
	char *end;
	double d;

	if (!v || v->type != JV_NUMBER)
		return false;
	errno = 0;
	d = strtod(v->text, &end);
	if (errno || *end)
		return false;
	*out = d;
	return true;
}

uint64_t jv_get_u64(const struct jv *v, const char *key, uint64_t def)
{
	uint64_t n;

	return jv_u64(jv_get(v, key), &n) ? n : def;
}

double jv_get_double(const struct jv *v, const char *key, double def)
{
	double d;

	return jv_double(jv_get(v, key), &d) ? d : def;
}

bool jv_get_bool(const struct jv *v, const char *key, bool def)
{
	const struct jv *m = jv_get(v, key);

	return m && m->type == JV_BOOL ? m->boolean : def;
}

const char *jv_get_string(const struct jv *v, const char *key, size_t *len)
{
	const struct jv *m = jv_get(v, key);

	if (!m || m->type != JV_STRING)
		return NULL;
	if (len)
		*len = m->len;
	return m->text;
}
