#!/usr/bin/env bash
# Reproduces the protobuf decision in BENCHMARKS.md: the hand-written telemetry v2 codec
# (Sources/NEVRCapture/Tape/TapeWire.swift over ProtoReader/ProtoWriter) against
# swift-protobuf 1.39.0 generated code for proto/telemetry/v2/*.proto, same frames, same run.
#
# Everything happens in a throwaway clone ($WORK, default /tmp/nevr-proto-bench); nevr-telemetry
# itself never depends on SwiftProtobuf. Cost: ~10-15 min on 2 cores (release build of the
# plugin and the library), then seconds per run.
#   scripts/proto-bench.sh            # frames without bones
#   scripts/proto-bench.sh --bones    # with /player_bones
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/nevr-proto-bench}
SRC=${SWIFT_PROTOBUF:-/opt/swift-packages/apple/swift-protobuf.git}
mkdir -p "$WORK"
if [ ! -d "$WORK/swift-protobuf" ]; then
  git clone -q "$SRC" "$WORK/swift-protobuf"
  git -C "$WORK/swift-protobuf" checkout -q 1.39.0
fi
cd "$WORK/swift-protobuf"
swift build -c release -j 1 --product protoc-gen-swift >/dev/null
PLUGIN=$(swift build -c release --show-bin-path)/protoc-gen-swift

# The benchmark target: generated code, the hand-written codec files, NEVRCore and the simulator.
B=Sources/TapeProtoBench
rm -rf "$B" Sources/NEVRCoreLink Sources/NEVRSimulatorLink
mkdir -p "$B"
ln -s "$ROOT/Sources/NEVRCore" Sources/NEVRCoreLink
ln -s "$ROOT/Sources/NEVRSimulator" Sources/NEVRSimulatorLink
protoc -I"$ROOT/proto" -I/usr/include --plugin=protoc-gen-swift="$PLUGIN" --swift_out="$B" \
  telemetry/v2/types.proto telemetry/v2/echo_arena.proto telemetry/v2/capture.proto
for f in Nevrcap/ProtoReader.swift Nevrcap/ProtoWriter.swift Tape/TapeWire.swift Tape/TapeMessages.swift \
         Tape/TapeFrameEncoder.swift Tape/TapeOrientation.swift Tape/TapeVocabulary.swift; do
  ln -s "$ROOT/Sources/NEVRCapture/$f" "$B/$(basename "$f")"
done
ln -s "$ROOT/Benchmarks/TapeProtoBench/main.swift" "$B/main.swift"
ln -s "$ROOT/Benchmarks/TapeProtoBench/Shim.swift" "$B/Shim.swift"
if ! grep -q TapeProtoBench Package.swift; then
  cat >> Package.swift <<'SWIFT'
package.targets += [
    .target(name: "NEVRCore", path: "Sources/NEVRCoreLink"),
    .target(name: "NEVRSimulator", dependencies: ["NEVRCore"], path: "Sources/NEVRSimulatorLink"),
    .executableTarget(name: "TapeProtoBench", dependencies: ["NEVRCore", "NEVRSimulator", "SwiftProtobuf"], path: "Sources/TapeProtoBench"),
]
package.products += [.executable(name: "TapeProtoBench", targets: ["TapeProtoBench"])]
SWIFT
fi
swift build -c release -j 1 --product TapeProtoBench >/dev/null
"$(swift build -c release --show-bin-path)/TapeProtoBench" "$@"
