#include "config.h"

#include "sparkline.h"

#include <stdlib.h>
#include <string.h>

#include "u64map.h"
#include "xalloc.h"

struct spark_series {
	uint64_t key;
	double points[SPARK_POINTS]; /* a ring; head is the oldest */
	uint8_t count, head;
	bool recorded; /* in the refresh under way */
};

struct spark_history {
	struct spark_series *series;
	size_t n, cap;
	struct u64map by_key; /* key -> index in series */
};

struct spark_history *spark_new(void)
{
	struct spark_history *h = xcalloc(1, sizeof(*h));

	u64map_init(&h->by_key, 64);
	return h;
}

void spark_free(struct spark_history *h)
{
	if (!h)
		return;
	free(h->series);
	u64map_free(&h->by_key);
	free(h);
}

void spark_begin(struct spark_history *h)
{
	for (size_t i = 0; i < h->n; i++)
		h->series[i].recorded = false;
}

/* 0 is u64map's empty marker. */
static uint64_t spark_map_key(uint64_t key)
{
	return key ? key : 1;
}

void spark_record(struct spark_history *h, uint64_t key, double value)
{
	int inserted;
	uint32_t *slot = u64map_put(&h->by_key, spark_map_key(key), (uint32_t)h->n, &inserted);
	struct spark_series *s;

	if (inserted) {
		if (h->n == h->cap) {
			h->cap = h->cap ? h->cap * 2 : 64;
			h->series = xreallocarray(h->series, h->cap, sizeof(*h->series));
		}
		s = &h->series[h->n++];
		memset(s, 0, sizeof(*s));
		s->key = key;
	} else {
		s = &h->series[*slot];
	}
	if (s->recorded)
		return; /* one point a refresh */
	s->recorded = true;
	if (value < 0)
		value = 0;
	if (s->count < SPARK_POINTS) {
		s->points[(s->head + s->count) % SPARK_POINTS] = value;
		s->count++;
	} else {
		s->points[s->head] = value;
		s->head = (uint8_t)((s->head + 1) % SPARK_POINTS);
	}
}

void spark_end(struct spark_history *h)
{
	size_t kept = 0;

	for (size_t i = 0; i < h->n; i++)
		if (h->series[i].recorded)
			h->series[kept++] = h->series[i];
	if (kept == h->n)
		return;
	h->n = kept;
	u64map_clear(&h->by_key);
	for (size_t i = 0; i < h->n; i++)
		u64map_put(&h->by_key, spark_map_key(h->series[i].key), (uint32_t)i, NULL);
}

size_t spark_format(const struct spark_history *h, uint64_t key, bool utf8, struct strbuf *sb)
{
	static const char *const bars[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ascii[8] = { ' ', '.', ':', '-', '=', '+', '*', '#' };
	const uint32_t *slot = u64map_get(&h->by_key, spark_map_key(key));
	const struct spark_series *s;
	double max = 0;

	if (!slot)
		return 0;
	s = &h->series[*slot];
	if (s->count < 2)
		return 0;
	for (unsigned i = 0; i < s->count; i++)
		if (s->points[i] > max)
			max = s->points[i];
	for (unsigned i = 0; i < s->count; i++) {
		double v = s->points[(s->head + i) % SPARK_POINTS];
		/* Any traffic shows at least one step above none. */
		int level = max > 0 ? (int)(v / max * 7.0 + 0.5) : 0;

		if (v > 0 && level == 0)
			level = 1;
		if (utf8)
			strbuf_puts(sb, bars[level]);
		else
			strbuf_putc(sb, ascii[level]);
	}
	return s->count;
}
