/* An open-addressing hash table from 64-bit keys to 32-bit values, used for
 * cookie and inode look-ups. Key 0 is reserved as the empty marker, which
 * suits both: the kernel never reports a socket cookie of 0, and inode 0
 * means "no inode" and is never looked up. */
#ifndef PV_U64MAP_H
#define PV_U64MAP_H

#include <stddef.h>
#include <stdint.h>

struct u64map {
	uint64_t *keys;
	uint32_t *values;
	size_t mask;   /* capacity - 1; capacity is a power of two */
	size_t count;
};

/* Prepares an empty map sized for about expected entries. */
void u64map_init(struct u64map *m, size_t expected);
void u64map_free(struct u64map *m);
/* Removes every entry, keeping the storage. */
void u64map_clear(struct u64map *m);
/* Inserts key -> value unless key is present. Returns a pointer to the value
 * stored for key (the old one if it was present) and sets *inserted. */
uint32_t *u64map_put(struct u64map *m, uint64_t key, uint32_t value, int *inserted);
/* Returns a pointer to key's value, or NULL when absent. */
uint32_t *u64map_get(const struct u64map *m, uint64_t key);

#endif
