#!/bin/bash
# UNIX domain sockets against the real kernel in a private network
# namespace (unix_diag lists only the sockets of its own namespace): a
# stream listener with a client in another process, a seqpacket listener
# with an abstract name holding an escape, a datagram receiver and its
# client, a socketpair split between parent and child, and a listener
# whose accept queue fills. Each end must name the process at the other.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool jq
require_tool tmux

APP="$WORK/app.sock" LOG="$WORK/log.sock" FULL="$WORK/full.sock"
helper srv name usrv ulisten stream "$APP" 8 ulisten seqpacket '@pv\ebus' udgram "$LOG"
helper cli name ucli uconnect stream "$APP" uconnect seqpacket '@pv\ebus' uconnect dgram "$LOG"
helper pair name pairp childname pairc upair fork
helper full name ufull ulisten stream "$FULL" 2 noaccept
helper filler name filler uconnect stream "$FULL" uconnect stream "$FULL"
SRV=$(helper_pid srv) CLI=$(helper_pid cli) PAIRP=$(helper_pid pair) PAIRC=$(helper_pid pair 2)

# jq over one --once --json run with the given options.
json() { "$PORTVIEW" --once --json "$@" >"$WORK/out.json"; }
count() { jq "[.sockets[] | select($1)] | length" "$WORK/out.json"; }

# --- shown only when asked for ---
json
check "without -x no UNIX socket is listed" [ "$(count '.proto == "unix"')" -eq 0 ]
json -x
# 3 listeners, 1 receiver, 9 connected ends (the kernel lists no socket
# for a connection still in a listener's queue).
check "-x lists every UNIX socket made here" [ "$(count '.proto == "unix"')" -eq 13 ]
json unix
check "a filter naming unix lists them without -x" [ "$(count '.proto == "unix"')" -eq 13 ]
json tcp -x
check "tcp with -x lists none" [ "$(count '.proto == "unix"')" -eq 0 ]

# --- names, types, listeners ---
json -x
check "the stream listener has its path, type and backlog" \
	jq_true --arg p "$APP" '.sockets[] | select(.path == $p and .state == "LISTEN") |
		.type == "stream" and .listening and .abstract == false and .backlog == 8 and .accept_queue == 0' "$WORK/out.json"
check "the abstract name keeps its exact bytes in JSON" \
	jq_true '.sockets[] | select(.state == "LISTEN" and .abstract) | .path == "pv\u001bbus" and .type == "seqpacket"' "$WORK/out.json"
check "the datagram receiver counts as listening" \
	jq_true --arg p "$LOG" '.sockets[] | select(.path == $p and .peer_inode == 0) | .listening and .type == "dgram"' "$WORK/out.json"
check "JSON says where UNIX sockets have no ports" \
	jq_true '[.sockets[] | select(.proto == "unix") | has("local") or has("remote")] | any | not' "$WORK/out.json"
check "uids are reported" jq_true '[.sockets[] | select(.proto == "unix") | .uid == 0] | all' "$WORK/out.json"

# --- the process at the other end ---
check "the stream client names the server and its side" \
	jq_true --argjson srv "$SRV" --argjson cli "$CLI" \
	'.sockets[] | select(.type == "stream" and .path == null and .owners[0].pid == $cli) |
		.peer.side == "server" and .peer.owners[0].pid == $srv' "$WORK/out.json"
check "the accepted end names the client" \
	jq_true --arg p "$APP" --argjson cli "$CLI" \
	'.sockets[] | select(.path == $p and .state == "ESTABLISHED") | .peer.side == "client" and .peer.owners[0].pid == $cli' "$WORK/out.json"
check "peer_inode is the other end's inode" \
	jq_true --arg p "$APP" '(.sockets | map(select(.path == $p and .state == "ESTABLISHED"))[0]) as $s |
		[.sockets[] | select(.peer_inode == $s.inode)] | length == 1' "$WORK/out.json"
check "each end of the socketpair names the other process" \
	jq_true --argjson a "$PAIRP" --argjson b "$PAIRC" \
	'[.sockets[] | select([.owners[] | {pid, comm}] == [{"pid": $a, "comm": "pairp"}]) | .peer.owners[0].pid == $b and .peer.side == "unknown"] == [true]' "$WORK/out.json"
check "and back" \
	jq_true --argjson a "$PAIRP" --argjson b "$PAIRC" \
	'[.sockets[] | select([.owners[] | {pid, comm}] == [{"pid": $b, "comm": "pairc"}]) | .peer.owners[0].pid == $a] == [true]' "$WORK/out.json"

# --- a full accept queue ---
check "the listener that never accepts shows 2 of 2 and is saturated" \
	jq_true --arg p "$FULL" '.sockets[] | select(.path == $p and .state == "LISTEN") |
		.accept_queue == 2 and .backlog == 2 and (.flags | index("saturated")) != null' "$WORK/out.json"

check "clients waiting in the queue name the listener's process" \
	jq_true --argjson full "$(helper_pid full)" --argjson f "$(helper_pid filler)" \
	'[.sockets[] | select(.owners[0].pid == $f) | .peer.owners[0].pid == $full and .peer.side == "server"] == [true, true]' "$WORK/out.json"
check "a queued client's peer says it is queued and names the listener, not as the other end" \
	jq_true --arg p "$FULL" --argjson f "$(helper_pid filler)" '
	[.sockets[] | select(.path == $p and .state == "LISTEN") | .cookie][0] as $l |
	[.sockets[] | select(.owners[0].pid == $f) | .peer | .queued == true and .listener == $l and has("cookie") == false] == [true, true]' "$WORK/out.json"

# --- text ---
"$PORTVIEW" --once -x >"$WORK/text"
check "text names the listener's path with its queue" \
	grep -qE "u_str +LISTEN +$APP +\* +0/8 +- +root +usrv $SRV\$" "$WORK/text"
check "text shows the abstract name escaped, with @" grep -qF 'u_seq    LISTEN  @pv\x1bbus' "$WORK/text"
check "no raw escape reaches the text" bash -c '! grep -q $'"'"'\e'"'"' "$1"' _ "$WORK/text"
check "text shows client -> server with the server's path as REMOTE" \
	grep -qE "u_str +ESTAB +\* +$APP +0 +0 +root +ucli $CLI -> usrv $SRV\$" "$WORK/text"
check "text shows the socketpair both ways" grep -qE "pairp $PAIRP <-> pairc $PAIRC\$" "$WORK/text"
check "the header counts the saturated listener" grep -qE '! 1 saturated' "$WORK/text"
"$PORTVIEW" --once -x -g port >"$WORK/ports"
check "by port, a UNIX listener heads its group with the accept queue" \
	grep -qE "^unix $APP  usrv $SRV  1 listening, 1 connection  accept 0/8\$" "$WORK/ports"
check "by port, clients group by the name they talk to" grep -qE "^remote unix $APP  1 socket\$" "$WORK/ports"
check "by port, unnamed ends share a group" grep -qE '^unix, unnamed  2 sockets$' "$WORK/ports"
check "by port, queued clients group under the listener's name" grep -qE "^remote unix $FULL  2 sockets\$" "$WORK/ports"
check "text marks a client whose connection is not accepted yet" \
	[ "$(grep -cE "filler $(helper_pid filler) -> ufull $(helper_pid full) \(queued\)\$" "$WORK/ports")" -eq 2 ]
check "path: finds the server, its accepted end and its client" \
	[ "$("$PORTVIEW" --once --group=none "path:app.sock" | grep -c u_str)" -eq 3 ]
check "port: never matches a UNIX socket" \
	[ "$("$PORTVIEW" --once -x --group=none "port:0-65535" | grep -c u_)" -eq 0 ]
check "-l -x lists the UNIX listeners and the receiver" \
	[ "$("$PORTVIEW" --once -l -x --group=none | grep -c u_)" -eq 4 ]

# --- the dashboard: x shows and hides them ---
dashboard_start 200x50 "$PORTVIEW -d 0.5"
check "the dashboard starts without UNIX sockets" screen_lacks 'u_str'
tm send-keys -t pv x
check "x shows them" wait_for 3 screen_has "u_str +LISTEN +$APP"
check "the header says so" screen_has_fixed '[+unix]'
check "the dashboard names the other end" screen_has "ucli $CLI -> usrv $SRV"
tm send-keys -t pv x
check "x again hides them at once" wait_for 2 screen_lacks 'u_str'
dashboard_start 200x50 "$PORTVIEW -d 0.5 -x"
check "-x starts the dashboard with them" wait_for 3 screen_has "u_seq +LISTEN +@pv.x1bbus"

finish
