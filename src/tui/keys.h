/* The dashboard's key bindings, the list's and those of each modal mode
 * (the prompt, the signal dialog, the column chooser, the detail pane):
 * one table drives both the dispatch and the help screen, so they cannot
 * disagree. */
#ifndef PV_KEYS_H
#define PV_KEYS_H

#include <stdbool.h>
#include <wchar.h>

enum key_action {
	ACT_NONE,
	ACT_QUIT,
	ACT_HELP,
	ACT_UP,
	ACT_DOWN,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_HOME,
	ACT_END,
	ACT_ENTER,
	ACT_TOGGLE,
	ACT_LEFT,
	ACT_RIGHT,
	ACT_EXPAND_ALL,
	ACT_COLLAPSE_ALL,
	ACT_FILTER,
	ACT_CLEAR_FILTER,
	ACT_TOGGLE_LISTEN,
	ACT_TOGGLE_ESTAB,
	ACT_TOGGLE_TCP,
	ACT_TOGGLE_UDP,
	ACT_TOGGLE_V4,
	ACT_TOGGLE_V6,
	ACT_TOGGLE_UNIX,
	ACT_TOGGLE_NAMES,
	ACT_SORT,
	ACT_REVERSE,
	ACT_GROUP,
	ACT_PAUSE,
	ACT_REFRESH,
	ACT_DELAY,
	ACT_DETAIL,
	ACT_KILL,
	ACT_WHY,
	ACT_EVENTS,
	ACT_CLOSE_CONN,
	ACT_WRITE_SETTINGS,
	ACT_COLUMNS,
	ACT_FIND,
	ACT_FOLD_FLIP,
	ACT_SORT_MENU,
	ACT_FILTER_PROCESS,
	ACT_FILTER_PORT,
	/* the prompt */
	ACT_PROMPT_ACCEPT,
	ACT_PROMPT_CANCEL,
	ACT_PROMPT_ERASE,
	ACT_PROMPT_CLEAR,
	ACT_PROMPT_DELETE,
	ACT_PROMPT_DELETE_WORD,
	ACT_PROMPT_KILL_END,
	ACT_PROMPT_LEFT,
	ACT_PROMPT_RIGHT,
	ACT_PROMPT_HOME,
	ACT_PROMPT_END,
	ACT_PROMPT_OLDER,
	ACT_PROMPT_NEWER,
	ACT_PROMPT_TYPE,
	ACT_PROMPT_FIND_NEXT,
	/* every list and pane (the signals, the columns, the sort orders,
	 * the details) */
	ACT_MENU_UP,
	ACT_MENU_DOWN,
	ACT_MENU_PAGE_UP,
	ACT_MENU_PAGE_DOWN,
	ACT_MENU_HOME,
	ACT_MENU_END,
	ACT_MENU_CLOSE,
	/* the signal dialog */
	ACT_KILL_NUMBER,
	ACT_KILL_CHOOSE,
	ACT_KILL_YES,
	/* the column chooser */
	ACT_COLUMN_FLIP,
	ACT_COLUMN_CLOSE,
	/* the sort menu */
	ACT_SORT_CHOOSE,
	/* the detail pane */
	ACT_DETAIL_CLOSE,
	/* the help */
	ACT_HELP_UP,
	ACT_HELP_DOWN,
	ACT_HELP_PAGE_UP,
	ACT_HELP_PAGE_DOWN,
	ACT_HELP_HOME,
	ACT_HELP_END,
	ACT_HELP_CLOSE,
};

/* Sections of the help screen; those from KEYS_PROMPT on belong to a
 * modal mode and apply only there. */
enum key_section {
	KEYS_NAVIGATION,
	KEYS_VIEW,
	KEYS_FILTER,
	KEYS_ACTIONS,
	KEYS_PROMPT,
	KEYS_HELP,
	KEYS_MENU,
	KEYS_KILL,
	KEYS_COLUMNS,
	KEYS_SORT,
	KEYS_DETAIL,
	KEYS_SECTION_COUNT
};

/* Where a key is looked up: the list, or one modal mode. */
enum key_map {
	KEYMAP_LIST,
	KEYMAP_PROMPT,
	KEYMAP_HELP,
	KEYMAP_MENU, /* asked after the dialog's own map */
	KEYMAP_KILL,
	KEYMAP_COLUMNS,
	KEYMAP_SORT,
	KEYMAP_DETAIL
};

struct key_binding {
	int key;          /* a character, or a curses KEY_* code */
	const char *name; /* as the help screen shows it; NULL: same as the previous line */
	enum key_action action;
	enum key_section section;
	const char *help;
};

extern const struct key_binding key_bindings[];
extern const char *const key_section_names[KEYS_SECTION_COUNT];

/* The action bound in map to what get_wch gave: a character, or with
 * is_key a KEY_* code. ACT_NONE when unbound; a wide character is never
 * mistaken for a function key's code. */
enum key_action keys_lookup(enum key_map map, wint_t ch, bool is_key);
/* The same for a list or pane: its own map first, then KEYMAP_MENU's
 * scrolling keys. */
enum key_action keys_lookup_menu(enum key_map map, wint_t ch, bool is_key);

#endif
