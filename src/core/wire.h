/* What --stream's writer (output/stream.c) and --remote's reader
 * (collect/fleet_host.c) must agree on, beyond doc/FORMATS.md's words. */
#ifndef PV_WIRE_H
#define PV_WIRE_H

#include <stdint.h>

/* The wire version: a reader refuses any other. Raised whenever a line
 * changes meaning, not when one only gains a member. */
#define PV_STREAM_VERSION 1

/* A process's key on the wire: its pid and start time, which together
 * name it (2^42 clock ticks is over a thousand years at 100 Hz). */
static inline uint64_t wire_process_key(int pid, unsigned long long start_time)
{
	return ((uint64_t)(unsigned)pid << 42) | (start_time & ((1ULL << 42) - 1));
}

#endif
