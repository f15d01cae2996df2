#include "config.h"

#include "users.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "u64map.h"
#include "xalloc.h"

struct users {
	struct u64map index; /* uid + 1 -> slot in names (key 0 is reserved) */
	char **names;
	size_t count;
};

struct users *users_new(void)
{
	struct users *u = xcalloc(1, sizeof(*u));

	u64map_init(&u->index, 32);
	return u;
}

void users_free(struct users *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->count; i++)
		free(u->names[i]);
	free(u->names);
	u64map_free(&u->index);
	free(u);
}

const char *users_name(struct users *u, uint32_t uid)
{
	uint32_t *slot = u64map_get(&u->index, (uint64_t)uid + 1);
	struct passwd pw, *found = NULL;
	char buf[4096];

	if (slot)
		return u->names[*slot];
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) != 0)
		found = NULL;
	u->names = xreallocarray(u->names, u->count + 1, sizeof(*u->names));
	u->names[u->count] = found ? xstrdup(found->pw_name) : NULL;
	u64map_put(&u->index, (uint64_t)uid + 1, (uint32_t)u->count, NULL);
	return u->names[u->count++];
}
