#!/bin/bash
# --stream against real sockets in a private network namespace: a hello
# naming the wire version, the whole model, then only what changed; a
# connection that opens and closes is in one diff and gone in a later
# one; replaying the lines gives what --once sees; a quiet host sends
# empty diffs; portview stops when the reader goes.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool jq

# The listener first: the snapshot must hold it.
helper srv name ssrv listen tcp 127.0.0.1 7701 drainclose
"$PORTVIEW" --stream -d 0.3 >"$WORK/s.ndjson" 2>"$WORK/s.err" &
STREAM=$!
HELPER_PIDS+=("$STREAM")
wait_for 5 grep -q '"type":"diff"' "$WORK/s.ndjson" || fail "no diff line: $(cat "$WORK/s.err")"
helper cli name scli connect 127.0.0.1 7701 send 50000
CPORT=$(helper_port cli 1)
sleep 1
kill "$(helper_pid cli)"
sleep 1.5
"$PORTVIEW" --once --json >"$WORK/once.json"
sleep 1.2
kill "$STREAM"
wait "$STREAM" 2>/dev/null

check "every line is one JSON object" bash -c '! jq -c . "$1" 2>&1 >/dev/null | grep -q .' _ "$WORK/s.ndjson"
check "the first says hello with wire version 1 and this portview's version" \
	jq_true --arg v "$("$PORTVIEW" --version | awk '{ print $2 }')" \
	'.type == "hello" and .stream == 1 and .version == $v and (.host | length > 0)' <<<"$(head -1 "$WORK/s.ndjson")"
check "then a snapshot, then diffs, seq counting up by one" \
	jq_true -s '.[1].type == "snapshot" and all(.[2:][]; .type == "diff") and ([.[1:][].seq] == [range(1; length)])' "$WORK/s.ndjson"
check "the snapshot has the listener and its owner" \
	jq_true -s '.[1] as $s | any($s.sockets[]; .local_port == 7701 and .state == 10 and (.owners[0][0] as $p | any($s.processes[]; .pid == $p and .comm == "ssrv")))' "$WORK/s.ndjson"
check "the client's connection arrives in a diff" \
	jq_true -s --argjson p "$CPORT" 'any(.[2:][]; any(.sockets[]; .local_port == $p and .state == 1))' "$WORK/s.ndjson"
COOKIE=$(jq -s --argjson p "$CPORT" '[.[2:][].sockets[] | select(.local_port == 7701 and .remote_port == $p)][0].cookie' "$WORK/s.ndjson")
check "its server end goes in a later one (cookie $COOKIE)" \
	jq_true -s --argjson c "$COOKIE" 'any(.[2:][]; .sockets_gone | index($c))' "$WORK/s.ndjson"
check "its client end changes to TIME_WAIT (the kernel keeps its cookie)" \
	jq_true -s --argjson p "$CPORT" 'any(.[2:][]; any(.sockets[]; .local_port == $p and .state == 6))' "$WORK/s.ndjson"
# Replayed: added and changed records replace, gone ones leave.
jq -s '
	reduce .[1:][] as $l ({};
		(reduce $l.sockets[] as $k (.; .[$k.cookie | tostring] = $k))
		| (reduce $l.sockets_gone[] as $c (.; del(.[$c | tostring]))))
	| [.[] | select(.family != 1) | .cookie] | sort' "$WORK/s.ndjson" >"$WORK/replayed.json"
jq '[.sockets[] | select(.family != "unix") | .cookie] | sort' "$WORK/once.json" >"$WORK/once_cookies.json"
check "replayed, the lines hold the sockets --once sees: $(jq -c . "$WORK/replayed.json") vs $(jq -c . "$WORK/once_cookies.json")" \
	cmp -s "$WORK/replayed.json" "$WORK/once_cookies.json"
check "a quiet host's last lines change nothing" \
	jq_true -s '.[-2:] | all(.[]; (.sockets + .processes + .netns + .sockets_gone + .processes_gone + .netns_gone) == [])' "$WORK/s.ndjson"
check "an idle connection is not written again: the listener is in the snapshot and at most one diff" \
	jq_true -s '[.[2:][].sockets[] | select(.local_port == 7701 and .state == 10)] | length <= 1' "$WORK/s.ndjson"

# The reader goes: portview stops (write error), it does not stream on.
START=$(date +%s)
timeout 10 bash -c '"$1" --stream -d 0.2 | head -c 10 >/dev/null' _ "$PORTVIEW"
check "portview --stream | head stops ($(($(date +%s) - START)) s)" test $(($(date +%s) - START)) -lt 5
finish
