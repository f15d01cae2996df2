/* The dashboard's key bindings: one table drives both the dispatch and the
 * help screen, so they cannot disagree. */
#ifndef PV_KEYS_H
#define PV_KEYS_H

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
	ACT_WRITE_SETTINGS,
	ACT_COLUMNS,
};

enum key_section { KEYS_NAVIGATION, KEYS_VIEW, KEYS_FILTER, KEYS_ACTIONS, KEYS_SECTION_COUNT };

struct key_binding {
	int key;          /* a character, or a curses KEY_* code */
	const char *name; /* as the help screen shows it; NULL: same as the previous line */
	enum key_action action;
	enum key_section section;
	const char *help;
};

extern const struct key_binding key_bindings[];
extern const char *const key_section_names[KEYS_SECTION_COUNT];

/* The action bound to key, ACT_NONE when unbound. */
enum key_action keys_lookup(int key);

#endif
