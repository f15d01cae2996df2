#!/bin/bash
# The layers of src/ (README, "Source map"): a file may include headers of
# its own layer and of the layers below it, never above; only the view
# (src/tui) includes curses and only collection (src/collect) libmnl.
# The build enforces the first with include paths; this check says which
# line is wrong, catches a path such as "../app/x.h", and, first, proves
# itself by planting a stray include in a copy of the tree.
set -u
SRC=${SRC:-${TESTS_DIR:-$(dirname "$0")}/../src}

# The layers each layer may include.
declare -A allowed=(
	[core]="core"
	[collect]="core collect"
	[model]="core model"
	[output]="core model output"
	[tui]="core model tui"
	[app]="core collect model output tui app"
)
# System headers only one layer may include: pattern -> layer.
declare -A confined=(
	['<n?curses(w)?(/[a-z]+)?\.h>']=tui
	['<libmnl/libmnl\.h>']=collect
	['<bpf/[a-z_]+\.h>']=collect
)

# Headers the build generates, with the layer that owns them.
declare -A generated=(
	[socket_owners.skel.h]=collect
)

# check_tree DIR: prints one line per wrong include; fails if any.
check_tree() {
	local dir=$1 bad=0 f layer line inc owner pattern
	declare -A home=()

	for f in "${!generated[@]}"; do
		home[$f]=${generated[$f]}
	done
	for f in "$dir"/*/*.h; do
		home[$(basename "$f")]=$(basename "$(dirname "$f")")
	done
	for f in "$dir"/*/*.[ch]; do
		layer=$(basename "$(dirname "$f")")
		if [ -z "${allowed[$layer]:-}" ]; then
			echo "$f: not in a known layer"; bad=1; continue
		fi
		while IFS= read -r line; do
			inc=${line#*\"}; inc=${inc%%\"*}
			[ "$inc" = config.h ] && continue
			case $inc in
			*/*) echo "$f: #include \"$inc\": include by name, not by path"; bad=1; continue ;;
			esac
			owner=${home[$inc]:-}
			if [ -z "$owner" ]; then
				echo "$f: #include \"$inc\": no layer has it"; bad=1
			elif [[ " ${allowed[$layer]} " != *" $owner "* ]]; then
				echo "$f: #include \"$inc\": $layer may not include $owner"; bad=1
			fi
		done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f")
		for pattern in "${!confined[@]}"; do
			if [ "$layer" != "${confined[$pattern]}" ] &&
			   grep -Eq "^[[:space:]]*#[[:space:]]*include[[:space:]]*$pattern" "$f"; then
				echo "$f: includes $(grep -Eo "$pattern" "$f" | head -n 1) outside src/${confined[$pattern]}"
				bad=1
			fi
		done
	done
	return $bad
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The check must catch what it is for: an upward include, curses in the
# model, libmnl in the output, a path around the include paths.
for plant in 'model/filter.c:#include "refresh.h"' 'model/rows.c:#include <curses.h>' \
	     'output/output_text.c:#include <libmnl/libmnl.h>' 'core/addr.c:#include "../app/options.h"'; do
	rm -rf "$work/src"; cp -r "$SRC" "$work/src"
	printf '%s\n' "${plant#*:}" >>"$work/src/${plant%%:*}"
	if check_tree "$work/src" >/dev/null; then
		echo "FAIL: the layer check missed '${plant#*:}' in ${plant%%:*}"
		exit 1
	fi
done

if ! check_tree "$SRC"; then
	echo "FAIL: includes that cross the layers (above)"
	exit 1
fi
echo "layers: every include points down"
