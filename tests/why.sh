#!/bin/bash
# portview why PORT: who holds a port and why a new server could not bind
# it, checked against real binds in a private network namespace: a taken
# port (its process, pid and command line named), a free one, one held
# only by TIME_WAIT, a reserved one, SO_REUSEPORT siblings, a socket bound
# but not listening, bad input; and the exit status scripts rely on.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool jq
require_tool tmux

# why ARGS...: runs portview why, keeping its output and exit status.
why() {
	"$PORTVIEW" why "$@" >"$WORK/why.out" 2>"$WORK/why.err"
	WHY_STATUS=$?
}

helper srv name websrv pad --serve-here listen tcp 0.0.0.0 7301 listen tcp6only :: 7301
SRV=$(helper_pid srv)
why 7301
check "a taken port exits 1 (got $WHY_STATUS)" test "$WHY_STATUS" = 1
check "it names the process and pid" grep -qE "^7301/tcp: taken by websrv $SRV" "$WORK/why.out"
check "it shows the command line" grep -qE "^  command +.*sockhelper name websrv pad --serve-here" "$WORK/why.out"
check "it shows both families' listeners" \
	bash -c 'grep -qE "listening +0\.0\.0\.0:7301 \(IPv4\)" "$1" && grep -qE "listening +\[::\]:7301 \(IPv6 only\)" "$1"' _ "$WORK/why.out"
check "the IPv4 wildcard bind is refused" grep -qE "^  tried +0\.0\.0\.0 in use" "$WORK/why.out"
check "UDP on the same port is free" grep -qE "^7301/udp: free" "$WORK/why.out"
"$PORTVIEW" --json why 7301/tcp >"$WORK/why.json"
check "JSON: taken, EADDRINUSE, the holder's pid" jq_true --argjson p "$SRV" \
	'.verdict == "taken" and (.protocols | length) == 1 and .protocols[0].binds[0].error == "EADDRINUSE" and
	 ([.protocols[0].sockets[].owners[].pid] | unique) == [$p] and .protocols[0].processes[0].pid == $p' "$WORK/why.json"

why 7302/tcp
check "a free port exits 0 (got $WHY_STATUS)" test "$WHY_STATUS" = 0
check "and says a new server can bind it" grep -qE "^7302/tcp: free: a new server can bind it" "$WORK/why.out"
check "every form binds" bash -c '! grep -E "^  tried" "$1" | grep -q "in use"' _ "$WORK/why.out"

# TIME_WAIT alone: the server closed first, its client after, and the
# server went away.
helper tw name twsrv listen tcp 127.0.0.1 7303 hangup
helper twc name twcli tcpmany 3 127.0.0.1 7303
wait_for 5 bash -c '[ "$(ss -Htan state fin-wait-2 "( sport = :7303 )" | wc -l)" -ge 3 ]' ||
	fail "the server did not close first"
kill "$(helper_pid twc)"
wait_for 5 bash -c '[ "$(ss -Htan state time-wait "( sport = :7303 )" | wc -l)" -ge 3 ]' ||
	fail "the server's ends did not reach TIME_WAIT"
kill "$(helper_pid tw)"
wait_for 5 bash -c '! ss -Htln "( sport = :7303 )" | grep -q .' || fail "the listener did not go"
why 7303
check "TIME_WAIT alone: free for servers that set SO_REUSEADDR, exit 0 (got $WHY_STATUS)" test "$WHY_STATUS" = 0
check "the TIME_WAIT holders are counted" grep -qE "^  time-wait +3 closed connections of the port" "$WORK/why.out"
check "a bind without SO_REUSEADDR is refused" grep -qE "0\.0\.0\.0 without SO_REUSEADDR in use" "$WORK/why.out"
"$PORTVIEW" --json why 7303/tcp >"$WORK/tw.json"
check "JSON counts them and gives a time left" jq_true '.protocols[0].time_wait == 3 and .protocols[0].time_wait_left_ms > 0 and .protocols[0].time_wait_left_ms <= 60000' "$WORK/tw.json"

# A reserved port, and one inside the ephemeral range.
echo 7304 >/proc/sys/net/ipv4/ip_local_reserved_ports
why 7304/tcp
check "a reserved port is free to bind, exit 0" test "$WHY_STATUS" = 0
check "and said reserved" grep -qE "^  port +7304 is registered; reserved" "$WORK/why.out"
read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
why "$((lo + 5))/tcp"
check "a port in the ephemeral range is said to be so" grep -qE "inside the ephemeral range $lo-$hi" "$WORK/why.out"
why 80/tcp
check "a port below ip_unprivileged_port_start is said to need privilege" grep -qE "^  privilege +below net\.ipv4\.ip_unprivileged_port_start \(1024\)" "$WORK/why.out"

# SO_REUSEPORT siblings, and a socket bound but not listening.
helper rp name rpsrv reuseport listen tcp 127.0.0.1 7305 listen tcp 127.0.0.1 7305
why 7305/tcp
check "siblings: taken" test "$WHY_STATUS" = 1
check "two listeners share it with SO_REUSEPORT" grep -qE "^  reuseport +2 listeners share 127\.0\.0\.1:7305 \(SO_REUSEPORT\)" "$WORK/why.out"
helper bd name bindonly bind 0.0.0.0 7306
why 7306/tcp
# It set SO_REUSEADDR, as the tries do: the kernel lets a server bind
# beside it (its own listen would fail then).
check "beside a bound socket with SO_REUSEADDR a server binds (exit $WHY_STATUS)" test "$WHY_STATUS" = 0
if grep -qE "^  bound +0\.0\.0\.0:7306 \(IPv4, not listening\) by bindonly $(helper_pid bd)" "$WORK/why.out"; then
	pass
elif [ "$(printf '%s\n' "$(uname -r)" 6.8 | sort -V | head -1)" != 6.8 ]; then
	echo "NOTE: kernel $(uname -r) does not dump bound-only sockets (6.8 does)" >&2
else
	fail "the bound, not listening socket is named: $(cat "$WORK/why.out")"
fi

# The dashboard's w: the same report on the port typed.
export LC_ALL=C.UTF-8
dashboard_start 120x30 "$PORTVIEW -d 1"
tm send-keys -t pv w; sleep 0.3
check "w asks for a port" screen_has 'why port \(N, N/tcp, N/udp\):'
tm send-keys -t pv C-u 7301 Enter; sleep 0.5
check "w shows who takes it" screen_has "7301/tcp: taken by websrv $SRV"
check "and what the binds met" screen_has 'tried +0\.0\.0\.0 in use'
tm send-keys -t pv Escape; sleep 0.3
check "Esc goes back to the list" screen_lacks '7301/tcp: taken'
tm send-keys -t pv w; sleep 0.3
tm send-keys -t pv C-u 99999 Enter; sleep 0.3
check "a bad port is said on the status line" screen_has "'99999' is not a port"
tmux_cleanup

# Bad input: exit 2 and one line.
for bad in 0 70000 http 80/sctp "80 81"; do
	why $bad
	check "'$bad' exits 2 (got $WHY_STATUS)" test "$WHY_STATUS" = 2
	check "'$bad' says why in one line" test "$(wc -l <"$WORK/why.err")" -ge 1
done
finish
