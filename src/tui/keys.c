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

	{ 'g', "g", ACT_GROUP, KEYS_VIEW, "group by process, port, or not at all" },
	{ 's', "s", ACT_SORT, KEYS_VIEW, "next sort column" },
	{ 'S', "S", ACT_REVERSE, KEYS_VIEW, "reverse the order" },
	{ 'p', "p", ACT_PAUSE, KEYS_VIEW, "pause or resume refreshing" },
	{ 'r', "r", ACT_REFRESH, KEYS_VIEW, "refresh now" },
	{ 'd', "d", ACT_DELAY, KEYS_VIEW, "set the refresh interval" },
	{ 'i', "i", ACT_DETAIL, KEYS_VIEW, "details of the selected row" },
	{ 'c', "c C", ACT_COLUMNS, KEYS_VIEW, "choose the columns shown (W keeps the choice)" },
	{ 'C', NULL, ACT_COLUMNS, KEYS_VIEW, NULL },
	{ 'n', "n", ACT_TOGGLE_NAMES, KEYS_VIEW, "names or numbers: services and hosts (reverse DNS)" },

	{ '/', "/", ACT_FILTER, KEYS_FILTER, "filter as you type (Enter keeps, Esc restores)" },
	{ 27, "Esc", ACT_CLEAR_FILTER, KEYS_FILTER, "clear the filter and the toggles" },
	{ 'l', "l", ACT_TOGGLE_LISTEN, KEYS_FILTER, "listeners only" },
	{ 'e', "e", ACT_TOGGLE_ESTAB, KEYS_FILTER, "established connections only" },
	{ 't', "t", ACT_TOGGLE_TCP, KEYS_FILTER, "TCP only" },
	{ 'u', "u", ACT_TOGGLE_UDP, KEYS_FILTER, "UDP only" },
	{ '4', "4", ACT_TOGGLE_V4, KEYS_FILTER, "IPv4 only" },
	{ '6', "6", ACT_TOGGLE_V6, KEYS_FILTER, "IPv6 only" },
	{ 'x', "x", ACT_TOGGLE_UNIX, KEYS_FILTER, "show or hide UNIX domain sockets" },

	{ 'k', "k", ACT_KILL, KEYS_ACTIONS, "send a signal to the owning process" },
	{ 'W', "W", ACT_WRITE_SETTINGS, KEYS_ACTIONS,
	  "write the settings (grouping, sort, interval...) to the config file" },
	{ '?', "?", ACT_HELP, KEYS_ACTIONS, "this help" },
	{ KEY_F(1), "F1", ACT_HELP, KEYS_ACTIONS, NULL },
	{ 'q', "q", ACT_QUIT, KEYS_ACTIONS, "quit" },
	{ KEY_F(10), "F10", ACT_QUIT, KEYS_ACTIONS, NULL },
	{ CTRL('c'), "Ctrl-C", ACT_QUIT, KEYS_ACTIONS, NULL },
	{ 0, NULL, ACT_NONE, KEYS_ACTIONS, NULL },
};

enum key_action keys_lookup(int key)
{
	size_t i;

	for (i = 0; key_bindings[i].action != ACT_NONE; i++)
		if (key_bindings[i].key == key)
			return key_bindings[i].action;
	return ACT_NONE;
}
