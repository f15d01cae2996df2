# Shared helpers for portview's shell tests. Exit 77 means "skipped".

: "${PORTVIEW:?PORTVIEW must name the binary under test}"
: "${SOCKHELPER:=}"

FAILURES=0
CHECKS=0

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	FAILURES=$((FAILURES + 1))
}

pass() {
	CHECKS=$((CHECKS + 1))
}

# check DESCRIPTION COMMAND...: runs the command, counts a failure if it fails.
check() {
	local what=$1
	shift
	if "$@"; then pass; else fail "$what"; fi
}

skip_or_fail() {
	if [ "${PORTVIEW_REQUIRE_NETNS:-0}" = 1 ]; then
		echo "FAIL: $* (PORTVIEW_REQUIRE_NETNS=1 makes this a failure)" >&2
		exit 1
	fi
	echo "SKIP: $*" >&2
	exit 77
}

# Re-runs the calling script inside a private network namespace holding only
# a loopback interface, so the sockets it sees are the ones it makes.
enter_netns() {
	if [ -z "${PV_IN_NETNS:-}" ]; then
		command -v unshare >/dev/null || skip_or_fail "unshare is not installed"
		unshare -n true 2>/dev/null || skip_or_fail "cannot create a network namespace (needs root)"
		PV_IN_NETNS=1 exec unshare -n "$BASH" "$0" "$@"
	fi
	ip link set lo up 2>/dev/null || skip_or_fail "cannot bring up lo (iproute2 missing?)"
	# portview shows every namespace it may enter; these tests count the
	# sockets of their own, so they ask for that one (tests/netns.sh
	# covers the others). PORTVIEW_BINARY stays the binary itself.
	# The wrapper lives where any user may run it (tests run it as nobody).
	PORTVIEW_BINARY=$PORTVIEW
	PV_WRAPPER_DIR=$(mktemp -d)
	chmod 755 "$PV_WRAPPER_DIR"
	PORTVIEW=$PV_WRAPPER_DIR/portview-current
	printf '#!/bin/sh\nexec "%s" --netns current "$@"\n' "$PORTVIEW_BINARY" >"$PORTVIEW"
	chmod 755 "$PORTVIEW"
}

require_tool() {
	command -v "$1" >/dev/null || skip_or_fail "$1 is not installed"
}

WORK=$(mktemp -d)
# Settings and the filter history go to the test's own folder, never to
# the home of whoever runs the tests.
export XDG_CONFIG_HOME=$WORK/config
HELPER_PIDS=()
cleanup() {
	local p
	tmux_cleanup
	for p in "${HELPER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$WORK" ${PV_WRAPPER_DIR:+"$PV_WRAPPER_DIR"}
}
trap cleanup EXIT

# wait_for SECONDS COMMAND...: polls until the command succeeds.
wait_for() {
	local limit=$1 i=0
	shift
	while ! "$@"; do
		i=$((i + 1))
		[ "$i" -gt $((limit * 20)) ] && return 1
		sleep 0.05
	done
}

# helper NAME ACTION...: starts sockhelper with the actions and waits until
# its sockets are open. Its report is in $WORK/NAME.out; it runs until the
# test ends.
helper() {
	local name=$1 fd
	shift
	mkfifo "$WORK/$name.in"
	"$SOCKHELPER" "$@" <"$WORK/$name.in" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	HELPER_PIDS+=($!)
	exec {fd}>"$WORK/$name.in"
	wait_for 5 grep -q '^ready' "$WORK/$name.out" || {
		echo "helper $name did not start: $(cat "$WORK/$name.err")" >&2
		exit 99
	}
}

# helper_pid NAME [N]: the pid (N=2: the forked child's pid) of a helper.
helper_pid() {
	awk -v n="${2:-1}" '/^ready/ { print $(n + 1) }' "$WORK/$1.out"
}

# helper_port NAME N: the local port of the helper's Nth socket.
helper_port() {
	awk -v n="$2" '/^sock/ { if (++i == n) print $4 }' "$WORK/$1.out"
}

# jq_true ARGS...: jq -e without printing the result.
jq_true() {
	jq -e "$@" >/dev/null
}

finish() {
	echo "$CHECKS passed, $FAILURES failed"
	[ "$FAILURES" -eq 0 ]
}

# Process names of every class the sanitiser escapes, each with what the
# screen and the text output must show instead (ASCII, fixed strings). All
# fit the kernel's 15 bytes. The last one is wide CJK, shown as it is.
# Written as UTF-8 bytes: bash turns \u escapes into bytes by the locale
# of the moment, and under sudo that may be C.
HOSTILE_NAMES=(
	$'\e[2J\e]0;pw\a'
	$'t\tb\nn\bs\x7f'
	$'c1\xc2\x9b31m'
	$'bi\xe2\x80\xaed\xe2\x81\xa6i\xe2\x81\xa9'
	$'zw\xe2\x80\x8b\xe2\x80\x8e\xd8\x9c\xef\xbb\xbf'
	$'bad\xff\xc3x'
	$'\xe6\x95\xb0\xe6\x8d\xae\xe5\xba\x93'
)
HOSTILE_SHOWN=(
	'\x1b[2J\x1b]0;pw\x07'
	't\tb\nn\x08s\x7f'
	'c1\u009b31m'
	'bi\u202ed\u2066i\u2069'
	'zw\u200b\u200e\u061c\ufeff'
	'bad\xff\xc3x'
	$'\xe6\x95\xb0\xe6\x8d\xae\xe5\xba\x93'
)

# start_hostile_helpers PORT: one listener per hostile name, on PORT,
# PORT+1, ...; helper i is called hostileI.
start_hostile_helpers() {
	local i
	for i in "${!HOSTILE_NAMES[@]}"; do
		helper "hostile$i" name "${HOSTILE_NAMES[$i]}" listen tcp 127.0.0.1 $(($1 + i))
	done
}

# ---- the dashboard under tmux ----
# Each dashboard gets a tmux server of its own: reusing a socket right after
# kill-server can reach the server that is still shutting down.
PV_TMUX="pv${0##*/}$$"
PV_TMUX=${PV_TMUX//./}
PV_TMUX_N=0
tm() { tmux -L "$PV_TMUX-$PV_TMUX_N" "$@"; }
screen() { tm capture-pane -p -t pv; }
screen_has() { screen | grep -qE -- "$1"; }
screen_has_fixed() { screen | grep -qF -- "$1"; }
screen_lacks() { ! screen | grep -qE -- "$1"; }

# dashboard_start COLSxROWS SHELL-LINE: a fresh tmux server (UTF-8) running
# the line in pane pv; waits until portview's header shows.
dashboard_start() {
	tm kill-server 2>/dev/null
	PV_TMUX_N=$((PV_TMUX_N + 1))
	tm -u new-session -d -s pv -x "${1%x*}" -y "${1#*x}" "$2"
	wait_for 5 screen_has '(portview |^filter )'
}

tmux_cleanup() {
	local i
	command -v tmux >/dev/null || return 0
	for i in $(seq 0 "$PV_TMUX_N"); do tmux -L "$PV_TMUX-$i" kill-server 2>/dev/null; done
}
