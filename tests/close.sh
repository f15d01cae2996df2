#!/bin/bash
# Closing one connection (SOCK_DESTROY, as ss -K) against real
# connections in a private network namespace: --close lists and closes
# nothing without --yes, refuses without CAP_NET_ADMIN and says why,
# closes with it (the test's end sees the reset), never closes listeners,
# needs a filter; K in the dashboard asks, naming both ends, then closes.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool tmux
require_tool setpriv

helper srv name srvc listen tcp 127.0.0.1 7601 drain
SRV=$(helper_pid srv)
# The test's own end: a read that ends when the connection does.
(exec 3<>/dev/tcp/127.0.0.1/7601 && cat <&3) 2>"$WORK/peer.err" &
PEER=$!
HELPER_PIDS+=("$PEER")
estab() { [ "$(ss -Htn state established '( sport = :7601 )' | wc -l)" -eq "$1" ]; }
wait_for 5 estab 1 || fail "the connection did not come up"

"$PORTVIEW" --close lport:7601 >"$WORK/list.out" 2>"$WORK/list.err"
STATUS=$?
check "without --yes: exit 0 ($STATUS)" test "$STATUS" = 0
check "it lists the server's end with both owners" grep -qE "^would close  tcp 127\.0\.0\.1:7601 <- 127\.0\.0\.1:[0-9]+  ESTAB  srvc $SRV <- " "$WORK/list.out"
check "and says how to close" grep -q "1 connection; add --yes to close it" "$WORK/list.err"
check "and closes nothing" estab 1
check "the listener is never among them" bash -c '! grep -q LISTEN "$1"' _ "$WORK/list.out"

setpriv --reuid=65534 --regid=65534 --clear-groups "$PORTVIEW_BINARY" --netns current --close --yes lport:7601 >"$WORK/nobody.out" 2>&1
STATUS=$?
check "without CAP_NET_ADMIN: exit 1 ($STATUS)" test "$STATUS" = 1
check "and the reason" grep -q "closing a connection needs CAP_NET_ADMIN: run portview as root" "$WORK/nobody.out"
check "still up" estab 1

"$PORTVIEW" --close --yes 'lport:7601 !listening' >"$WORK/yes.out" 2>&1
STATUS=$?
check "with --yes and root: closed, exit 0 ($STATUS): $(cat "$WORK/yes.out")" grep -qE "^closed  tcp 127\.0\.0\.1:7601 <- " "$WORK/yes.out"
wait_for 5 bash -c "! kill -0 $PEER 2>/dev/null" || fail "the test's end did not see its connection end"
check "the test's end saw the reset: $(cat "$WORK/peer.err")" grep -qi "reset by peer" "$WORK/peer.err"
check "the listener stays" bash -c 'ss -Htln "( sport = :7601 )" | grep -q .'

"$PORTVIEW" --close --yes >/dev/null 2>"$WORK/nofilter.err"
STATUS=$?
check "no filter: exit 2 ($STATUS)" test "$STATUS" = 2
check "and says a filter is needed" grep -q 'needs a filter' "$WORK/nofilter.err"
"$PORTVIEW" --close --yes port:7999 >/dev/null 2>&1
STATUS=$?
check "nothing matching: exit 1 ($STATUS)" test "$STATUS" = 1

# K in the dashboard: the question names both ends; y closes.
(exec 3<>/dev/tcp/127.0.0.1/7601 && cat <&3) 2>"$WORK/peer2.err" &
HELPER_PIDS+=($!)
wait_for 5 estab 1 || fail "the second connection did not come up"
export LC_ALL=C.UTF-8
dashboard_start 160x30 "$PORTVIEW -d 0.5 -g none 'rport:7601'"
wait_for 5 screen_has '127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:7601' || fail "the client's end is not listed"
tm send-keys -t pv K; sleep 0.4
check "K asks, naming both ends" screen_has 'close tcp 127\.0\.0\.1:[0-9]+ <-> 127\.0\.0\.1:7601  ESTAB|close tcp 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:7601  ESTAB'
check "and says what y does" screen_has 'y: close it'
tm send-keys -t pv n; sleep 0.3
check "another key closes nothing" estab 1
tm send-keys -t pv K; sleep 0.3
tm send-keys -t pv y; sleep 0.5
check "y closes it" screen_has 'closed tcp 127\.0\.0\.1:[0-9]+'
check "the connection is gone" estab 0
finish
