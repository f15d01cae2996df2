#!/bin/bash
# Ports as attack surface: how far each listener reaches (loopback, one
# interface's address, every address), the exposed count and filter, port
# classes, and which end of a connection serves when no listener is left
# to say so, against real sockets in a private network namespace.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool jq

# An interface with an address of its own, as a server's LAN port is.
ip link add pvlan0 type veth peer name pvlan1 && ip addr add 10.77.0.1/24 dev pvlan0 && ip link set pvlan0 up ||
	skip_or_fail "cannot add a veth pair"

helper srv name srv listen tcp 127.0.0.1 7101 listen tcp6only ::1 7102 listen tcp 0.0.0.0 7103 \
	listen tcp6 :: 7104 listen tcp6only :: 7108 listen tcp 10.77.0.1 7105 \
	udp 0.0.0.0 7106 udp 127.0.0.1 7107 udp6 ::1 7109
"$PORTVIEW" --once --json >"$WORK/all.json"

# exposure_of PORT PROTO: the exposure JSON gives that listener.
exposure_of() {
	jq -r --argjson p "$1" --arg proto "$2" \
		'.sockets[] | select(.listening and .local.port == $p and .proto == $proto) | .exposure' "$WORK/all.json"
}
for want in 7101:tcp:loopback 7102:tcp:loopback 7103:tcp:all 7104:tcp:all 7108:tcp:all \
	7105:tcp:address 7106:udp:all 7107:udp:loopback 7109:udp:loopback; do
	IFS=: read -r port proto exposure <<<"$want"
	check "$proto $port is exposed to '$exposure'" test "$(exposure_of "$port" "$proto")" = "$exposure"
done
check "the one-address listener names its interface" \
	jq_true '.sockets[] | select(.local.port == 7105) | .exposure_interface == "pvlan0"' "$WORK/all.json"
check "a loopback listener names no interface" \
	jq_true '[.sockets[] | select(.local.port == 7101) | has("exposure_interface")] == [false]' "$WORK/all.json"
check "five listeners are exposed beyond loopback" jq_true '.exposed_listeners == 5' "$WORK/all.json"

# The filter keyword selects exactly those, in JSON and as text.
"$PORTVIEW" --once --json exposed >"$WORK/exposed.json"
check "'exposed' selects exactly those five" \
	jq_true '[.sockets[] | .local.port] | sort == [7103, 7104, 7105, 7106, 7108]' "$WORK/exposed.json"
"$PORTVIEW" --once --json '!exposed listening' >"$WORK/loopback.json"
check "'!exposed listening' selects the loopback ones" \
	jq_true '[.sockets[] | .local.port] | sort == [7101, 7102, 7107, 7109]' "$WORK/loopback.json"
"$PORTVIEW" --once --columns proto,state,local,remote,exposed,process exposed >"$WORK/exposed.txt"
check "the summary line counts the exposed" grep -qE "listening 5 .* exposed 5" "$WORK/exposed.txt"
check "the EXPOSED column says all" grep -qE "0\.0\.0\.0:7103 +\* +all " "$WORK/exposed.txt"
check "the EXPOSED column names the interface" grep -qE "10\.77\.0\.1:7105 +\* +pvlan0 " "$WORK/exposed.txt"
"$PORTVIEW" --once --columns proto,state,local,remote,exposed,process port:7101 >"$WORK/lo.txt"
check "a loopback listener is not exposed" grep -qE "127\.0\.0\.1:7101 +\* +no " "$WORK/lo.txt"

check "port classes" jq_true '[.sockets[] | select(.local.port == 7103) | .port_class] == ["registered"]' "$WORK/all.json"

# Which end serves, with no listener in view: the server accepted its
# connection, then closed its listener.
helper pair name tcpsrv listen tcp 127.0.0.1 7201 connect 127.0.0.1 7201 unlisten
read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
CPORT=$(helper_port pair 2)
check "the client's port is in the ephemeral range ($lo-$hi)" test "$CPORT" -ge "$lo" -a "$CPORT" -le "$hi"
"$PORTVIEW" --once --json port:7201 >"$WORK/pair.json"
check "no listener is left" jq_true '[.sockets[] | select(.listening)] == []' "$WORK/pair.json"
check "the end on 7201 is the server's" jq_true '.sockets[] | select(.local.port == 7201) | .side == "server" and .peer.side == "client"' "$WORK/pair.json"
check "the end on the ephemeral port is the client's" jq_true --argjson c "$CPORT" '.sockets[] | select(.local.port == $c) | .side == "client" and .peer.side == "server"' "$WORK/pair.json"
"$PORTVIEW" --once port:7201 >"$WORK/pair.txt"
check "drawn server <- client" grep -qE "127\.0\.0\.1:7201 +127\.0\.0\.1:$CPORT .*tcpsrv [0-9]+ <- tcpsrv" "$WORK/pair.txt"

# The rule follows the namespace's range: with 7201 inside it and the
# client's port outside, the roles turn round.
echo "7000 7300" >/proc/sys/net/ipv4/ip_local_port_range
"$PORTVIEW" --once --json port:7201 >"$WORK/pair2.json"
check "ends follow ip_local_port_range" jq_true '.sockets[] | select(.local.port == 7201) | .side == "client"' "$WORK/pair2.json"
# With both ports in the range, reserving 7201 takes it out again.
echo "7000 $hi" >/proc/sys/net/ipv4/ip_local_port_range
"$PORTVIEW" --once --json port:7201 >"$WORK/pair3.json"
check "both ends ephemeral: no side is claimed" jq_true '[.sockets[] | has("side")] == [false, false]' "$WORK/pair3.json"
echo 7201 >/proc/sys/net/ipv4/ip_local_reserved_ports
"$PORTVIEW" --once --json port:7201 >"$WORK/pair4.json"
check "a reserved port is never a client's" jq_true '.sockets[] | select(.local.port == 7201) | .side == "server"' "$WORK/pair4.json"
finish
