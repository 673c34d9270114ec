#!/bin/sh
# make bench-peers: kmem386's page allocator beside five public buddy
# allocators, with the harness in ../shared/bench-peers (see its README).
#
# The harness is copied to a scratch directory and built there against
# this tree's -O2 bench objects, so no peer code enters the tree.  Its
# summary table becomes the bench-peers section of bench/RESULTS.md.
#
# Environment (all optional):
#   PEERS_DIR   the harness (default: ../shared/bench-peers beside the tree)
#   REPS        timed repetitions (default 11; about 5 minutes when quiet)
#   CALLGRIND   1 (default) to count instructions as well, 0 to skip
#   PEERS_ARGS  extra arguments for the harness's run.py, e.g.
#               "--pools 16 --wls lifo,mixed" for a quick check
#   RESULTS     the results file (default bench/RESULTS.md)
#   BUILD       this tree's build directory (default build)
#   KEEP        1 to keep the scratch directory
#   KMEM_CFLAGS the flags of this tree's bench objects, for the record
set -eu

K=$(cd "$(dirname "$0")/.." && pwd)
PEERS_DIR=${PEERS_DIR:-$K/../shared/bench-peers}
REPS=${REPS:-11}
CALLGRIND=${CALLGRIND:-1}
PEERS_ARGS=${PEERS_ARGS:-}
RESULTS=${RESULTS:-$K/bench/RESULTS.md}
BUILD=${BUILD:-build}
KEEP=${KEEP:-0}
KMEM_CFLAGS=${KMEM_CFLAGS:--}

if [ ! -f "$PEERS_DIR/run.py" ]; then
	echo "bench-peers: no harness at $PEERS_DIR (set PEERS_DIR)" >&2
	exit 1
fi
# Relative paths are the caller's (make runs in the tree); the harness
# runs in its scratch directory.
case "$RESULTS" in
/*) ;;
*) RESULTS=$PWD/$RESULTS ;;
esac
case "$BUILD" in
/*) ;;
*) BUILD=$PWD/$BUILD ;;
esac
if [ "$(cd "$BUILD" 2>/dev/null && pwd)" != "$K/build" ]; then
	# The harness links $KMEM/build/bench/obj and knows no other place.
	echo "bench-peers: the harness needs BUILD=build" >&2
	exit 1
fi

load=$(cut -d' ' -f1-3 /proc/loadavg)
cpus=$(nproc)
tcpu=1
[ "$cpus" -gt 1 ] || tcpu=0

W=$(mktemp -d "${TMPDIR:-/tmp}/kmem386-peers.XXXXXX")
if [ "$KEEP" = 1 ]; then
	echo "bench-peers: scratch directory $W"
else
	trap 'rm -rf "$W"' EXIT INT TERM
fi
cp -r "$PEERS_DIR/." "$W"
chmod -R u+w "$W"		# the shared copy may be read-only

cd "$W"
make -s KMEM="$K"
for p in xv6 kmem; do
	for w in lifo hot batch mixed; do
		"build/chk_pages_$p" "$w" 16 10 1 >/dev/null
	done
done
# shellcheck disable=SC2086  # PEERS_ARGS is a list of arguments
KMEM=$K ./run.py time --reps "$REPS" --cpu "$tcpu" --out pages_raw.txt \
	$PEERS_ARGS
if [ "$CALLGRIND" = 1 ]; then
	# shellcheck disable=SC2086
	KMEM=$K ./run.py callgrind --cpu 0 $PEERS_ARGS
fi
./summarize.py results/pages_raw.txt results/summary.md

flags=$(sed -n 's/^CFLAGS *:= *//p' Makefile)
{
	echo "Timed runs pinned to CPU $tcpu with taskset; the harness's"
	echo "README says how each cell is measured. Peers' sources and"
	echo "commits: peers/SOURCES.md of the harness; kmem386 is linked"
	echo "from this tree's build/bench/obj (make bench's flags)."
	[ -z "$PEERS_ARGS" ] || echo "Harness arguments: \`$PEERS_ARGS\`."
	[ "$CALLGRIND" = 1 ] || echo "Callgrind counts not taken (CALLGRIND=0)."
	echo
	# The summary's headings go two levels down, under the section's.
	sed -e 's/^# /### /' -e 's/^## /#### /' results/summary.md
} >"$W/section.md"
/usr/bin/python3 "$K/bench/results.py" --section bench-peers \
	--title "make bench-peers" --body "$W/section.md" --reps "$REPS" \
	--flags "harness and peers: $flags" --load "$load" --results "$RESULTS" \
	--extra "kmem386 objects' flags=\`$KMEM_CFLAGS\`" \
	--extra "harness=\`$(basename "$PEERS_DIR")\` (run from a scratch copy)"
