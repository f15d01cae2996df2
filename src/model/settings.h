/* Settings that persist between runs: the config file's format. Parsing
 * and writing text only; where the file lives and how it is replaced is
 * settings_file.c's business. Pure, so every error can be unit-tested.
 *
 *   # portview settings
 *   group = port
 *   sort = IN/s
 *   reverse = yes
 *   delay = 2
 *   highlight = 3
 *   color = no
 *   columns = STATE REMOTE USER      (PROTO, LOCAL, PROCESS always show)
 *   lean = no
 *   unix = yes                       (UNIX domain sockets shown)
 *   resolve = yes                    (service and host names)
 */
#ifndef PV_SETTINGS_H
#define PV_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "rows.h"
#include "strbuf.h"

/* SETTING_* bits: which settings a file (or the command line) gave. */
enum {
	SETTING_GROUP = 1u << 0, SETTING_SORT = 1u << 1, SETTING_REVERSE = 1u << 2,
	SETTING_DELAY = 1u << 3, SETTING_HIGHLIGHT = 1u << 4, SETTING_COLOR = 1u << 5,
	SETTING_COLUMNS = 1u << 6, SETTING_LEAN = 1u << 7, SETTING_UNIX = 1u << 8,
	SETTING_RESOLVE = 1u << 9,
};

struct settings {
	unsigned given;              /* SETTING_* bits present */
	enum group_mode group;
	int sort_column;             /* a column id, or -1 for the natural order */
	bool reverse;
	double delay, highlight;
	bool color;
	unsigned hidden_columns;     /* bit c: column c is not shown */
	bool lean;
	bool unix_sockets;           /* show UNIX domain sockets */
	bool resolve;                /* names instead of numbers */
};

/* Called for each line that is wrong; the line is skipped, the rest read. */
typedef void (*settings_error_fn)(unsigned line, const char *message, void *arg);

/* Reads text (len bytes, not necessarily NUL-terminated) into s, which
 * keeps what the text does not set. Returns the number of bad lines. */
unsigned settings_parse(struct settings *s, const char *text, size_t len, settings_error_fn err, void *arg);

/* Writes every setting of s as the file's text. */
void settings_format(const struct settings *s, struct strbuf *out);

#endif
