/* User names for uids, looked up once per uid and kept. */
#ifndef PV_USERS_H
#define PV_USERS_H

#include <stdint.h>

struct users;

struct users *users_new(void);
void users_free(struct users *u);
/* The name of uid, or NULL when it has none; valid until users_free. */
const char *users_name(struct users *u, uint32_t uid);

#endif
