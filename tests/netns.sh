#!/bin/bash
# Every network namespace in one view: two `ip netns` namespaces and two
# made by unshare, each with a listener on the same port 8080, seen from
# the namespace portview runs in (the test's own, playing the host), with
# the right names, kinds and owners; --netns selecting; a unit from a
# cgroup the test makes; a namespace deleted under the dashboard; no fd
# left behind when namespaces come and go; nobody sees its own namespace
# and a notice; a real Podman container when Podman can run here.
TESTS_DIR=${TESTS_DIR:-$(dirname "$0")}
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool jq
require_tool tmux
require_tool setpriv

PV=$PORTVIEW_BINARY
TAG=pv$$
NA=$TAG-a NB=$TAG-b
UNIT=test-pv-$TAG.service
CGROUP_ROOT=
CGROUP2_DIR=
CONTAINER=

cleanup_netns() {
	ip netns del "$NA" 2>/dev/null
	ip netns del "$NB" 2>/dev/null
	if [ -n "$CONTAINER" ]; then podman_run rm -f -t 0 "$CONTAINER" >/dev/null 2>&1; fi
	if [ -n "$CGROUP_ROOT" ]; then
		for p in "${HELPER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
		wait 2>/dev/null
		rmdir "$CGROUP_ROOT/system.slice/$UNIT" 2>/dev/null
	fi
	[ -n "$CGROUP2_DIR" ] && rmdir "$CGROUP2_DIR" 2>/dev/null
}
trap 'cleanup_netns; cleanup' EXIT

# in_netns NAME: a sockhelper started inside `ip netns` NAME.
in_netns() {
	printf '#!/bin/sh\nexec ip netns exec %s "%s" "$@"\n' "$1" "$SOCKHELPER" >"$WORK/in-$1"
	chmod +x "$WORK/in-$1"
	echo "$WORK/in-$1"
}
# in_unshared: a sockhelper alone in a namespace of its own (no file
# names it): the first process of it, whose pid names it.
in_unshared() {
	printf '#!/bin/sh\nexec unshare -n sh -c '\''ip link set lo up && exec "$0" "$@"'\'' "%s" "$@"\n' \
		"$SOCKHELPER" >"$WORK/in-unshared"
	chmod +x "$WORK/in-unshared"
	echo "$WORK/in-unshared"
}

for ns in "$NA" "$NB"; do
	ip netns add "$ns" || skip_or_fail "ip netns add does not work here"
	ip -n "$ns" link set lo up
done
REAL_HELPER=$SOCKHELPER
SOCKHELPER=$(in_netns "$NA") helper a name srv-a listen tcp 127.0.0.1 8080 connect 127.0.0.1 8080
SOCKHELPER=$(in_netns "$NB") helper b name srv-b listen tcp 127.0.0.1 8080
SOCKHELPER=$(in_unshared) helper u name srv-u listen tcp 127.0.0.1 8080
SOCKHELPER=$(in_unshared) helper s name srv-s listen tcp 127.0.0.1 8080
SOCKHELPER=$REAL_HELPER helper h name srv-h listen tcp 127.0.0.1 8080
PID_A=$(helper_pid a) PID_B=$(helper_pid b) PID_U=$(helper_pid u) PID_S=$(helper_pid s) PID_H=$(helper_pid h)
ino() { stat -L -c %i "$1"; }
INO_A=$(ino /run/netns/"$NA") INO_U=$(ino /proc/"$PID_U"/ns/net) INO_H=$(ino /proc/self/ns/net)

# A unit: a cgroup under systemd's tree (v1 name=systemd on a hybrid host,
# else the unified one), with srv-s moved in.
for root in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified /sys/fs/cgroup; do
	if [ -w "$root/cgroup.procs" ] && mkdir -p "$root/system.slice/$UNIT" 2>/dev/null; then
		CGROUP_ROOT=$root
		break
	fi
done
[ -n "$CGROUP_ROOT" ] || skip_or_fail "no writable cgroup hierarchy to make $UNIT in"
echo "$PID_S" >"$CGROUP_ROOT/system.slice/$UNIT/cgroup.procs" || skip_or_fail "cannot move a process into $UNIT"

"$PV" --once --json -l port:8080 >"$WORK/all.json" 2>"$WORK/all.err"
check "--once runs in every namespace" test -s "$WORK/all.json"
# sock_of PID: the listener of that helper, as JSON.
sock_of() { jq -c --argjson p "$1" '[.sockets[] | select(.owners[0].pid == $p)] | .[0]' "$WORK/all.json"; }
check "the host's listener says host" jq_true '.netns == {"inode": '"$INO_H"', "name": "host", "kind": "host"}' <<<"$(sock_of "$PID_H")"
check "ip netns $NA by its name" jq_true '.netns.name == "'"$NA"'" and .netns.kind == "named" and .netns.inode == '"$INO_A" <<<"$(sock_of "$PID_A")"
check "ip netns $NB by its name" jq_true '.netns.name == "'"$NB"'" and .netns.kind == "named"' <<<"$(sock_of "$PID_B")"
check "an unshared namespace by its first pid" jq_true '.netns == {"inode": '"$INO_U"', "name": "pid '"$PID_U"'", "kind": "pid"}' <<<"$(sock_of "$PID_U")"
check "a namespace whose first process runs in a unit by the unit" jq_true '.netns.name == "'"$UNIT"'" and .netns.kind == "unit"' <<<"$(sock_of "$PID_S")"
check "the same 127.0.0.1:8080 listener in five namespaces" \
	jq_true '[.sockets[] | select(.listening and .local.addr == "127.0.0.1")] | map(.netns.inode) | unique | length >= 5' "$WORK/all.json"
check "each with its own owner" jq_true '[.sockets[] | select(.listening) | .owners[0].comm] | map(select(startswith("srv-"))) | sort == ["srv-a","srv-b","srv-h","srv-s","srv-u"]' "$WORK/all.json"
check "the unit's process says its unit" jq_true '.processes[] | select(.pid == '"$PID_S"') | .unit == "'"$UNIT"'" and (.cgroup | endswith("/'"$UNIT"'"))' "$WORK/all.json"
check "namespaces are listed with their socket counts" jq_true '[.namespaces[] | select(.name == "'"$NA"'")][0] | .shown and .sockets >= 1' "$WORK/all.json"
check "no notice when root sees every namespace" test ! -s "$WORK/all.err"

# The connection in NA is joined to its own listener's accepted end, in NA.
"$PV" --once --json --netns "$NA" >"$WORK/a.json"
check "a local connection's peer is in its own namespace" jq_true '
	[.sockets[] | select(.state == "ESTABLISHED")] as $c | ($c | length) == 2 and
	([$c[] | .peer.cookie] | sort) == ([$c[] | .cookie] | sort)' "$WORK/a.json"
check "--netns NAME shows that namespace alone" jq_true '[.sockets[].netns.name] | unique == ["'"$NA"'"]' "$WORK/a.json"
check "and lists the others as not shown" jq_true '[.namespaces[] | select(.shown) | .name] == ["'"$NA"'"]' "$WORK/a.json"
"$PV" --once --json --netns "$PID_U" --netns /run/netns/"$NB" >"$WORK/ub.json"
check "--netns PID and --netns PATH, repeated" jq_true '[.sockets[].netns.name] | unique | sort == (["pid '"$PID_U"'", "'"$NB"'"] | sort)' "$WORK/ub.json"
"$PV" --once --json --netns current >"$WORK/cur.json"
check "--netns current is the one portview runs in" jq_true '[.sockets[].netns.kind] | unique == ["host"]' "$WORK/cur.json"
out=$("$PV" --once --netns "nosuch-$TAG" 2>&1)
check "--netns with an unknown name fails with a clear line" grep -q "^portview: --netns nosuch-$TAG: no such network namespace" <<<"$out"
"$PV" --once -l "ns:$NB" >"$WORK/nb.txt"
check "ns: filters by namespace name" grep -q "srv-b" "$WORK/nb.txt"
check "ns: leaves the others out" test "$(grep -c 'srv-' "$WORK/nb.txt")" -eq 2
"$PV" --once -l "unit:$UNIT" >"$WORK/unit.txt"
check "unit: finds the unit's process" grep -q "srv-s $PID_S" "$WORK/unit.txt"
"$PV" --once -l port:8080 >"$WORK/all.txt"
check "text shows a NETNS column with the names" grep -qE "127\.0\.0\.1:8080 .* $NA .*srv-a" "$WORK/all.txt"
check "the summary line counts the namespaces shown" grep -qE "^[^ ].*  namespaces ([5-9]|[1-9][0-9]+)( |$)" "$WORK/all.txt"
check "a process's group line says its unit" grep -qE "^srv-s  pid $PID_S  user root  unit $UNIT  1 listening" "$WORK/all.txt"
"$PV" --once -l -g netns port:8080 >"$WORK/g.txt"
check "-g netns: one group line per namespace, the host's first" \
	test "$(grep -m1 '^netns' "$WORK/g.txt" | cut -d' ' -f2-3)" = "host (host)"
check "-g netns names ip netns namespaces" grep -q "^netns $NA (named)  net:\[$INO_A\]" "$WORK/g.txt"

# A process started in a cgroup v2 directory the test makes: its sockets
# carry the cgroup's id (INET_DIAG_CGROUP_ID), which tells nobody whose
# they are although their owner is hidden.
CGROUP2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
if [ -n "$CGROUP2" ] && mkdir "$CGROUP2/pv-made-$TAG.service" 2>/dev/null; then
	CGROUP2_DIR=$CGROUP2/pv-made-$TAG.service
	printf '#!/bin/sh\necho $$ >%s/cgroup.procs && exec "%s" "$@"\n' "$CGROUP2_DIR" "$SOCKHELPER" >"$WORK/in-cgroup"
	chmod +x "$WORK/in-cgroup"
	SOCKHELPER=$WORK/in-cgroup helper m name srv-m listen tcp 127.0.0.1 8081
	SOCKHELPER=$REAL_HELPER
fi

# Unprivileged: its own namespace and a notice, never an error.
chmod 711 "$WORK"
mkdir -m 755 "$WORK/bin"
cp "$PV" "$WORK/bin/portview"
if ! ldd "$PV" 2>/dev/null | grep -q libasan; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$WORK/bin/portview" --once --json >"$WORK/nobody.json" 2>"$WORK/nobody.err"
	check "nobody sees only its own namespace" jq_true '[.sockets[].netns.kind] | unique == ["host"]' "$WORK/nobody.json"
	check "and JSON says others are denied" jq_true '.netns_denied' "$WORK/nobody.json"
	check "with a notice that says why" grep -q "network namespace.*needs root (CAP_SYS_ADMIN)" "$WORK/nobody.err"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$WORK/bin/portview" --once --netns "$NA" >/dev/null 2>"$WORK/nobody2.err"
	check "nobody asking for another namespace gets a clear error" grep -q "entering another network namespace needs root" "$WORK/nobody2.err"
	if [ -n "$CGROUP2_DIR" ]; then
		check "nobody: the socket's owner is hidden" jq_true '.sockets[] | select(.local.port == 8081) | .owner_status == "hidden"' "$WORK/nobody.json"
		check "but the kernel's cgroup id names the cgroup that made it" \
			jq_true '.sockets[] | select(.local.port == 8081) | .cgroup == "/pv-made-'"$TAG"'.service"' "$WORK/nobody.json"
		setpriv --reuid=65534 --regid=65534 --clear-groups "$WORK/bin/portview" --once -l "unit:pv-made-$TAG" >"$WORK/nobody-unit.txt"
		check "so unit: finds it without privilege" grep -q "127.0.0.1:8081" "$WORK/nobody-unit.txt"
	fi
fi

# The dashboard: NA's rows go when NA is deleted, without an error; fds
# do not pile up as namespaces come and go.
dashboard_start 150x30 "$PV -l port:8080"
check "the dashboard shows NA's listener" wait_for 5 screen_has "$NA"
DASH_PID=$(tm display -p -t pv '#{pane_pid}')
[ "$(cat /proc/"$DASH_PID"/comm)" = portview ] || DASH_PID=$(pgrep -P "$DASH_PID" -x portview)
fds_before=$(ls /proc/"$DASH_PID"/fd | wc -l)
kill "$PID_A"
ip netns del "$NA"
check "NA's rows go once it is deleted" wait_for 8 screen_lacks "$NA "
check "with no error on screen" screen_lacks "(error|failed)"
for i in 1 2 3 4 5; do
	ip netns add "$TAG-c$i" && ip -n "$TAG-c$i" link set lo up
	sleep 1.2
	ip netns del "$TAG-c$i"
done
sleep 2.5
fds_after=$(ls /proc/"$DASH_PID"/fd | wc -l)
check "namespaces that came and went leave no fd behind ($fds_before then $fds_after)" test "$fds_after" -le "$fds_before"
check "one thread or two, as before" test "$(ls /proc/"$DASH_PID"/task | wc -l)" -le 3

# A real container, when Podman can run one here: its namespace and its
# process carry the container's name.
podman_run() { podman --runtime runc --cgroup-manager cgroupfs "$@"; }
if command -v podman >/dev/null && command -v runc >/dev/null && [ -x /bin/busybox ]; then
	mkdir -p "$WORK/root/bin"
	cp /bin/busybox "$WORK/root/bin/busybox"
	tar -C "$WORK/root" -cf "$WORK/root.tar" .
	CONTAINER=pvc-$TAG
	if podman_run import "$WORK/root.tar" "localhost/pv-busybox:$TAG" >/dev/null 2>"$WORK/podman.err" &&
		podman_run run -d --name "$CONTAINER" -p 18080:8080 --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "localhost/pv-busybox:$TAG" \
			/bin/busybox nc -l -p 8080 >/dev/null 2>>"$WORK/podman.err"; then
		CPID=$(podman_run inspect -f '{{.State.Pid}}' "$CONTAINER")
		"$PV" --once --json "container:$CONTAINER" >"$WORK/c.json"
		check "the container's listener is in a namespace named after it" jq_true '.sockets[] | select(.listening and .local.port == 8080) | .netns.name == "'"$CONTAINER"'" and .netns.kind == "container"' "$WORK/c.json"
		"$PV" --once "container:$CONTAINER" >"$WORK/c.txt"
		check "its group line says its container" grep -qE "^busybox  pid $CPID  user root  container $CONTAINER \(podman\)  1 listening" "$WORK/c.txt"
		check "its process names its container and runtime" jq_true '.processes[] | select(.pid == '"$CPID"') | .container.name == "'"$CONTAINER"'" and .container.runtime == "podman"' "$WORK/c.json"
		# -p 18080:8080: conmon holds the host's port for the container.
		"$PV" --once --json port:18080 >"$WORK/p.json"
		check "the published port on the host leads to the container's listener" jq_true '.sockets[] | select(.listening and .local.port == 18080) |
			.netns.kind == "host" and .forwards_to.netns.name == "'"$CONTAINER"'" and .forwards_to.local.port == 8080 and .forwards_to.owners[0].pid == '"$CPID" "$WORK/p.json"
		podman_run rm -f -t 0 "$CONTAINER" >/dev/null 2>&1
		podman_run rmi "localhost/pv-busybox:$TAG" >/dev/null 2>&1
		CONTAINER=
	else
		[ "${PORTVIEW_REQUIRE_PODMAN:-0}" = 1 ] && fail "podman cannot run a container here: $(tail -1 "$WORK/podman.err")"
		echo "NOTE: podman cannot run a container here: $(tail -1 "$WORK/podman.err")" >&2
	fi
else
	[ "${PORTVIEW_REQUIRE_PODMAN:-0}" = 1 ] && fail "podman, runc or busybox-static is not installed"
	echo "NOTE: no podman, runc or busybox-static: the container part is not run" >&2
fi

finish
