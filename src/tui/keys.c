#include "config.h"

#include "keys.h"

#include <curses.h>
#include <stddef.h>

#define CTRL(c) (0x1f & (c))

const char *const key_section_names[KEYS_SECTION_COUNT] = {
	[KEYS_NAVIGATION] = "Navigation",
	[KEYS_VIEW] = "View",
	[KEYS_FILTER] = "Filter",
	[KEYS_ACTIONS] = "Actions",
	[KEYS_PROMPT] = "In the prompt (/ and d)",
	[KEYS_HELP] = "In this help (?)",
	[KEYS_MENU] = "In every list and pane (k, c, F6, i)",
	[KEYS_KILL] = "In the signal list (k, F9)",
	[KEYS_COLUMNS] = "In the column chooser (c)",
	[KEYS_SORT] = "In the sort orders (F6)",
	[KEYS_DETAIL] = "In the details (i)",
};

/* The map each section's keys apply in. */
static const enum key_map section_maps[KEYS_SECTION_COUNT] = {
	[KEYS_NAVIGATION] = KEYMAP_LIST, [KEYS_VIEW] = KEYMAP_LIST,     [KEYS_FILTER] = KEYMAP_LIST,
	[KEYS_ACTIONS] = KEYMAP_LIST,    [KEYS_PROMPT] = KEYMAP_PROMPT, [KEYS_HELP] = KEYMAP_HELP,
	[KEYS_MENU] = KEYMAP_MENU,       [KEYS_KILL] = KEYMAP_KILL,     [KEYS_COLUMNS] = KEYMAP_COLUMNS,
	[KEYS_SORT] = KEYMAP_SORT,       [KEYS_DETAIL] = KEYMAP_DETAIL,
};

const struct key_binding key_bindings[] = {
	{ KEY_UP, "Up", ACT_UP, KEYS_NAVIGATION, "previous row" },
	{ KEY_DOWN, "Down", ACT_DOWN, KEYS_NAVIGATION, "next row" },
	{ KEY_PPAGE, "PgUp", ACT_PAGE_UP, KEYS_NAVIGATION, "previous page" },
	{ KEY_NPAGE, "PgDn", ACT_PAGE_DOWN, KEYS_NAVIGATION, "next page" },
	{ KEY_HOME, "Home", ACT_HOME, KEYS_NAVIGATION, "first row" },
	{ KEY_END, "End", ACT_END, KEYS_NAVIGATION, "last row" },
	{ ' ', "Space", ACT_TOGGLE, KEYS_NAVIGATION, "fold or unfold the group or listener" },
	{ '\r', "Enter", ACT_ENTER, KEYS_NAVIGATION, "fold a group; details of a socket" },
	{ '\n', NULL, ACT_ENTER, KEYS_NAVIGATION, NULL },
	{ KEY_ENTER, NULL, ACT_ENTER, KEYS_NAVIGATION, NULL },
	{ KEY_LEFT, "Left", ACT_LEFT, KEYS_NAVIGATION, "fold, or go to the parent row" },
	{ KEY_RIGHT, "Right", ACT_RIGHT, KEYS_NAVIGATION, "unfold" },
	{ '+', "+", ACT_EXPAND_ALL, KEYS_NAVIGATION, "unfold everything" },
	{ '-', "-", ACT_COLLAPSE_ALL, KEYS_NAVIGATION, "fold everything to group lines" },
	{ KEY_F(5), "F5", ACT_FOLD_FLIP, KEYS_NAVIGATION, "fold everything, or unfold everything" },
	{ KEY_F(3), "F3", ACT_FIND, KEYS_NAVIGATION,
	  "find: jump to the next row that matches, hiding nothing (filter words)" },

	{ 'g', "g", ACT_GROUP, KEYS_VIEW, "group by process, port, namespace, or not at all" },
	{ 's', "s", ACT_SORT, KEYS_VIEW, "next sort column" },
	{ KEY_F(6), "F6", ACT_SORT_MENU, KEYS_VIEW, "choose the sort order from a list" },
	{ 'S', "S", ACT_REVERSE, KEYS_VIEW, "reverse the order" },
	{ 'p', "p", ACT_PAUSE, KEYS_VIEW, "pause or resume refreshing" },
	{ 'r', "r", ACT_REFRESH, KEYS_VIEW, "refresh now" },
	{ 'd', "d", ACT_DELAY, KEYS_VIEW, "set the refresh interval" },
	{ 'i', "i", ACT_DETAIL, KEYS_VIEW, "details of the selected row" },
	{ 'E', "E", ACT_EVENTS, KEYS_VIEW,
	  "the event log: what opened, closed, changed state (the filter applies)" },
	{ 'c', "c C", ACT_COLUMNS, KEYS_VIEW, "choose the columns shown (W keeps the choice)" },
	{ 'C', NULL, ACT_COLUMNS, KEYS_VIEW, NULL },
	{ 'n', "n", ACT_TOGGLE_NAMES, KEYS_VIEW, "names or numbers: services and hosts (reverse DNS)" },

	{ '/', "/, F4", ACT_FILTER, KEYS_FILTER, "filter as you type (Enter keeps, Esc restores)" },
	{ KEY_F(4), NULL, ACT_FILTER, KEYS_FILTER, NULL },
	{ 27, "Esc", ACT_CLEAR_FILTER, KEYS_FILTER, "clear the filter and the toggles" },
	{ 'f', "f", ACT_FILTER_PROCESS, KEYS_FILTER, "filter to the selected row's process (pid:N)" },
	{ 'F', "F", ACT_FILTER_PORT, KEYS_FILTER, "filter to the selected row's local port (port:N)" },
	{ 'l', "l", ACT_TOGGLE_LISTEN, KEYS_FILTER, "listeners only" },
	{ 'e', "e", ACT_TOGGLE_ESTAB, KEYS_FILTER, "established connections only" },
	{ 't', "t", ACT_TOGGLE_TCP, KEYS_FILTER, "TCP only" },
	{ 'u', "u", ACT_TOGGLE_UDP, KEYS_FILTER, "UDP only" },
	{ '4', "4", ACT_TOGGLE_V4, KEYS_FILTER, "IPv4 only" },
	{ '6', "6", ACT_TOGGLE_V6, KEYS_FILTER, "IPv6 only" },
	{ 'x', "x", ACT_TOGGLE_UNIX, KEYS_FILTER, "show or hide UNIX domain sockets" },

	{ 'k', "k, F9", ACT_KILL, KEYS_ACTIONS, "send a signal to the owning process" },
	{ KEY_F(9), NULL, ACT_KILL, KEYS_ACTIONS, NULL },
	{ 'K', "K", ACT_CLOSE_CONN, KEYS_ACTIONS,
	  "close the selected connection (as ss -K; needs root): asks first" },
	{ 'w', "w", ACT_WHY, KEYS_ACTIONS,
	  "why a port is taken: who holds it, what a new server's bind meets" },
	{ 'W', "W", ACT_WRITE_SETTINGS, KEYS_ACTIONS,
	  "write the settings (grouping, sort, interval...) to the config file" },
	{ '?', "?", ACT_HELP, KEYS_ACTIONS, "this help" },
	{ KEY_F(1), "F1", ACT_HELP, KEYS_ACTIONS, NULL },
	{ 'q', "q", ACT_QUIT, KEYS_ACTIONS, "quit" },
	{ KEY_F(10), "F10", ACT_QUIT, KEYS_ACTIONS, NULL },
	{ CTRL('c'), "Ctrl-C", ACT_QUIT, KEYS_ACTIONS, NULL },

	{ '\r', "Enter", ACT_PROMPT_ACCEPT, KEYS_PROMPT, "keep what was typed" },
	{ '\n', NULL, ACT_PROMPT_ACCEPT, KEYS_PROMPT, NULL },
	{ KEY_ENTER, NULL, ACT_PROMPT_ACCEPT, KEYS_PROMPT, NULL },
	{ 27, "Esc", ACT_PROMPT_CANCEL, KEYS_PROMPT, "leave; the filter goes back to what it was" },
	{ KEY_LEFT, "Left", ACT_PROMPT_LEFT, KEYS_PROMPT, "a character back" },
	{ KEY_RIGHT, "Right", ACT_PROMPT_RIGHT, KEYS_PROMPT, "a character on" },
	{ KEY_HOME, "Home, Ctrl-A", ACT_PROMPT_HOME, KEYS_PROMPT, "the start of the line" },
	{ CTRL('a'), NULL, ACT_PROMPT_HOME, KEYS_PROMPT, NULL },
	{ KEY_END, "End, Ctrl-E", ACT_PROMPT_END, KEYS_PROMPT, "the end of the line" },
	{ CTRL('e'), NULL, ACT_PROMPT_END, KEYS_PROMPT, NULL },
	{ KEY_BACKSPACE, "Backspace", ACT_PROMPT_ERASE, KEYS_PROMPT,
	  "delete the character before the cursor" },
	{ 127, NULL, ACT_PROMPT_ERASE, KEYS_PROMPT, NULL },
	{ 8, NULL, ACT_PROMPT_ERASE, KEYS_PROMPT, NULL },
	{ KEY_DC, "Delete, Ctrl-D", ACT_PROMPT_DELETE, KEYS_PROMPT, "delete the character under the cursor" },
	{ CTRL('d'), NULL, ACT_PROMPT_DELETE, KEYS_PROMPT, NULL },
	{ CTRL('w'), "Ctrl-W", ACT_PROMPT_DELETE_WORD, KEYS_PROMPT, "delete the word before the cursor" },
	{ CTRL('u'), "Ctrl-U", ACT_PROMPT_CLEAR, KEYS_PROMPT, "delete all before the cursor" },
	{ CTRL('k'), "Ctrl-K", ACT_PROMPT_KILL_END, KEYS_PROMPT, "delete all from the cursor" },
	{ KEY_UP, "Up", ACT_PROMPT_OLDER, KEYS_PROMPT, "an older filter (kept across runs)" },
	{ KEY_DOWN, "Down", ACT_PROMPT_NEWER, KEYS_PROMPT, "a newer filter, then what was typed" },
	{ -1, "text", ACT_PROMPT_TYPE, KEYS_PROMPT, "the filter applies, or find jumps, as you type" },
	{ KEY_F(3), "F3, Ctrl-N", ACT_PROMPT_FIND_NEXT, KEYS_PROMPT, "find: the next row that matches" },
	{ CTRL('n'), NULL, ACT_PROMPT_FIND_NEXT, KEYS_PROMPT, NULL },

	{ KEY_UP, "Up", ACT_HELP_UP, KEYS_HELP, "scroll up a line" },
	{ KEY_DOWN, "Down", ACT_HELP_DOWN, KEYS_HELP, "scroll down a line" },
	{ KEY_PPAGE, "PgUp", ACT_HELP_PAGE_UP, KEYS_HELP, "a page up" },
	{ KEY_NPAGE, "PgDn, Space", ACT_HELP_PAGE_DOWN, KEYS_HELP, "a page down" },
	{ ' ', NULL, ACT_HELP_PAGE_DOWN, KEYS_HELP, NULL },
	{ KEY_HOME, "Home", ACT_HELP_HOME, KEYS_HELP, "the top" },
	{ KEY_END, "End", ACT_HELP_END, KEYS_HELP, "the end" },
	{ 'q', "q, Esc, ?, F1", ACT_HELP_CLOSE, KEYS_HELP, "close the help" },
	{ 27, NULL, ACT_HELP_CLOSE, KEYS_HELP, NULL },
	{ '?', NULL, ACT_HELP_CLOSE, KEYS_HELP, NULL },
	{ KEY_F(1), NULL, ACT_HELP_CLOSE, KEYS_HELP, NULL },
	{ CTRL('c'), "Ctrl-C", ACT_QUIT, KEYS_HELP, "quit" },

	{ KEY_UP, "Up, Left", ACT_MENU_UP, KEYS_MENU, "the previous entry (details: scroll up)" },
	{ KEY_LEFT, NULL, ACT_MENU_UP, KEYS_MENU, NULL },
	{ KEY_DOWN, "Down, Right, Tab", ACT_MENU_DOWN, KEYS_MENU, "the next entry (details: scroll down)" },
	{ KEY_RIGHT, NULL, ACT_MENU_DOWN, KEYS_MENU, NULL },
	{ '\t', NULL, ACT_MENU_DOWN, KEYS_MENU, NULL },
	{ KEY_PPAGE, "PgUp", ACT_MENU_PAGE_UP, KEYS_MENU, "a page up" },
	{ KEY_NPAGE, "PgDn", ACT_MENU_PAGE_DOWN, KEYS_MENU, "a page down" },
	{ KEY_HOME, "Home", ACT_MENU_HOME, KEYS_MENU, "the first entry" },
	{ KEY_END, "End", ACT_MENU_END, KEYS_MENU, "the last entry" },
	{ 27, "Esc", ACT_MENU_CLOSE, KEYS_MENU, "close; nothing is sent or changed" },
	{ CTRL('c'), "Ctrl-C", ACT_QUIT, KEYS_MENU, "quit" },

	{ -1, "1-9", ACT_KILL_NUMBER, KEYS_KILL, "that signal; letters never change the choice" },
	{ '\r', "Enter", ACT_KILL_CHOOSE, KEYS_KILL, "this one: asks to confirm, naming it" },
	{ '\n', NULL, ACT_KILL_CHOOSE, KEYS_KILL, NULL },
	{ KEY_ENTER, NULL, ACT_KILL_CHOOSE, KEYS_KILL, NULL },
	{ 'y', "y", ACT_KILL_YES, KEYS_KILL, "when asked: send it (any other key: do not)" },
	{ 'Y', NULL, ACT_KILL_YES, KEYS_KILL, NULL },

	{ ' ', "Space, Enter", ACT_COLUMN_FLIP, KEYS_COLUMNS, "show or hide it" },
	{ '\r', NULL, ACT_COLUMN_FLIP, KEYS_COLUMNS, NULL },
	{ '\n', NULL, ACT_COLUMN_FLIP, KEYS_COLUMNS, NULL },
	{ KEY_ENTER, NULL, ACT_COLUMN_FLIP, KEYS_COLUMNS, NULL },
	{ 'c', "c, C, q", ACT_COLUMN_CLOSE, KEYS_COLUMNS, "close the chooser" },
	{ 'C', NULL, ACT_COLUMN_CLOSE, KEYS_COLUMNS, NULL },
	{ 'q', NULL, ACT_COLUMN_CLOSE, KEYS_COLUMNS, NULL },

	{ '\r', "Enter, Space", ACT_SORT_CHOOSE, KEYS_SORT,
	  "sort by it; the order in use again reverses it" },
	{ '\n', NULL, ACT_SORT_CHOOSE, KEYS_SORT, NULL },
	{ KEY_ENTER, NULL, ACT_SORT_CHOOSE, KEYS_SORT, NULL },
	{ ' ', NULL, ACT_SORT_CHOOSE, KEYS_SORT, NULL },

	{ -1, "other keys", ACT_DETAIL_CLOSE, KEYS_DETAIL, "close the details" },
	{ 0, NULL, ACT_NONE, KEYS_ACTIONS, NULL },
};

enum key_action keys_lookup(enum key_map map, wint_t ch, bool is_key)
{
	int key = (int)ch;
	size_t i;

	if (!is_key && ch >= KEY_MIN)
		return ACT_NONE;
	for (i = 0; key_bindings[i].action != ACT_NONE; i++)
		if (key_bindings[i].key == key && key != -1 && section_maps[key_bindings[i].section] == map)
			return key_bindings[i].action;
	return ACT_NONE;
}

enum key_action keys_lookup_menu(enum key_map map, wint_t ch, bool is_key)
{
	enum key_action a = keys_lookup(map, ch, is_key);

	return a != ACT_NONE ? a : keys_lookup(KEYMAP_MENU, ch, is_key);
}
