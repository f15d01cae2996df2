#!/bin/bash
# Process names of every class a terminal could be attacked with (escape
# sequences, C0 and C1 controls, DEL, bidi overrides and isolates, zero-width
# characters, invalid UTF-8) and a wide CJK name, set by real processes
# through prctl(PR_SET_NAME): what the text output, the JSON and the
# dashboard make of each, in a UTF-8 and in a non-UTF-8 locale.
. "$TESTS_DIR/lib.sh"
enter_netns "$@"
# The script's own tools (grep -P, iconv) read UTF-8; portview gets its
# locale per run.
export LC_ALL=C.UTF-8
require_tool jq
require_tool tmux

start_hostile_helpers 7100
pid_of() { helper_pid "hostile$1"; }

# --- text output, UTF-8 locale: every class escaped, CJK intact ---
LC_ALL=C.UTF-8 "$PORTVIEW" --once >"$WORK/text.utf8"
for i in "${!HOSTILE_NAMES[@]}"; do
	check "text (UTF-8) shows name $i as ${HOSTILE_SHOWN[$i]}" \
		grep -qF -- "${HOSTILE_SHOWN[$i]}  pid $(pid_of "$i")" "$WORK/text.utf8"
done
check "text (UTF-8) holds no control byte" bash -c "! LC_ALL=C grep -q \$'[\x01-\x08\x0b-\x1f\x7f]' '$WORK/text.utf8'"
check "text (UTF-8) holds no C1 control, bidi or zero-width character" \
	bash -c "! grep -qP '[\x{80}-\x{9f}\x{200b}-\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}\x{61c}\x{feff}]' '$WORK/text.utf8'"
check "text (UTF-8) is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$WORK/text.utf8" -o /dev/null

# --- text output, C locale: every byte >= 0x80 escaped ---
LC_ALL=C "$PORTVIEW" --once >"$WORK/text.c"
check "text (C locale) holds only ASCII" bash -c "! LC_ALL=C grep -q \$'[\x80-\xff]' '$WORK/text.c'"
check "text (C locale) escapes the CJK name bytewise" \
	grep -qF "\\xe6\\x95\\xb0\\xe6\\x8d\\xae\\xe5\\xba\\x93  pid $(pid_of 6)" "$WORK/text.c"
check "text (C locale) escapes an RLO bytewise" grep -qF 'bi\xe2\x80\xaed' "$WORK/text.c"

# --- JSON: the exact bytes, escaped per RFC 8259 ---
"$PORTVIEW" --once --json >"$WORK/out.json"
for i in 0 1 3 4 6; do
	check "JSON gives name $i back exactly" \
		jq_true --arg n "${HOSTILE_NAMES[$i]}" --argjson p "$(pid_of "$i")" \
		'[.processes[] | select(.pid == $p) | .comm] == [$n]' "$WORK/out.json"
done
# Invalid UTF-8 bytes come as \u00XX, one per byte, and so do the two bytes
# of a C1 control, which a terminal printing the JSON could act on; bidi and
# zero-width characters come as their \uXXXX.
check "JSON writes invalid bytes as \\u00XX" grep -qF '"comm":"bad\u00ff\u00c3x"' "$WORK/out.json"
check "an invalid name comes with its exact bytes in hex" \
	jq_true '[.processes[] | select(.comm_hex) | [.comm_hex, .comm]] == [["626164ffc378", "bad\u00ff\u00c3x"]]' "$WORK/out.json"
check "and so does every owner entry of it" \
	jq_true '[.sockets[].owners[] | select(.comm_hex) | .comm_hex] | length > 0 and all(. == "626164ffc378")' "$WORK/out.json"
check "JSON writes a C1 control byte by byte" grep -qF '"comm":"c1\u00c2\u009b31m"' "$WORK/out.json"
check "JSON holds no raw control byte" bash -c "! LC_ALL=C grep -q \$'[\x01-\x1f\x7f]' '$WORK/out.json'"
check "JSON holds no raw C1, bidi or zero-width character" \
	bash -c "! grep -qP '[\x{80}-\x{9f}\x{200b}-\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}\x{61c}\x{feff}]' '$WORK/out.json'"
check "JSON escapes an RLO as \\u202e" grep -qF '"comm":"bi\u202ed\u2066i\u2069"' "$WORK/out.json"

# --- the dashboard, in tmux ---
dashboard_start 160x40 "LC_ALL=C.UTF-8 $PORTVIEW -d 0.5"
for i in "${!HOSTILE_NAMES[@]}"; do
	check "dashboard (UTF-8) shows name $i as ${HOSTILE_SHOWN[$i]}" \
		wait_for 3 screen_has_fixed "${HOSTILE_SHOWN[$i]}  pid $(pid_of "$i")"
done
check "no escape sequence from a name reaches the terminal" \
	bash -c "! tmux -L $PV_TMUX-$PV_TMUX_N capture-pane -e -p -t pv | grep -qF \$'\\e]0;'"
check "the screen was not cleared or retitled" screen_has_fixed 'portview '

dashboard_start 160x40 "LC_ALL=C $PORTVIEW -d 0.5"
check "dashboard (C locale) escapes the CJK name bytewise" \
	wait_for 3 screen_has_fixed "\\xe6\\x95\\xb0\\xe6\\x8d\\xae\\xe5\\xba\\x93  pid $(pid_of 6)"
check "dashboard (C locale) escapes an RLO bytewise" screen_has_fixed 'bi\xe2\x80\xaed'
check "dashboard (C locale) shows only ASCII" bash -c "! tmux -L $PV_TMUX-$PV_TMUX_N capture-pane -p -t pv | LC_ALL=C grep -q \$'[\x80-\xff]'"

finish
