#include "config.h"

#include "privilege.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>

/* Capabilities 0..63 in two 32-bit words (version 3). */
struct cap_sets {
	struct __user_cap_data_struct data[2];
};

static const uint32_t wanted_low = 1u << CAP_DAC_READ_SEARCH | 1u << CAP_SYS_PTRACE;

static bool privilege_root;      /* uid 0 without file capabilities: left alone */
static bool privilege_available; /* the two are permitted */

static int cap_get(struct cap_sets *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	memset(c, 0, sizeof(*c));
	return (int)syscall(SYS_capget, &h, c->data);
}

static int cap_set(struct cap_sets *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capset, &h, c->data);
}

int privilege_init(void)
{
	struct cap_sets c;

	if (getuid() == 0 && geteuid() == 0) {
		privilege_root = true;
		return 0;
	}
	if (cap_get(&c) < 0)
		return -1;
	if (!c.data[0].permitted && !c.data[1].permitted)
		return 0; /* an ordinary user: nothing to give up */
	c.data[0].permitted &= wanted_low;
	c.data[1].permitted = 0;
	privilege_available = c.data[0].permitted != 0;
	c.data[0].effective = c.data[1].effective = 0;
	c.data[0].inheritable = c.data[1].inheritable = 0;
	return cap_set(&c);
}

static void privilege_set_effective(bool on)
{
	struct cap_sets c;

	if (privilege_root || !privilege_available || cap_get(&c) < 0)
		return;
	c.data[0].effective = on ? c.data[0].permitted & wanted_low : 0;
	c.data[1].effective = 0;
	cap_set(&c);
}

bool privilege_may_load_bpf(void)
{
	/* CAP_BPF is 39, in the second word; not every libc's headers name it. */
	enum { PV_CAP_BPF = 39 };
	struct cap_sets c;

	if (cap_get(&c) < 0)
		return false;
	return (c.data[0].effective & (1u << CAP_SYS_ADMIN)) ||
	       (c.data[1].effective & (1u << (PV_CAP_BPF - 32)));
}

bool privilege_may_enter_netns(void)
{
	struct cap_sets c;

	return cap_get(&c) == 0 && (c.data[0].effective & (1u << CAP_SYS_ADMIN));
}

void privilege_raise(void)
{
	privilege_set_effective(true);
}

void privilege_lower(void)
{
	privilege_set_effective(false);
}
