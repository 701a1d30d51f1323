#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (issue 15): `scripts/fuzz.sh TARGET SECONDS`.
#
# TARGET is one of: FuzzGameJSON FuzzEchoReplay FuzzNevrcap FuzzHubMessage FuzzHubStream
# FuzzTapeButterNVR FuzzNATSParser, or `all`.
# Builds the target with -sanitize=fuzzer,address in its own scratch folder (.build-fuzz, so
# the normal debug build is untouched; the fuzz targets exist only when NEVR_FUZZ=1, see
# Package.swift, and link no server or client: FuzzHubStream adds only NEVRHubWire and
# NIOCore), seeds the corpus from Fuzz/seeds/TARGET (committed) plus the real frames in
# ../shared/data, runs for SECONDS, and exits non-zero on a crash, leak or sanitizer report.
# A crash input is written to Fuzz/crashes/TARGET/; turn it into a regression test
# (Tests/*/FuzzRegressionTests.swift) and commit it under Fuzz/regressions/.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh TARGET|all SECONDS}"
seconds="${2:-30}"
all=(FuzzGameJSON FuzzEchoReplay FuzzNevrcap FuzzHubMessage FuzzHubStream FuzzTapeButterNVR FuzzNATSParser)
if [ "$target" = all ]; then
  for t in "${all[@]}"; do "$0" "$t" "$seconds"; done
  exit 0
fi
case " ${all[*]} " in *" $target "*) ;; *) echo "fuzz.sh: unknown target $target (known: ${all[*]})" >&2; exit 2 ;; esac

export NEVR_FUZZ=1
# Every core by default (CI has the machine to itself); FUZZ_BUILD_JOBS=1 on a shared machine.
jobs="${FUZZ_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"
# lld: gold crashes (internal error in format_file_lineno) on the sanitized link.
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld)
swift build -j "$jobs" --scratch-path .build-fuzz -c debug --product "$target" "${flags[@]}" >&2
bin="$(swift build --scratch-path .build-fuzz -c debug "${flags[@]}" --show-bin-path)/$target"

corpus=".build-fuzz/corpus/$target"
mkdir -p "$corpus" "Fuzz/crashes/$target"
[ -d "Fuzz/seeds/$target" ] && cp -n Fuzz/seeds/"$target"/* "$corpus"/ 2>/dev/null || true
[ -d "Fuzz/regressions/$target" ] && cp -n Fuzz/regressions/"$target"/* "$corpus"/ 2>/dev/null || true
shared="${NEVR_SHARED_DATA:-../shared/data}"
# Real frames from ../shared/data (never copied into the project: only into the scratch corpus).
if [ -d "$shared" ]; then
  case "$target" in
    FuzzGameJSON) cp -n "$shared"/*.json "$corpus"/ 2>/dev/null || true ;;
    FuzzEchoReplay)
      f="$shared/session-2021-11-20-arena-private-5v5.json"
      [ -f "$f" ] && { printf '2021/11/20 21:05:33.407\t'; tr -d '\r\n' < "$f"; printf '\r\n'; } > "$corpus/real-frame.echoreplay" ;;
  esac
fi

echo "fuzz.sh: $target for ${seconds}s (corpus $corpus)" >&2
# -rss_limit_mb bounds memory (a bomb that gets through is a finding); -timeout flags hangs.
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" "$bin" "$corpus" \
  -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=262144 \
  -artifact_prefix="Fuzz/crashes/$target/" -print_final_stats=1
