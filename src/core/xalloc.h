/* Allocation that never returns NULL: on exhaustion the program reports and
 * aborts through one place, so no call site has to test for failure. */
#ifndef PV_XALLOC_H
#define PV_XALLOC_H

#include <stddef.h>

/* Called before aborting on allocation failure; the TUI sets it to restore
 * the terminal first. NULL means no hook. */
extern void (*xalloc_fatal_hook)(void);

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
/* Grows an array of count elements of size bytes each; checks overflow. */
void *xreallocarray(void *ptr, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
