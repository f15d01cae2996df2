#!/bin/bash
# portview's benchmark: builds socket farms in private network namespaces
# and times portview against ss, netstat and lsof on the same sockets,
# alternating runs and taking medians. Prints ratios, not just times.
#
# `run.sh soak` instead runs the dashboard for BENCH_SOAK_SECONDS (600)
# while a farm opens and closes BENCH_CHURN (2000) connections a second, and
# reports RSS and open fds over time and the CPU share.
#
# Knobs (environment): BENCH_CONNS (20000 loopback connections, both ends
# held: 40,000 sockets), BENCH_PROCS (8), BENCH_LISTENERS (64),
# BENCH_SMALL_PROCS (400) and BENCH_SMALL_CONNS (3000) for the many-small-
# processes farm, BENCH_RUNS (5), BENCH_DASH_SECONDS (30; 0 skips the
# dashboard), BENCH_BIG_CONNS (100000: 200,000 sockets; 0 skips),
# BENCH_NETNS (20 namespaces sharing BENCH_CONNS connections; 0 skips).
set -u
: "${PORTVIEW:?PORTVIEW names the portview binary}"
: "${FARM:?FARM names the farm binary}"
: "${PROBE:?PROBE names the dump probe binary}"
CONNS=${BENCH_CONNS:-20000}
PROCS=${BENCH_PROCS:-8}
LISTENERS=${BENCH_LISTENERS:-64}
SMALL_PROCS=${BENCH_SMALL_PROCS:-400}
SMALL_CONNS=${BENCH_SMALL_CONNS:-3000}
RUNS=${BENCH_RUNS:-5}
DASH_SECONDS=${BENCH_DASH_SECONDS:-30}
BIG_CONNS=${BENCH_BIG_CONNS:-100000}
NETNS=${BENCH_NETNS:-20}
# portview shows every namespace it may enter; against ss, which shows
# the one it runs in, it is asked for that one. The netns scenario
# measures the others.
PORTVIEW_BIN=$PORTVIEW
PORTVIEW="$PORTVIEW --netns current"

# Each scenario runs in a network namespace of its own, so no TIME_WAIT
# sockets of one farm linger into the next.
export PROBE
if [ "${1:-}" = soak ] && [ -z "${PV_BENCH_INNER:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
	PV_BENCH_INNER=1 exec unshare -n "$BASH" "$0" soak
fi
if [ $# -eq 0 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (network namespaces, every process's fds)" >&2; exit 1; }
	echo "portview benchmark: $(nproc) cores, $(uname -r), $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "processes on the host: $(ls /proc | grep -c '^[0-9]')"
	for scenario in large small netns netns-own big; do
		unshare -n "$BASH" "$0" "$scenario" || exit 1
	done
	exit 0
fi

ip link set lo up
WORK=$(mktemp -d)
FARM_FD=
cleanup() {
	[ -n "$FARM_FD" ] && eval "exec $FARM_FD>&-"
	tmux -L "pvbench$$" kill-server 2>/dev/null
	wait 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

# farm_start ARGS: starts a farm and waits until its sockets are open.
farm_start() {
	mkfifo "$WORK/farm.in"
	"$FARM" "$@" <"$WORK/farm.in" >"$WORK/farm.out" &
	exec {FARM_FD}>"$WORK/farm.in"
	while ! grep -q ready "$WORK/farm.out"; do
		kill -0 $! 2>/dev/null || { echo "bench: the farm failed" >&2; exit 1; }
		sleep 0.1
	done
}

farm_stop() {
	eval "exec $FARM_FD>&-"
	FARM_FD=
	wait
}

have() { command -v "$1" >/dev/null; }

# time_ms CMD...: wall-clock milliseconds of one run, output discarded.
time_ms() {
	local start=$EPOCHREALTIME end
	"$@" >/dev/null 2>&1
	end=$EPOCHREALTIME
	echo $(((${end/./} - ${start/./}) / 1000))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# compare LABEL "PORTVIEW CMD" "OTHER CMD"...: alternates the commands RUNS
# times, prints medians and portview's time as a share of each other's.
compare() {
	local label=$1 i j cmd pv other
	shift
	local -a cmds=("$@") times=()
	for ((i = 0; i < RUNS; i++)); do
		for ((j = 0; j < ${#cmds[@]}; j++)); do
			cmd=${cmds[$j]}
			have "${cmd%% *}" || continue
			# shellcheck disable=SC2086
			times[j]+="$(time_ms $cmd) "
		done
	done
	pv=$(tr ' ' '\n' <<<"${times[0]}" | grep . | median)
	printf '%s\n' "$label"
	printf '  %-44s %6s ms\n' "portview ${cmds[0]#* }" "$pv"
	for ((j = 1; j < ${#cmds[@]}; j++)); do
		if [ -z "${times[j]:-}" ]; then
			printf '  %-44s    n/a (not installed)\n' "${cmds[$j]}"
			continue
		fi
		other=$(tr ' ' '\n' <<<"${times[j]}" | grep . | median)
		printf '  %-44s %6s ms   portview takes %s\n' "${cmds[$j]}" "$other" \
			"$(awk -v a="$pv" -v b="$other" 'BEGIN { printf "%.2fx", b ? a / b : 0 }')"
	done
}

peak_rss_mib() {
	/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1 | awk '{ printf "%.1f", $1 / 1024 }'
}

# dashboard_measure SIZE SETTLE SECONDS ARGS...: runs the dashboard with
# ARGS in a tmux of SIZE (COLSxROWS), waits SETTLE seconds, and prints the
# CPU microseconds (user + system) it used a second over the next SECONDS,
# and its peak RSS in MiB.
dashboard_measure() {
	local size=$1 settle=$2 seconds=$3 pid before after hz rss tm="tmux -L pvbench$$"
	shift 3
	hz=$(getconf CLK_TCK)
	$tm new-session -d -x "${size%x*}" -y "${size#*x}" "exec $PORTVIEW $*"
	sleep 1
	pid=$($tm list-panes -F '#{pane_pid}')
	sleep "$settle"
	before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	sleep "$seconds"
	after=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	rss=$(awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")
	$tm kill-server 2>/dev/null
	sleep 0.2
	awk -v t=$((after - before)) -v hz="$hz" -v s="$seconds" -v rss="$rss" \
		'BEGIN { printf "%.0f %s\n", t / hz / s * 1e6, rss }'
}

# dashboard_cpu DELAY SECONDS [OPTION...]: the dashboard's CPU share of one
# core (user + system) over SECONDS after start-up, and its peak RSS.
dashboard_cpu() {
	local delay=$1 seconds=$2 us rss
	shift 2
	read -r us rss < <(dashboard_measure 120x40 2 "$seconds" -d "$delay" "$@")
	printf '  dashboard%s, refresh %ss, over %ss: %s%% of one core, peak RSS %s MiB\n' "${*:+ $*}" "$delay" \
		"$seconds" "$(awk -v us="$us" 'BEGIN { printf "%.2f", us / 1e4 }')" "$rss"
}

# cpu_us_of_runs N CMD...: the CPU (user + system) one run of CMD takes,
# in microseconds, over N runs.
cpu_us_of_runs() {
	local n=$1 i
	shift
	# shellcheck disable=SC2046
	(for ((i = 0; i < n; i++)); do "$@" >/dev/null 2>&1; done; times) | tail -n 1 |
		awk -v n="$n" '{ split($1, u, /[ms]/); split($2, s, /[ms]/)
			printf "%.0f", ((u[1] * 60 + u[2]) + (s[1] * 60 + s[2])) * 1e6 / n }'
}

# refresh_cost SECONDS [OPTION...]: the CPU of one dashboard refresh (1 s
# interval, grouped by process, 160x50) against one bare `ss -tuanH` run on
# the same sockets, and against the floor: the sock_diag dumps a refresh
# sends, read and thrown away (bench/dumpprobe), with no processing.
refresh_cost() {
	local seconds=$1 dash rss ss floor probe_opt=
	shift
	case " $* " in *" --lean "*) probe_opt=-n ;; esac
	# One refresh a second: the CPU a second is the CPU of one refresh.
	read -r dash rss < <(dashboard_measure 160x50 3 "$seconds" --no-config -d 1 --group process "$@")
	ss=$(cpu_us_of_runs 10 ss -tuanH)
	floor=$($PROBE $probe_opt 10 | awk '{ print $1 }')
	printf '  one dashboard refresh%s: %s ms of CPU; one ss -tuanH: %s ms (%s); the dumps alone: %s ms (%s)\n' \
		"${*:+ ($*)}" "$(awk -v v="$dash" 'BEGIN { printf "%.1f", v / 1000 }')" \
		"$(awk -v v="$ss" 'BEGIN { printf "%.1f", v / 1000 }')" \
		"$(awk -v a="$dash" -v b="$ss" 'BEGIN { printf "refresh/ss %.2fx", b ? a / b : 0 }')" \
		"$(awk -v v="$floor" 'BEGIN { printf "%.1f", v / 1000 }')" \
		"$(awk -v a="$dash" -v b="$floor" 'BEGIN { printf "refresh/floor %.2fx", b ? a / b : 0 }')"
}

# key_latency: the slowest of five answers to a key press, in ms: p
# pauses (the header says PAUSED), p again resumes.
key_latency() {
	local tm="tmux -L pvbench$$" worst=0 i start t want
	for i in 1 2 3 4 5 6; do
		if [ $((i % 2)) -eq 1 ]; then want=1; else want=0; fi
		start=$EPOCHREALTIME
		$tm send-keys p
		while :; do
			if $tm capture-pane -p | grep -q PAUSED; then [ "$want" -eq 1 ] && break
			else [ "$want" -eq 0 ] && break; fi
			sleep 0.005
		done
		t=$(((${EPOCHREALTIME/./} - ${start/./}) / 1000))
		[ "$t" -gt "$worst" ] && worst=$t
		sleep 0.37
	done
	echo "$worst"
}

# open_fds PID: the fewest fds PID had open over five looks 50 ms apart;
# a refresh holds a /proc directory open for a moment, a leak stays.
open_fds() {
	local i n min=
	for i in 1 2 3 4 5; do
		n=$(ls "/proc/$1/fd" | wc -l)
		[ -z "$min" ] || [ "$n" -lt "$min" ] && min=$n
		sleep 0.05
	done
	echo "$min"
}

case $1 in
soak)
	SOAK=${BENCH_SOAK_SECONDS:-600}
	CHURN=${BENCH_CHURN:-2000}
	farm_start -p 8 -c 5000 -l 64 -u 16 -r "$CHURN"
	echo "soak: dashboard for ${SOAK}s, 8 processes with 10,000 sockets, $CHURN connections opened and closed a second;"
	echo "  meanwhile a namespace with a listener comes and goes every second (a container restart loop)"
	# A restart loop: each round a namespace, a listener in it for a
	# second, then both go.
	(
		n=0
		while :; do
			ns=pvsoak$$-$((n++ % 4))
			ip netns add "$ns" 2>/dev/null && ip -n "$ns" link set lo up
			ip netns exec "$ns" "$FARM" -p 1 -c 5 -l 1 -u 1 -b 7000 </dev/null >/dev/null 2>&1 &
			sleep 1
			kill $! 2>/dev/null
			wait $! 2>/dev/null
			ip netns del "$ns" 2>/dev/null
		done
	) &
	RESTART_LOOP=$!
	tm="tmux -L pvbench$$"
	$tm new-session -d -x 120 -y 40 "exec $PORTVIEW_BIN"
	sleep 1
	pid=$($tm list-panes -F '#{pane_pid}')
	hz=$(getconf CLK_TCK)
	sleep 9
	rss10=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
	fds0=$(open_fds "$pid")
	threads0=$(ls "/proc/$pid/task" | wc -l)
	cpu0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	# The baseline for growth is taken once the dashboard has been through
	# a whole cycle, its first one-minute safety-net walk included (70 s),
	# when the run is long enough for that; memory warms up until then.
	base_at=10
	[ "$SOAK" -ge 140 ] && base_at=70
	rss0=$rss10
	peak=$rss10
	elapsed=10
	while [ "$elapsed" -lt "$SOAK" ]; do
		sleep 10
		elapsed=$((elapsed + 10))
		kill -0 "$pid" 2>/dev/null || { echo "soak: the dashboard died after ${elapsed}s"; exit 1; }
		rss=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
		[ "$rss" -gt "$peak" ] && peak=$rss
		[ "$elapsed" -eq "$base_at" ] && rss0=$rss
		[ $((elapsed % 60)) -eq 0 ] && echo "  ${elapsed}s: RSS $((rss / 1024)) MiB, $(ss -tanH | wc -l) TCP sockets"
	done
	rss1=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
	# The loop stops and its namespaces go before the count: the
	# dashboard then holds no socket of a namespace that is gone.
	kill "$RESTART_LOOP" 2>/dev/null
	wait "$RESTART_LOOP" 2>/dev/null
	for ns in $(ip netns list | awk '/^pvsoak'$$'-/ { print $1 }'); do ip netns pids "$ns" | xargs -r kill; ip netns del "$ns"; done
	sleep 2.5
	fds1=$(open_fds "$pid")
	threads1=$(ls "/proc/$pid/task" | wc -l)
	cpu1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	latency=$(key_latency)
	echo "  RSS after 10s $((rss10 / 1024)) MiB, after ${base_at}s $((rss0 / 1024)) MiB, at the end $((rss1 / 1024)) MiB, peak $((peak / 1024)) MiB"
	echo "  open fds after 10s $fds0, at the end $fds1; threads $threads0, then $threads1"
	echo "  CPU $(awk -v t=$((cpu1 - cpu0)) -v hz="$hz" -v s=$((SOAK - 10)) 'BEGIN { printf "%.1f", 100 * t / hz / s }')% of one core"
	echo "  slowest answer to a key: ${latency} ms"
	$tm kill-server
	farm_stop
	# Fail when memory grew more than 10% after the baseline, or fds leaked.
	if [ $((rss1 * 10)) -gt $((rss0 * 11)) ] || [ "$fds1" -gt "$fds0" ] || [ "$threads1" -gt "$threads0" ]; then
		echo "soak: FAILED (memory, fds or threads grew)"
		exit 1
	fi
	echo "soak: passed"
	;;
large)
	echo
	farm_start -p "$PROCS" -c "$CONNS" -l "$LISTENERS" -u 16
	echo "farm: $PROCS processes, $(ss -tuanH | wc -l) sockets ($CONNS loopback connections, both ends held; $LISTENERS listeners; 16 UDP)"
	compare "all sockets with owners" "$PORTVIEW --once --json" "ss -tuanp" "netstat -tuanp" "lsof -nPi"
	compare "listeners with owners" "$PORTVIEW --once -l" "ss -tulnp" "netstat -tulnp" "lsof -nP -iTCP -sTCP:LISTEN"
	compare "one port, with owners" "$PORTVIEW --once port:20000" "ss -tuanp sport = :20000 or dport = :20000" "lsof -nPi :20000"
	compare "who holds a port (portview why)" "$PORTVIEW why 20000/tcp" "ss -tlnp sport = :20000" "lsof -nP -iTCP:20000 -sTCP:LISTEN" "netstat -tlnp"
	echo "  peak RSS of portview --once --json: $(peak_rss_mib $PORTVIEW --once --json) MiB"
	if have tmux && [ "$DASH_SECONDS" -gt 0 ]; then
		refresh_cost "$DASH_SECONDS"
		refresh_cost "$DASH_SECONDS" --lean
		dashboard_cpu 1 "$DASH_SECONDS"
		dashboard_cpu 1 "$DASH_SECONDS" --lean
		dashboard_cpu 5 "$DASH_SECONDS"
	fi
	farm_stop
	;;
small)
	echo
	farm_start -p "$SMALL_PROCS" -c "$SMALL_CONNS" -l "$SMALL_PROCS" -u 16
	echo "farm: $SMALL_PROCS processes, $(ss -tuanH | wc -l) sockets"
	compare "all sockets with owners, many small processes" "$PORTVIEW --once --json" "ss -tuanp" "netstat -tuanp" "lsof -nPi"
	farm_stop
	;;
netns | netns-own)
	# netns-own: each namespace made with a TCP table of its own
	# (net.ipv4.tcp_child_ehash_entries, Linux >= 5.19); without it every
	# dump walks the host's one table, every namespace's sockets.
	if [ "$1" = netns-own ]; then
		sysctl -qw net.ipv4.tcp_child_ehash_entries=4096 2>/dev/null || { echo "bench: no tcp_child_ehash_entries here"; exit 0; }
		echo
		echo "namespaces with TCP tables of their own (net.ipv4.tcp_child_ehash_entries=4096):"
	fi
	# The same sockets in NETNS namespaces and in one: NETNS farms of one
	# worker each, and one farm of NETNS workers, all at once; portview
	# is pointed at either set with --netns, so both runs find the same
	# namespaces on the host and differ only in what they dump.
	[ "$NETNS" -gt 0 ] || exit 0
	echo
	NS_ARGS=() NAMES=()
	for ((i = 0; i < NETNS; i++)); do
		ns=pvbench$$-$i
		NAMES+=("$ns")
		ip netns add "$ns" && ip -n "$ns" link set lo up || exit 1
		NS_ARGS+=(--netns "$ns")
		mkfifo "$WORK/farm$i.in"
		ip netns exec "$ns" "$FARM" -p 1 -c $((CONNS / NETNS)) -l $((LISTENERS / NETNS + 1)) -u 1 \
			<"$WORK/farm$i.in" >"$WORK/farm$i.out" &
		exec {fd}>"$WORK/farm$i.in"
	done
	ip netns add pvbench$$-one && ip -n pvbench$$-one link set lo up || exit 1
	NAMES+=(pvbench$$-one)
	mkfifo "$WORK/farm.in"
	ip netns exec pvbench$$-one "$FARM" -p "$NETNS" -c "$CONNS" -l $(((LISTENERS / NETNS + 1) * NETNS)) -u "$NETNS" \
		<"$WORK/farm.in" >"$WORK/farm.out" &
	exec {FARM_FD}>"$WORK/farm.in"
	for f in "$WORK"/farm*.out; do
		until grep -q ready "$f"; do sleep 0.1; done
	done
	many="$PORTVIEW_BIN --once --json ${NS_ARGS[*]}"
	one="$PORTVIEW_BIN --once --json --netns pvbench$$-one"
	echo "farms: $NETNS namespaces with $($many | jq '[.namespaces[] | select(.shown) | .sockets] | add') sockets in all;" \
		"one namespace with $($one | jq '[.namespaces[] | select(.shown) | .sockets] | add')"
	# What a person does today: ss -p in each namespace, one after another.
	printf '#!/bin/sh\nfor ns in %s; do ip netns exec "$ns" ss -tuanp; done\n' "${NAMES[*]:0:$NETNS}" >"$WORK/ss-each"
	chmod +x "$WORK/ss-each"
	compare "all sockets with owners, $NETNS namespaces against one" "$many" "$one" "$WORK/ss-each"
	if have tmux && [ "$DASH_SECONDS" -gt 0 ]; then
		PORTVIEW=$PORTVIEW_BIN
		read -r us_many rss_many < <(dashboard_measure 160x50 3 "$DASH_SECONDS" --no-config -d 1 "${NS_ARGS[@]}")
		read -r us_one rss_one < <(dashboard_measure 160x50 3 "$DASH_SECONDS" --no-config -d 1 --netns pvbench$$-one)
		printf '  one dashboard refresh: %s namespaces %.1f ms of CPU, one namespace %.1f ms (%.2fx); peak RSS %s / %s MiB\n' \
			"$NETNS" "$(awk -v v="$us_many" 'BEGIN { print v / 1000 }')" "$(awk -v v="$us_one" 'BEGIN { print v / 1000 }')" \
			"$(awk -v a="$us_many" -v b="$us_one" 'BEGIN { print b ? a / b : 0 }')" "$rss_many" "$rss_one"
	fi
	for ns in "${NAMES[@]}"; do ip netns pids "$ns" | xargs -r kill; done
	wait
	for ns in "${NAMES[@]}"; do ip netns del "$ns"; done
	;;
big)
	[ "$BIG_CONNS" -gt 0 ] || exit 0
	echo
	farm_start -p 16 -c "$BIG_CONNS" -l 64 -u 16
	echo "farm: 16 processes, $(ss -tuanH | wc -l) sockets"
	RUNS=1 compare "all sockets with owners, big farm" "$PORTVIEW --once --json" "ss -tuanp"
	echo "  peak RSS of portview --once --json: $(peak_rss_mib $PORTVIEW --once --json) MiB"
	if have tmux && [ "$DASH_SECONDS" -gt 0 ]; then
		refresh_cost "$DASH_SECONDS"
		dashboard_cpu 1 "$DASH_SECONDS"
		tmux -L "pvbench$$" new-session -d -x 120 -y 40 "exec $PORTVIEW"
		sleep 5
		echo "  dashboard: slowest answer to a key while refreshing every second: $(key_latency) ms"
		tmux -L "pvbench$$" kill-server
	fi
	farm_stop
	;;
esac
