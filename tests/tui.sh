#!/bin/bash
# The dashboard driven as a person uses it: tmux runs portview in a private
# network namespace, send-keys types, capture-pane reads the screen.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool tmux

# Each dashboard gets a tmux server of its own: reusing a socket right after
# kill-server can reach the server that is still shutting down.
SERVERS=0
TMUX_SOCKET="pvtest$$-0"
tm() { tmux -L "$TMUX_SOCKET" "$@"; }
screen() { tm capture-pane -p -t pv; }
screen_has() { screen | grep -qE -- "$1"; }
screen_lacks() { ! screen | grep -qE -- "$1"; }
keys() { tm send-keys -t pv "$@"; sleep 0.3; }
cleanup_tmux() {
	local i
	for i in $(seq 0 "$SERVERS"); do tmux -L "pvtest$$-$i" kill-server 2>/dev/null; done
	cleanup
}
trap cleanup_tmux EXIT

helper srv name srv listen tcp 127.0.0.1 8080 listen tcp 127.0.0.1 8081
helper db name postgres listen tcp 127.0.0.1 5432
helper cli name psql connect 127.0.0.1 5432 connect 127.0.0.1 8080
helper dns name resolved udp 127.0.0.1 53
helper evil name $'\e[2J\e]0;pwned\a\xe2\x80\xae' listen tcp 127.0.0.1 6666

# The shell around portview reports its exit status once it is gone.
start_dashboard() {
	tm kill-server 2>/dev/null
	SERVERS=$((SERVERS + 1))
	TMUX_SOCKET="pvtest$$-$SERVERS"
	tm new-session -d -s pv -x "${COLS:-120}" -y "${ROWS:-30}" \
		"$PORTVIEW $*; echo \"EXIT=\$?\"; sleep 60"
	wait_for 5 screen_has '^portview '
}

start_dashboard -d 0.5 --highlight 2
check "the dashboard shows the server with its listeners" screen_has "srv  pid $(helper_pid srv)  user root  2 listening, 1 connection"
check "listener rows carry address and owner" screen_has "LISTEN +127\.0\.0\.1:5432 +\* .*postgres $(helper_pid db)"
check "clients come under their own process" screen_has "psql  pid $(helper_pid cli)  user root  0 listening, 2 connections \(client\)"
check "the header counts sockets and processes" screen_has 'listening 5  established 4  other 0 +processes 5'
check "the column header is there" screen_has "PROTO +STATE +LOCAL +REMOTE"
check "the bottom line tells what to do" screen_has '\?help +/filter'

# A hostile process name is shown escaped, never interpreted: the screen
# was not cleared, the title not set, the text not reversed.
check "a hostile name is shown escaped" screen_has '\\x1b\[2J\\x1b\]0;pwned\\x07'
check "the dashboard survived the hostile name" screen_has '^portview '
check "no escape byte reaches the terminal from a name" bash -c "! tmux -L \$1 capture-pane -e -p -t pv | grep -q \$'\\e\\]0;'" _ "$TMUX_SOCKET"

# Filtering as you type: the list narrows on each keystroke.
keys /
keys -l 'port:5432'
check "the prompt shows the filter" screen_has '^/port:5432'
check "only port 5432 is listed" screen_lacks ':8080'
check "the listener and both ends of its connection stay" [ "$(screen | grep -c '127\.0\.0\.1:5432')" -eq 3 ]
keys Enter
check "Enter keeps the filter" screen_has '^filter port:5432'
keys / C-u Enter
check "an empty filter shows everything again" screen_has ':8080'
keys /
keys -l 'port:5432x'
check "a malformed filter says why" screen_has "port must be a number from 0 to 65535, not '5432x'"
check "the last valid filter stays applied" [ "$(screen | grep -c '127\.0\.0\.1:5432')" -eq 3 ]
check "the last valid filter stays applied, hiding the rest" screen_lacks ':8080'
keys Escape
check "Esc leaves the prompt" screen_has '\?help'
check "Esc restores the filter from before the prompt" screen_has ':8080'
# The help (every key, scrolling, sizes): tests/tui_help.sh.
keys '?'
check "? opens the help" screen_has '^help '
keys q
check "q closes the help" screen_has '\?help +/filter'
tm resize-window -t pv -x 120 -y 30
sleep 0.3
keys l
check "l shows listeners only" screen_has 'filter \[listening\]'
check "l hides connections" screen_lacks 'ESTAB'
keys l

# A listener opened now appears marked new within two refreshes; closed, it
# is marked and then goes.
helper late name latecomer listen tcp 127.0.0.1 9999
check "a new listener appears" wait_for 2 screen_has '127\.0\.0\.1:9999'
check "the new listener is marked +" screen_has '^\+ .*127\.0\.0\.1:9999'
kill "$(helper_pid late)"
check "a closed listener is marked x" wait_for 2 screen_has '^x .*127\.0\.0\.1:9999'
check "the closed listener goes after the highlight time" wait_for 5 screen_lacks '127\.0\.0\.1:9999'

# Grouping, sorting, folding.
keys g
check "g groups by port" screen_has 'tcp port 5432  postgres'
keys g
check "g again groups by namespace" screen_has 'netns host \(host\)'
keys g
check "g a third time lists sockets flat" screen_has 'group none'
keys g
keys s
check "s sorts by a column" screen_has 'sort PROCESS'
keys S
check "S reverses" screen_has 'sort PROCESS \(reversed\)'
keys s s s s s s s s s s
check "s cycles back to the natural order" screen_has 'sort natural'
keys Home -
check "- folds every group" screen_lacks 'LISTEN'
keys +
check "+ unfolds them" screen_has 'LISTEN'

# The cursor stays on its row across refreshes.
keys Home Down Down
before=$(screen | grep -n . | sed -n 5p)
sleep 1.2
check "a refresh does not move the cursor" [ "$(screen | grep -n . | sed -n 5p)" = "$before" ]

# Details and help.
keys Home Down i
check "i shows details with the cookie" screen_has 'cookie [0-9]+'
check "details show the command line" screen_has "command +$SOCKHELPER"
keys Escape
keys '?'
check "? shows the key help" screen_has 'Navigation'
check "the help is generated from the key table" screen_has 'fold or unfold the group'
keys Escape

# Pause.
keys p
check "p pauses" screen_has 'PAUSED'
keys p
check "p resumes" screen_lacks 'PAUSED'

# Resize down and back.
tm resize-window -t pv -x 60 -y 20
sleep 0.5
check "at 60x20 the header is still there" screen_has '^.*listen [0-9]+  estab [0-9]+  other'
check "at 60x20 the list is still there" screen_has 'postgres'
tm resize-window -t pv -x 30 -y 8
sleep 0.5
check "below 40x10 it says the terminal is too small" screen_has 'terminal too small'
tm resize-window -t pv -x 120 -y 30
sleep 0.5
check "back at 120x30 the screen is whole" screen_has 'PROTO +STATE +LOCAL +REMOTE +RECV-Q +SEND-Q +IN/s +OUT/s +USER +PROCESS'

# A resize storm leaves a whole screen.
for i in $(seq 1 25); do
	tm resize-window -t pv -x $((60 + i)) -y $((15 + i % 10))
	tm resize-window -t pv -x 120 -y 30
done
sleep 0.7
check "after 50 resizes the header is whole" screen_has '^portview .*listening [0-9]+  established'
check "after 50 resizes the columns are whole" screen_has 'PROTO +STATE +LOCAL +REMOTE +RECV-Q +SEND-Q +IN/s +OUT/s +USER +PROCESS'
check "after 50 resizes the bottom line is there" screen_has '\?help +/filter'

# Kill: the signal goes to the right process, after a confirmation.
keys / C-u
keys -l 'proc:srv'
keys Enter Home k
check "k asks which signal to send" screen_has 'SIGTERM'
check "the dialog names the process" screen_has "srv \(pid $(helper_pid srv), user root\)"
keys Enter
check "Enter asks for confirmation, naming the signal" screen_has 'send SIGTERM \(15\) to srv'
keys y
check "the server got SIGTERM" wait_for 3 bash -c "! kill -0 $(helper_pid srv) 2>/dev/null"
check "the outcome is reported" screen_has 'sent SIGTERM to srv'

# q quits with status 0 and gives the terminal back.
keys q
check "q exits 0" wait_for 3 screen_has '^EXIT=0'
check "the dashboard is gone from the screen" screen_lacks '\?help'

# SIGTERM also restores the terminal.
start_dashboard
# The pane runs a shell whose child is this dashboard (and no other).
kill -TERM "$(pgrep -P "$(tm list-panes -t pv -F '#{pane_pid}')" -x portview)"
check "SIGTERM ends the dashboard cleanly" wait_for 3 screen_has '^EXIT=0'

# Ctrl-Z in an interactive shell stops the dashboard and gives the shell
# its screen back; fg brings the dashboard back whole.
tm kill-server 2>/dev/null
SERVERS=$((SERVERS + 1))
TMUX_SOCKET="pvtest$$-$SERVERS"
tm new-session -d -s pv -x 120 -y 30 "bash --norc --noprofile -i"
sleep 0.5
keys -l "PS1='shell> ' $PORTVIEW"
keys Enter
check "the dashboard starts from an interactive shell" wait_for 5 screen_has '^portview '
keys C-z
check "Ctrl-Z stops it and the shell says so" wait_for 3 screen_has 'Stopped'
check "Ctrl-Z gives the shell its screen back" screen_lacks '\?help'
keys -l fg
keys Enter
check "fg brings the dashboard back" wait_for 3 screen_has '\?help +/filter'
check "fg brings the list back" wait_for 3 screen_has 'postgres'
keys q
check "q after fg returns to the shell" wait_for 3 screen_has 'shell> '

# SIGHUP (the terminal went away) and SIGINT restore the terminal too.
for sig in HUP INT; do
	start_dashboard
	kill -"$sig" "$(pgrep -P "$(tm list-panes -t pv -F '#{pane_pid}')" -x portview)"
	check "SIG$sig ends the dashboard cleanly" wait_for 3 screen_has '^EXIT=0'
	check "after SIG$sig the screen is the shell's again" screen_lacks '\?help'
done

# A kill the kernel refuses is reported, and nothing happens: an ordinary
# user given the capabilities that reveal owners (as the README's setcap
# line does) sees root's postgres but may not signal it.
if command -v setpriv >/dev/null; then
	PORTVIEW="setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=+dac_read_search,+sys_ptrace --ambient-caps=+dac_read_search,+sys_ptrace \
		$PORTVIEW" start_dashboard -d 0.5
	check "with read capabilities an ordinary user sees root's owners" \
		wait_for 3 screen_has "postgres  pid $(helper_pid db)  user root"
	keys / C-u
	keys -l 'proc:postgres'
	keys Enter Home k
	check "k offers to signal root's process" screen_has "postgres \(pid $(helper_pid db), user root\)"
	keys Enter y
	check "the refusal is reported with its reason" \
		wait_for 3 screen_has "cannot send SIGTERM to postgres .*: Operation not permitted"
	check "the refused process lives on" kill -0 "$(helper_pid db)"
	check "the dashboard goes on after the refusal" screen_has '^portview .*listening [0-9]+'
	keys q
fi

# Out of memory: the abort gives the terminal back first and says why. One
# malloc arena makes every allocation need new address space, which the
# limit set once the dashboard runs then refuses; 15,000 new sockets make
# the next refresh allocate. (AddressSanitizer's allocator has its own
# way out of memory, so that build skips this; no core file is left.)
if command -v prlimit >/dev/null && ! ldd "${PORTVIEW_BINARY:-$PORTVIEW}" | grep -q libasan; then
	PORTVIEW="ulimit -c 0; MALLOC_ARENA_MAX=1 $PORTVIEW" start_dashboard -d 0.3
	pv_pid=$(pgrep -P "$(tm list-panes -t pv -F '#{pane_pid}')" -x portview)
	vm_kib=$(awk '/VmSize/ { print $2 }' "/proc/$pv_pid/status")
	prlimit --pid "$pv_pid" --as=$(((vm_kib + 1024) * 1024))
	helper many name many udpmany 15000
	check "out of memory, the dashboard says so" wait_for 5 screen_has '^portview: out of memory'
	check "out of memory, it aborts" screen_has '^EXIT=134'
	check "out of memory, the screen is the shell's again" screen_lacks '\?help'
	kill "$(helper_pid many)"
fi

# A terminal that goes away ends the dashboard even when SIGHUP is ignored
# (nohup): it must not spin on a dead terminal.
tm kill-server 2>/dev/null
SERVERS=$((SERVERS + 1))
TMUX_SOCKET="pvtest$$-$SERVERS"
tm new-session -d -s pv -x 120 -y 30 "trap '' HUP; exec $PORTVIEW -d 0.5"
wait_for 5 screen_has '^portview '
pv_pid=$(tm list-panes -t pv -F '#{pane_pid}')
tm kill-server
check "with SIGHUP ignored, a vanished terminal still ends the dashboard" \
	wait_for 3 bash -c "! kill -0 $pv_pid 2>/dev/null"

# Colours: on by default, off with --no-color, markers always.
start_dashboard --no-color
check "--no-color draws no colour" bash -c "! tmux -L $TMUX_SOCKET capture-pane -e -p -t pv | grep -q $'\e\\[3[1-6]m'"
keys q
start_dashboard
check "colours are drawn by default" bash -c "tmux -L $TMUX_SOCKET capture-pane -e -p -t pv | grep -q $'\e\\[3[1-6]m'"
keys q

finish
