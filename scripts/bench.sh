#!/usr/bin/env bash
# Release-mode benchmarks. Usage: scripts/bench.sh [MODE ...] (default: parse write)
#
# `parse` is compared with orjson.loads on the same bytes in the same run: the
# Python reference is timed first, then the Swift figures are printed with the ratio.
# Rates are per CPU-second of the benchmarking thread (the machine is shared, so wall-clock
# rates mostly measure the scheduler), best of ten equal windows, for Swift and orjson alike.
# Environment: SECONDS_PER_CASE (default 2), ROUNDS (parse rounds, default 3), NEVR_SHARED_DATA.
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

orjson_rate() {  # orjson.loads frames per CPU-second on the lines of $1 (one frame a line): best of 10 windows
  python3 - "$1" "$secs" <<'PY'
import sys, time, orjson
frames = [l for l in open(sys.argv[1], 'rb').read().split(b'\n') if l]
window = float(sys.argv[2]) / 10
clock = time.thread_time
end = clock() + 0.2
while clock() < end:
    for f in frames: orjson.loads(f)
best = 0.0
for _ in range(10):
    n = 0; start = clock()
    while True:
        for f in frames: orjson.loads(f)
        n += len(frames)
        now = clock()
        if now - start >= window: break
    best = max(best, n / (now - start))
print(best)
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
      # Alternate reference and Swift runs so both see the same machine load.
      for round in $(seq 1 "${ROUNDS:-3}"); do
        ref_frame="$(orjson_rate "$tmp/frame.jsonl")"
        ref_set="$(orjson_rate "$tmp/set.jsonl")"
        echo "round $round:"
        "$bin" parse --frame "$frame" --seconds "$secs" --orjson-frame "$ref_frame" --orjson-set "$ref_set"
      done
      ;;
    write)
      "$bin" write --frame "$frame" --seconds "$secs"
      ;;
    nevrcap)
      # LONG_FRAMES: frames of the long recording for the peak-RSS check (216000 = 1 h at 60 Hz).
      "$bin" nevrcap --frame "$frame" --seconds "$secs" --long-frames "${LONG_FRAMES:-36000}"
      ;;
    events)
      "$bin" events --frame "$frame" --seconds "$secs"
      # Steady-state heap allocations per detection: valgrind's total allocation count for
      # 11000 detections minus that for 1000 (setup cancels out), divided by 10000.
      if command -v valgrind >/dev/null; then
        count_allocs() { valgrind "$bin" events-allocs "$1" --frame "$frame" 2>&1 >/dev/null | sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,; }
        a1="$(count_allocs 1000)"; a2="$(count_allocs 11000)"
        echo "  allocations: $a1 for 1000 detections, $a2 for 11000 -> $(python3 -c "print(($a2 - $a1) / 10000)") per detection in steady state"
      else
        echo "  allocations: not measured (valgrind missing; apt-get install valgrind)"
      fi
      ;;
    echoreplay)
      "$bin" echoreplay --frame "$frame"
      ;;
    sha256)
      # Verify receipts' SHA-256: swift-crypto against the hand-written implementation it replaced.
      "$bin" sha256
      ;;
    hub)
      # WebSocket hub on loopback: its own executable (it needs the streaming dependencies).
      swift build -c release --product NEVRHubBenchmark >&2
      "$(dirname "$bin")/NEVRHubBenchmark" --frame "$frame" --frames "${HUB_FRAMES:-2000}" --latency-seconds "${HUB_LATENCY_SECONDS:-3}"
      ;;
    record)
      # Live polling rate: `nevr serve --simulate --bones` on a free loopback port, then
      # `nevr record` against it at RECORD_RATES (default "600 2000 5000") for RECORD_SECONDS each.
      swift build -c release --product nevr >&2
      nevr="$(swift build -c release --product nevr --show-bin-path)/nevr"
      rtmp="$(mktemp -d)"
      "$nevr" serve --simulate --bones --sim-duration 10m --loop --port 0 > "$rtmp/url" 2>/dev/null &
      serve_pid=$!
      for _ in $(seq 100); do [ -s "$rtmp/url" ] && break; sleep 0.1; done
      url="$(head -1 "$rtmp/url")"
      echo "record: serving a simulated match with bones at $url; load average $(cut -d' ' -f1-3 /proc/loadavg)"
      for rate in ${RECORD_RATES:-600 2000 5000}; do
        for args in "--bones --plain" "--bones --format both"; do
          echo "nevr record --rate $rate $args --duration ${RECORD_SECONDS:-10}s"
          # shellcheck disable=SC2086
          "$nevr" record --url "$url" --rate "$rate" $args --duration "${RECORD_SECONDS:-10}s" --out "$rtmp/out" 2>&1 >/dev/null | tail -1
        done
      done
      kill -INT "$serve_pid"; wait "$serve_pid" || true
      rm -rf "$rtmp"
      ;;
    *)
      "$bin" "$mode" --seconds "$secs"
      ;;
  esac
done
