#!/bin/bash
# TIME_WAIT piles: hundreds of closed connections on one port are one
# summary row (how many, the oldest, where from) that opens on demand;
# process lines name their ports, so a folded line still says what it
# serves.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool tmux
export LC_ALL=C.UTF-8

# A dual-stack server that closes each connection first: TIME_WAIT is
# on its side, under its listener. Clients from two addresses (IPv4 as
# 127.0.0.1 mapped into IPv6, and ::1), the IPv6 ones two seconds later.
helper web name web listen tcp6 :: 8080 listen tcp 127.0.0.1 8443 hangup
visit() { exec 3<>"/dev/tcp/$1/8080" && cat <&3 >/dev/null; exec 3<&-; }
for i in $(seq 1 12); do visit 127.0.0.1; done
sleep 2
for i in $(seq 1 8); do visit ::1; done
# Two TIME_WAIT alone are rows of their own: fewer than a pile.
helper db name db listen tcp 127.0.0.1 5432 hangup
exec 3<>/dev/tcp/127.0.0.1/5432 && cat <&3 >/dev/null
exec 3<&-
exec 3<>/dev/tcp/127.0.0.1/5432 && cat <&3 >/dev/null
exec 3<&-

# A client that closes first holds TIME_WAIT with no process: a pile at
# the top of the no-process group.
helper store name store listen tcp 127.0.0.1 6379 drainclose
helper client name client tcpmany 4 127.0.0.1 6379 closeall

# Every visit's close has reached the server before anything is asked
# (a loaded machine may take a moment to deliver the last FINs).
tw_8080() { [ "$(ss -tanH state time-wait '( sport = :8080 )' | wc -l)" -eq 20 ]; }
wait_for 5 tw_8080 || echo "NOTE: ss shows $(ss -tanH state time-wait '( sport = :8080 )' | wc -l) TIME_WAIT on :8080, not 20" >&2
"$PORTVIEW" --once >"$WORK/text"
check "the pile is one summary line under its listener" \
	grep -qE '^    20 in TIME-WAIT  oldest [2-4]s  from 2 addresses, 12 from 127\.0\.0\.1$' "$WORK/text"
[ "$FAILURES" -eq 0 ] || { echo "--- portview --once said:" >&2; cat "$WORK/text" >&2; }
check "--once text still lists every connection under the pile" \
	[ "$(grep -c 'TIME-WAIT .*:8080 ' "$WORK/text")" -eq 20 ]
# (the server's close, which ends the client's FIN_WAIT2, may come late)
client_pile() { "$PORTVIEW" --once | grep -qE '^  4 in TIME-WAIT  oldest [0-9]+s  all from 127\.0\.0\.1$'; }
check "a client's TIME_WAIT pile up at the top of the no-process group" wait_for 3 client_pile
check "two TIME_WAIT make no pile" bash -c "! grep -q '2 in TIME-WAIT' '$WORK/text'"
check "two TIME_WAIT are rows of their own" [ "$(grep -c 'TIME-WAIT .*127\.0\.0\.1:5432 ' "$WORK/text")" -eq 2 ]
check "the process line names its ports" grep -qE "^web  pid $(helper_pid web)  user root  2 listening, 20 connections  :8080 :8443" "$WORK/text"
check "JSON still has every socket" \
	jq_true '[.sockets[] | select(.state == "TIME_WAIT" and .local.port == 8080)] | length == 20' <("$PORTVIEW" --once --json)

keys() { tm send-keys -t pv "$@"; sleep 0.3; }
dashboard_start 120x30 "$PORTVIEW -d 0.5; echo EXIT=\$?; sleep 60"
check "the dashboard shows the pile" screen_has '20 in TIME-WAIT  oldest [0-9]+s  from 2 addresses'
oldest_shown() { screen | grep -oE '20 in TIME-WAIT  oldest [0-9]+s' | grep -oE '[0-9]+s' | tr -d s; }
first=$(oldest_shown)
sleep 2.2
check "the pile's age goes on between refreshes ($first s, then $(oldest_shown) s)" [ "$(oldest_shown)" -ge $((first + 2)) ]
check "the pile starts closed" [ "$(screen | grep -c 'TIME-WAIT .*:8080 ')" -eq 0 ]
keys +
check "+ unfolds groups but not the pile" [ "$(screen | grep -c 'TIME-WAIT .*:8080 ')" -eq 0 ]
keys F3
keys -l ':8080 time-wait'
keys Enter
check "find lands on the closed pile" screen_has 'TIME-WAIT'
keys Enter
check "Enter opens the pile" [ "$(screen | grep -c 'TIME-WAIT .*:8080 ')" -ge 10 ]
keys Enter
check "Enter closes it again" [ "$(screen | grep -c 'TIME-WAIT .*:8080 ')" -eq 0 ]
keys i
check "details explain the pile" screen_has 'TIME_WAIT; many mean many short'
keys Escape
keys q
check "q quits" wait_for 3 screen_has '^EXIT=0'
tmux_cleanup
finish
