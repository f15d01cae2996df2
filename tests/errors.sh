#!/bin/bash
# Bad input from the user: every case gets one line on stderr naming the
# problem, nothing on stdout, and exit status 2.
. "$TESTS_DIR/lib.sh"

# bad_usage PATTERN ARGS...: expects exit 2, no stdout, one stderr line
# (plus an optional "Try" hint) matching PATTERN.
bad_usage() {
	local pattern=$1 out err status
	shift
	out=$("$PORTVIEW" "$@" 2>"$WORK/err")
	status=$?
	err=$(head -n 1 "$WORK/err")
	check "'$*' exits 2 (got $status)" [ "$status" -eq 2 ]
	check "'$*' prints nothing on stdout" [ -z "$out" ]
	check "'$*' says '$pattern' (said '$err')" grep -q -- "$pattern" <<<"$err"
	check "'$*' says it in at most two lines" [ "$(wc -l <"$WORK/err")" -le 2 ]
}

bad_usage "unknown option '--frobnicate'" --once --frobnicate
bad_usage "unknown option '-Z'" --once -Z
bad_usage "port must be a number from 0 to 65535, not 'abc'" --once port:abc
bad_usage "port must be a number from 0 to 65535, not '70000'" --once port:70000
bad_usage "column 7: unknown state 'sideways'" --once state:sideways
bad_usage "column 1: unbalanced '('" --once '(port:80'
bad_usage "unbalanced ')'" --once 'port:80)'
bad_usage "pid: needs a value" --once pid:
bad_usage "unknown keyword 'colour:'" --once colour:red
bad_usage "unknown protocol 'sctp'" --once proto:sctp
bad_usage "not an address" --once addr:10.0.0.300
bad_usage "runs backwards" --once port:90-80
bad_usage "column 6: no user 'nosuchuser' on this host" --once user:nosuchuser
bad_usage "a number alone is a port, 0 to 65535, not '99999' (for a pid: pid:99999)" --once 99999
bad_usage "port: needs a value" --once port
bad_usage "--group wants process, port, netns, host or none, not 'nonsense'" --once --group=nonsense
bad_usage "--delay wants seconds" -d 0
bad_usage "--delay wants seconds" -d -1
bad_usage "--delay wants seconds" -d abc
bad_usage "needs a value" --once --group
bad_usage "longer than 4096 characters" --once "$(printf 'x%.0s' $(seq 5000))"
bad_usage "nests deeper than 64" --once "$(printf '(%.0s' $(seq 1000))port:1$(printf ')%.0s' $(seq 1000))"

# What the user typed is echoed escaped: no escape byte reaches stderr.
# "nothing matches 'proc:...'" quotes the filter: escaped too.
for args in "-g"$'\e]0;T\a' "port:"$'\e[2J' "--"$'\e[31mx' "proc:"$'\e]0;T\a'; do
	"$PORTVIEW" --once "$args" >/dev/null 2>"$WORK/err"
	check "an error about '$(printf %q "$args")' carries no escape byte" bash -c '! grep -q $'"'"'[\x1b\x07]'"'"' "$1" && [ -s "$1" ]' _ "$WORK/err"
done

out=$("$PORTVIEW" --help)
check "--help exits 0" [ $? -eq 0 ]
check "--help shows usage" grep -q '^Usage: portview' <<<"$out"
for opt in --once --json --listening --group --delay --help --version; do
	check "--help mentions $opt" grep -q -- "$opt" <<<"$out"
done
# The man page documents every option --help lists.
if [ -n "${PORTVIEW_MAN:-}" ]; then
	for opt in $(grep -oE -- '--[a-z][a-z-]+' <<<"$out" | sort -u); do
		check "the man page documents $opt" grep -qF -- "${opt//-/\\-}" "$PORTVIEW_MAN"
	done
fi
check "--version prints the version" grep -qE '^portview [0-9]+\.[0-9]+' <<<"$("$PORTVIEW" --version)"

# Trouble from the machine: a signal storm during a dump, and no /proc.
if [ -n "${EINTR_PRELOAD:-}" ] && [ -f "$EINTR_PRELOAD" ]; then
	out=$(ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" LD_PRELOAD="$EINTR_PRELOAD" \
		timeout 30 "$PORTVIEW" --once 2>"$WORK/err")
	status=$?
	check "reads interrupted forever end the dump (exit $status, not a hang)" [ "$status" -eq 1 ]
	check "and say so in one line: '$(head -n 1 "$WORK/err")'" \
		grep -qx 'portview: sock_diag dumps failed: Interrupted system call' "$WORK/err"
fi
# A sanitized build cannot run without /proc: the sanitizers read their
# options from it and LeakSanitizer walks it at exit. The plain build does.
if unshare -m true 2>/dev/null && command -v jq >/dev/null && ! ldd "${PORTVIEW_BINARY:-$PORTVIEW}" 2>/dev/null | grep -q libasan; then
	unshare -m "$BASH" -c 'mount -t tmpfs none /proc && exec "$1" --once --json' _ "$PORTVIEW" \
		>"$WORK/noproc.json" 2>"$WORK/err"
	status=$?
	check "without /proc, --once still lists the sockets (exit $status)" [ "$status" -eq 0 ]
	check "without /proc, it says no owner is known" grep -q '^portview: /proc cannot be read' "$WORK/err"
	check "without /proc, owned sockets are hidden, not unowned" \
		jq -e 'all(.sockets[]; .inode == 0 or .owner_status == "hidden")' "$WORK/noproc.json"
fi

finish
