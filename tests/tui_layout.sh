#!/bin/bash
# The dashboard's layout at 40, 60, 80 and 120 columns: header parts laid
# out by priority, never overlapping and never left behind after a resize.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool tmux
export LC_ALL=C.UTF-8

helper srv name srv listen tcp 127.0.0.1 5432
# A listener whose accept queue is full: the header says "! 1 saturated".
helper full name full listen tcp 127.0.0.1 6000 1 noaccept
helper filler name filler connect 127.0.0.1 6000 connect 127.0.0.1 6000
HOST=$(hostname)

keys() { tm send-keys -t pv "$@"; sleep 0.3; }

# header_ok LINE PATTERN...: every part of the header line (parts stand
# three or more spaces apart) is one of the patterns, whole.
header_ok() {
	local line=$1 part pattern ok
	shift
	while IFS= read -r part; do
		[ -n "$part" ] || continue
		ok=
		for pattern in "$@"; do
			if grep -qE -- "^($pattern)\$" <<<"$part"; then ok=1; break; fi
		done
		[ -n "$ok" ] || { echo "header part '$part' is no whole part of the header" >&2; return 1; }
	done < <(sed -E 's/ {3,}/\n/g; s/^ +//' <<<"$line")
}
LINE0=("portview [0-9.]+" "$HOST" "every [0-9.]+s" "[0-9]{2}:[0-9]{2}:[0-9]{2}"
	"(listening|listen) [0-9]+  (established|estab) [0-9]+  other [0-9]+" "processes [0-9]+" "exposed [0-9]+" "PAUSED")
LINE1=("owners (bpf|proc)" "filter .*[^ ]" "\([0-9]+ of [0-9]+ shown\)" "group (process|port|none)" "sort [A-Za-z/ ()-]+"
	"\[\+unix\]" "\[names\]" "! 1 saturated")

check_header() {
	local width=$1 l0 l1
	l0=$(screen | sed -n 1p) l1=$(screen | sed -n 2p)
	check "at $width columns line 1 is whole parts: '$l0'" header_ok "$l0" "${LINE0[@]}"
	check "at $width columns line 2 is whole parts: '$l1'" header_ok "$l1" "${LINE1[@]}"
	check "at $width columns the counts stay" grep -qE '(listening|listen) [0-9]+  (established|estab) [0-9]+  other' <<<"$l0"
	check "at $width columns PAUSED stays" grep -q 'PAUSED' <<<"$l0"
	check "at $width columns the filter stays" grep -q '^filter port:6000' <<<"$l1"
	check "at $width columns what is wrong stays" grep -q '! 1 saturated$' <<<"$l1"
}

dashboard_start 120x20 "$PORTVIEW -d 0.5 -x -r 'port:6000 | port:5432 | port:7000 | port:7001 | port:7002'"
wait_for 5 screen_has '! 1 saturated' || fail "the saturated listener was not flagged"
keys p
for width in 120 80 60 40; do
	tm resize-window -t pv -x "$width" -y 20
	sleep 0.4
	check_header "$width"
done
# And back up: nothing of the narrow layout is left behind.
tm resize-window -t pv -x 120 -y 20
sleep 0.4
check_header 120
check "at 120 columns every part is there" screen_has '^portview .*processes [0-9]+ +exposed [0-9]+ +PAUSED$'
keys q

# Five processes all called python3 are told apart by their command
# lines; a connection's PROCESS cell keeps the peer when it is short of
# room; at 60 and 40 columns a listener still looks unlike a connection.
for port in 8101 8102 8103; do
	helper "py$port" name python3 listen tcp 127.0.0.1 "$port"
done
helper pycli name python3 connect 127.0.0.1 8101 connect 127.0.0.1 8102
PY1=$(helper_pid py8101) PYCLI=$(helper_pid pycli)
dashboard_start 400x30 "$PORTVIEW -d 0.5 proc:python3"
sleep 1
for port in 8101 8102 8103; do
	check "at 400 columns the group line of python3 on $port shows its command line" \
		screen_has "python3  pid $(helper_pid "py$port") .*sockhelper name python3 listen tcp 127\.0\.0\.1 $port\$"
done
check "at 400 columns the COMMAND column is there" screen_has 'PROCESS +COMMAND$'
check "at 400 columns rows show the command line" \
	screen_has "LISTEN +127\.0\.0\.1:8101 .*python3 $PY1 +[^ ]*sockhelper name python3 listen tcp 127\.0\.0\.1 8101"
check "at 400 columns the accepted end names its client in full" screen_has "python3 $PY1 <- python3 $PYCLI( |\$)"
for width in 60 40; do
	tm resize-window -t pv -x "$width" -y 30
	sleep 0.5
	check "at $width columns listeners say LISTEN" screen_has 'LISTEN +[^ ]*:810[123]'
	check "at $width columns connections say ESTAB" screen_has 'ESTAB +[^ ]*:8101'
	check "at $width columns the accepted end keeps its peer, cut with an ellipsis" \
		screen_has "<- python3 [0-9]*…\$|<- python3 $PYCLI\$"
done
keys q

finish
