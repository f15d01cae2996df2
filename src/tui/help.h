/* The help screen: every key of the key table by section (the modal
 * modes' too), the mouse, what the marks mean and every filter word,
 * wrapped to the terminal's width and scrolled a window at a time. */
#ifndef PV_HELP_H
#define PV_HELP_H

#include <stddef.h>

/* Draws the help from line *top (clamped: on return the top drawn) and
 * returns the largest top that still fills the screen. */
size_t help_draw(size_t *top);

#endif
