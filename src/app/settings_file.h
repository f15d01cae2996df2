/* The files in the settings folder (the settings, the filter history):
 * where they live, and reading and replacing them. Each is opened with
 * the rights of the user who ran portview (privilege.h keeps file
 * capabilities off here) and never through a symbolic link. */
#ifndef PV_SETTINGS_FILE_H
#define PV_SETTINGS_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "lineedit.h"
#include "settings.h"

/* $XDG_CONFIG_HOME/portview/config, else ~/.config/portview/config; NULL
 * when neither variable is set. Free the result. */
char *settings_default_path(void);
/* The same folder's file called name ("history"); NULL likewise. */
char *settings_folder_file(const char *name);

/* Reads path into s. A missing file is no error when missing_ok. Bad
 * lines are skipped; each is described in problems ("FILE:LINE: ...",
 * separated by "; ") for the caller to show. Returns 0, or -1 when the
 * file could not be read (also described in problems). */
int settings_load(const char *path, bool missing_ok, struct settings *s, char *problems, size_t size);

/* Replaces path with s atomically (a temporary file in the same folder,
 * then rename), creating its folder. Returns 0, or -1 with a message. */
int settings_save(const char *path, const struct settings *s, char *err, size_t errsize);

/* Reads the filter history at path into h; a missing file is an empty
 * history. Returns 0, or -1 with a message (h is then empty). */
int history_load(const char *path, struct line_history *h, char *err, size_t errsize);
/* Replaces path with h as settings_save does. */
int history_save(const char *path, const struct line_history *h, char *err, size_t errsize);

#endif
