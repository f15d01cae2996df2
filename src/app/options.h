/* Command-line options, driven by the settings table (settings.h): the
 * parser, --help and the man page check come from its rows, so they
 * cannot drift apart. */
#ifndef PV_OPTIONS_H
#define PV_OPTIONS_H

#include <stdio.h>

#include "settings.h"

/* Parses argv into cli (defaults first; cli->given says what the command
 * line gave) and the remaining words, joined by spaces, into *filter
 * (never NULL; the caller frees it). Returns 0, or -1 with a one-line
 * message in err (the caller prints it and exits 2). */
int options_parse(int argc, char **argv, struct settings *cli, char **filter, char *err, size_t errsize);
void options_usage(FILE *out);

#endif
