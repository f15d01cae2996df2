/* Every setting portview has, in one typed table: its name in the
 * settings file, its command-line option, its type, default and help.
 * The table drives the option parser and --help (app/options.c), the
 * settings file's reader and writer (here and app/settings_file.c), the
 * dashboard's W key, and the test that the man page documents every
 * entry. Adding a setting is a field, an id and a row. Pure.
 *
 * The file, as W writes it (in the table's order; any order reads):
 *
 *   # portview settings
 *   group = port
 *   delay = 2
 *   highlight = 3
 *   unix = yes                       (UNIX domain sockets shown)
 *   resolve = yes                    (service and host names)
 *   lean = no
 *   color = no
 *   sort = IN/s
 *   reverse = yes
 *   columns = PROTO STATE LOCAL PROCESS  (PROTO, LOCAL, PROCESS always show)
 */
#ifndef PV_SETTINGS_H
#define PV_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rows.h"
#include "snapshot.h"
#include "strbuf.h"

/* Indices into setting_defs: the order of --help and of the file. */
enum setting_id {
	SET_ONCE,
	SET_JSON,
	SET_LISTENING,
	SET_GROUP,
	SET_INFO,
	SET_DELAY,
	SET_HIGHLIGHT,
	SET_UNIX,
	SET_RESOLVE,
	SET_LEAN,
	SET_OWNERS,
	SET_NETNS,
	SET_COLOR,
	SET_SORT,
	SET_REVERSE,
	SET_COLUMNS,
	SET_CONFIG,
	SET_NO_CONFIG,
	SET_WHY,
	SET_WATCH,
	SET_CLOSE,
	SET_METRICS,
	SET_METRICS_FILE,
	SET_STREAM,
	SET_REMOTE,
	SET_REMOTE_COMMAND,
	SET_YES,
	SET_HELP,
	SET_VERSION,
	/* ss's and netstat's letters, so that -tulpn and -antp work */
	SET_TCP,
	SET_UDP,
	SET_V4,
	SET_V6,
	SET_ESTABLISHED,
	SET_ALL,
	SET_NUMERIC,
	SET_PROCESSES,
	SET_EXTENDED,
	SET_COUNT,
};

/* The bit of a setting in settings.given. */
#define SETTING_BIT(id) (1ull << (id))

struct settings {
	uint64_t given; /* SETTING_BIT(id) of each setting given */
	/* kept in the settings file */
	enum group_mode group;
	int sort_column; /* a column id, or -1 for the natural order */
	bool reverse;
	double delay, highlight; /* seconds */
	bool color;
	unsigned hidden_columns;     /* bit c: column c is not shown */
	bool lean;                   /* no tcp_info (no rates), no peers */
	bool unix_sockets;           /* show UNIX domain sockets */
	bool resolve;                /* names instead of numbers */
	enum pv_owner_source owners; /* where owners come from */
	char *netns;                 /* --netns words joined by commas, or NULL: all; owned */
	/* the command line's alone */
	bool once, json, listening, info, no_config, help, version;
	/* Set by -t -u -4 -6 --established -a -p; what they narrow is read
	 * from given (main.c maps them to the view's toggles), so these are
	 * only where the table's flags land. */
	bool tcp, udp, v4, v6, established, all, processes;
	char *config;         /* --config FILE, or NULL; owned */
	char *why;            /* --why PORT[/PROTO] (portview why), or NULL; owned */
	bool watch;           /* --watch: stream opens, closes and state changes */
	bool close;           /* --close: end the connections the filter selects */
	char *metrics;        /* --metrics ADDR:PORT, or NULL; owned */
	char *metrics_file;   /* --metrics-file PATH, or NULL; owned */
	bool stream;          /* --stream: NDJSON snapshots and diffs for --remote */
	char *remote;         /* --remote HOST words joined by commas, or NULL; owned */
	char *remote_command; /* --remote-command: what runs portview there; owned */
	bool yes;             /* --yes: --close without asking */
};

enum setting_type {
	SETTING_FLAG,    /* an option without a value; yes/no in the file */
	SETTING_SECONDS, /* from min to 3600, decimals allowed */
	SETTING_CHOICE,  /* one word of the def's choices, stored as its index */
	SETTING_SORT,    /* natural or a column header */
	SETTING_COLUMNS, /* column headers: those shown */
	SETTING_PATH,    /* a file name */
	SETTING_LIST,    /* words, joined by commas; each option given adds one */
	SETTING_TEXT,    /* any text but empty */
};

struct setting_def {
	const char *key;       /* in the settings file; NULL: command line only */
	const char *key_alias; /* also read as key ("colour"), or NULL */
	const char *long_name; /* --long_name; NULL: settings file only */
	char short_name;       /* -x, or 0 */
	enum setting_type type;
	size_t offset;              /* of the value in struct settings */
	double min;                 /* SETTING_SECONDS: the least allowed */
	bool option_sets;           /* SETTING_FLAG: the value the option gives */
	const char *default_value;  /* as the file would say it; NULL: zero */
	const char *const *choices; /* SETTING_CHOICE: the words, by value, then NULL */
	const char *arg;            /* the value's name in --help */
	const char *help;           /* for --help; NULL: not listed there */
};

extern const struct setting_def setting_defs[SET_COUNT];

/* Fills s with every default (and given 0). */
void settings_defaults(struct settings *s);
/* Frees what s owns (the config path). */
void settings_free(struct settings *s);
/* Copies into s every setting from sets whose bit is in from->given. */
void settings_merge(struct settings *s, const struct settings *from);

/* Parses text (len bytes) as the value of setting id into s and marks it
 * given. Returns 0, or -1 with a one-line message in err, naming the
 * setting as name ("--delay" or "delay") and quoting the value. */
int setting_parse(struct settings *s, enum setting_id id, const char *name, const char *text, size_t len,
		  char *err, size_t errsize);
/* Applies a flag option: its option_sets value, marked given. */
void setting_set_flag(struct settings *s, enum setting_id id);

/* Called for each line that is wrong; the line is skipped, the rest read. */
typedef void (*settings_error_fn)(unsigned line, const char *message, void *arg);

/* Reads text (len bytes, not necessarily NUL-terminated) into s, which
 * keeps what the text does not set. Returns the number of bad lines, and
 * in *good (when not NULL) the number of settings applied. The messages
 * quote no part of a line but a key that is a plausible setting name: a
 * settings file may hold what its reader should not repeat. */
unsigned settings_parse(struct settings *s, const char *text, size_t len, settings_error_fn err, void *arg,
			unsigned *good);

/* Writes every setting of s that has a key, as the file's text. */
void settings_format(const struct settings *s, struct strbuf *out);

#endif
