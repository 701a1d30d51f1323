#!/usr/bin/env bash
# The project's test command (README quick start; `.ci/run` calls exactly this): installs what
# a fresh machine lacks, runs every test, then runs every libFuzzer target for a short budget
# (NEVR_FUZZ_SECONDS, default 30 s each; 0 skips fuzzing). Arguments go to `swift test`; when
# any are given (e.g. `--filter X` while developing) fuzzing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift test "$@"
seconds="${NEVR_FUZZ_SECONDS:-30}"
if [ "$#" -eq 0 ] && [ "$seconds" != 0 ]; then
  scripts/fuzz.sh all "$seconds"
fi
