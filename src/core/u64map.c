#include "config.h"

#include "u64map.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static void u64map_alloc(struct u64map *m, size_t capacity)
{
	m->slots = xcalloc(capacity, sizeof(*m->slots));
	m->mask = capacity - 1;
	m->count = 0;
}

void u64map_init(struct u64map *m, size_t expected)
{
	size_t capacity = 16;

	while (capacity < expected * 2)
		capacity *= 2;
	u64map_alloc(m, capacity);
}

void u64map_free(struct u64map *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

void u64map_clear(struct u64map *m)
{
	memset(m->slots, 0, (m->mask + 1) * sizeof(*m->slots));
	m->count = 0;
}

static void u64map_grow(struct u64map *m)
{
	struct u64map bigger;
	size_t i;

	u64map_alloc(&bigger, (m->mask + 1) * 2);
	for (i = 0; i <= m->mask; i++)
		if (m->slots[i].key)
			u64map_put(&bigger, m->slots[i].key, m->slots[i].value, NULL);
	u64map_free(m);
	*m = bigger;
}

void u64map_reserve(struct u64map *m, size_t count)
{
	while (count * 4 > (m->mask + 1) * 3)
		u64map_grow(m);
}

uint32_t *u64map_put(struct u64map *m, uint64_t key, uint32_t value, int *inserted)
{
	size_t i;

	if ((m->count + 1) * 4 > (m->mask + 1) * 3)
		u64map_grow(m);
	for (i = u64map_hash(key) & m->mask; m->slots[i].key; i = (i + 1) & m->mask) {
		if (m->slots[i].key == key) {
			if (inserted)
				*inserted = 0;
			return &m->slots[i].value;
		}
	}
	m->slots[i].key = key;
	m->slots[i].value = value;
	m->count++;
	if (inserted)
		*inserted = 1;
	return &m->slots[i].value;
}

uint32_t *u64map_get(const struct u64map *m, uint64_t key)
{
	size_t i;

	if (!key || !m->slots)
		return NULL;
	for (i = u64map_hash(key) & m->mask; m->slots[i].key; i = (i + 1) & m->mask)
		if (m->slots[i].key == key)
			return &m->slots[i].value;
	return NULL;
}
