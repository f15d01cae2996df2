#include "config.h"

#include "settings.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "columns.h"
#include "xalloc.h"

#define AT(field) offsetof(struct settings, field)

/* The order is that of --help and of the written file. */
_Static_assert(SET_COUNT <= 64, "settings.given has a bit for every setting");

const struct setting_def setting_defs[SET_COUNT] = {
	[SET_ONCE] = { .long_name = "once",
		       .type = SETTING_FLAG,
		       .offset = AT(once),
		       .option_sets = true,
		       .help = "print the sockets once as text and exit" },
	[SET_JSON] = { .long_name = "json",
		       .short_name = 'j',
		       .type = SETTING_FLAG,
		       .offset = AT(json),
		       .option_sets = true,
		       .help = "print one JSON document and exit (implies --once; see FORMATS.md)" },
	[SET_LISTENING] = { .long_name = "listening",
			    .short_name = 'l',
			    .type = SETTING_FLAG,
			    .offset = AT(listening),
			    .option_sets = true,
			    .help = "only listeners: TCP LISTEN and unconnected UDP" },
	[SET_GROUP] = { .key = "group",
			.long_name = "group",
			.short_name = 'g',
			.type = SETTING_CHOICE,
			.offset = AT(group),
			.choices = group_mode_names,
			.default_value = "process",
			.arg = "MODE",
			.help = "group by process (default), port, netns, host (with --remote) or none" },
	[SET_INFO] = { .long_name = "info",
		       .short_name = 'i',
		       .type = SETTING_FLAG,
		       .offset = AT(info),
		       .option_sets = true,
		       .help = "with --once, TCP details too (tcp_info: RTT, retransmits, bytes)" },
	[SET_DELAY] = { .key = "delay",
			.long_name = "delay",
			.short_name = 'd',
			.type = SETTING_SECONDS,
			.offset = AT(delay),
			.min = 0.1,
			.default_value = "1",
			.arg = "SECONDS",
			.help = "dashboard refresh interval, decimals allowed (default 1); with\n"
				"                             --once, look twice that far apart for rates and flags" },
	[SET_HIGHLIGHT] = { .key = "highlight",
			    .long_name = "highlight",
			    .type = SETTING_SECONDS,
			    .offset = AT(highlight),
			    .min = 0,
			    .default_value = "3",
			    .arg = "SECONDS",
			    .help = "how long new, changed and closed sockets stay marked (default 3, 0 off)" },
	[SET_UNIX] = { .key = "unix",
		       .long_name = "unix",
		       .short_name = 'x',
		       .type = SETTING_FLAG,
		       .offset = AT(unix_sockets),
		       .option_sets = true,
		       .help = "UNIX domain sockets too, with their paths and peers" },
	[SET_RESOLVE] = { .key = "resolve",
			  .long_name = "resolve",
			  .short_name = 'r',
			  .type = SETTING_FLAG,
			  .offset = AT(resolve),
			  .option_sets = true,
			  .help = "names: services from /etc/services, hosts by reverse DNS" },
	[SET_LEAN] = { .key = "lean",
		       .long_name = "lean",
		       .type = SETTING_FLAG,
		       .offset = AT(lean),
		       .option_sets = true,
		       .help = "the cheapest refresh: no tcp_info (no rates) and no peers" },
	[SET_OWNERS] = { .key = "owners",
			 .long_name = "owners",
			 .type = SETTING_CHOICE,
			 .offset = AT(owners),
			 .choices = owner_source_names,
			 .default_value = "auto",
			 .arg = "SOURCE",
			 .help = "where owners come from: auto (the BPF iterator when it loads), bpf or proc" },
	[SET_NETNS] = { .key = "netns",
			.long_name = "netns",
			.type = SETTING_LIST,
			.offset = AT(netns),
			.arg = "NS",
			.help = "only network namespace NS (a name, pid or file; current: this one), "
				"repeatable; default all" },
	[SET_COLOR] = { .key = "color",
			.key_alias = "colour",
			.long_name = "no-color",
			.type = SETTING_FLAG,
			.offset = AT(color),
			.option_sets = false,
			.default_value = "yes",
			.help = "no colours (also when NO_COLOR is set); marks stay" },
	[SET_SORT] = { .key = "sort",
		       .type = SETTING_SORT,
		       .offset = AT(sort_column),
		       .default_value = "natural" },
	[SET_REVERSE] = { .key = "reverse", .type = SETTING_FLAG, .offset = AT(reverse) },
	[SET_COLUMNS] = { .key = "columns",
			  .long_name = "columns",
			  .type = SETTING_COLUMNS,
			  .offset = AT(hidden_columns),
			  .arg = "LIST",
			  .help = "the columns shown, by name (COMMAND in text only when named)" },
	[SET_CONFIG] = { .long_name = "config",
			 .type = SETTING_PATH,
			 .offset = AT(config),
			 .arg = "FILE",
			 .help = "read settings from FILE (W in the dashboard writes there)" },
	[SET_NO_CONFIG] = { .long_name = "no-config",
			    .type = SETTING_FLAG,
			    .offset = AT(no_config),
			    .option_sets = true,
			    .help = "read no settings file" },
	[SET_WHY] = { .long_name = "why",
		      .type = SETTING_TEXT,
		      .offset = AT(why),
		      .arg = "PORT[/PROTO]",
		      .help = "why a bind to PORT would fail, or who answers on it (also: portview why PORT); "
			      "exit 0 free, 1 taken" },
	[SET_WATCH] = { .long_name = "watch",
			.type = SETTING_FLAG,
			.offset = AT(watch),
			.option_sets = true,
			.help = "print what opens, closes and changes state as it happens, one line each "
				"(--json: one object a line); FILTER selects" },
	[SET_CLOSE] = { .long_name = "close",
			.type = SETTING_FLAG,
			.offset = AT(close),
			.option_sets = true,
			.help = "list the TCP and UDP connections FILTER selects, to close them (SOCK_DESTROY, "
				"as ss -K; needs root)" },
	[SET_YES] = { .long_name = "yes",
		      .type = SETTING_FLAG,
		      .offset = AT(yes),
		      .option_sets = true,
		      .help = "with --close: close them, without asking" },
	[SET_METRICS] = { .long_name = "metrics",
			  .type = SETTING_TEXT,
			  .offset = AT(metrics),
			  .arg = "[ADDR:]PORT",
			  .help = "serve Prometheus metrics at http://ADDR:PORT/metrics (127.0.0.1 when only a "
				  "port), refreshing every -d" },
	[SET_METRICS_FILE] = { .long_name = "metrics-file",
			       .type = SETTING_PATH,
			       .offset = AT(metrics_file),
			       .arg = "PATH",
			       .help = "write the metrics to PATH atomically every -d (once with --once), for "
				       "node_exporter's textfile collector" },
	[SET_STREAM] = { .long_name = "stream",
			 .type = SETTING_FLAG,
			 .offset = AT(stream),
			 .option_sets = true,
			 .help = "write the model as NDJSON, whole once then each refresh's changes, for "
				 "--remote (doc/FORMATS.md)" },
	[SET_REMOTE] = { .long_name = "remote",
			 .type = SETTING_LIST,
			 .offset = AT(remote),
			 .arg = "HOST[,HOST...]",
			 .help = "show HOSTs' sockets, each from `portview --stream` run there through ssh; "
				 "repeatable" },
	[SET_REMOTE_COMMAND] = { .long_name = "remote-command",
				 .type = SETTING_TEXT,
				 .offset = AT(remote_command),
				 .arg = "CMD",
				 .help = "with --remote: the command that runs portview on the hosts (a path, or "
					 "\"sudo -n portview\")" },
	[SET_HELP] = { .long_name = "help",
		       .short_name = 'h',
		       .type = SETTING_FLAG,
		       .offset = AT(help),
		       .option_sets = true,
		       .help = "show this help and exit" },
	[SET_VERSION] = { .long_name = "version",
			  .short_name = 'V',
			  .type = SETTING_FLAG,
			  .offset = AT(version),
			  .option_sets = true,
			  .help = "show the version and exit" },
	[SET_TCP] = { .long_name = "tcp",
		      .short_name = 't',
		      .type = SETTING_FLAG,
		      .offset = AT(tcp),
		      .option_sets = true,
		      .help = "TCP only (with -u: both), as the t key" },
	[SET_UDP] = { .long_name = "udp",
		      .short_name = 'u',
		      .type = SETTING_FLAG,
		      .offset = AT(udp),
		      .option_sets = true,
		      .help = "UDP only (with -t: both), as the u key" },
	[SET_V4] = { .long_name = "ipv4",
		     .short_name = '4',
		     .type = SETTING_FLAG,
		     .offset = AT(v4),
		     .option_sets = true,
		     .help = "IPv4 only, as the 4 key" },
	[SET_V6] = { .long_name = "ipv6",
		     .short_name = '6',
		     .type = SETTING_FLAG,
		     .offset = AT(v6),
		     .option_sets = true,
		     .help = "IPv6 only, as the 6 key" },
	[SET_ESTABLISHED] = { .long_name = "established",
			      .type = SETTING_FLAG,
			      .offset = AT(established),
			      .option_sets = true,
			      .help = "established connections only, as the e key" },
	[SET_ALL] = { .long_name = "all",
		      .short_name = 'a',
		      .type = SETTING_FLAG,
		      .offset = AT(all),
		      .option_sets = true,
		      .help = "every state: the default (ss -a, netstat -a)" },
	[SET_NUMERIC] = { .long_name = "numeric",
			  .short_name = 'n',
			  .type = SETTING_FLAG,
			  .offset = AT(resolve),
			  .option_sets = false,
			  .help = "numbers, not names: the default; undoes resolve = yes" },
	[SET_PROCESSES] = { .long_name = "processes",
			    .short_name = 'p',
			    .type = SETTING_FLAG,
			    .offset = AT(processes),
			    .option_sets = true,
			    .help = "owning processes: always shown (ss -p, netstat -p)" },
	[SET_EXTENDED] = { .long_name = "extended",
			   .short_name = 'e',
			   .type = SETTING_FLAG,
			   .offset = AT(info),
			   .option_sets = true,
			   .help = "the same as -i (ss -e)" },
};

static void *setting_field(struct settings *s, enum setting_id id)
{
	return (char *)s + setting_defs[id].offset;
}

static const void *setting_field_const(const struct settings *s, enum setting_id id)
{
	return (const char *)s + setting_defs[id].offset;
}

static bool word_is(const char *w, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(w, name, len) == 0;
}

/* ---- the types: each parses its text (with the message for a bad
 * one), writes its value back as text, and says its size ---- */

static int column_by_name(const char *v, size_t len)
{
	for (int c = 0; c < COL_COUNT; c++)
		if (word_is(v, len, columns[c].header))
			return c;
	return -1;
}

static int parse_flag(const struct setting_def *def, const char *name, const char *v, size_t n, void *field,
		      char *err, size_t errsize)
{
	bool *out = field;

	(void)def;
	if (word_is(v, n, "yes") || word_is(v, n, "true") || word_is(v, n, "on") || word_is(v, n, "1"))
		*out = true;
	else if (word_is(v, n, "no") || word_is(v, n, "false") || word_is(v, n, "off") || word_is(v, n, "0"))
		*out = false;
	else {
		snprintf(err, errsize, "%s wants yes or no, not '%.*s'", name, (int)n, v);
		return -1;
	}
	return 0;
}

static void format_flag(const struct setting_def *def, const void *field, struct strbuf *out)
{
	(void)def;
	strbuf_puts(out, *(const bool *)field ? "yes" : "no");
}

static int parse_seconds(const struct setting_def *def, const char *name, const char *v, size_t n,
			 void *field, char *err, size_t errsize)
{
	char buf[64], *end;
	double x = 0;

	if (n > 0 && n < sizeof(buf)) {
		memcpy(buf, v, n);
		buf[n] = '\0';
		x = strtod(buf, &end);
	}
	if (n == 0 || n >= sizeof(buf) || *end || !isfinite(x) || x < def->min || x > 3600) {
		snprintf(err, errsize, "%s wants seconds from %g to 3600, not '%.*s'", name, def->min, (int)n,
			 v);
		return -1;
	}
	*(double *)field = x;
	return 0;
}

static void format_seconds(const struct setting_def *def, const void *field, struct strbuf *out)
{
	(void)def;
	strbuf_printf(out, "%g", *(const double *)field);
}

/* A choice is stored as an int: its enum must be one. */
_Static_assert(sizeof(enum group_mode) == sizeof(int) && sizeof(enum pv_owner_source) == sizeof(int),
	       "a choice setting's field is an int");

/* One word of def->choices, any case; the error lists them all. */
static int parse_choice(const struct setting_def *def, const char *name, const char *v, size_t n, void *field,
			char *err, size_t errsize)
{
	struct strbuf wants = { 0 };
	size_t i;

	for (i = 0; def->choices[i]; i++) {
		if (word_is(v, n, def->choices[i])) {
			*(int *)field = (int)i;
			return 0;
		}
	}
	for (i = 0; def->choices[i]; i++)
		strbuf_printf(&wants, "%s%s",
			      i == 0                ? ""
			      : def->choices[i + 1] ? ", "
						    : " or ",
			      def->choices[i]);
	snprintf(err, errsize, "%s wants %s, not '%.*s'", name, strbuf_str(&wants), (int)n, v);
	strbuf_free(&wants);
	return -1;
}

static void format_choice(const struct setting_def *def, const void *field, struct strbuf *out)
{
	strbuf_puts(out, def->choices[*(const int *)field]);
}

static int parse_sort(const struct setting_def *def, const char *name, const char *v, size_t n, void *field,
		      char *err, size_t errsize)
{
	bool natural = word_is(v, n, "natural");
	int c = natural ? -1 : column_by_name(v, n);

	(void)def;
	if (c < 0 && !natural) {
		snprintf(err, errsize, "%s wants natural or a column name, not '%.*s'", name, (int)n, v);
		return -1;
	}
	*(int *)field = c;
	return 0;
}

static void format_sort(const struct setting_def *def, const void *field, struct strbuf *out)
{
	(void)def;
	int c = *(const int *)field;

	strbuf_puts(out, c < 0 ? "natural" : columns[c].header);
}

/* "PROTO STATE ..." or with commas: the columns to show. PROTO (which
 * carries the tree's indentation), LOCAL and PROCESS always show. */
static int parse_columns(const struct setting_def *def, const char *name, const char *v, size_t len,
			 void *field, char *err, size_t errsize)
{
	unsigned shown = 0;
	size_t i = 0;
	int c;

	(void)def;
	(void)name;
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
	*(unsigned *)field = ((1u << COL_COUNT) - 1) & ~shown;
	return 0;
}

static void format_columns(const struct setting_def *def, const void *field, struct strbuf *out)
{
	(void)def;
	for (int c = 0, first = 1; c < COL_COUNT; c++) {
		if (*(const unsigned *)field & (1u << c))
			continue;
		strbuf_printf(out, "%s%s", first ? "" : " ", columns[c].header);
		first = 0;
	}
}

/* A file name, or any text (SETTING_TEXT): not empty. */
static int parse_path(const struct setting_def *def, const char *name, const char *v, size_t n, void *field,
		      char *err, size_t errsize)
{
	char **out = field;

	if (n == 0) {
		snprintf(err, errsize, "%s needs %s", name,
			 def->type == SETTING_PATH ? "a file name" : "a value");
		return -1;
	}
	free(*out);
	*out = xstrndup(v, n);
	return 0;
}

static void format_path(const struct setting_def *def, const void *field, struct strbuf *out)
{
	(void)def;
	const char *path = *(const char *const *)field;

	strbuf_puts(out, path ? path : "");
}

/* A path is owned: copied as a string, not as a pointer. */
static void copy_path(void *to, const void *from)
{
	char **dst = to;
	const char *const *src = from;

	free(*dst);
	*dst = *src ? xstrdup(*src) : NULL;
}

/* Each value adds its words: --netns a --netns b is "a,b". */
static int parse_list(const struct setting_def *def, const char *name, const char *v, size_t n, void *field,
		      char *err, size_t errsize)
{
	char **out = field;
	struct strbuf joined = { NULL, 0, 0 };
	size_t i = 0;

	(void)def;
	(void)name;
	(void)err;
	(void)errsize;
	if (*out)
		strbuf_puts(&joined, *out);
	while (i < n) {
		size_t start;

		while (i < n && (v[i] == ',' || v[i] == ' ' || v[i] == '\t'))
			i++;
		start = i;
		while (i < n && v[i] != ',' && v[i] != ' ' && v[i] != '\t')
			i++;
		if (i > start)
			strbuf_printf(&joined, "%s%.*s", joined.len ? "," : "", (int)(i - start), v + start);
	}
	free(*out);
	/* Nothing listed is the default: none chosen. */
	*out = joined.len ? xstrdup(strbuf_str(&joined)) : NULL;
	strbuf_free(&joined);
	return 0;
}

struct setting_type_ops {
	size_t size;
	int (*parse)(const struct setting_def *def, const char *name, const char *v, size_t n, void *field,
		     char *err, size_t errsize);
	void (*format)(const struct setting_def *def, const void *field, struct strbuf *out);
	void (*copy)(void *to, const void *from); /* NULL: the bytes */
};

static const struct setting_type_ops setting_types[] = {
	[SETTING_FLAG] = { sizeof(bool), parse_flag, format_flag, NULL },
	[SETTING_SECONDS] = { sizeof(double), parse_seconds, format_seconds, NULL },
	[SETTING_CHOICE] = { sizeof(int), parse_choice, format_choice, NULL },
	[SETTING_SORT] = { sizeof(int), parse_sort, format_sort, NULL },
	[SETTING_COLUMNS] = { sizeof(unsigned), parse_columns, format_columns, NULL },
	[SETTING_PATH] = { sizeof(char *), parse_path, format_path, copy_path },
	[SETTING_LIST] = { sizeof(char *), parse_list, format_path, copy_path },
	[SETTING_TEXT] = { sizeof(char *), parse_path, format_path, copy_path },
};
_Static_assert(sizeof(setting_types) / sizeof(setting_types[0]) == SETTING_TEXT + 1,
	       "every setting type has its row");

int setting_parse(struct settings *s, enum setting_id id, const char *name, const char *v, size_t n,
		  char *err, size_t errsize)
{
	const struct setting_def *def = &setting_defs[id];

	if (setting_types[def->type].parse(def, name, v, n, setting_field(s, id), err, errsize) < 0)
		return -1;
	s->given |= SETTING_BIT(id);
	return 0;
}

void setting_set_flag(struct settings *s, enum setting_id id)
{
	*(bool *)setting_field(s, id) = setting_defs[id].option_sets;
	s->given |= SETTING_BIT(id);
}

void settings_defaults(struct settings *s)
{
	char err[160];

	memset(s, 0, sizeof(*s));
	/* The column table, not a row's text, says which columns start hidden. */
	s->hidden_columns = columns_hidden_by_default();
	for (int id = 0; id < SET_COUNT; id++) {
		const char *v = setting_defs[id].default_value;

		/* The table's own defaults always parse: check_settings says so. */
		if (v)
			setting_parse(s, (enum setting_id)id, "default", v, strlen(v), err, sizeof(err));
	}
	s->given = 0;
}

void settings_free(struct settings *s)
{
	free(s->config);
	s->config = NULL;
	free(s->netns);
	s->netns = NULL;
	free(s->why);
	s->why = NULL;
	free(s->metrics);
	s->metrics = NULL;
	free(s->metrics_file);
	s->metrics_file = NULL;
	free(s->remote);
	s->remote = NULL;
	free(s->remote_command);
	s->remote_command = NULL;
}

void settings_merge(struct settings *s, const struct settings *from)
{
	for (int id = 0; id < SET_COUNT; id++) {
		const struct setting_type_ops *type = &setting_types[setting_defs[id].type];
		void *to = setting_field(s, (enum setting_id)id);
		const void *src = setting_field_const(from, (enum setting_id)id);

		if (!(from->given & SETTING_BIT(id)))
			continue;
		if (type->copy)
			type->copy(to, src);
		else
			memcpy(to, src, type->size);
		s->given |= SETTING_BIT(id);
	}
}

/* ---- the settings file ---- */

/* Longest line looked at: a settings line is short; anything longer is
 * not a setting. */
enum { SETTINGS_LINE_MAX = 1024 };

static int setting_by_key(const char *key, size_t len)
{
	for (int id = 0; id < SET_COUNT; id++) {
		const struct setting_def *def = &setting_defs[id];

		if (def->key &&
		    (word_is(key, len, def->key) || (def->key_alias && word_is(key, len, def->key_alias))))
			return id;
	}
	return -1;
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

/* A key worth quoting back: short, lower-case letters, digits, '_' and
 * '-', as every setting's name is. Anything else may be a secret. */
static bool key_is_plausible(const char *key, size_t len)
{
	if (len == 0 || len > 24)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)key[i]) && !isdigit((unsigned char)key[i]) && key[i] != '_' &&
		    key[i] != '-')
			return false;
	return true;
}

/* One "key = value" line (trimmed, not a comment). Returns 0 or -1 with a
 * message. */
static int settings_apply_line(struct settings *s, const char *line, size_t len, char *msg, size_t msgsize)
{
	const char *eq = memchr(line, '=', len), *value;
	size_t key_len, value_len;
	char name[32];
	int id;

	if (!eq) {
		snprintf(msg, msgsize, "expected 'name = value'");
		return -1;
	}
	value = eq + 1;
	value_len = len - (size_t)(value - line);
	key_len = (size_t)(eq - line);
	trim(&line, &key_len);
	trim(&value, &value_len);
	id = setting_by_key(line, key_len);
	if (id < 0 && key_is_plausible(line, key_len)) {
		snprintf(msg, msgsize, "unknown setting '%.*s'", (int)key_len, line);
		return -1;
	}
	if (id < 0) {
		snprintf(msg, msgsize, "not a setting");
		return -1;
	}
	snprintf(name, sizeof(name), "%.*s", (int)key_len, line);
	if (setting_parse(s, (enum setting_id)id, name, value, value_len, msg, msgsize) == 0)
		return 0;
	/* The value may be anything: say what is wanted, not what was there.
	 * The parsers quote the value last (", not 'VALUE'", or "unknown
	 * column 'NAME'"): cut the quote off. */
	char *quote = strstr(msg, ", not '");

	if (!quote)
		quote = strchr(msg, '\'');
	if (quote) {
		while (quote > msg && quote[-1] == ' ')
			quote--;
		*quote = '\0';
	}
	return -1;
}

unsigned settings_parse(struct settings *s, const char *text, size_t len, settings_error_fn err, void *arg,
			unsigned *good)
{
	const char *p = text, *end = text + len;
	unsigned line = 0, bad = 0, applied = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *start = p;
		size_t trimmed = n;
		char msg[160];

		line++;
		p += n + (nl ? 1 : 0);
		trim(&start, &trimmed);
		if (trimmed == 0 || start[0] == '#')
			continue;
		if (n > SETTINGS_LINE_MAX || memchr(start, '\0', trimmed)) {
			err(line, "not a setting: too long, or not text", arg);
			bad++;
			continue;
		}
		if (settings_apply_line(s, start, trimmed, msg, sizeof(msg)) < 0) {
			err(line, msg, arg);
			bad++;
		} else {
			applied++;
		}
	}
	if (good)
		*good = applied;
	return bad;
}

void settings_format(const struct settings *s, struct strbuf *out)
{
	strbuf_puts(out, "# portview settings: written by the dashboard's W key, read at start.\n"
			 "# Command-line options win over these. See portview(1), FILES.\n");
	for (int id = 0; id < SET_COUNT; id++) {
		if (!setting_defs[id].key)
			continue;
		strbuf_printf(out, "%s = ", setting_defs[id].key);
		setting_types[setting_defs[id].type].format(&setting_defs[id],
							    setting_field_const(s, (enum setting_id)id), out);
		strbuf_putc(out, '\n');
	}
}
