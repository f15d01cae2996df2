#include "config.h"

#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void (*xalloc_fatal_hook)(void);

static void xalloc_die(size_t size)
{
	if (xalloc_fatal_hook)
		xalloc_fatal_hook();
	fprintf(stderr, "portview: out of memory (%zu bytes)\n", size);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		xalloc_die(size);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (!p)
		xalloc_die(count * size);
	return p;
}

void *xreallocarray(void *ptr, size_t count, size_t size)
{
	void *p;

	if (size && count > SIZE_MAX / size)
		xalloc_die(SIZE_MAX);
	p = realloc(ptr, count && size ? count * size : 1);
	if (!p)
		xalloc_die(count * size);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
