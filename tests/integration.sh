#!/bin/bash
# portview --once against the real kernel: a private network namespace, a
# known set of sockets held by processes with known names, and the exact set
# portview must report, compared with what the test made and with ss -tuanp.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool jq
require_tool ss
require_tool setpriv

helper srv name srv listen tcp 127.0.0.1 8080 listen tcp6only ::1 8081 listen tcp6 :: 8082 \
	udp 127.0.0.1 5353 udp6 ::1 5354
helper cli name cli connect 127.0.0.1 8080 connect ::1 8081 connect 127.0.0.1 8082 \
	udpconn 127.0.0.1 5353
helper shr name shr listen tcp 0.0.0.0 9090 fork
helper evil name $'\e[31mevil\a' listen tcp 127.0.0.1 7070

SRV=$(helper_pid srv) CLI=$(helper_pid cli)
SHR=$(helper_pid shr) SHR_CHILD=$(helper_pid shr 2) EVIL=$(helper_pid evil)
C1=$(helper_port cli 1) C2=$(helper_port cli 2) C3=$(helper_port cli 3) U1=$(helper_port cli 4)

# One line per socket: proto family state laddr lport raddr rport status pids.
normalise='.sockets[] | [.proto, .family, .state, .local.addr, (.local.port|tostring),
	.remote.addr, (.remote.port|tostring), .owner_status,
	([.owners[].pid] | sort | map(tostring) | join(","))] | join(" ")'

snapshot() {
	"$PORTVIEW" --once --json "$@" >"$WORK/out.json" 2>"$WORK/out.err" || return 1
	jq -r "$normalise" "$WORK/out.json" | sort
}

server_has_accepted() {
	[ "$(snapshot | grep -c "ESTABLISHED .* ok $SRV\$")" -eq 3 ]
}
wait_for 5 server_has_accepted || fail "the server did not accept its three connections"

sort >"$WORK/expected" <<EOF2
tcp inet LISTEN 127.0.0.1 8080 0.0.0.0 0 ok $SRV
tcp inet6 LISTEN ::1 8081 :: 0 ok $SRV
tcp inet6 LISTEN :: 8082 :: 0 ok $SRV
udp inet UNCONN 127.0.0.1 5353 0.0.0.0 0 ok $SRV
udp inet6 UNCONN ::1 5354 :: 0 ok $SRV
tcp inet LISTEN 0.0.0.0 9090 0.0.0.0 0 ok $(printf '%s\n' "$SHR" "$SHR_CHILD" | sort | paste -sd,)
tcp inet LISTEN 127.0.0.1 7070 0.0.0.0 0 ok $EVIL
tcp inet ESTABLISHED 127.0.0.1 $C1 127.0.0.1 8080 ok $CLI
tcp inet ESTABLISHED 127.0.0.1 8080 127.0.0.1 $C1 ok $SRV
tcp inet6 ESTABLISHED ::1 $C2 ::1 8081 ok $CLI
tcp inet6 ESTABLISHED ::1 8081 ::1 $C2 ok $SRV
tcp inet ESTABLISHED 127.0.0.1 $C3 127.0.0.1 8082 ok $CLI
tcp inet6 ESTABLISHED 127.0.0.1 8082 127.0.0.1 $C3 ok $SRV
udp inet ESTABLISHED 127.0.0.1 $U1 127.0.0.1 5353 ok $CLI
EOF2

snapshot >"$WORK/actual"
check "the JSON reports exactly the sockets the test made:
$(diff "$WORK/expected" "$WORK/actual")" cmp -s "$WORK/expected" "$WORK/actual"
check "the JSON is valid and versioned" jq_true '.portview == 1 and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")) and .incomplete == false' "$WORK/out.json"
check "nothing on stderr as root" [ ! -s "$WORK/out.err" ]
check "v6only is reported for IPv6 listeners" jq_true '
	([.sockets[] | select(.local.port == 8081 and .state == "LISTEN") | .v6only] == [true]) and
	([.sockets[] | select(.local.port == 8082 and .state == "LISTEN") | .v6only] == [false])' "$WORK/out.json"
check "every owner has a process record with cmdline and user" jq_true '
	([.sockets[].owners[].pid] | unique) == ([.processes[].pid] | sort) and
	all(.processes[]; .user == "root" and .uid == 0 and (.cmdline | startswith("'"$SOCKHELPER"'")) and .start_time > 0)' "$WORK/out.json"
check "process names come back exactly" jq_true --arg evil $'\e[31mevil\a' '
	([.processes[].comm] | sort) == ([$evil, "cli", "shr", "shr", "srv"] | sort)' "$WORK/out.json"
check "sockets have cookies, inodes and uids" jq_true 'all(.sockets[]; .cookie > 0 and .inode > 0 and .uid == 0)' "$WORK/out.json"

# Filters select exactly what they describe; jq is the independent oracle.
filter_selects() {
	local jq_predicate=$1
	shift
	jq -r "del(.sockets[] | select(($jq_predicate) | not)) | $normalise" "$WORK/full.json" | sort >"$WORK/want"
	"$PORTVIEW" --once --json "$@" | jq -r "$normalise" | sort >"$WORK/got"
	[ -s "$WORK/want" ] && cmp -s "$WORK/want" "$WORK/got"
}
"$PORTVIEW" --once --json >"$WORK/full.json"
while IFS='#' read -r predicate args; do
	# shellcheck disable=SC2086
	check "filter '$args' selects exactly ($predicate)" filter_selects "$predicate" $args
done <<EOF2
.local.port == 8080 or .remote.port == 8080#port:8080
.local.port == 8080#lport:8080
.remote.port == 8080#rport:8080
(.local.port >= 8080 and .local.port <= 8081) or (.remote.port >= 8080 and .remote.port <= 8081)#port:8080-8081
any(.owners[]; .comm == "cli")#proc:cli
any(.owners[]; .comm == "cli")#CLI
any(.owners[]; .pid == $SRV)#pid:$SRV
.state == "LISTEN"#state:listen
.state == "LISTEN"#STATE:Listen
.state == "ESTABLISHED" and .proto == "udp"#state:established udp
.proto == "udp"#proto:udp
.local.addr | contains(":")#6
(.local.addr | contains(":") | not) or (.listening and .v6only == false and .local.addr == "::")#ipv4
.local.addr == "::1" or .remote.addr == "::1"#addr:::1
.local.addr == "::1" or .remote.addr == "::1"#::1
.local.addr == "0.0.0.0"#laddr:0.0.0.0/32
(.local.addr | startswith("127.")) and .proto == "tcp" and .state != "LISTEN"#addr:127.0.0.0/8 tcp !state:listen
(.local.port == 8080 or .local.port == 9090) and .state == "LISTEN"#( port:8080 | port:9090 ) state:listen
.local.port == 8080 or .local.port == 9090#lport:8080 or lport:9090
.proto == "tcp" and (any(.owners[]; .comm == "cli") | not)#tcp not proc:cli
.listening#-l
.listening and .proto == "udp"#-l udp
.uid == 0#user:root
.uid == 0#user:0
.local.port == 9090 or .remote.port == 9090#9090
.local.port == 8080 or .remote.port == 8080#:8080
.local.port == 8080 or .remote.port == 8080#port 8080
.local.port == 8080#sport 8080
.state == "LISTEN"#listen
.state == "ESTABLISHED"#estab
.state == "ESTABLISHED" and .proto == "tcp"#established tcp
.proto == "tcp" and .family == "inet6"#tcp6
.listening#-tulpn
.listening and .proto == "tcp"#-tlnp
.proto == "tcp"#-antp
.state == "ESTABLISHED"#--established
.state == "ESTABLISHED" and .proto == "udp"#-u --established
(.local.addr | contains(":") | not) or (.listening and .v6only == false and .local.addr == "::")#-4
.local.addr | contains(":")#-6 -a -n -p -e
.proto == "udp" and .family == "inet6"#udp6
.proto == "tcp" and .family == "inet6"#proto:tcp6
any(.owners[]; .comm == "cli")#comm:cli
any(.owners[]; .comm == "cli")#proc cli
any(.owners[]; .pid == $CLI)#cmd:connect
EOF2

# A bare word is a process name: the clients' command lines hold
# "connect", their names do not.
check "a bare word does not search command lines" jq_true '.sockets == []' \
	<("$PORTVIEW" --once --json connect 2>/dev/null)
check "a filter matching nothing says which term" \
	grep -qx "portview: nothing matches 'port:1', nor 'proc:nosuch'" \
	<("$PORTVIEW" --once --json port:1 proc:nosuch 2>&1 >/dev/null)

check "-j alone is --once --json" jq_true '.portview == 1' <("$PORTVIEW" -j)
check "without a terminal for output, portview prints --once text" \
	grep -qE '^[^ ]+  [0-9T:-]+Z  listening [0-9]+' <("$PORTVIEW" </dev/null)
check "a filter matching nothing prints an empty list" jq_true '.sockets == [] and .processes == []' \
	<("$PORTVIEW" --once --json port:1)

# The same sockets, states, ports and owners as ss -tuanp reports.
ss_view() {
	ss -tuanpH | awk '{
		lp = $5; sub(/.*:/, "", lp); rp = $6; sub(/.*:/, "", rp); if (rp == "*") rp = 0
		pids = ""; n = split($0, parts, "pid="); m = 0
		for (i = 2; i <= n; i++) { split(parts[i], q, ","); ps[++m] = q[1] + 0 }
		for (i = 2; i <= m; i++) for (j = i; j > 1 && ps[j - 1] > ps[j]; j--) { t = ps[j]; ps[j] = ps[j - 1]; ps[j - 1] = t }
		for (i = 1; i <= m; i++) pids = pids (i > 1 ? "," : "") ps[i]
		print $1, $2, lp, rp, pids }' | sort
}
pv_view() {
	"$PORTVIEW" --once --json | jq -r '
		{"ESTABLISHED":"ESTAB","SYN_SENT":"SYN-SENT","SYN_RECV":"SYN-RECV","FIN_WAIT1":"FIN-WAIT-1",
		 "FIN_WAIT2":"FIN-WAIT-2","TIME_WAIT":"TIME-WAIT","CLOSE_WAIT":"CLOSE-WAIT","LAST_ACK":"LAST-ACK",
		 "CLOSE":"UNCONN","UNCONN":"UNCONN","LISTEN":"LISTEN","CLOSING":"CLOSING"} as $names |
		.sockets[] | [.proto, $names[.state], (.local.port|tostring), (.remote.port|tostring),
		([.owners[].pid] | sort | map(tostring) | join(","))] | join(" ")' | sort
}
ss_view >"$WORK/ss"
pv_view >"$WORK/pv"
check "the same sockets and owners as ss -tuanp:
$(diff "$WORK/ss" "$WORK/pv")" cmp -s "$WORK/ss" "$WORK/pv"

# Text output: grouped, aligned, and safe to print.
"$PORTVIEW" --once >"$WORK/text"
check "the summary line counts sockets and processes" \
	grep -qE "^[^ ]+  [0-9T:-]+Z  listening 7  established 7  other 0  processes 5  exposed 2\$" "$WORK/text"
check "text groups the server with its counts" grep -qE "^srv  pid $SRV  user root  5 listening, 3 connections  (:[0-9]+ ?)+\$" "$WORK/text"
check "text puts the client after the servers" awk '/^srv /{s=NR} /^cli /{c=NR} END{exit !(s && c > s)}' "$WORK/text"
check "text shows the client as a client" grep -qE "^cli  pid $CLI  user root  0 listening, 4 connections \(client\)\$" "$WORK/text"
check "text lists a connection under its listener" \
	awk -v p="127.0.0.1:$C1" '/LISTEN +127\.0\.0\.1:8080 /{l=NR} index($0, p) && /^    tcp /{c=NR} END{exit !(l && c > l)}' "$WORK/text"
check "text has no COMMAND column unless --columns names it" bash -c '! grep -q COMMAND "$1"' _ "$WORK/text"
check "--columns naming COMMAND adds each owner's command line" \
	grep -qE "LISTEN +127\.0\.0\.1:8080 .* srv $SRV +$SOCKHELPER name srv listen tcp 127\.0\.0\.1 8080" \
	<("$PORTVIEW" --once -g none --columns STATE,LOCAL,PROCESS,COMMAND)
check "text shows shared owners" grep -qE "0\.0\.0\.0:9090 .*shr $SHR,$SHR_CHILD\$" "$WORK/text"
check "text escapes a hostile name" grep -qF '\x1b[31mevil\x07' "$WORK/text"
check "text holds no escape or bell bytes" bash -c "! LC_ALL=C grep -q \$'[\x01-\x08\x0b-\x1f\x7f]' '$WORK/text'"
check "text columns line up" awk '/^  PROTO/{h=index($0, "LOCAL")} /^  (tcp|udp)/{ if (index($0, $3) != h) bad=1 } END{exit bad || !h}' "$WORK/text"

"$PORTVIEW" --once --group=port >"$WORK/port"
check "group by port shows the port line with accept queue" grep -qE "^tcp port 8080  srv $SRV  1 listening, 1 connection  accept 0/128  syn 0\$" "$WORK/port"
check "group by port puts the v4 client of the dual-stack listener under it" \
	grep -qE "^tcp port 8082  srv $SRV  1 listening, 1 connection  accept 0/128  syn 0\$" "$WORK/port"
check "group by port lists outbound sockets by remote endpoint" grep -qE "^remote 127\.0\.0\.1:5353  1 socket\$" "$WORK/port"

"$PORTVIEW" --once --group=none >"$WORK/flat"
check "flat output has one line per socket" [ "$(($(wc -l <"$WORK/flat") - 2))" -eq "$(wc -l <"$WORK/expected")" ]

# A command line of a megabyte is kept to 128 KiB and flagged, in JSON;
# the text output stays one line per socket.
pad=$(head -c 102400 /dev/zero | tr '\0' x)
helper big name bigcmd listen tcp 127.0.0.1 7373 $(for i in $(seq 10); do printf 'pad %s ' "$pad"; done)
"$PORTVIEW" --once --json port:7373 >"$WORK/big.json"
check "a 1 MiB command line is cut to 128 KiB" \
	jq_true '.processes[0].comm == "bigcmd" and (.processes[0].cmdline | length) == 131072 and .processes[0].cmdline_truncated == true' "$WORK/big.json"
check "the text output is not flooded by it" [ "$("$PORTVIEW" --once port:7373 | wc -l)" -eq 4 ]

# Without privilege: every socket is still listed with its uid; the
# owners of other users' sockets are hidden and the user is told which
# capabilities would reveal them; the user's own sockets keep their owner.
{
	nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	chmod o+rx "$WORK"
	mkfifo "$WORK/mine.in"
	nobody "$SOCKHELPER" name mine listen tcp 127.0.0.1 7171 <"$WORK/mine.in" >"$WORK/mine.out" 2>&1 &
	HELPER_PIDS+=($!)
	exec {mine_fd}>"$WORK/mine.in"
	wait_for 5 grep -q '^ready' "$WORK/mine.out" || fail "the unprivileged helper did not start"
	MINE=$(helper_pid mine)
	"$PORTVIEW" --once --json >"$WORK/root.json"
	nobody "$PORTVIEW" --once --json >"$WORK/nobody.json" 2>"$WORK/nobody.err"
	check "unprivileged: every socket is still listed" \
		[ "$(jq -c '[.sockets[].cookie]' "$WORK/nobody.json")" = "$(jq -c '[.sockets[].cookie]' "$WORK/root.json")" ]
	check "unprivileged: root's sockets are marked hidden, with their uid" \
		jq_true 'all(.sockets[] | select(.uid == 0 and .inode > 0); .owner_status == "hidden" and .owners == [])' "$WORK/nobody.json"
	check "unprivileged: its own socket keeps its owner" \
		jq_true --argjson pid "$MINE" '[.sockets[] | select(.local.port == 7171) | .owners[].pid] == [$pid]' "$WORK/nobody.json"
	check "unprivileged: the unreadable processes are counted" jq_true '.unreadable_processes > 0' "$WORK/nobody.json"
	check "unprivileged: stderr names the capabilities" \
		grep -q 'owners of [0-9]* sockets hidden (no permission): run as root, or grant CAP_DAC_READ_SEARCH,CAP_SYS_PTRACE' "$WORK/nobody.err"
	nobody "$PORTVIEW" --once >"$WORK/nobody.txt" 2>/dev/null
	check "unprivileged text: hidden owners say so, never blank" grep -qE 'LISTEN +127\.0\.0\.1:8080 .*\(hidden\)$' "$WORK/nobody.txt"
	check "unprivileged text: a group for the hidden owners of uid 0" grep -q '^(owner hidden)  uid 0' "$WORK/nobody.txt"

	# With /proc mounted hidepid=2, root's processes are not unreadable
	# but invisible: their sockets must still read as hidden, with the
	# reason, never as sockets nobody holds.
	if unshare -m true 2>/dev/null; then
		unshare -m "$BASH" -c 'mount -t proc -o hidepid=2 proc /proc &&
			exec setpriv --reuid=65534 --regid=65534 --clear-groups "$1" --once --json' \
			_ "$PORTVIEW" >"$WORK/hidepid.json" 2>"$WORK/hidepid.err"
		check "hidepid: root's sockets are hidden, not unowned" \
			jq_true 'all(.sockets[] | select(.uid == 0 and .inode > 0); .owner_status == "hidden")' "$WORK/hidepid.json"
		check "hidepid: the JSON says processes are invisible" jq_true '.processes_invisible == true' "$WORK/hidepid.json"
		check "hidepid: stderr says why" grep -q 'mounted with hidepid=2' "$WORK/hidepid.err"
		check "hidepid: its own socket keeps its owner" \
			jq_true --argjson pid "$MINE" '[.sockets[] | select(.local.port == 7171) | .owners[].pid] == [$pid]' "$WORK/hidepid.json"
	else
		skip_or_fail "cannot create a mount namespace for the hidepid test"
	fi
}

# FD and PID: the fd each owner holds the socket by, as /proc/PID/fd says.
inode_8080=$(jq -r '.sockets[] | select(.state == "LISTEN" and .local.port == 8080) | .inode' <("$PORTVIEW" --once --json))
fd_8080=$(find "/proc/$SRV/fd" -lname "socket:\[$inode_8080\]" -printf '%f\n' | sort -n | head -1)
check "JSON gives each owner the fd it holds the socket by" \
	jq_true --argjson fd "$fd_8080" '.sockets[] | select(.state == "LISTEN" and .local.port == 8080) | .owners[0].fd == $fd' \
	<("$PORTVIEW" --once --json)
check "the FD and PID columns show it" \
	grep -qE "^ +tcp +127\.0\.0\.1:8080 +$SRV +$fd_8080 +srv $SRV\$" <("$PORTVIEW" --once --columns PROTO,LOCAL,PID,FD,PROCESS)

finish
