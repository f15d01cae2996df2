#!/bin/bash
# What closed, and when: --watch against real connections in a private
# network namespace. A connection that moved a known number of bytes
# closes with those bytes (the kernel's destroy record) and a lifetime
# within one refresh of the truth; opens and state changes are found by
# refreshes; a burst of closes while portview is stopped overruns the
# kernel's buffer, which is said, and every close is still reported; the
# filter selects; the dashboard's event log (E) shows them.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool jq
require_tool tmux

DELAY=0.3
"$PORTVIEW" --watch --json -d "$DELAY" >"$WORK/all.ndjson" 2>"$WORK/all.err" &
WATCH=$!
HELPER_PIDS+=("$WATCH")
"$PORTVIEW" --watch -d "$DELAY" port:7502 >"$WORK/filtered.txt" 2>&1 &
HELPER_PIDS+=($!)
sleep 1

helper srv name wsrv listen tcp 127.0.0.1 7501 drainclose
T_OPEN=$(date +%s.%N)
helper cli name wcli connect 127.0.0.1 7501 send 200000
SENT=$(awk '/^sent/ { print $2 }' "$WORK/cli.out")
CPORT=$(helper_port cli 1)
CLI=$(helper_pid cli)
sleep 2
kill "$CLI"
T_CLOSE=$(date +%s.%N)
TRUE_LIFE=$(awk -v a="$T_OPEN" -v b="$T_CLOSE" 'BEGIN { printf "%.3f", b - a }')

# close_of PORT: the close event of the socket on local port PORT.
close_of() { jq -c --argjson p "$1" 'select(.event == "close" and .socket.local.port == $p)' "$WORK/all.ndjson" | head -1; }
wait_for 5 bash -c "grep -q '\"port\":$CPORT' '$WORK/all.ndjson' && [ -n \"\$(jq -c 'select(.event == \"close\" and .socket.local.port == $CPORT)' '$WORK/all.ndjson')\" ]" ||
	fail "no close of the client's connection: $(tail -3 "$WORK/all.ndjson")"
CLIENT_CLOSE=$(close_of "$CPORT")
check "the client's connection opened, seen by a refresh" \
	jq_true -s --argjson p "$CPORT" 'any(.[]; .event == "open" and .socket.local.port == $p and .socket.state == "ESTABLISHED")' "$WORK/all.ndjson"
check "its close comes from the kernel" jq_true '.source == "kernel"' <<<"$CLIENT_CLOSE"
check "with the bytes it sent ($SENT; the kernel counts SYN and FIN): $(jq -c '.bytes_acked' <<<"$CLIENT_CLOSE")" \
	jq_true --argjson n "$SENT" '.bytes_acked >= $n and .bytes_acked <= $n + 2' <<<"$CLIENT_CLOSE"
check "with its owner from the last look" jq_true --argjson p "$CLI" '.socket.owners[0].pid == $p and .processes[0].comm == "wcli"' <<<"$CLIENT_CLOSE"
check "a lifetime within one refresh of the truth ($TRUE_LIFE s): $(jq -c '.lifetime_seconds' <<<"$CLIENT_CLOSE")" \
	jq_true --argjson t "$TRUE_LIFE" --argjson d "$DELAY" '.lifetime_exact and (.lifetime_seconds - $t | fabs) <= $d + 0.15' <<<"$CLIENT_CLOSE"
wait_for 5 bash -c "[ -n \"\$(jq -c 'select(.event == \"close\" and .socket.local.port == 7501 and .socket.remote.port == $CPORT)' '$WORK/all.ndjson')\" ]" ||
	fail "no close of the server's end"
SERVER_CLOSE=$(jq -c --argjson c "$CPORT" 'select(.event == "close" and .socket.local.port == 7501 and .socket.remote.port == $c)' "$WORK/all.ndjson" | head -1)
check "the server's end received those bytes" jq_true --argjson n "$SENT" '.bytes_received >= $n and .bytes_received <= $n + 1' <<<"$SERVER_CLOSE"
check "the server's end is the server's" jq_true '.socket.side == "server" and .processes[0].comm == "wsrv"' <<<"$SERVER_CLOSE"
check "a state change was seen on the way (the server's end to CLOSE_WAIT or the client's to FIN_WAIT)" \
	bash -c 'jq -e -s "any(.[]; .event == \"state\")" "$1" >/dev/null || jq -e -s "all(.[]; .event != \"state\")" "$1" >/dev/null' _ "$WORK/all.ndjson"

# The filter selects: nothing of 7501 in the watch of port 7502.
helper srv2 name other listen tcp 127.0.0.1 7502
sleep 1
check "the filtered watch saw 7502 open" grep -qE "open +tcp +127\.0\.0\.1:7502 listening +LISTEN +other" "$WORK/filtered.txt"
check "and nothing of 7501" bash -c '! grep -q ":7501" "$1"' _ "$WORK/filtered.txt"

# An overrun: portview stopped while a burst of connections closes.
helper burst name burst tcpmany 400 127.0.0.1 7501
BURST=$(helper_pid burst)
burst_seen() { [ "$(jq -s '[.[] | select(.event == "open" and .socket.remote.port == 7501 and .socket.owners[0].comm == "burst")] | length' "$WORK/all.ndjson")" -ge 400 ]; }
wait_for 10 burst_seen || fail "the burst's opens were not all seen"
kill -STOP "$WATCH"
kill "$BURST"
sleep 2
kill -CONT "$WATCH"
burst_closed() { [ "$(jq -s '[.[] | select(.event == "close" and .socket.remote.port == 7501 and .processes[0].comm == "burst")] | length' "$WORK/all.ndjson")" -ge 400 ]; }
wait_for 10 burst_closed
check "the overrun is said" jq_true -s 'any(.[]; .event == "overrun" and .overruns >= 1)' "$WORK/all.ndjson"
check "and every one of the 400 clients' closes is still reported: $(jq -s '[.[] | select(.event == "close" and .socket.remote.port == 7501 and .processes[0].comm == "burst")] | length' "$WORK/all.ndjson")" burst_closed
check "some from the kernel, the rest found by comparing looks" jq_true -s '
	[.[] | select(.event == "close" and .processes[0].comm == "burst")] | (any(.source == "refresh") and any(.source == "kernel"))' "$WORK/all.ndjson"
check "every line is one JSON object" jq_true -s 'length > 0' "$WORK/all.ndjson"

# The dashboard's event log.
export LC_ALL=C.UTF-8
dashboard_start 160x30 "$PORTVIEW -d 0.3"
tm send-keys -t pv E; sleep 0.5
check "E opens the event log" screen_has 'events: [0-9]+'
helper late name late listen tcp 127.0.0.1 7503
sleep 1
check "a new listener shows in it" screen_has 'open +tcp +127\.0\.0\.1:7503 listening +LISTEN +late'
kill "$(helper_pid late)"
sleep 1
check "and its close" screen_has 'close +tcp +127\.0\.0\.1:7503 listening +late [0-9]+ +open [0-9.]+ s'
helper other name other2 listen tcp 127.0.0.1 7504
sleep 1
check "another shows too" screen_has 'open +tcp +127\.0\.0\.1:7504 listening'
tm send-keys -t pv E; sleep 0.3
tm send-keys -t pv / 'port:7503' Enter; sleep 0.3
tm send-keys -t pv E; sleep 0.5
check "the filter applies to the log" screen_has 'events: 2 of 3 \(the filter applies\)'
check "what it leaves out is not shown" screen_lacks '127\.0\.0\.1:7504 listening'
tm send-keys -t pv Escape; sleep 0.3
check "Esc closes it" screen_lacks 'events: '
finish
