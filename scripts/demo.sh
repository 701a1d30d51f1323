#!/usr/bin/env bash
# The project's main job on a built-in default (README quick start): installs what a
# fresh machine lacks, builds in release mode and runs `nevr demo` (a simulated match,
# no files, game or network needed). Extra arguments go to `nevr demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build -c release --product nevr >&2
exec .build/release/nevr demo "$@"
