#!/bin/bash
# The README's setcap'd binary, run by an unprivileged user: it shows the
# owners of other users' sockets, yet reads no file the user could not,
# holds its capabilities only while it reads /proc, and loads no terminal
# description the user chose.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool setcap
require_tool setpriv
require_tool tmux
require_tool tic
require_tool infocmp
# A sanitized build is no privileged program: the sanitizers read their
# options and /proc themselves, and refuse to run with capabilities.
# The plain build runs this test in CI; here it is skipped, not failed.
if ldd "${PORTVIEW_BINARY:-$PORTVIEW}" 2>/dev/null | grep -q libasan; then
	echo "SKIP: a sanitized build is not run with file capabilities" >&2
	exit 77
fi

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# The copy lives where nobody can run it; the secret where nobody cannot read it.
chmod 711 "$WORK"
mkdir -m 755 "$WORK/bin"
cp "$PORTVIEW_BINARY" "$WORK/bin/portview"
cp "$PORTVIEW_BINARY" "$WORK/bin/portview-plain"
setcap cap_dac_read_search,cap_sys_ptrace+ep "$WORK/bin/portview" || skip_or_fail "setcap does not work here"
CAPPED=$WORK/bin/portview PLAIN=$WORK/bin/portview-plain
printf 'db_password = hunter2\napi_key = s3cr3t-value\ngroup = port\n' >"$WORK/secret.conf"
chmod 600 "$WORK/secret.conf"

helper srv name rootsrv listen tcp 127.0.0.1 8400
SRV=$(helper_pid srv)

# --- the settings file is opened with the user's rights ---
out=$(as_nobody "$CAPPED" --once --config "$WORK/secret.conf" 2>&1)
status=$?
check "--config on a root-only file exits 2 (got $status)" [ "$status" -eq 2 ]
check "and says the file cannot be read: '$out'" grep -q "secret.conf: Permission denied" <<<"$out"
check "and tells nothing of its content" bash -c '! grep -q -e hunter2 -e s3cr3t -e db_password -e api_key <<<"$1"' _ "$out"
out=$(XDG_CONFIG_HOME=$WORK/nothing HOME=/root as_nobody "$CAPPED" --once 2>&1)
check "the default file is looked for with the user's rights too" bash -c '! grep -q -e hunter2 <<<"$1"' _ "$out"

# --- owners of root's sockets, for nobody ---
check "the setcap'd copy names the owner of root's listener" \
	grep -qE "LISTEN +127\.0\.0\.1:8400 .* rootsrv $SRV" <(as_nobody "$CAPPED" --once -g none)
check "the plain copy cannot (so the check above means something)" \
	bash -c '! setpriv --reuid=65534 --regid=65534 --clear-groups "$1" --once -g none | grep -qE "rootsrv $2"' \
	_ "$PLAIN" "$SRV"

# --- capabilities: permitted, not effective, while the dashboard is idle ---
dashboard_start 160x30 "exec setpriv --reuid=65534 --regid=65534 --clear-groups $CAPPED -d 30"
sleep 1.5
check "the dashboard shows the owner of root's listener" screen_has "rootsrv $SRV"
PV=$(pgrep -f "^$CAPPED -d 30" | head -n 1)
effective_all_zero() {
	local t
	for t in /proc/"$PV"/task/*; do
		grep -q '^CapEff:[[:space:]]*0000000000000000$' "$t/status" || return 1
	done
}
check "no thread of the idle dashboard has an effective capability" effective_all_zero
check "the two stay permitted, nothing else" grep -q '^CapPrm:[[:space:]]*0000000000080004$' "/proc/$PV/status"
check "none is inheritable" grep -q '^CapInh:[[:space:]]*0000000000000000$' "/proc/$PV/status"

# --- terminfo: a description the user made is not loaded ---
# The made-up terminal leaves a mark on the screen when the dashboard
# ends; an unknown terminal makes portview fall back to vt100, which
# leaves none.
mkdir -m 755 "$WORK/ti"
infocmp -x xterm | sed -e 's/^xterm|[^,]*,/pvcrafted|a terminal the user made,/' \
	-e 's/rmcup=[^,]*,/rmcup=\\E[?1049lPVMARK-RMCUP\\r\\n,/' >"$WORK/pvcrafted.src"
tic -x -o "$WORK/ti" "$WORK/pvcrafted.src" 2>/dev/null
chmod -R a+rX "$WORK/ti"
crafted_run() {
	dashboard_start 160x30 "TERM=pvcrafted TERMINFO=$WORK/ti setpriv --reuid=65534 --regid=65534 --clear-groups $1 -d 30; echo EXIT=\$?; sleep 30"
	tm send-keys -t pv q
	wait_for 5 screen_has 'EXIT=' || fail "the dashboard did not end"
}
crafted_run "$PLAIN"
check "without privileges, the user's terminfo is used (the check below means something)" screen_has 'PVMARK-RMCUP'
crafted_run "$CAPPED"
check "with capabilities, TERMINFO is ignored" screen_lacks 'PVMARK-RMCUP'

finish
