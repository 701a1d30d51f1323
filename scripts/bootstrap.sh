#!/usr/bin/env bash
# Installs what a fresh machine of this project's kind lacks, only when missing:
# libzstd-dev (the zstd headers for the CZstd system-library target), protoc and
# Python's protobuf/websockets/zstandard (independent-implementation checks in the tests),
# zstd (the command-line tool used by compatibility tests), chromium (headless browser for
# the overlay page tests; about 3.5 minutes to install on a fresh machine), postgresql (the
# archive's PostgreSQL tests), PyYAML (the archive API's OpenAPI check), nats-server
# (the NATS/JetStream client's integration tests; one small static binary). Idempotent and quiet.
set -euo pipefail

need_apt=()
pkg-config --exists libzstd 2>/dev/null || need_apt+=(libzstd-dev)
pkg-config --exists zlib 2>/dev/null || need_apt+=(zlib1g-dev)
command -v protoc >/dev/null 2>&1 || need_apt+=(protobuf-compiler)
command -v zstd >/dev/null 2>&1 || need_apt+=(zstd)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
# rsvg-convert rasterises `nevr plot` SVGs to PNG (the plot tests render and check PNGs).
command -v rsvg-convert >/dev/null 2>&1 || need_apt+=(librsvg2-bin)
# Debian's chromium: the overlay pages are tested in a real headless browser.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# nats-server (Debian's, JetStream included): NEVRNATSTests start a real one on loopback.
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need_apt+=(nats-server)
# python3 (its zipfile and protobuf modules) is the tests' independent implementation.
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-pip)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "bootstrap: installing ${need_apt[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# PostgreSQL server binaries (initdb, pg_ctl, postgres): the archive's PostgreSQL tests start a
# private cluster on a free loopback port (Tests/NEVRTestSupport/PostgresTestServer.swift).
# Debian's package would create and start a "main" cluster on port 5432: createcluster.conf
# (kept over the package's copy by --force-confold) says not to, so no server runs outside the
# tests. About 20 s on a fresh machine.
if ! { ls /usr/lib/postgresql/*/bin/initdb || command -v initdb; } >/dev/null 2>&1; then
  echo "bootstrap: installing postgresql (server binaries for the archive tests)" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO mkdir -p /etc/postgresql-common
  echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
  [ ${#need_apt[@]} -gt 0 ] || $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold postgresql >/dev/null
fi

if command -v python3 >/dev/null 2>&1; then
  need_pip=()
  python3 -c "import google.protobuf" 2>/dev/null || need_pip+=(protobuf)
  python3 -c "import websockets" 2>/dev/null || need_pip+=(websockets)
  # PyYAML: Tests/Scripts/openapi_check.py reads docs/archive-openapi.yaml.
  python3 -c "import yaml" 2>/dev/null || need_pip+=(pyyaml)
  # zstandard: trained dictionaries and zstd frames for the independent .tape/.butter checks,
  # and the independent .nvr decoder (Tests/Scripts/nvr_decode.py).
  python3 -c "import zstandard" 2>/dev/null || need_pip+=(zstandard)
  if [ ${#need_pip[@]} -gt 0 ]; then
    echo "bootstrap: pip installing ${need_pip[*]}" >&2
    python3 -m pip install -q "${need_pip[@]}" >/dev/null 2>&1 || echo "bootstrap: pip install ${need_pip[*]} failed; tests needing them will say so" >&2
  fi
fi
