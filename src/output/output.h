/* Batch output of one snapshot: aligned text for people, JSON for scripts
 * (doc/FORMATS.md is the contract). */
#ifndef PV_OUTPUT_H
#define PV_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "columns.h"
#include "rows.h"
#include "snapshot.h"

struct output_meta {
	const char *host;
	const char *filter; /* the filter text as given, "" for none */
	enum group_mode group;
	bool utf8;               /* the terminal's locale takes UTF-8 */
	bool rates;              /* rates and flags were measured (two looks) */
	bool info;               /* tcp_info was asked for (--info, -d) */
	unsigned hidden_columns; /* bit c: column c is left out (settings) */
	unsigned named_columns;  /* bit c: --columns named column c */
	bool applies[COL_COUNT]; /* column_applies, filled by the writer */
};

/* Writes the rows as text: a summary line, a column header, group lines and
 * indented socket lines. All untrusted text is sanitised. */
void output_text(FILE *out, const struct pv_snapshot *s, const struct pv_rows *r,
		 const struct output_meta *meta);

/* Writes the selected sockets and their owners as one JSON document. */
void output_json(FILE *out, const struct pv_snapshot *s, const struct pv_rows *r,
		 const struct output_meta *meta);

/* Writes `portview why`'s report as one JSON document (FORMATS.md). */
struct why_report;
void output_why_json(FILE *out, const struct pv_snapshot *s, const struct why_report *r, const char *host);
/* Writes "label\tvalue\n" lines (details, why) as aligned text, the
 * label padded to width; a line with no label is written as it is. */
void output_labelled(FILE *out, const char *text, size_t width);

/* Writes one event of --watch --json as one line (FORMATS.md, NDJSON). */
struct event_log;
struct pv_event;
void output_event_json(FILE *out, const struct event_log *log, const struct pv_event *e);

/* Writes tcp_info's members into the object w has open; the "ms ago"
 * ones only with last_ms (--stream writes them as times instead). */
struct json_writer;
void output_tcp_members(struct json_writer *w, const struct pv_tcp_details *t, bool last_ms);

/* Writes the time the snapshot was taken in RFC 3339 form (UTC). */
void output_format_time(const struct pv_snapshot *s, char *buf, size_t size);

#endif
