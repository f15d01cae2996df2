#!/bin/bash
# Names (-r, the n key) against the real kernel in a private network
# namespace, with /etc/hosts and /etc/services of the test's own making
# bind-mounted in a private mount namespace: service names for ports, host
# names by reverse lookup, a host name and a service name carrying escape
# sequences (shown escaped, kept exact in JSON), an address with no name
# that stays numeric, and numbers again when names are off.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool jq
require_tool tmux
unshare -m true 2>/dev/null || skip_or_fail "cannot create a mount namespace"

ip addr add 10.9.8.1/24 dev lo
ip addr add 10.9.8.2/24 dev lo
printf '127.0.0.1 localhost\n10.9.8.1 db.internal\n10.9.8.2 evil\033[2Jname.example\n' >"$WORK/hosts"
printf '# test services\npvhttp 8080/tcp\npvdns 5353/udp\nbad\033]0;x 9999/tcp\n' >"$WORK/services"
# with_names COMMAND...: runs the command with the test's hosts and services.
with_names() {
	unshare -m "$BASH" -c 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/services && shift 2 && exec "$@"' \
		_ "$WORK/hosts" "$WORK/services" "$@"
}

helper web name web listen tcp 127.0.0.1 8080 udp 127.0.0.1 5353 listen tcp 10.9.8.2 9999
helper db name db listen tcp 10.9.8.1 5432
helper cli name cli connect 10.9.8.1 5432 connect 10.9.8.2 9999 udpconn 10.9.8.3 4000

with_names "$PORTVIEW" --once -r >"$WORK/text"
check "a port gets its service name" grep -qE 'LISTEN +localhost:pvhttp ' "$WORK/text"
check "a UDP port gets its own" grep -qE 'UNCONN +localhost:pvdns ' "$WORK/text"
# The client's source address is 10.9.8.1 too: lo serves the whole /24.
check "a remote address gets its host name" grep -qE 'ESTAB +db\.internal:[0-9]+ +db\.internal:5432 ' "$WORK/text"
check "a local address too" grep -qE 'ESTAB +db\.internal:5432 +db\.internal:[0-9]+ ' "$WORK/text"
check "a hostile host name is shown escaped" grep -qF 'evil\x1b[2Jname.example:bad\x1b]0;x' "$WORK/text"
check "no raw escape reaches the text" bash -c '! grep -q $'"'"'\e'"'"' "$1"' _ "$WORK/text"
check "an address without a name stays numeric" grep -qE 'ESTAB +db\.internal:[0-9]+ +10\.9\.8\.3:4000 ' "$WORK/text"
check "a wildcard stays as it is" grep -qE '^ +tcp +LISTEN +[^ ]+ +\* ' "$WORK/text"
with_names "$PORTVIEW" --once -r -g port >"$WORK/ports"
check "grouped by port, the port line names the service" grep -qE '^tcp port 8080 \(pvhttp\)  web' "$WORK/ports"
with_names "$PORTVIEW" --once >"$WORK/numeric"
check "without -r everything is numeric" grep -qE 'LISTEN +127\.0\.0\.1:8080 ' "$WORK/numeric"
check "without -r no name appears" bash -c '! grep -qE "localhost|pvhttp|db\.internal" "$1"' _ "$WORK/numeric"

with_names "$PORTVIEW" --once -r --json >"$WORK/out.json"
check "JSON adds host and service, keeping addr and port" \
	jq_true '.sockets[] | select(.local.port == 8080) | .local == {"addr": "127.0.0.1", "port": 8080, "host": "localhost", "service": "pvhttp"}' "$WORK/out.json"
check "JSON keeps a hostile name's exact bytes" \
	jq_true '[.sockets[] | select(.local.port == 9999) | .local.host == "evil\u001b[2Jname.example" and .local.service == "bad\u001b]0;x"] == [true, true]' "$WORK/out.json"
check "JSON gives no host for an address without a name" \
	jq_true '.sockets[] | select(.remote.port == 4000) | .remote | has("host") | not' "$WORK/out.json"
with_names "$PORTVIEW" --once --json >"$WORK/plain.json"
check "JSON without -r has neither" \
	jq_true '[.sockets[] | .local, .remote | has("host") or has("service")] | any | not' "$WORK/plain.json"

# The dashboard: numbers, then names with n (answers arrive in the
# background and are drawn as they come), then numbers again.
dashboard_start 200x50 "unshare -m $BASH -c 'mount --bind $WORK/hosts /etc/hosts && mount --bind $WORK/services /etc/services && exec $PORTVIEW -d 0.5'"
check "the dashboard starts numeric" wait_for 3 screen_has 'LISTEN +127\.0\.0\.1:8080 '
tm send-keys -t pv n
check "n shows names" wait_for 3 screen_has 'LISTEN +localhost:pvhttp '
check "host names arrive" wait_for 3 screen_has 'db\.internal:5432'
check "the header says names are on" screen_has_fixed '[names]'
check "the hostile name is escaped on screen" screen_has_fixed 'evil\x1b[2Jname.example'
tm send-keys -t pv n
check "n again shows numbers" wait_for 3 screen_has 'LISTEN +127\.0\.0\.1:8080 '
check "and no names" screen_lacks 'pvhttp'

finish
