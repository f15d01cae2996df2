#include "config.h"

#include "arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

enum { ARENA_CHUNK_MIN = 16384 };

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	alignas(max_align_t) unsigned char data[];
};

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	struct arena_chunk *c = a->head;
	size_t at;

	size = (size + align - 1) & ~(align - 1);
	if (!c || c->size - c->used < size) {
		size_t want = size > ARENA_CHUNK_MIN ? size : ARENA_CHUNK_MIN;

		c = xmalloc(sizeof(*c) + want);
		c->size = want;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	at = c->used;
	c->used += size;
	return c->data + at;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void arena_adopt(struct arena *a, struct arena *from)
{
	struct arena_chunk *tail = from->head;

	if (!tail)
		return;
	while (tail->next)
		tail = tail->next;
	/* from's newest chunk stays first, so a's next allocations go on
	 * filling it; a's chunks follow. */
	tail->next = a->head;
	a->head = from->head;
	from->head = NULL;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head;

	while (c) {
		struct arena_chunk *next = c->next;

		free(c);
		c = next;
	}
	a->head = NULL;
}
