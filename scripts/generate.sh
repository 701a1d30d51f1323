#!/usr/bin/env bash
# Regenerates every schema-driven file from schema/session.toml (see scripts/generate.py).
#   scripts/generate.sh           rewrite the generated files
#   scripts/generate.sh --check   fail (exit 1) when a committed generated file is stale
# Needs only python3 (3.11+, standard library): no build, well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/generate.py "$@"
