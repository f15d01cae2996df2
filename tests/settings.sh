#!/bin/bash
# The settings file: read at start from $XDG_CONFIG_HOME/portview/config or
# --config FILE, overridden by the command line, a malformed one reported
# with its line number and otherwise ignored, and written by W in the
# dashboard, atomically.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool tmux

helper srv name srv listen tcp 127.0.0.1 8080
export XDG_CONFIG_HOME="$WORK/xdg"
CONFIG="$XDG_CONFIG_HOME/portview/config"
mkdir -p "$XDG_CONFIG_HOME/portview"

# --- read at start, for --once too ---
printf '# mine\ngroup = port\ncolumns = STATE REMOTE\n' >"$CONFIG"
"$PORTVIEW" --once >"$WORK/out" 2>"$WORK/err"
check "the file's grouping applies" grep -qE '^tcp port 8080  srv' "$WORK/out"
check "the file's columns apply" grep -qE '^  PROTO +STATE +LOCAL +REMOTE +PROCESS$' "$WORK/out"
check "a good file says nothing" [ ! -s "$WORK/err" ]
"$PORTVIEW" --once -g process >"$WORK/out"
check "the command line wins over the file" grep -qE "^srv  pid $(helper_pid srv)" "$WORK/out"
"$PORTVIEW" --once --no-config >"$WORK/out"
check "--no-config reads no file" grep -qE '^  PROTO +STATE +LOCAL +REMOTE +RECV-Q +SEND-Q +USER +PROCESS$' "$WORK/out"
printf 'group = none\n' >"$WORK/other"
"$PORTVIEW" --once --config "$WORK/other" >"$WORK/out"
check "--config FILE reads that file" grep -qE '^tcp +LISTEN +127\.0\.0\.1:8080' "$WORK/out"

# --- malformed: reported with line numbers, the rest applies, never fatal ---
printf 'group = port\nwidth = 3\ndelay = fast\n' >"$CONFIG"
"$PORTVIEW" --once >"$WORK/out" 2>"$WORK/err"
check "a malformed file is not fatal" [ $? -eq 0 ]
check "the bad lines are named" grep -qF "$CONFIG:2: unknown setting 'width'; $CONFIG:3: delay wants seconds" "$WORK/err"
check "the good lines still apply" grep -qE '^tcp port 8080' "$WORK/out"
# A file named with --config must be one: missing, not a regular file, or
# holding no setting at all is an error, in one line, exit 2.
mkfifo "$WORK/fifo"
printf 'root:$6$salt$hash:19000:0:99999:7:::\n' >"$WORK/shadowlike"
for bad in "$WORK/missing:No such file" "$WORK/fifo:not a regular file" "/dev/null:not a regular file" \
	"$WORK/shadowlike:not a settings file"; do
	timeout 5 "$PORTVIEW" --once --config "${bad%%:*}" >"$WORK/out" 2>"$WORK/err"
	status=$?
	check "--config ${bad%%:*} exits 2 (got $status)" [ "$status" -eq 2 ]
	check "--config ${bad%%:*} says '${bad#*:}' in one line" \
		bash -c 'grep -q -- "$2" "$1" && [ "$(wc -l <"$1")" -eq 1 ] && [ ! -s "$3" ]' _ "$WORK/err" "${bad#*:}" "$WORK/out"
done
check "a file that is not a settings file is not quoted back" bash -c '! grep -q "salt" "$1"' _ "$WORK/err"
printf 'sort = natural\ngroup = \e]0;pwned\a\n\e[31mkey = 1\n' >"$CONFIG"
"$PORTVIEW" --once >/dev/null 2>"$WORK/err"
check "a hostile value or key is never echoed" bash -c '! grep -q -e pwned -e "31m" "$1" && ! grep -q $'"'"'\e'"'"' "$1"' _ "$WORK/err"
check "its lines are still named" grep -qF "$CONFIG:2: group wants process, port, netns, host or none; $CONFIG:3: not a setting" "$WORK/err"

# --- the dashboard: W writes what is in force; the next start reads it ---
rm -f "$CONFIG"
start_dashboard() { dashboard_start 140x30 "XDG_CONFIG_HOME=$XDG_CONFIG_HOME $PORTVIEW -d 0.5"; }
start_dashboard
tm send-keys -t pv g; sleep 0.3
tm send-keys -t pv s; sleep 0.3
tm send-keys -t pv W; sleep 0.5
check "W says where it wrote" screen_has "settings written to $CONFIG"
check "the file holds the grouping in force" grep -qx 'group = port' "$CONFIG"
check "the file holds the sort in force" grep -qx 'sort = PROCESS' "$CONFIG"
check "no temporary file is left" [ "$(ls "$XDG_CONFIG_HOME/portview")" = config ]
# The column chooser: C opens it, Space hides the column under the cursor.
tm send-keys -t pv C; sleep 0.3
check "C opens the column chooser" screen_has '\[x\] PROTO +\(always\)'
tm send-keys -t pv Space; sleep 0.3
check "PROTO cannot be hidden" screen_has 'PROTO always shows'
for i in $(seq 18); do tm send-keys -t pv Down; done
tm send-keys -t pv Space; sleep 0.3
check "Space hides USER" screen_has '\[ \] USER'
tm send-keys -t pv Escape; sleep 0.3
check "the list has no USER column any more" screen_lacks 'OUT/s +USER +PROCESS'
check "the other columns stay" screen_has 'PROTO +STATE +LOCAL +REMOTE +RECV-Q +SEND-Q +IN/s +OUT/s +PROCESS'
tm send-keys -t pv W; sleep 0.5
check "W keeps the chosen columns" grep -qx 'columns = PROTO STATE LOCAL REMOTE RECV-Q SEND-Q IN/s OUT/s HOST NETNS PROCESS COMMAND' "$CONFIG"
# c opens the chooser too, and closes it; Esc in the list clears a filter.
tm send-keys -t pv c; sleep 0.3
check "c opens the column chooser" screen_has '\[ \] USER'
tm send-keys -t pv c; sleep 0.3
check "c closes it" screen_lacks '\[ \] USER'
tm send-keys -t pv / ; sleep 0.2
tm send-keys -t pv -l 'port:1'; sleep 0.2
tm send-keys -t pv Enter; sleep 0.5
check "a filter is shown in the header" screen_has 'filter port:1 '
tm send-keys -t pv Escape; sleep 0.5
check "Esc clears it" screen_has 'filter none'
tm send-keys -t pv x; sleep 0.3
tm send-keys -t pv W; sleep 0.5
check "W keeps UNIX sockets shown" grep -qx 'unix = yes' "$CONFIG"
tm send-keys -t pv q; sleep 0.3
start_dashboard
check "the next start groups as written" screen_has 'group port +sort PROCESS'
check "the next start shows the columns as written" screen_lacks 'OUT/s +USER'
printf 'group = port\nbogus = 1\n' >"$CONFIG"
start_dashboard
check "a malformed file is reported on the status line" screen_has "settings: .*config:2: unknown setting 'bogus' \(ignored\)"
check "and the rest of it applies" screen_has 'group port'
chmod 0500 "$XDG_CONFIG_HOME/portview"
tm send-keys -t pv W; sleep 0.5
if [ "$(id -u)" -ne 0 ]; then
	check "a file that cannot be written is reported" screen_has 'cannot write'
fi
chmod 0700 "$XDG_CONFIG_HOME/portview"
# NO_COLOR is the environment's say, not a setting: W leaves it out of
# the file, while --no-color is a setting and is written.
rm -f "$CONFIG"
dashboard_start 140x30 "NO_COLOR=1 XDG_CONFIG_HOME=$XDG_CONFIG_HOME $PORTVIEW -d 0.5"
tm send-keys -t pv W; sleep 0.5
check "W under NO_COLOR writes the colour setting, not the environment" grep -qx 'color = yes' "$CONFIG"
dashboard_start 140x30 "XDG_CONFIG_HOME=$XDG_CONFIG_HOME $PORTVIEW -d 0.5 --no-color"
tm send-keys -t pv W; sleep 0.5
check "W after --no-color writes color = no" grep -qx 'color = no' "$CONFIG"

# A terminal too short for every column: the chooser shows the part
# around the cursor, its last line still visible.
dashboard_start 60x12 "$PORTVIEW --no-config -d 2"
tm send-keys -t pv c; sleep 0.3
check "a short chooser starts at the top" screen_has '\[x\] PROTO'
for i in $(seq 21); do tm send-keys -t pv Down; done; sleep 0.5
check "a short chooser scrolls to the cursor" screen_has '\[x\] PROCESS +\(always\)'
check "and keeps its help line" screen_has_fixed 'Esc close'
tm send-keys -t pv Escape q

finish
