#!/bin/bash
# The two owner sources agree, socket for socket: the kernel's BPF
# iterator (--owners=bpf) and the /proc walk (--owners=proc), on the same
# sockets: a forked server, a socket passed to another process with
# SCM_RIGHTS, a process with many threads, processes that come and go
# during the walk, and the owners' fds.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"

if ! out=$("$PORTVIEW" --owners=bpf --once 2>&1 >/dev/null); then
	[ -n "${PORTVIEW_REQUIRE_BPF:-}" ] && { echo "BPF owner source required: $out" >&2; exit 1; }
	echo "SKIP: the BPF owner source is not available here: $out"
	exit 77
fi

helper srv name srv listen tcp 127.0.0.1 8080 listen tcp6 :: 8443 fork
helper cli name cli connect 127.0.0.1 8080 connect ::1 8443
helper passer name passer childname worker connect 127.0.0.1 8080 connect 127.0.0.1 8080 passfd
helper crowd name crowd listen tcp 127.0.0.1 9000 threads 64
helper app name appd ulisten stream "$WORK/app.sock" uconnect stream "$WORK/app.sock"
SRV=$(helper_pid srv)
WORKER=$(awk '/^passed/ { print $2 }' "$WORK/passer.out" 2>/dev/null)
PASSED_FD=$(awk '/^passed/ { print $3 }' "$WORK/passer.out" 2>/dev/null)

# owners SOURCE: every socket's owners as "cookie pid:fd ..." lines, sorted.
owners() {
	"$PORTVIEW" --owners="$1" --once --json -x |
		jq -r '.sockets[] | "\(.cookie) \([.owners[] | "\(.pid):\(.fd)"] | sort | join(" "))"' | sort
}

owners bpf >"$WORK/bpf"
owners proc >"$WORK/proc"
check "JSON says which source ran" jq_true '.owner_source == "bpf"' <("$PORTVIEW" --owners=bpf --once --json)
check "and the other one" jq_true '.owner_source == "proc"' <("$PORTVIEW" --owners=proc --once --json)
check "both sources find the same owners and fds, socket for socket
$(diff "$WORK/proc" "$WORK/bpf")" cmp -s "$WORK/proc" "$WORK/bpf"
check "they found owners at all" [ "$(grep -c ':' "$WORK/bpf")" -ge 8 ]
check "the forked server's listener has both processes" \
	jq_true --argjson p "$SRV" '.sockets[] | select(.local.port == 8080 and .state == "LISTEN") | (.owners | length) == 2 and .owners[0].pid == $p' \
	<("$PORTVIEW" --owners=bpf --once --json)
if [ -n "$WORKER" ]; then
	check "the passed socket belongs to the worker alone, by the fd it got ($PASSED_FD)" \
		jq_true --argjson w "$WORKER" --argjson fd "$PASSED_FD" \
		'[.sockets[] | select(any(.owners[]; .pid == $w))] | length == 1 and (.[0].owners == [{"pid": $w, "comm": "worker", "fd": $fd}])' \
		<("$PORTVIEW" --owners=bpf --once --json)
else
	check "the passing helper reported the worker" false
fi
check "64 threads are one owner, not 65" \
	jq_true '.sockets[] | select(.local.port == 9000) | (.owners | length) == 1' <("$PORTVIEW" --owners=bpf --once --json)

# Processes that come and go while the iterator walks: the stable sockets
# still agree, and every run ends well.
( for i in $(seq 200); do "$SOCKHELPER" name churn listen tcp 127.0.0.1 0 </dev/null >/dev/null & sleep 0.01; kill $! 2>/dev/null; done ) &
churn=$!
ok=1
for i in $(seq 10); do
	"$PORTVIEW" --owners=bpf --once --json >"$WORK/churn.json" || ok=
	jq -e . "$WORK/churn.json" >/dev/null || ok=
done
wait "$churn" 2>/dev/null
check "under churn every run ends with whole JSON" [ -n "$ok" ]
owners bpf | grep -v ' $' >"$WORK/bpf2"
owners proc | grep -v ' $' >"$WORK/proc2"
check "after churn both sources agree again" cmp -s "$WORK/proc2" "$WORK/bpf2"

# --owners=bpf where it cannot load says so and exits 2; auto falls back.
if command -v setpriv >/dev/null; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$PORTVIEW" --owners=bpf --once 2>&1)
	check "--owners=bpf without privilege exits 1" [ $? -eq 1 ]
	check "with a one-line error that says why" grep -q '^portview: --owners=bpf: .*needs root' <<<"$out"
	check "auto without privilege walks /proc" \
		jq_true '.owner_source == "proc"' <(setpriv --reuid=65534 --regid=65534 --clear-groups "$PORTVIEW" --once --json)
fi
out=$("$PORTVIEW" --owners=kernel --once 2>&1)
check "a bad --owners value is refused with exit 2" [ $? -eq 2 ]
check "and says what it wants" grep -q "wants auto, bpf or proc, not 'kernel'" <<<"$out"
finish
