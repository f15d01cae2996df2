#!/bin/bash
# Prometheus metrics, checked with the real toolchain in a private network
# namespace: promtool accepts the exposition; a real Prometheus server
# scrapes portview and its query API returns a known listener's accept
# queue; server byte counters count what a connection moved; the textfile
# is never seen half written; bad requests and a slow client are answered
# or dropped while /metrics keeps answering; a port in use is one line.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
require_tool jq
require_tool curl
command -v promtool >/dev/null && command -v prometheus >/dev/null ||
	skip_or_fail "promtool and prometheus are not installed (package prometheus)"

# Three connections wait in the accept queue of a listener that never
# accepts; a server receives a known number of bytes.
helper q name qsrv listen tcp 127.0.0.1 7801 noaccept
helper qc name qcli tcpmany 3 127.0.0.1 7801
helper srv name bytesrv listen tcp 127.0.0.1 7802 drain

# Every request is bounded and goes straight to loopback, whatever proxy
# the environment names: a test must fail, never hang.
http() { curl --noproxy '*' -m 5 "$@"; }
export -f http

PORT=9411
"$PORTVIEW" --metrics "$PORT" -d 0.3 2>"$WORK/metrics.err" &
SERVER=$!
HELPER_PIDS+=("$SERVER")
wait_for 5 http -sf "http://127.0.0.1:$PORT/metrics" -o /dev/null || fail "nothing served on $PORT: $(cat "$WORK/metrics.err")"
helper cli name bytecli connect 127.0.0.1 7802 send 100000
SENT=$(awk '/^sent/ { print $2 }' "$WORK/cli.out")
sleep 1
http -sf "http://127.0.0.1:$PORT/metrics" >"$WORK/scrape.txt"
check "promtool accepts the exposition: $(promtool check metrics <"$WORK/scrape.txt" 2>&1 | head -3)" \
	bash -c 'promtool check metrics <"$1" >/dev/null 2>&1' _ "$WORK/scrape.txt"
check "the listener's accept queue is 3" \
	grep -qE '^portview_listener_accept_queue\{proto="tcp",family="inet",addr="127\.0\.0\.1",port="7801",process="qsrv",exposure="loopback",netns="[^"]*"\} 3$' "$WORK/scrape.txt"
check "its backlog" grep -qE '^portview_listener_backlog\{.*port="7801".*\} 128$' "$WORK/scrape.txt"
check "the server's received bytes are what was sent ($SENT)" \
	awk -v n="$SENT" '/^portview_server_received_bytes_total\{proto="tcp",port="7802",process="bytesrv"\}/ { found = 1; ok = ($2 >= n && $2 <= n + 1) } END { exit !(found && ok) }' "$WORK/scrape.txt"
check "connections by state" grep -qE '^portview_connections\{proto="tcp",state="ESTABLISHED"\} [0-9]+$' "$WORK/scrape.txt"
check "no series per client connection" bash -c '! grep -qE "port=\"$1\"" "$2"' _ "$(helper_port qc 1)" "$WORK/scrape.txt"

# A real Prometheus scrapes it; its query API has the value.
PROM=9412
cat >"$WORK/prom.yml" <<CONF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: portview
    static_configs:
      - targets: ['127.0.0.1:$PORT']
CONF
prometheus --config.file="$WORK/prom.yml" --storage.tsdb.path="$WORK/tsdb" --web.listen-address="127.0.0.1:$PROM" \
	>"$WORK/prom.log" 2>&1 &
HELPER_PIDS+=($!)
prom_has() {
	http -sf "http://127.0.0.1:$PROM/api/v1/query" --data-urlencode 'query=portview_listener_accept_queue{port="7801"}' >"$WORK/query.json" &&
		jq -e '.data.result[0].value[1] == "3"' "$WORK/query.json" >/dev/null
}
check "Prometheus scraped the accept queue: $(cat "$WORK/query.json" 2>/dev/null | head -c 300)" wait_for 30 prom_has
check "its scrape of portview is up" bash -c "http -sf 'http://127.0.0.1:$PROM/api/v1/query' --data-urlencode 'query=up{job=\"portview\"}' | jq -e '.data.result[0].value[1] == \"1\"' >/dev/null"

# Bad requests: answered or dropped, and /metrics still answers.
check "another path is 404" test "$(http -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/")" = 404
check "POST is refused" bash -c 'c=$(http -s -o /dev/null -w "%{http_code}" -X POST -d x "http://127.0.0.1:$1/metrics"); [ "$c" = 405 ] || [ "$c" = 400 ]' _ "$PORT"
BIG=$(head -c 40000 /dev/zero | tr '\0' a)
check "an oversized request gets no metrics" bash -c '[ "$(http -s -o /dev/null -w "%{http_code}" -H "X-Big: $2" "http://127.0.0.1:$1/metrics")" != 200 ]' _ "$PORT" "$BIG"
# A slow client: a request line and then nothing, for longer than a scrape.
exec {SLOW}<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /metr' >&$SLOW
START=$(date +%s%N)
check "with a slow client connected, /metrics still answers" http -sf -m 2 "http://127.0.0.1:$PORT/metrics" -o /dev/null
check "quickly ($(( ($(date +%s%N) - START) / 1000000 )) ms)" test $(( ($(date +%s%N) - START) / 1000000 )) -lt 1000
exec {SLOW}>&-

check "the server lived through all of that" kill -0 "$SERVER"

# A port in use: one line, exit 2 (bounded: were the port free, it would
# serve until killed).
timeout 10 "$PORTVIEW" --metrics "$PORT" >/dev/null 2>"$WORK/inuse.err"
STATUS=$?
check "a port in use: exit 2 ($STATUS)" test "$STATUS" = 2
check "and one line saying so: $(cat "$WORK/inuse.err")" grep -q "cannot serve metrics on $PORT: Address already in use" "$WORK/inuse.err"
timeout 10 "$PORTVIEW" --metrics 70000 >/dev/null 2>"$WORK/bad.err"
check "a bad port: exit 2" test $? = 2

# The textfile: --once writes it; rewritten every interval, a reader never
# sees half of it.
"$PORTVIEW" --metrics-file "$WORK/pv.prom" --once
check "--once writes a file promtool accepts" bash -c 'promtool check metrics <"$1" >/dev/null 2>&1' _ "$WORK/pv.prom"
check "readable by node_exporter's user" test "$(stat -c %a "$WORK/pv.prom")" = 644
"$PORTVIEW" --metrics-file "$WORK/live.prom" -d 0.1 &
WRITER=$!
HELPER_PIDS+=("$WRITER")
wait_for 5 test -s "$WORK/live.prom"
torn=0
for i in $(seq 300); do
	tail -1 "$WORK/live.prom" | grep -q '^portview_refresh_duration_seconds ' || torn=$((torn + 1))
done
check "300 reads while it is rewritten, none half a file ($torn torn)" test "$torn" = 0
kill "$WRITER"
check "no temporary file is left" bash -c '! ls "$1"/live.prom.tmp-* 2>/dev/null | grep -q .' _ "$WORK"
finish
