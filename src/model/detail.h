/* The detail pane's text: everything known about one row, as labelled
 * lines. Free of curses so it can be tested and printed anywhere. */
#ifndef PV_DETAIL_H
#define PV_DETAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "rows.h"
#include "snapshot.h"
#include "strbuf.h"

/* Appends "label\tvalue\n" lines describing row i of r to out: for a socket
 * its endpoints, state, queues, identity and every owner with user, start
 * time and full command line; for a group its process or port summary. The
 * first line is a title with an empty label. Untrusted text is sanitised. */
void detail_describe(const struct pv_snapshot *s, const struct pv_rows *r, size_t i, bool utf8,
		     struct strbuf *out);

/* Writes when process p started, "13:58:02 (4m ago)", or a date when it
 * was not today; "?" when the boot time is unknown. */
void detail_format_start(const struct pv_snapshot *s, const struct pv_process *p, struct strbuf *out);

#endif
