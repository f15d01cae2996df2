/* An open-addressing hash table from 64-bit keys to 32-bit values, used for
 * cookie and inode look-ups. Key 0 is reserved as the empty marker, which
 * suits both: the kernel never reports a socket cookie of 0, and inode 0
 * means "no inode" and is never looked up. */
#ifndef PV_U64MAP_H
#define PV_U64MAP_H

#include <stddef.h>
#include <stdint.h>

/* Key and value side by side: a probe touches one cache line, not two. */
struct u64map_slot {
	uint64_t key;
	uint32_t value;
};

struct u64map {
	struct u64map_slot *slots;
	size_t mask; /* capacity - 1; capacity is a power of two */
	size_t count;
};

/* Spreads sequential keys (inodes, cookies) over the table; exposed so
 * u64map_prefetch can be inline. */
static inline size_t u64map_hash(uint64_t k)
{
	/* splitmix64's finaliser: the low bits alone would cluster badly under
	 * linear probing. */
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ULL;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebULL;
	k ^= k >> 31;
	return (size_t)k;
}

/* Asks the CPU to fetch key's home slot. Loops over thousands of sockets
 * call it a few keys ahead: a table of 40,000 sockets does not fit the
 * cache, and a miss per look-up was most of the dashboard's user time. */
static inline void u64map_prefetch(const struct u64map *m, uint64_t key)
{
	if (m->slots)
		__builtin_prefetch(&m->slots[u64map_hash(key) & m->mask]);
}

/* How far ahead those loops prefetch. */
enum { U64MAP_PREFETCH_AHEAD = 8 };

/* Prepares an empty map sized for about expected entries. */
void u64map_init(struct u64map *m, size_t expected);
void u64map_free(struct u64map *m);
/* Grows the table now, if needed, so that count entries fit without
 * regrowing (prefetched addresses stay valid). */
void u64map_reserve(struct u64map *m, size_t count);
/* Removes every entry, keeping the storage. */
void u64map_clear(struct u64map *m);
/* Inserts key -> value unless key is present. Returns a pointer to the value
 * stored for key (the old one if it was present) and sets *inserted. */
uint32_t *u64map_put(struct u64map *m, uint64_t key, uint32_t value, int *inserted);
/* Returns a pointer to key's value, or NULL when absent. */
uint32_t *u64map_get(const struct u64map *m, uint64_t key);

#endif
