/* A bump allocator whose allocations are all freed at once: a snapshot owns
 * its strings through one arena, so dropping a snapshot is one call. */
#ifndef PV_ARENA_H
#define PV_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
};

/* Returns size bytes aligned for any type; valid until arena_free. */
void *arena_alloc(struct arena *a, size_t size);
/* Copies len bytes and appends a NUL; the copy lives in the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
/* Moves every allocation of from into a, leaving from empty: a walker's
 * strings become the snapshot's without copying. */
void arena_adopt(struct arena *a, struct arena *from);
/* Frees every allocation of the arena and leaves it empty and reusable. */
void arena_free(struct arena *a);

#endif
