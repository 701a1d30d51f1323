#!/usr/bin/env bash
# ThreadSanitizer over the hub and recorder tests (issue 15): `scripts/tsan.sh [FILTER]`.
#
# Not part of CI: it needs a second, fully instrumented build of every dependency (NIO,
# Hummingbird, AsyncHTTPClient, BoringSSL) in its own scratch folder (.build-tsan), which
# costs more than the rest of CI together on a fresh machine (see BENCHMARKS.md "CI cost").
# Run it before a release and after any change to the hub, the recorder or their locks.
# Exits non-zero on a data race (TSAN_OPTIONS halt_on_error=1) or a failing test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
filter="${1:-NEVRHubTests|NEVRGameAPITests|LiveRecorder|Hub}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1}"
swift build -j "${TSAN_BUILD_JOBS:-1}" --scratch-path .build-tsan --build-tests --sanitize=thread >&2
swift test --scratch-path .build-tsan --sanitize=thread --skip-build --filter "$filter"
