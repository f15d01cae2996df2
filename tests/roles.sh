#!/bin/bash
# What is true of a socket does not depend on how it is looked at: roles,
# peers, owners and counts under filters that leave the listeners or one
# family out, against real sockets in a private network namespace.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool jq
require_tool tmux

# A dual-stack listener (an IPv4 client's server end is an AF_INET6 socket
# shown as 127.0.0.1) and a plain IPv4 one.
helper srv name srv listen tcp6 :: 8002 listen tcp 127.0.0.1 8000
helper cli name cli connect 127.0.0.1 8002 connect 127.0.0.1 8000
SRV=$(helper_pid srv) CLI=$(helper_pid cli)
C8002=$(helper_port cli 1) C8000=$(helper_port cli 2)

accepted_both() {
	[ "$("$PORTVIEW" --once --json 'state:established' | jq "[.sockets[] | select(any(.owners[]; .pid == $SRV))] | length")" -eq 2 ]
}
wait_for 5 accepted_both || fail "the server did not accept both connections"

# one_socket FILTER LPORT: the JSON connection with that local port.
one_socket() {
	"$PORTVIEW" --once --json "$1" |
		jq -c --argjson p "$2" '[.sockets[] | select(.local.port == $p and .state == "ESTABLISHED")] | .[0]'
}

for filter in 'state:established port:8000' 'port:8000'; do
	server=$(one_socket "$filter" 8000)
	client=$(one_socket "$filter" "$C8000")
	check "'$filter': the server end is owned by the server" jq_true --argjson p "$SRV" '[.owners[].pid] == [$p]' <<<"$server"
	check "'$filter': the server end's peer is the client" jq_true --argjson p "$CLI" '.peer.side == "client" and [.peer.owners[].pid] == [$p]' <<<"$server"
	check "'$filter': the client end's peer is the server" jq_true --argjson p "$SRV" '.peer.side == "server" and [.peer.owners[].pid] == [$p]' <<<"$client"
done

"$PORTVIEW" --once 'state:established port:8000' >"$WORK/estab.txt"
check "with the listener filtered out, the server is no client" grep -qE "^srv  pid $SRV  user root  0 listening, 1 connection$" "$WORK/estab.txt"
check "the client is still a client" grep -qE "^cli  pid $CLI .*\(client\)" "$WORK/estab.txt"
check "the server end points back at its client" grep -qE "127\.0\.0\.1:8000 +127\.0\.0\.1:$C8000 .*srv $SRV <- cli $CLI" "$WORK/estab.txt"
check "the client end points at its server" grep -qE "127\.0\.0\.1:$C8000 +127\.0\.0\.1:8000 .*cli $CLI -> srv $SRV" "$WORK/estab.txt"
check "no end is shown without its process" bash -c '! grep -q "(no process)" "$1"' _ "$WORK/estab.txt"

"$PORTVIEW" --once -g port 'state:established' >"$WORK/byport.txt"
check "by port, the server ends stay under the ports they were accepted on" \
	grep -qE "^tcp port 8000 .*1 connection" "$WORK/byport.txt"
check "by port, no group is the client's ephemeral port" \
	bash -c '! grep -qE "^tcp port ('"$C8000|$C8002"') " "$1"' _ "$WORK/byport.txt"

# IPv4 is what is shown as IPv4: the server end of the IPv4 client of the
# dual-stack listener is 127.0.0.1:8002 and matches 4, with its peer.
"$PORTVIEW" --once --json '4 port:8002' >"$WORK/v4.json"
check "'4 port:8002' keeps the v4-mapped server end with its owner and peer" jq_true --argjson s "$SRV" '
	[.sockets[] | select(.local.port == 8002 and .state == "ESTABLISHED")] | length == 1 and
	(.[0] | .local.addr == "127.0.0.1" and [.owners[].pid] == [$s] and .peer.side == "client")' "$WORK/v4.json"
check "'4 port:8002' keeps the client's peer" jq_true --argjson c "$C8002" '
	[.sockets[] | select(.local.port == $c)] | length == 1 and .[0].peer.side == "server"' "$WORK/v4.json"
check "'4' keeps the dual-stack listener, which accepts IPv4" jq_true '
	any(.sockets[]; .state == "LISTEN" and .local.addr == "::" and .local.port == 8002)' "$WORK/v4.json"
check "'6' leaves out the v4-mapped end" jq_true '
	all(.sockets[]; .local.addr | contains(":"))' <("$PORTVIEW" --once --json '6')

# The dashboard: the e key shows connections only; roles and the header's
# host totals stay what they were.
dashboard_start 160x30 "$PORTVIEW -d 0.5"
check "the header counts every socket" screen_has 'listening 2  established 4  other 0'
tm send-keys -t pv e
wait_for 3 screen_has_fixed '[established]' || fail "the e key did not filter"
sleep 1
check "with e, the header still counts the host's sockets" screen_has 'listening 2  established 4  other 0'
check "with e, 'N of M shown' counts what is shown of the host" screen_has_fixed '(4 of 6 shown)'
check "with e, the server is shown" screen_has "srv  pid $SRV  user root  0 listening, 2 connections"
check "with e, the server is no client" screen_lacks "srv  pid .*\(client\)"
check "with e, the server ends show their clients" screen_has "127\.0\.0\.1:8000 +127\.0\.0\.1:$C8000 .*srv $SRV <- cli $CLI"
check "with e, nothing is shown without its process" screen_lacks '\(no process\)'

# A server blocked in accept() (as nc -l is) has reserved the new fd
# already, so its fd count does not move when a connection is accepted:
# the dashboard must find the owner at once, not at its 10 s safety net.
helper acc name acc listen tcp 127.0.0.1 8300 acceptone
dashboard_start 160x30 "$PORTVIEW -d 0.5 port:8300"
sleep 1.5
helper ncl name ncl connect 127.0.0.1 8300
ACC=$(helper_pid acc) NCL=$(helper_pid ncl)
wait_for 5 grep -q accepted "$WORK/acc.out" || fail "the blocked accept did not return"
check "a connection accepted into a reserved fd gets its owner within 2 s" \
	wait_for 2 screen_has "ESTAB +127\.0\.0\.1:8300 .*acc $ACC <- ncl $NCL"
check "and is not left in the accept queue" screen_lacks '\(accept queue\)'

# TIME_WAIT is a minisocket the kernel reports with uid 0: that is no uid,
# not root. Here the server runs as nobody and closes first.
printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups %s "$@"\n' "$SOCKHELPER" >"$WORK/as-nobody"
chmod +x "$WORK/as-nobody"
SOCKHELPER="$WORK/as-nobody" helper hang name hang listen tcp 127.0.0.1 8100 hangup
helper caller name caller connect 127.0.0.1 8100
# The server hung up; once the caller has seen it, the caller closes too.
close_waiting() { ss -tanH state close-wait | grep -q ':8100 *$'; }
wait_for 5 close_waiting || fail "the server did not hang up"
kill "$(helper_pid caller)"
time_waits() { "$PORTVIEW" --once --json 'state:time-wait port:8100' >"$WORK/tw.json" && jq_true '.sockets | length == 1' "$WORK/tw.json"; }
wait_for 5 time_waits || fail "no TIME_WAIT on port 8100"
check "a TIME_WAIT socket has no uid or user in JSON" jq_true '.sockets[0] | has("uid") == false and has("user") == false' "$WORK/tw.json"
check "user:root does not match a TIME_WAIT socket" jq_true '.sockets == []' <("$PORTVIEW" --once --json 'state:time-wait user:root')
check "user:0 does not match it either" jq_true '.sockets == []' <("$PORTVIEW" --once --json 'state:time-wait user:0')
check "the text output shows no user for it" grep -qE "TIME-WAIT +127\.0\.0\.1:8100 +127\.0\.0\.1:[0-9]+ +0 +0 +- +-$" <("$PORTVIEW" --once -g none 'state:time-wait port:8100')

finish
