#!/bin/bash
# What portview shows about a service's health, against the real kernel in
# a private network namespace: a listener whose accept queue fills, the
# processes at both ends of a loopback connection, byte counters after a
# transfer of known size, a rate from a steady stream, a peer that stops
# reading (zero window, then stalled), and a connection left in CLOSE_WAIT.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
# The sparklines checked below are block characters: a UTF-8 locale,
# whatever the caller had (sudo may leave none).
export LC_ALL=C.UTF-8
require_tool jq
require_tool tmux

helper srv name srv listen tcp 127.0.0.1 5432 drain
helper full name full listen tcp 127.0.0.1 6000 1 noaccept
helper filler name filler connect 127.0.0.1 6000 connect 127.0.0.1 6000
helper client name client connect 127.0.0.1 5432 send 300000
helper streamer name streamer connect 127.0.0.1 5432 stream 400000
helper sink name sink listen tcp 127.0.0.1 7000
helper pusher name pusher connect 127.0.0.1 7000 send 100000000
helper quitter name quitter connect 127.0.0.1 5432 close
SRV=$(helper_pid srv) CLIENT=$(helper_pid client) PUSHER=$(helper_pid pusher)
CLIENT_PORT=$(helper_port client 1) STREAM_PORT=$(helper_port streamer 1)
SENT=$(awk '/^sent/ { print $2 }' "$WORK/client.out")

# jq over one --once --json run with the given options.
json() { "$PORTVIEW" --once --json "$@" >"$WORK/out.json" && cat "$WORK/out.json"; }
sock() { jq -c ".sockets[] | select($1)" "$WORK/out.json"; }

# --- accept-queue pressure ---
json -l >/dev/null
check "a listener reports its accept queue and backlog" \
	jq_true '.sockets[] | select(.local.port == 6000) | .accept_queue == 2 and .backlog == 1 and .syn_recv >= 0' "$WORK/out.json"
check "a full accept queue is flagged saturated" \
	jq_true '[.sockets[] | select(.flags | index("saturated")) | .local.port] == [6000]' "$WORK/out.json"
check "a listener with room is not" jq_true '.sockets[] | select(.local.port == 5432) | .flags == []' "$WORK/out.json"
check "flag:saturated selects only that listener" \
	bash -c '[ "$("$1" --once --group=none flag:saturated | grep -c LISTEN)" -eq 1 ]' _ "$PORTVIEW"
"$PORTVIEW" --once >"$WORK/text"
check "the text summary counts the saturated listener" grep -qE 'processes [0-9]+  exposed [0-9]+  ! 1 saturated' "$WORK/text"
check "the listener line shows queue/backlog" grep -qE 'LISTEN +127\.0\.0\.1:6000 +\* +2/1 +syn [0-9]+ ' "$WORK/text"
check "connections not yet accepted are shown in the accept queue" \
	[ "$(grep -cE "127\.0\.0\.1:6000 .*\(accept queue\) <- filler $(helper_pid filler)\$" "$WORK/text")" -eq 2 ]

# --- both ends of a local connection ---
json >/dev/null
check "the client's socket names the server process" \
	jq_true --argjson p "$CLIENT_PORT" --argjson srv "$SRV" \
	'.sockets[] | select(.local.port == $p) | .peer.side == "server" and .peer.owners[0].pid == $srv' "$WORK/out.json"
check "the server's socket names the client process" \
	jq_true --argjson p "$CLIENT_PORT" --argjson cli "$CLIENT" \
	'.sockets[] | select(.remote.port == $p) | .peer.side == "client" and .peer.owners[0].pid == $cli' "$WORK/out.json"
check "text shows client -> server" grep -qE "client $CLIENT -> srv $SRV\$" "$WORK/text"
check "text shows server <- client" grep -qE "srv $SRV <- client $CLIENT\$" "$WORK/text"

# --- byte counters after a transfer of known size (tcp_info) ---
check "the client wrote its bytes at once" [ "$SENT" -eq 300000 ]
json --info >/dev/null
# The kernel counts the SYN as one byte acknowledged.
check "the sender's bytes_acked is what it sent" \
	jq_true --argjson p "$CLIENT_PORT" --argjson n "$SENT" \
	'.sockets[] | select(.local.port == $p) | .tcp_info.bytes_acked == $n + 1' "$WORK/out.json"
check "the receiver's bytes_received is the same" \
	jq_true --argjson p "$CLIENT_PORT" --argjson n "$SENT" \
	'.sockets[] | select(.remote.port == $p) | .tcp_info.bytes_received == $n' "$WORK/out.json"
check "without --info only CLOSE_WAIT and FIN_WAIT2 sockets carry tcp_info (it bounds their age)" \
	jq_true '[.sockets[] | select(has("tcp_info"))] | length > 0 and all(.state == "CLOSE_WAIT" or .state == "FIN_WAIT2")' \
	<("$PORTVIEW" --once --json)
# The tcp_info columns, chosen in a settings file, show with --info only.
printf 'columns = PROTO STATE LOCAL RTT RETRANS CWND DELIV/s PROCESS\n' >"$WORK/columns.conf"
"$PORTVIEW" --once -i --config "$WORK/columns.conf" port:5432 >"$WORK/info-text"
check "chosen tcp_info columns head the listing" grep -qE '^ +PROTO +STATE +LOCAL +RTT +RETRANS +CWND +DELIV/s +PROCESS$' "$WORK/info-text"
check "a connection shows its RTT and window" \
	grep -qE "ESTAB +127\.0\.0\.1:$CLIENT_PORT +([0-9.]+ms|[0-9]+µs) +[0-9]+ +[0-9]+ +[0-9.]+ (B|KiB|MiB|GiB)/s +client $CLIENT" "$WORK/info-text"
check "a loopback RTT is microseconds, not 0.0ms" bash -c '! grep -qE " 0\.0ms " "$1"' _ "$WORK/info-text"
check "without --info those columns stay out" \
	bash -c '! "$1" --once --config "$2" port:5432 | grep -q RTT' _ "$PORTVIEW" "$WORK/columns.conf"

# --- a rate from a steady 400,000 B/s stream, over two looks 2 s apart ---
json -d 2 port:5432 >/dev/null
check "the stream's sending rate is measured (300-500 kB/s)" \
	jq_true --argjson p "$STREAM_PORT" \
	'.sockets[] | select(.local.port == $p) | .rate_out >= 300000 and .rate_out <= 500000' "$WORK/out.json"
check "the server's receiving rate matches" \
	jq_true --argjson p "$STREAM_PORT" \
	'.sockets[] | select(.remote.port == $p) | .rate_in >= 300000 and .rate_in <= 500000' "$WORK/out.json"
check "the idle client's rate is 0" \
	jq_true --argjson p "$CLIENT_PORT" '.sockets[] | select(.local.port == $p) | .rate_out == 0' "$WORK/out.json"
"$PORTVIEW" --once -d 1 port:5432 >"$WORK/rates"
check "text with -d shows IN/s and OUT/s" grep -qE 'RECV-Q +SEND-Q +IN/s +OUT/s' "$WORK/rates"
check "text without -d does not" bash -c '! grep -q "IN/s" "$1"' _ "$WORK/text"

# --- a peer that stops reading: zero window at once ---
json --info port:7000 >/dev/null
check "the pusher's peer advertises a zero window" \
	jq_true --argjson pid "$PUSHER" \
	'.sockets[] | select(.owners[0].pid == $pid) | .tcp_info.snd_wnd == 0 and (.flags | index("zerowindow") != null)' "$WORK/out.json"

# --- a pile of TIME_WAIT: a client that opens and closes 540 connections ---
# (A burst of closes on loopback can still end a few in a reset, so the
# pile is 500 or more, not exactly 540.)
helper twsrv name twsrv listen tcp 127.0.0.1 7100 1024 drainclose
helper twcli name twcli tcpmany 540 127.0.0.1 7100 closeall
tw_count() { "$PORTVIEW" --once --group=none state:time-wait rport:7100 | grep -c TIME-WAIT; }
tw_settled() { [ "$(tw_count)" -ge 500 ] && ! ss -tan | grep -E ':7100( |$)' | grep -qE 'FIN-WAIT|LAST-ACK|CLOSE-WAIT'; }
check "the client's closes leave 500 or more connections in TIME_WAIT" wait_for 10 tw_settled
TW=$(tw_count)
json 'port:7100' >/dev/null
check "the pile towards one endpoint is flagged timewait" \
	jq_true --argjson n "$TW" '[.sockets[] | select(.state == "TIME_WAIT") | .flags | index("timewait") != null] | (length == $n and all)' "$WORK/out.json"
check "the listener is not: its side closed nothing first" \
	jq_true '.sockets[] | select(.state == "LISTEN") | .time_wait == 0 and .flags == []' "$WORK/out.json"
check "flag:timewait selects the pile" \
	bash -c '[ "$("$1" --once --group=none flag:timewait | grep -c TIME-WAIT)" -eq "$2" ]' _ "$PORTVIEW" "$TW"
"$PORTVIEW" --once >"$WORK/text"
check "the text summary counts it" grep -qE "$TW timewait" "$WORK/text"

# --- one look proves a CLOSE_WAIT old: its last ACK is that long ago ---
old_close_wait() {
	"$PORTVIEW" --once --json state:close-wait >"$WORK/cw.json" &&
		jq_true '.sockets[0] | (.flags | index("closewait")) != null and .state_seconds >= 10 and .state_seconds_exact == false' "$WORK/cw.json"
}
check "--once flags a CLOSE_WAIT tcp_info proves 10 s old, in one look" wait_for 15 old_close_wait

# --- the dashboard: stalled after 5 s, CLOSE_WAIT after 10 s ---
dashboard_start 200x50 "$PORTVIEW -d 0.5"
check "the dashboard shows rates on the server's group line" wait_for 3 screen_has "srv  pid $SRV .* in [0-9.]+ (KiB|MiB)/s out "
# Block characters, matched byte by byte whatever the test's locale.
spark_on_srv() { screen | grep "srv  pid $SRV" | grep -qE '(▁|▂|▃|▄|▅|▆|▇|█){4}'; }
check "the group line grows a sparkline of its throughput" wait_for 4 spark_on_srv
check "the dashboard marks the saturated listener" screen_has '^! .*LISTEN +127\.0\.0\.1:6000'
check "the header counts what is wrong" screen_has '! 1 saturated'
check "a connection whose peer stopped reading is stalled within 7 s" wait_for 7 screen_has 'stalled'
check "the header counts CLOSE_WAIT left for 10 s" wait_for 8 screen_has 'closewait'
tm send-keys -t pv / ; sleep 0.3
tm send-keys -t pv -l 'flag:closewait'; sleep 0.3
tm send-keys -t pv Enter; sleep 0.6
check "flag:closewait keeps only the CLOSE_WAIT socket" \
	[ "$(screen | grep -cE 'CLOSE-WAIT +127\.0\.0\.1:5432')" -eq 1 ] && [ "$(screen | grep -c ESTAB)" -eq 0 ]
tm send-keys -t pv End Enter; sleep 0.6
check "the detail pane tells how long it has been in CLOSE_WAIT, at least" screen_has 'CLOSE_WAIT for at least [0-9]+(s|m)'
check "the detail pane lists the flag" screen_has '!closewait'
# A filter that hides the CLOSE_WAIT socket and back: its flag and age are
# the same at once, since the dashboard keeps collecting it.
tm send-keys -t pv Escape; sleep 0.3
tm send-keys -t pv / C-u; sleep 0.2
tm send-keys -t pv -l 'state:established'; sleep 0.2
tm send-keys -t pv Enter; sleep 1.2
check "state:established hides the CLOSE_WAIT socket" screen_lacks 'CLOSE-WAIT +127\.0\.0\.1:5432'
tm send-keys -t pv / C-u; sleep 0.2
tm send-keys -t pv Enter; sleep 0.6
check "after a filter that hid it, the CLOSE_WAIT is still flagged at once" screen_has '! .*CLOSE-WAIT +127\.0\.0\.1:5432'

# --lean: no tcp_info, so no rate columns and no peers.
dashboard_start 200x50 "$PORTVIEW -d 0.5 --lean"
check "--lean shows no rate columns" screen_lacks 'IN/s'
check "--lean draws no sparklines" bash -c '! tmux -L "$1" capture-pane -p -t pv | grep -qE "(▁|▂|▃|▄|▅|▆|▇|█)"' _ "$PV_TMUX-$PV_TMUX_N"
check "--lean keeps the accept queue gauge" screen_has 'LISTEN +127\.0\.0\.1:6000 +\* +2/1 '
check "--lean joins no peers" screen_lacks ' -> '
check "--once --lean joins no peers" bash -c '! "$1" --once --lean | grep -q " -> "' _ "$PORTVIEW"

finish
