/* Throughput history for group lines: the last few refreshes' rates of
 * each group, drawn as a small bar chart ("▁▂▅▇"). Pure: the dashboard
 * records a value per group after each refresh and asks for the text when
 * it draws. */
#ifndef PV_SPARKLINE_H
#define PV_SPARKLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

enum { SPARK_POINTS = 8 };

struct spark_history;

struct spark_history *spark_new(void);
void spark_free(struct spark_history *h);

/* One refresh: spark_begin, then spark_record for every group shown (a
 * key stands for a group across refreshes), then spark_end, which forgets
 * the groups not recorded. */
void spark_begin(struct spark_history *h);
void spark_record(struct spark_history *h, uint64_t key, double value);
void spark_end(struct spark_history *h);

/* Writes key's history, oldest first, each point scaled to the largest:
 * eight block heights in UTF-8, or " .:-=+*#" otherwise. Nothing for a
 * key with fewer than two points. Returns the display width. */
size_t spark_format(const struct spark_history *h, uint64_t key, bool utf8, struct strbuf *sb);

#endif
