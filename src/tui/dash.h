/* The dashboard's state, shared by its files: the loop (dashboard.c),
 * the keys of each mode (dash_keys.c), the signal dialog (dash_kill.c)
 * and the frame it draws (dash_draw.c). Internal to the view. */
#ifndef PV_DASH_H
#define PV_DASH_H

#include <stdbool.h>
#include <wchar.h>

#include "dashboard.h"
#include "keys.h"
#include "kill_signals.h"
#include "model.h"
#include "prompt.h"
#include "screen.h"
#include "view_state.h"

enum mode {
	MODE_LIST,
	MODE_FILTER,
	MODE_DELAY,
	MODE_HELP,
	MODE_DETAIL,
	MODE_KILL,
	MODE_KILL_CONFIRM,
	MODE_COLUMNS,
	MODE_SORT,         /* the sort orders (F6) */
	MODE_FIND,         /* the find prompt (F3) */
	MODE_WHY,          /* the port prompt of w */
	MODE_WHY_REPORT,   /* what w found, as the details are shown */
	MODE_EVENTS,       /* the event log (E) */
	MODE_CLOSE_CONFIRM /* K's question */
};

struct kill_target {
	int pid;
	unsigned long long start_time;
	char *label; /* "nginx (pid 100, user root)", sanitised */
};

struct dash {
	const struct dashboard_host *host;
	const struct pv_model *model; /* the refresh shown; NULL before the first */
	struct view_state view;
	struct screen_layout layout;

	/* The settings in force, as d, the chooser and n change them; the
	 * grouping, the order and UNIX sockets live in the view and are taken
	 * from it when W writes these. Its config path is not this copy's. */
	struct settings set;
	bool paused, utf8;
	bool color;        /* drawn in colour: the setting, unless NO_COLOR says not */
	int column_choice; /* the chooser's cursor */
	int sort_choice;   /* the sort list's cursor: a column id + 1, 0 the natural order */
	const char *host_name;

	enum mode mode;
	struct prompt input;         /* the prompt's text */
	struct line_history history; /* filters kept with Enter, oldest first */
	char *filter_before;         /* restored by Esc */
	struct pv_filter *find;      /* what F3 looks for; NULL until something valid is typed */
	size_t find_from;            /* the visible row the find began on: Esc goes back */
	char prompt_error[200];
	char prompt_label[64]; /* the interval prompt's, with the interval in force */
	char status[300];
	bool status_is_error;
	double status_until;
	int detail_scroll;             /* the details' first line shown */
	int detail_last_top;           /* the first line that shows their end: set as they are drawn */
	size_t help_top;               /* the help's first line shown */
	char *why_text;                /* w's report: "label\tvalue\n" lines */
	int events_scroll;             /* the event log's first line shown */
	int events_lines;              /* how many lines it has, as last drawn */
	bool events_follow;            /* keep the newest in view */
	int kill_choice;               /* index into kill_signals */
	struct pv_socket close_target; /* K's connection, as it was when asked */
	char *close_label;             /* and in words, sanitised */
	struct kill_target kill;

	int timer_fd, signal_fd;
	unsigned dirty; /* EFFECT_* */
	bool quit;
};

/* dashboard.c */
double dash_now(void);
void dash_status(struct dash *d, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void dash_arm_timer(struct dash *d);

/* dash_keys.c: one key (or KEY_* code with is_key) in the current mode. */
void dash_key(struct dash *d, wint_t ch, bool is_key);

/* Moves a list's cursor *choice among count entries by a KEYMAP_MENU
 * action (a page is what the screen holds); false for other actions. */
bool dash_menu_move(int *choice, int count, enum key_action a);

/* dash_kill.c. With --remote: says that what (a key) acts on this machine
 * only, and returns true. */
bool dash_refuse_remote(struct dash *d, const char *what);
/* Picks the process a kill goes to: the group's, or the socket's primary
 * owner. False when the row has none. */
bool dash_kill_pick(struct dash *d);
/* Keys of the signal dialog and its confirmation. */
void dash_kill_key(struct dash *d, wint_t ch, bool is_key);
/* K: takes the selected connection to ask about; false (with a status
 * saying why) when the row is none. */
bool dash_close_pick(struct dash *d);
/* The answer to K's question. */
void dash_close_key(struct dash *d, wint_t ch, bool is_key);

/* dash_draw.c: draws the frame the state describes. */
void dash_draw(struct dash *d);

#endif
