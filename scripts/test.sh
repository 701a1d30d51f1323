#!/usr/bin/env bash
# The project's test command (README quick start and .ci/run): installs what a
# fresh machine lacks, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec swift test "$@"
