#!/bin/bash
# --remote against real ssh: two `ip netns` namespaces stand for two
# hosts, each with a real sshd on its own address (veth from the test's
# namespace), keys and known_hosts the test generates. The merged --once
# has each host's sockets under its name and nothing of one under the
# other; a portview speaking another stream version is refused naming
# both; in the dashboard (tmux) -g host shows both live, a host whose
# stream stops is stale with its age and live again when it resumes, and
# one whose portview dies is down, then reconnected.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool jq
require_tool tmux
require_tool ssh
require_tool ssh-keygen
[ -x /usr/sbin/sshd ] || skip_or_fail "sshd is not installed (package openssh-server)"

PV=$PORTVIEW_BINARY
TAG=pv$$
HA=$TAG-a HB=$TAG-b
SSHD_PIDS=()
cleanup_hosts() {
	for p in "${SSHD_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for ns in "$HA" "$HB"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
}
trap 'cleanup_hosts; cleanup' EXIT

mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$WORK/host_key" || fail "ssh-keygen failed"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/id" || fail "ssh-keygen failed"
cp "$WORK/id.pub" "$WORK/authorized_keys"
: >"$WORK/known_hosts"
: >"$WORK/ssh_config"
N=1
for ns in "$HA" "$HB"; do
	ip netns add "$ns" || skip_or_fail "ip netns add does not work here"
	ip -n "$ns" link set lo up
	ip link add "v$TAG$N" type veth peer name eth0 netns "$ns" || skip_or_fail "cannot add a veth pair"
	ip addr add "10.79.$N.1/24" dev "v$TAG$N"
	ip link set "v$TAG$N" up
	ip -n "$ns" addr add "10.79.$N.2/24" dev eth0
	ip -n "$ns" link set eth0 up
	cat >"$WORK/sshd_$N.conf" <<CONF
ListenAddress 10.79.$N.2:22
HostKey $WORK/host_key
PidFile $WORK/sshd_$N.pid
AuthorizedKeysFile $WORK/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
LogLevel ERROR
CONF
	ip netns exec "$ns" /usr/sbin/sshd -D -f "$WORK/sshd_$N.conf" -E "$WORK/sshd_$N.log" &
	SSHD_PIDS+=($!)
	echo "10.79.$N.2 $(cut -d' ' -f1,2 "$WORK/host_key.pub")" >>"$WORK/known_hosts"
	NAME=host$N
	cat >>"$WORK/ssh_config" <<CONF
Host $NAME
	HostName 10.79.$N.2
	User root
	IdentityFile $WORK/id
	IdentitiesOnly yes
	UserKnownHostsFile $WORK/known_hosts
	StrictHostKeyChecking yes
CONF
	N=$((N + 1))
done
export PORTVIEW_SSH="ssh -F $WORK/ssh_config"
for n in 1 2; do
	wait_for 5 ssh -F "$WORK/ssh_config" -o BatchMode=yes "host$n" true ||
		fail "ssh to host$n does not work: $(cat "$WORK/sshd_$n.log")"
done

# in_host NS: a sockhelper started on that host.
in_host() {
	printf '#!/bin/sh\nexec ip netns exec %s "%s" "$@"\n' "$1" "$SOCKHELPER" >"$WORK/in-$1"
	chmod +x "$WORK/in-$1"
	echo "$WORK/in-$1"
}
SOCKHELPER=$(in_host "$HA") helper a name srv-a listen tcp 0.0.0.0 7801 connect 127.0.0.1 7801
SOCKHELPER=$(in_host "$HB") helper b name srv-b listen tcp 127.0.0.1 7802
# Each host shows its own namespace, as a host of its own would.
REMOTE=(--remote host1,host2 --remote-command "$PV --netns current")

"$PV" "${REMOTE[@]}" --once --json >"$WORK/once.json" 2>"$WORK/once.err"
STATUS=$?
check "--once over ssh: exit 0 ($STATUS; $(head -c 300 "$WORK/once.err"))" test "$STATUS" = 0
check "both hosts live, with their portview's version" \
	jq_true --arg v "$("$PV" --version | awk '{ print $2 }')" '[.hosts[] | [.name, .status, .version]] == [["host1","live",$v],["host2","live",$v]]' "$WORK/once.json"
check "host1's listener, owner and exposure" \
	jq_true 'any(.sockets[]; .host == "host1" and .local.port == 7801 and .state == "LISTEN" and .exposure == "all" and .owners[0].comm == "srv-a")' "$WORK/once.json"
check "host2's listener" \
	jq_true 'any(.sockets[]; .host == "host2" and .local.port == 7802 and .owners[0].comm == "srv-b")' "$WORK/once.json"
check "nothing of one host under the other" \
	jq_true '([.sockets[] | select(.host == "host2" and .local.port == 7801)] | length) == 0 and ([.sockets[] | select(.host == "host1" and .local.port == 7802)] | length) == 0' "$WORK/once.json"
check "host1's local connection joined to its server end" \
	jq_true 'any(.sockets[]; .host == "host1" and .remote.port == 7801 and .side == "client" and .peer.side == "server" and .peer.owners[0].comm == "srv-a")' "$WORK/once.json"
# Exact: host1's sockets are what portview sees there itself.
ip netns exec "$HA" "$PV" --netns current --once --json >"$WORK/local_a.json"
tuples() { jq -c "$1"' | [.proto, .state, .local.addr, .local.port, .remote.addr, .remote.port, ([.owners[].pid] | sort)] ' "$2" | sort; }
check "host1 over ssh is host1 seen there, socket for socket, owners too" \
	bash -c 'cmp -s <("$1" ".sockets[] | select(.host == \"host1\" and (.remote.port != 22 and .local.port != 22))" "$2") <("$1" ".sockets[] | select(.remote.port != 22 and .local.port != 22)" "$3")' \
	_ tuples "$WORK/once.json" "$WORK/local_a.json"

# Another wire version is refused, naming both portviews.
printf '#!/bin/sh\necho %s\nsleep 30\n' "'{\"type\":\"hello\",\"stream\":0,\"version\":\"0.0.1\",\"host\":\"old\"}'" >"$WORK/old-portview"
chmod +x "$WORK/old-portview"
ip netns exec "$HB" true
"$PV" --remote host2 --remote-command "$WORK/old-portview" --once >"$WORK/old.txt" 2>"$WORK/old.err"
STATUS=$?
check "an old portview there: exit 1 ($STATUS)" test "$STATUS" = 1
check "refused, naming both versions: $(cat "$WORK/old.err")" \
	grep -q "host2: refused: it runs portview 0.0.1, whose stream is version 0; this portview [0-9.]* reads version 1" "$WORK/old.err"
"$PV" --remote host1,nosuchhost --remote-command "$PV --netns current" --once >/dev/null 2>"$WORK/down.err"
check "a host ssh cannot reach: exit 1 and ssh's words: $(cat "$WORK/down.err")" \
	grep -q "nosuchhost: down: .*\(resolve\|Name or service\)" "$WORK/down.err"
"$PV" --remote -oProxyCommand=x --once >/dev/null 2>"$WORK/bad.err"
check "an option as a host: exit 2 ($?)" grep -q "bad host for --remote: '-oProxyCommand=x'" "$WORK/bad.err"

# The dashboard: both hosts, then host2's stream stopped (stale), resumed
# (live), killed (down) and back by itself.
dashboard_start 200x50 "$PV --no-config --remote host1,host2 --remote-command '$PV --netns current' -d 0.5 -g host"
both_live() { screen_has "host host1 +live" && screen_has "host host2 +live"; }
wait_for 10 both_live || true
check "-g host: host1 live" screen_has "host host1 +live"
check "and host2" screen_has "host host2 +live"
check "the HOST column" screen_has "OUT/s +HOST +NETNS"
check "host2's listener on its line" screen_has "LISTEN +127\.0\.0\.1:7802 .* host2 "
remote_stream_pid() {
	for p in $(ip netns pids "$HB"); do
		[ "$(readlink "/proc/$p/exe")" = "$(readlink -f "$PV")" ] && grep -q -- "--stream" "/proc/$p/cmdline" 2>/dev/null && echo "$p"
	done | head -1
}
STREAM=$(remote_stream_pid)
check "host2 runs portview --stream ($STREAM)" test -n "$STREAM"
kill -STOP "$STREAM"
wait_for 8 screen_has "host host2 +stale [0-9]+s" || true
check "its stream stopped: stale, with its age" screen_has "host host2 +stale [0-9]+s"
check "and a notice says so" screen_has "host2: stale, nothing for [0-9]+ s"
check "its sockets still shown, as last seen" screen_has "LISTEN +127\.0\.0\.1:7802 .* host2 "
kill -CONT "$STREAM"
wait_for 8 screen_has "host host2 +live" || true
check "resumed: live again" screen_has "host host2 +live"
kill -9 "$STREAM"
wait_for 8 screen_has "host host2 +down" || true
check "its portview killed: down" screen_has "host host2 +down"
wait_for 15 screen_has "host host2 +live" || true
check "then reconnected by itself: live" screen_has "host host2 +live"
check "with a new portview there" test "$(remote_stream_pid)" != "$STREAM"
# key K: sends the key and waits for its refusal.
refused() {
	tm send-keys -t pv "$1"
	wait_for 3 screen_has "$1 acts on this machine only"
}
check "k refuses: signals act on this machine only" refused k
check "K refuses too: $(screen | tail -n 2 | head -c 300)" refused K
check "and w" refused w
finish
