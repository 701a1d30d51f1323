#!/usr/bin/env bash
# Compares this checkout's NEVRBenchmarks with a reference binary (e.g. one built from an earlier
# commit), alternating old and new runs so both see the same machine load.
#   scripts/bench-compare.sh OLD_BINARY [MODE ...]     (default modes: parse write nevrcap simulate)
# Build the reference: git archive REV | tar -x -C /tmp/ref && (cd /tmp/ref && swift build -c release
# --product NEVRBenchmarks) ; OLD_BINARY=/tmp/ref/.build/release/NEVRBenchmarks.
# Environment: ROUNDS (default 3), SECONDS_PER_CASE (default 2), NEVR_SHARED_DATA, FRAME (another
# /session JSON file instead of the real 2021 frame, e.g. one frame of `nevr simulate --plain`),
# NEW_BINARY (skip building this checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
old="$1"; shift
modes=("$@")
[ ${#modes[@]} -eq 0 ] && modes=(parse write nevrcap simulate)
secs="${SECONDS_PER_CASE:-2}"
frame="${FRAME:-${NEVR_SHARED_DATA:-../shared/data}/session-2021-11-20-arena-private-5v5.json}"
new="${NEW_BINARY:-}"
if [ -z "$new" ]; then
  swift build -c release --product NEVRBenchmarks >&2
  new="$(swift build -c release --product NEVRBenchmarks --show-bin-path)/NEVRBenchmarks"
fi
args() {
  case "$1" in
    simulate) echo "--seconds $secs" ;;
    nevrcap) echo "--frame $frame --seconds $secs --long-frames 0" ;;
    *) echo "--frame $frame --seconds $secs" ;;
  esac
}
for mode in "${modes[@]}"; do
  for round in $(seq 1 "${ROUNDS:-3}"); do
    echo "== $mode round $round: old"; "$old" "$mode" $(args "$mode")
    echo "== $mode round $round: new"; "$new" "$mode" $(args "$mode")
  done
done
