#include "config.h"

#include "u64map.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* A 64-bit finaliser (from splitmix64): inodes and cookies are sequential,
 * so the low bits alone would cluster badly under linear probing. */
static size_t u64map_hash(uint64_t k)
{
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ULL;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebULL;
	k ^= k >> 31;
	return (size_t)k;
}

static void u64map_alloc(struct u64map *m, size_t capacity)
{
	m->keys = xcalloc(capacity, sizeof(*m->keys));
	m->values = xcalloc(capacity, sizeof(*m->values));
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
	free(m->keys);
	free(m->values);
	memset(m, 0, sizeof(*m));
}

void u64map_clear(struct u64map *m)
{
	memset(m->keys, 0, (m->mask + 1) * sizeof(*m->keys));
	m->count = 0;
}

static void u64map_grow(struct u64map *m)
{
	struct u64map bigger;
	size_t i;

	u64map_alloc(&bigger, (m->mask + 1) * 2);
	for (i = 0; i <= m->mask; i++)
		if (m->keys[i])
			u64map_put(&bigger, m->keys[i], m->values[i], NULL);
	u64map_free(m);
	*m = bigger;
}

uint32_t *u64map_put(struct u64map *m, uint64_t key, uint32_t value, int *inserted)
{
	size_t i;

	if ((m->count + 1) * 4 > (m->mask + 1) * 3)
		u64map_grow(m);
	for (i = u64map_hash(key) & m->mask; m->keys[i]; i = (i + 1) & m->mask) {
		if (m->keys[i] == key) {
			if (inserted)
				*inserted = 0;
			return &m->values[i];
		}
	}
	m->keys[i] = key;
	m->values[i] = value;
	m->count++;
	if (inserted)
		*inserted = 1;
	return &m->values[i];
}

uint32_t *u64map_get(const struct u64map *m, uint64_t key)
{
	size_t i;

	if (!key || !m->keys)
		return NULL;
	for (i = u64map_hash(key) & m->mask; m->keys[i]; i = (i + 1) & m->mask)
		if (m->keys[i] == key)
			return &m->values[i];
	return NULL;
}
