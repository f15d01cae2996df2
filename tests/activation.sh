#!/bin/bash
# Socket activation with a real activator, systemd-socket-activate, in a
# private network namespace: before the first connection the activator
# holds the listener for the service it will start; after it, the
# service holds it, passed by LISTEN_FDS under its .socket name; with
# --accept the activator keeps the listener.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool jq
command -v systemd-socket-activate >/dev/null || skip_or_fail "systemd-socket-activate is not installed (package systemd)"

systemd-socket-activate -l 127.0.0.1:7701 --fdname=web.socket -- sleep 60 2>"$WORK/ssa.err" &
ACT=$!
HELPER_PIDS+=("$ACT")
wait_for 5 bash -c 'ss -Htln "( sport = :7701 )" | grep -q .' || fail "the activator did not listen"
"$PORTVIEW" --once --json port:7701 >"$WORK/before.json"
check "before the first connection the activator holds it" jq_true --argjson p "$ACT" \
	'.sockets[0].activation.activator == $p and .sockets[0].activation.service_pid == null' "$WORK/before.json"

# The first connection starts the service: it replaces the activator
# (the same pid, now sleep) and holds the listener it was passed.
(exec 3<>/dev/tcp/127.0.0.1/7701; sleep 0.3)
wait_for 5 bash -c "[ \"\$(cat /proc/$ACT/comm)\" = sleep ]" || fail "the service did not start"
"$PORTVIEW" --once --json listening port:7701 >"$WORK/after.json"
check "the service holds it, passed by LISTEN_FDS, under its socket's name" jq_true --argjson p "$ACT" \
	'.sockets[0].activation | .service_pid == $p and .socket_unit == "web.socket" and .listen_fds == 1' "$WORK/after.json"
check "the process says what it was passed" jq_true --argjson p "$ACT" \
	'.processes[] | select(.pid == $p) | .listen_fds == 1 and .listen_fdnames == "web.socket"' "$WORK/after.json"

# Accept=yes style: the activator keeps the listener, a child per connection.
systemd-socket-activate --accept -l 127.0.0.1:7702 -- sleep 60 2>/dev/null &
ACC=$!
HELPER_PIDS+=("$ACC")
wait_for 5 bash -c 'ss -Htln "( sport = :7702 )" | grep -q .' || fail "the accepting activator did not listen"
(exec 3<>/dev/tcp/127.0.0.1/7702; sleep 0.3)
"$PORTVIEW" --once --json listening port:7702 >"$WORK/accept.json"
check "with --accept the activator keeps the listener" jq_true --argjson p "$ACC" \
	'.sockets[0].activation.activator == $p and (.sockets[0].owners | map(.pid)) == [$p]' "$WORK/accept.json"

# A listener nobody passed is no activation.
helper plain name plain listen tcp 127.0.0.1 7703
"$PORTVIEW" --once --json port:7703 >"$WORK/plain.json"
check "a plain listener has none" jq_true '.sockets[0] | has("activation") | not' "$WORK/plain.json"
finish
