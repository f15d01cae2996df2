#include "config.h"

#include "output.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "addr.h"
#include "columns.h"
#include "health.h"
#include "sanitize.h"
#include "states.h"
#include "strbuf.h"
#include "xalloc.h"

enum { TEXT_INDENT = 2, TEXT_GAP = 2 };

static void text_pad(struct strbuf *sb, size_t n)
{
	while (n--)
		strbuf_putc(sb, ' ');
}

/* Pads from width have to width want (never negative). */
static void text_pad_to(struct strbuf *sb, size_t want, size_t have)
{
	text_pad(sb, want > have ? want - have : 0);
}

/* Rate columns appear only when two looks measured rates (--once -d),
 * tcp_info columns only with it; the settings file may leave columns out
 * or choose the ones hidden by default; COMMAND, as wide as a command
 * line, only when --columns names it. */
static bool text_column_shown(int c, const struct output_meta *meta)
{
	return meta->applies[c] && (!columns[c].needs_rates || meta->rates) &&
	       (!columns[c].needs_info || meta->info) && !(meta->hidden_columns & (1u << c)) &&
	       (!columns[c].text_when_named || (meta->named_columns & (1u << c)));
}

/* Writes one socket line (or the header when k is NULL) padded to widths. */
static void text_socket_line(struct strbuf *line, const struct pv_snapshot *s, const struct pv_socket *k,
			     unsigned depth, const size_t *widths, const struct output_meta *meta,
			     struct strbuf *cell)
{
	bool utf8 = meta->utf8;
	int c, last = 0;

	for (c = 0; c < COL_COUNT; c++)
		if (text_column_shown(c, meta))
			last = c;
	for (c = 0; c < COL_COUNT; c++) {
		size_t w, indent = c == 0 ? depth * TEXT_INDENT : 0;

		if (!text_column_shown(c, meta))
			continue;
		strbuf_reset(cell);
		if (k) {
			w = columns[c].format(s, k, utf8, cell);
		} else {
			strbuf_puts(cell, columns[c].header);
			w = strlen(columns[c].header);
		}
		w += indent;
		if (c > 0)
			text_pad(line, TEXT_GAP);
		text_pad(line, indent);
		if (columns[c].right_align)
			text_pad_to(line, widths[c], w);
		strbuf_append(line, cell->data, cell->len);
		/* No padding after the last column: lines end with text. */
		if (!columns[c].right_align && c < last)
			text_pad_to(line, widths[c], w);
	}
}

static void text_summary(FILE *out, const struct pv_snapshot *s, const struct pv_rows *r,
			 const struct output_meta *meta)
{
	struct pv_counts c;
	char when[40];
	struct strbuf sb = { 0 };

	snapshot_count(s, r->selected, r->nselected, &c);
	output_format_time(s, when, sizeof(when));
	sanitize_append(&sb, meta->host, strlen(meta->host), meta->utf8);
	fprintf(out, "%s  %s  listening %zu  established %zu  other %zu  processes %zu  exposed %zu",
		strbuf_str(&sb), when, c.listening, c.established, c.other, c.processes, c.exposed);
	if (snapshot_shown_netns(s) > 1)
		fprintf(out, "  namespaces %zu", snapshot_shown_netns(s));
	strbuf_reset(&sb);
	health_describe(&c, &sb);
	if (sb.len)
		fprintf(out, "  %s", strbuf_str(&sb));
	if (meta->filter[0]) {
		strbuf_reset(&sb);
		sanitize_append(&sb, meta->filter, strlen(meta->filter), meta->utf8);
		fprintf(out, "  filter %s", strbuf_str(&sb));
	}
	fputc('\n', out);
	strbuf_free(&sb);
}

void output_text(FILE *out, const struct pv_snapshot *s, const struct pv_rows *r,
		 const struct output_meta *given)
{
	struct output_meta with_applies = *given;
	const struct output_meta *meta = &with_applies;
	size_t widths[COL_COUNT];
	unsigned header_depth = r->ngroups ? 1 : 0; /* the header sits over socket lines */
	struct strbuf line = { 0 }, cell = { 0 };
	size_t i;
	int c;

	for (c = 0; c < COL_COUNT; c++)
		with_applies.applies[c] = column_applies(c, s);
	text_summary(out, s, r, meta);
	if (r->nselected == 0) {
		fputs("no sockets match\n", out);
		return;
	}
	for (c = 0; c < COL_COUNT; c++)
		widths[c] = strlen(columns[c].header);
	widths[0] += header_depth * TEXT_INDENT;
	for (i = 0; i < r->nrows; i++) {
		const struct pv_row *row = &r->rows[i];

		if (row->kind != ROW_SOCKET)
			continue;
		/* Only the columns printed: a hidden one is a format call per
		 * socket for nothing. */
		for (c = 0; c < COL_COUNT; c++) {
			size_t w;

			if (!text_column_shown(c, meta))
				continue;
			strbuf_reset(&cell);
			w = columns[c].format(s, &s->socks[row->index], meta->utf8, &cell);
			if (c == 0)
				w += row->depth * TEXT_INDENT;
			if (w > widths[c])
				widths[c] = w;
		}
	}
	text_socket_line(&line, s, NULL, header_depth, widths, meta, &cell);
	fprintf(out, "%s\n", strbuf_str(&line));
	for (i = 0; i < r->nrows; i++) {
		const struct pv_row *row = &r->rows[i];

		strbuf_reset(&line);
		if (row->kind == ROW_GROUP) {
			column_format_group(s, &r->groups[row->index], meta->utf8, &line);
		} else if (row->kind == ROW_PILE) {
			strbuf_printf(&line, "%*s", (int)(row->depth * TEXT_INDENT), "");
			column_format_pile(&r->piles[row->index], meta->utf8, &line);
		} else
			text_socket_line(&line, s, &s->socks[row->index], row->depth, widths, meta, &cell);
		fprintf(out, "%s\n", strbuf_str(&line));
	}
	strbuf_free(&line);
	strbuf_free(&cell);
}

void output_labelled(FILE *out, const char *text, size_t width)
{
	while (*text) {
		const char *nl = strchr(text, '\n'), *tab = strchr(text, '\t');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		if (tab && tab < text + len) {
			int label = (int)(tab - text);

			if (label)
				fprintf(out, "  %-*.*s %.*s\n", (int)width, label, text,
					(int)(len - (size_t)label - 1), tab + 1);
			else
				fprintf(out, "%.*s\n", (int)(len - 1), tab + 1);
		} else {
			fprintf(out, "%.*s\n", (int)len, text);
		}
		text += len + (nl ? 1 : 0);
	}
}
