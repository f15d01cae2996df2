#!/bin/bash
# Learning the dashboard at 80x24 and 40x10: a help that scrolls and lists
# every key of the key table, the mouse, the marks and every filter word;
# prompts that edit like a shell's line, with a history; a terminal that
# cannot address the cursor is refused.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool tmux

helper srv name srv listen tcp 127.0.0.1 8080
KEYS_C=$TESTS_DIR/../src/tui/keys.c

keys() { tm send-keys -t pv "$@"; sleep 0.25; }

# Every key name the key table gives a help text for ("Up", "Ctrl-W",
# "q, Esc, ?, F1"), one a line.
key_names() {
	sed -nE 's/^[[:space:]]*\{ [^"]*"([^"]+)", ACT_[A-Z_]+, KEYS_[A-Z]+, ".*/\1/p' "$KEYS_C"
}
[ "$(key_names | wc -l)" -gt 50 ] || fail "could not read the key table's names from $KEYS_C"

# help_pages: every line of the help, paging from the top to the end.
help_pages() {
	local i
	keys Home
	for i in $(seq 1 60); do
		screen
		screen | head -n 1 | grep -qE ' ([0-9]+)-([0-9]+) of \2$' && return
		keys NPage
	done
}

for size in 80x24 40x10; do
	dashboard_start "$size" "$PORTVIEW -d 0.5"
	keys '?'
	help_pages >"$WORK/help-$size.txt"
	missing=$(key_names | while IFS= read -r name; do
		grep -qF -- "  $name" "$WORK/help-$size.txt" || printf '%s; ' "$name"
	done)
	check "at $size the help lists every key of the key table (missing: $missing)" [ -z "$missing" ]
	for word in proto: path: flag: sport: dport: laddr: raddr: pid: user: state: 'unix' 'click' 'n/backlog' '<-' '->'; do
		check "at $size the help explains '$word'" grep -qF -- "$word" "$WORK/help-$size.txt"
	done
	check "at $size the help was read to its last line" grep -qE '^help.* [0-9]+-([0-9]+) of \1$' <(screen | head -n 1)
	keys q
	check "at $size q closes the help" screen_has '^filter none'
done

# The scroll position moves one line with Down and back with Up.
dashboard_start 80x24 "$PORTVIEW -d 0.5"
keys '?'
check "the help starts at its first line" screen_has '^help.* 1-23 of'
keys Down
check "Down scrolls one line" screen_has '^help.* 2-24 of'
keys Up
check "Up scrolls back" screen_has '^help.* 1-23 of'
keys End
keys Escape
check "Esc closes the help" screen_has '^filter none'

# The interval prompt starts empty: what is typed replaces the interval.
keys d
check "the interval prompt names the interval in force" screen_has 'refresh every \(seconds, now 0.5\):'
keys -l 2.5
keys Enter
check "typing 2.5 sets 2.5 s, not 0.52.5" screen_has 'every 2\.5s'
keys d Enter
check "Enter alone keeps the interval" screen_has 'every 2\.5s'

# The filter line edits like a shell's: the cursor moves, text goes in at
# the cursor, Ctrl-W deletes a word.
keys /
keys -l 'port:8080'
keys Home
keys -l 'tcp '
check "text typed after Home goes at the start" screen_has '^/tcp port:8080'
keys End C-w
check "Ctrl-W deletes the word before the cursor" screen_has '^/tcp *$'
keys -l 'port:8080'
keys Left Left Left Left BSpace
check "Backspace deletes before the cursor, not at the end" screen_has '^/tcp port8080'
keys C-a DC
check "Ctrl-A and Delete edit the start" screen_has '^/cp port8080'
keys C-e C-u
keys -l 'port:8080'
keys Enter
check "the edited filter applies" screen_has '^filter port:8080'
keys / C-u
keys -l 'proc:srv'
keys Enter
# The history: Up brings back filters kept with Enter, newest first.
keys / C-u Up
check "Up recalls the last filter" screen_has '^/proc:srv'
keys Up
check "Up again recalls the one before" screen_has '^/port:8080'
keys Down Down
check "Down past the newest gives back the empty line" screen_has '^/$'
keys Escape
check "Esc leaves the prompt with the filter as it was" screen_has '^filter proc:srv'
check "the history is kept in the settings folder" grep -qx 'port:8080' "$XDG_CONFIG_HOME/portview/history"
check "the history file is the user's alone" [ "$(stat -c %a "$XDG_CONFIG_HOME/portview/history")" = 600 ]
# An empty list says which term matched nothing.
keys / C-u
keys -l 'port:9999 proc:srv'
check "an empty list names the term that matched nothing" screen_has "nothing matches 'port:9999'\$"
keys Escape
keys q

# A new dashboard finds the history of the last one.
dashboard_start 80x24 "$PORTVIEW -d 0.5"
keys / Up
check "the history survives a restart" screen_has '^/proc:srv'
keys Escape q

# A long filter keeps the cursor on screen.
dashboard_start 40x10 "$PORTVIEW -d 0.5"
keys /
keys -l "$(printf 'port:%d | ' $(seq 8000 8010))port:8080"
check "a line longer than the screen shows its end after '<'" screen_has '^<.*port:8080$'
keys Escape q

# TERM=dumb cannot address the cursor: a one-line error, exit 2.
dashboard_start 80x24 "TERM=dumb $PORTVIEW; echo EXIT=\$?; sleep 30"
wait_for 3 screen_has 'EXIT=' || true
check "TERM=dumb is refused with a hint" screen_has "^portview: the terminal 'dumb' cannot move the cursor; use --once"
check "TERM=dumb exits 2" screen_has '^EXIT=2$'

# Keys come from a terminal: with none on standard input, one line, exit 2.
dashboard_start 80x24 "$PORTVIEW </dev/null; echo EXIT=\$?; sleep 30"
wait_for 3 screen_has 'EXIT=' || true
check "no terminal to read keys from is refused with a hint" screen_has '^portview: the dashboard needs a terminal; use --once'
check "and exits 2" screen_has '^EXIT=2$'

finish
