#!/bin/bash
# The htop and TCPView habits: find without filtering (F3), the sort list
# (F6), fold all (F5), filter to the selected row (f, F), where the list
# is (rows N-M of T), the keys of every list, and a signal list where
# only what is shown chooses.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool tmux
export LC_ALL=C.UTF-8

helper srv name srv listen tcp 127.0.0.1 8080 listen tcp 127.0.0.1 8081
helper db name postgres listen tcp 127.0.0.1 5432
helper cli name psql connect 127.0.0.1 5432 connect 127.0.0.1 8080
helper victim name victim listen tcp 127.0.0.1 7000
# Enough rows that the list scrolls on 30 lines.
helper many name many udpmany 60

keys() { tm send-keys -t pv "$@"; sleep 0.3; }
proc_state() { awk '{ print $3 }' "/proc/$1/stat"; }

dashboard_start 140x30 "$PORTVIEW -d 0.5; echo EXIT=\$?; sleep 60"

# Where the list is.
check "the bottom line says which rows show" screen_has 'rows 1-[0-9]+ of [0-9]+ *$'
keys NPage NPage
check "after PgDn the rows shown are further on" screen_has 'rows [1-9][0-9]+-[0-9]+ of [0-9]+ *$'
keys Home

# Find jumps and hides nothing; F filters to the row found.
keys F3
check "F3 opens the find prompt" screen_has '^find:'
keys -l ':8081'
check "find hides no row" screen_has ':5432'
keys Enter
check "Enter leaves the find prompt" screen_has '\?help'
keys F
check "find went to the :8081 row (F filters to its port)" screen_has 'filter port:8081'
check "F applied the port" screen_lacks ':5432'
keys Escape
check "Esc clears what F set" screen_has ':5432'
keys F3
keys -l 'nosuchprocess'
check "find says when no row matches" screen_has 'no row matches'
keys Escape
keys F3
keys -l 'postgres'
keys Enter f
check "f filters to the process of the row found" screen_has "filter pid:$(helper_pid db)"
check "f keeps that process's rows" screen_has ':5432'
check "f hides the others" screen_lacks ':8081'
keys Escape

# F4 is / as in htop.
keys F4
check "F4 opens the filter prompt" screen_has '^/$'
keys Escape

# The details scroll by line, by page and to their ends (80x10: they do
# not fit).
keys / C-u
keys -l 'port:5432 state:listen'
keys Enter Home Down
tm resize-window -t pv -x 80 -y 10
sleep 0.5
keys i
check "the details start at the top" screen_has 'local +127\.0\.0\.1:5432'
keys End
check "End shows their last line" screen_has 'command +'
check "and their top is out of sight" screen_lacks 'local +127\.0\.0\.1:5432'
keys Home
check "Home goes back to the top" screen_has 'local +127\.0\.0\.1:5432'
keys PgDn
check "PgDn scrolls a page" screen_lacks 'local +127\.0\.0\.1:5432'
keys q
tm resize-window -t pv -x 140 -y 30
sleep 0.5
keys Escape

# The sort list names every column; Enter on the order in use reverses.
keys F6
check "F6 opens the sort list" screen_has 'natural: protocol, port, address'
check "the sort list names the columns" screen_has 'COMMAND'
keys End Enter
check "End Enter sorts by the last column" screen_has 'sort COMMAND'
keys F6 Enter
check "choosing the order in use reverses it" screen_has 'sort COMMAND \(reversed\)'
keys F6 Home Enter
check "Home Enter goes back to the natural order" screen_has 'sort natural'

# F5 folds everything, then unfolds it.
keys F5
check "F5 folds every group" screen_lacks 'LISTEN|UNCONN'
keys F5
check "F5 again unfolds them" screen_has 'LISTEN|UNCONN'

# The column chooser knows End and Esc.
keys c End Space Escape
check "End in the chooser reaches COMMAND, Space hides it" screen_lacks 'COMMAND'
keys c End Space Escape
check "and shows it again" screen_has 'COMMAND'

# The signal list: a second k, or any letter, changes nothing.
keys / C-u
keys -l 'proc:victim'
keys Enter Home k
for sig in STOP CONT USR1 USR2 QUIT; do
	check "the signal list offers SIG$sig" screen_has "SIG$sig"
done
keys k K h Enter
check "k k Enter asks to send TERM, not KILL" screen_has 'send SIGTERM \(15\) to victim'
keys n
check "any key but y sends nothing" screen_has 'no signal sent'
check "the victim lives" kill -0 "$(helper_pid victim)"
keys k 7 Enter
check "7 chooses STOP" screen_has 'send SIGSTOP \(19\) to victim'
keys y
check "SIGSTOP stopped it" wait_for 3 bash -c "[ \"\$(awk '{ print \$3 }' /proc/$(helper_pid victim)/stat)\" = T ]"
keys k Down Down Down Down Down Down Down Enter
check "arrows choose too: seven down is CONT" screen_has 'send SIGCONT \(18\) to victim'
keys y
check "SIGCONT let it run again" wait_for 3 bash -c "[ \"\$(awk '{ print \$3 }' /proc/$(helper_pid victim)/stat)\" != T ]"
keys F9 Escape
check "Esc in the list sends nothing" screen_has 'no signal sent'
check "the victim still lives" kill -0 "$(helper_pid victim)"
keys F9 Enter y
check "F9 Enter y sends TERM" wait_for 3 bash -c "! kill -0 $(helper_pid victim) 2>/dev/null"

keys F10
check "F10 quits" wait_for 3 screen_has '^EXIT=0'
tmux_cleanup
finish
