#include "config.h"

#include "settings.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "columns.h"

/* Longest line looked at: a settings line is short; anything longer is
 * not a setting. */
enum { SETTINGS_LINE_MAX = 1024 };

struct setting_line {
	const char *key, *value;
	size_t key_len, value_len;
};

static bool word_is(const char *w, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(w, name, len) == 0;
}

static int parse_bool(const char *v, size_t len, bool *out)
{
	if (word_is(v, len, "yes") || word_is(v, len, "true") || word_is(v, len, "on") || word_is(v, len, "1"))
		*out = true;
	else if (word_is(v, len, "no") || word_is(v, len, "false") || word_is(v, len, "off") || word_is(v, len, "0"))
		*out = false;
	else
		return -1;
	return 0;
}

static int parse_seconds(const char *v, size_t len, double min, double *out)
{
	char buf[64], *end;
	double x;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, v, len);
	buf[len] = '\0';
	x = strtod(buf, &end);
	if (*end || !isfinite(x) || x < min || x > 3600)
		return -1;
	*out = x;
	return 0;
}

static int column_by_name(const char *v, size_t len)
{
	int c;

	for (c = 0; c < COL_COUNT; c++)
		if (word_is(v, len, columns[c].header))
			return c;
	return -1;
}

/* "PROTO STATE ..." or with commas: the columns to show. PROTO (which
 * carries the tree's indentation), LOCAL and PROCESS always show. */
static int parse_columns(const char *v, size_t len, unsigned *hidden, char *err, size_t errsize)
{
	unsigned shown = 0;
	size_t i = 0;
	int c;

	for (c = 0; c < COL_COUNT; c++)
		if (column_always_shown(c))
			shown |= 1u << c;
	while (i < len) {
		size_t start;

		while (i < len && (v[i] == ' ' || v[i] == ',' || v[i] == '\t'))
			i++;
		start = i;
		while (i < len && v[i] != ' ' && v[i] != ',' && v[i] != '\t')
			i++;
		if (i == start)
			break;
		c = column_by_name(v + start, i - start);
		if (c < 0) {
			snprintf(err, errsize, "unknown column '%.*s'", (int)(i - start), v + start);
			return -1;
		}
		shown |= 1u << c;
	}
	*hidden = ((1u << COL_COUNT) - 1) & ~shown;
	return 0;
}

/* Applies one "key = value" line; returns 0 or -1 with a message. */
static int settings_apply(struct settings *s, const struct setting_line *l, char *err, size_t errsize)
{
	const char *v = l->value;
	size_t n = l->value_len;
	unsigned bit;
	int ok = 0;

	if (word_is(l->key, l->key_len, "group")) {
		char buf[16];
		int mode = -1;

		if (n < sizeof(buf)) {
			size_t i;

			for (i = 0; i < n; i++)
				buf[i] = (char)tolower((unsigned char)v[i]);
			buf[n] = '\0';
			mode = group_mode_parse(buf);
		}
		if (mode < 0) {
			snprintf(err, errsize, "group must be process, port or none, not '%.*s'", (int)n, v);
			return -1;
		}
		s->group = (enum group_mode)mode;
		bit = SETTING_GROUP;
	} else if (word_is(l->key, l->key_len, "sort")) {
		int c = word_is(v, n, "natural") ? -1 : column_by_name(v, n);

		if (c < 0 && !word_is(v, n, "natural")) {
			snprintf(err, errsize, "sort must be natural or a column name, not '%.*s'", (int)n, v);
			return -1;
		}
		s->sort_column = c;
		bit = SETTING_SORT;
	} else if (word_is(l->key, l->key_len, "reverse")) {
		ok = parse_bool(v, n, &s->reverse);
		bit = SETTING_REVERSE;
	} else if (word_is(l->key, l->key_len, "color") || word_is(l->key, l->key_len, "colour")) {
		ok = parse_bool(v, n, &s->color);
		bit = SETTING_COLOR;
	} else if (word_is(l->key, l->key_len, "lean")) {
		ok = parse_bool(v, n, &s->lean);
		bit = SETTING_LEAN;
	} else if (word_is(l->key, l->key_len, "unix")) {
		ok = parse_bool(v, n, &s->unix_sockets);
		bit = SETTING_UNIX;
	} else if (word_is(l->key, l->key_len, "resolve")) {
		ok = parse_bool(v, n, &s->resolve);
		bit = SETTING_RESOLVE;
	} else if (word_is(l->key, l->key_len, "delay")) {
		if (parse_seconds(v, n, 0.1, &s->delay) < 0) {
			snprintf(err, errsize, "delay wants seconds from 0.1 to 3600, not '%.*s'", (int)n, v);
			return -1;
		}
		bit = SETTING_DELAY;
	} else if (word_is(l->key, l->key_len, "highlight")) {
		if (parse_seconds(v, n, 0, &s->highlight) < 0) {
			snprintf(err, errsize, "highlight wants seconds from 0 to 3600, not '%.*s'", (int)n, v);
			return -1;
		}
		bit = SETTING_HIGHLIGHT;
	} else if (word_is(l->key, l->key_len, "columns")) {
		if (parse_columns(v, n, &s->hidden_columns, err, errsize) < 0)
			return -1;
		bit = SETTING_COLUMNS;
	} else {
		snprintf(err, errsize, "unknown setting '%.*s'", (int)l->key_len, l->key);
		return -1;
	}
	if (ok < 0) {
		snprintf(err, errsize, "%.*s must be yes or no, not '%.*s'", (int)l->key_len, l->key, (int)n, v);
		return -1;
	}
	s->given |= bit;
	return 0;
}

static void trim(const char **p, size_t *len)
{
	while (*len && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*len)--;
	}
	while (*len && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t' || (*p)[*len - 1] == '\r'))
		(*len)--;
}

unsigned settings_parse(struct settings *s, const char *text, size_t len, settings_error_fn err, void *arg)
{
	const char *p = text, *end = text + len;
	unsigned line = 0, bad = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *eq;
		struct setting_line l;
		char msg[160];

		line++;
		l.key = p;
		l.key_len = n;
		p += n + (nl ? 1 : 0);
		trim(&l.key, &l.key_len);
		if (l.key_len == 0 || l.key[0] == '#')
			continue;
		if (n > SETTINGS_LINE_MAX || memchr(l.key, '\0', l.key_len)) {
			err(line, "not a setting: too long, or not text", arg);
			bad++;
			continue;
		}
		eq = memchr(l.key, '=', l.key_len);
		if (!eq) {
			err(line, "expected 'name = value'", arg);
			bad++;
			continue;
		}
		l.value = eq + 1;
		l.value_len = l.key_len - (size_t)(eq + 1 - l.key);
		l.key_len = (size_t)(eq - l.key);
		trim(&l.key, &l.key_len);
		trim(&l.value, &l.value_len);
		if (settings_apply(s, &l, msg, sizeof(msg)) < 0) {
			err(line, msg, arg);
			bad++;
		}
	}
	return bad;
}

void settings_format(const struct settings *s, struct strbuf *out)
{
	int c;
	bool first = true;

	strbuf_puts(out, "# portview settings: written by the dashboard's W key, read at start.\n"
		    "# Command-line options win over these. See portview(1), FILES.\n");
	strbuf_printf(out, "group = %s\n", group_mode_name(s->group));
	strbuf_printf(out, "sort = %s\n", s->sort_column < 0 ? "natural" : columns[s->sort_column].header);
	strbuf_printf(out, "reverse = %s\n", s->reverse ? "yes" : "no");
	strbuf_printf(out, "delay = %g\n", s->delay);
	strbuf_printf(out, "highlight = %g\n", s->highlight);
	strbuf_printf(out, "color = %s\n", s->color ? "yes" : "no");
	strbuf_puts(out, "columns =");
	for (c = 0; c < COL_COUNT; c++) {
		if (s->hidden_columns & (1u << c))
			continue;
		strbuf_printf(out, "%s%s", first ? " " : " ", columns[c].header);
		first = false;
	}
	strbuf_putc(out, '\n');
	strbuf_printf(out, "lean = %s\n", s->lean ? "yes" : "no");
	strbuf_printf(out, "unix = %s\n", s->unix_sockets ? "yes" : "no");
	strbuf_printf(out, "resolve = %s\n", s->resolve ? "yes" : "no");
}
