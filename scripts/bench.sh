#!/usr/bin/env bash
# Release-mode benchmarks. Usage: scripts/bench.sh [MODE ...] (default: parse write)
#
# `parse` is compared with orjson.loads on the same bytes in the same run: the
# Python reference is timed first, then the Swift figures are printed with the ratio.
# Environment: SECONDS_PER_CASE (default 2), NEVR_SHARED_DATA (folder of the real frames).
set -euo pipefail
cd "$(dirname "$0")/.."

modes=("$@")
[ ${#modes[@]} -eq 0 ] && modes=(parse write)
secs="${SECONDS_PER_CASE:-2}"
data="${NEVR_SHARED_DATA:-../shared/data}"
frame="$data/session-2021-11-20-arena-private-5v5.json"

swift build -c release --product NEVRBenchmarks >&2
bin="$(swift build -c release --product NEVRBenchmarks --show-bin-path)/NEVRBenchmarks"
echo "machine: $(nproc) cores, $(uname -m); swift: $(swift --version 2>/dev/null | head -1)"

orjson_rate() {  # orjson.loads frames/s on the lines of $1 (each line one frame), for $secs s
  python3 - "$1" "$secs" <<'PY'
import sys, time, orjson
frames = [l for l in open(sys.argv[1], 'rb').read().split(b'\n') if l]
secs = float(sys.argv[2])
end = time.perf_counter() + 0.2
while time.perf_counter() < end:
    for f in frames: orjson.loads(f)
n = 0; start = time.perf_counter(); end = start + secs
while True:
    for f in frames: orjson.loads(f)
    n += len(frames)
    if time.perf_counter() >= end: break
print(n / (time.perf_counter() - start))
PY
}

for mode in "${modes[@]}"; do
  case "$mode" in
    parse)
      if ! python3 -c "import orjson" 2>/dev/null; then
        echo "bench: installing orjson with pip" >&2
        python3 -m pip install -q orjson >&2 2>/dev/null || python3 -m pip install -q --break-system-packages orjson >&2
      fi
      tmp="$(mktemp -d)"
      trap 'rm -rf "$tmp"' EXIT
      tr -d '\n' < "$frame" > "$tmp/frame.jsonl"
      "$bin" parse --frame "$frame" --dump-set "$tmp/set.jsonl" >/dev/null
      ref_frame="$(orjson_rate "$tmp/frame.jsonl")"
      ref_set="$(orjson_rate "$tmp/set.jsonl")"
      "$bin" parse --frame "$frame" --seconds "$secs" --orjson-frame "$ref_frame" --orjson-set "$ref_set"
      ;;
    write)
      "$bin" write --frame "$frame" --seconds "$secs"
      ;;
    nevrcap)
      # LONG_FRAMES: frames of the long recording for the peak-RSS check (216000 = 1 h at 60 Hz).
      "$bin" nevrcap --frame "$frame" --seconds "$secs" --long-frames "${LONG_FRAMES:-36000}"
      ;;
    echoreplay)
      "$bin" echoreplay --frame "$frame"
      ;;
    hub)
      # WebSocket hub on loopback: its own executable (it needs the streaming dependencies).
      swift build -c release --product NEVRHubBenchmark >&2
      "$(dirname "$bin")/NEVRHubBenchmark" --frame "$frame" --frames "${HUB_FRAMES:-2000}" --latency-seconds "${HUB_LATENCY_SECONDS:-3}"
      ;;
    *)
      "$bin" "$mode" --seconds "$secs"
      ;;
  esac
done
