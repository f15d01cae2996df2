/* --stream: the model of each refresh as NDJSON for another portview
 * (--remote reads it over ssh) or a script: a hello line naming the wire
 * version, then the whole model once, then each refresh's changes by
 * key. doc/FORMATS.md is the contract; collect/fleet_parse.h reads it. */
#ifndef PV_STREAM_H
#define PV_STREAM_H

#include <stdio.h>

#include "model.h"
#include "wire.h"

struct stream_writer;

struct stream_writer *stream_writer_new(void);
void stream_writer_free(struct stream_writer *sw);

/* The first line: {"type":"hello","stream":1,"version":...,"host":...}. */
void stream_write_hello(FILE *out, const char *host, double interval);

/* One line for model m: "snapshot" the first time, then "diff" with what
 * was added or changed and the keys of what went (also when nothing did:
 * the line says the host is alive). now is the monotonic time of m's
 * refresh, that ages are counted from. */
void stream_write(struct stream_writer *sw, FILE *out, const struct pv_model *m, double now);

#endif
