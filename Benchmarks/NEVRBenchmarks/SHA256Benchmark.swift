import Foundation
import NEVRCapture
import NEVRTestSupport

/// `NEVRBenchmarks sha256`: the SHA-256 behind `nevr verify` receipts (``NEVRCapture/SHA256``,
/// swift-crypto) against the hand-written implementation it replaced (kept below, only here,
/// as the reference), on the same 8 MiB buffer in the same run, fed in 1 MiB chunks as
/// `SHA256.hexDigest(of:)` does. Both digests must agree or the benchmark fails.
enum SHA256Benchmark {
    static func run(_ args: BenchmarkArguments) throws {
        var rng = SeededGenerator(seed: 0x5348_4132_3536)
        let data: [UInt8] = (0..<(8 << 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        // Fed in 1 MiB chunks, as `SHA256.hexDigest(of:)` feeds a file.
        func digest<H: ChunkedSHA256>(_: H.Type) -> String {
            var sha = H()
            data.withUnsafeBytes { all in
                for start in stride(from: 0, to: all.count, by: 1 << 20) {
                    sha.update(UnsafeRawBufferPointer(rebasing: all[start..<min(start + (1 << 20), all.count)]))
                }
            }
            return sha.finalizeHex()
        }
        let a = digest(SHA256.self), b = digest(HandWrittenSHA256.self)
        guard a == b else { throw BenchmarkError(description: "digests differ: swift-crypto \(a), hand-written \(b)") }
        print("sha256: \(data.count >> 20) MiB pseudo-random, 1 MiB chunks; digest \(a.prefix(16))...; \(machineSummary())")
        var sink = 0
        let crypto = measure(seconds: args.seconds, framesPerCall: 1, bytesPerCall: data.count) { sink &+= digest(SHA256.self).utf8.count }
        let ours = measure(seconds: args.seconds, framesPerCall: 1, bytesPerCall: data.count) { sink &+= digest(HandWrittenSHA256.self).utf8.count }
        print("  swift-crypto (NEVRCapture.SHA256) \(format(crypto.mbps, 1)) MB/s")
        print("  hand-written (before issue 9)     \(format(ours.mbps, 1)) MB/s")
        print("  ratio                             \(format(crypto.mbps / ours.mbps, 2))x")
        if sink == 42 { print("") }
    }
}

/// What the benchmark needs of a SHA-256: both implementations have it.
protocol ChunkedSHA256 {
    init()
    mutating func update(_ bytes: UnsafeRawBufferPointer)
    mutating func finalizeHex() -> String
}

extension SHA256: ChunkedSHA256 {}
extension HandWrittenSHA256: ChunkedSHA256 {}

/// The hand-written FIPS 180-4 SHA-256 that `NEVRCapture.SHA256` used before it wrapped
/// swift-crypto: kept only as this benchmark's reference.
struct HandWrittenSHA256 {
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19)
    private var block = [UInt8](repeating: 0, count: 64)
    private var blockCount = 0
    private var length: UInt64 = 0

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    init() {}

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        for b in bytes {
            block[blockCount] = b
            blockCount += 1
            if blockCount == 64 {
                compress()
                blockCount = 0
            }
        }
    }

    mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The digest as 64 lower-case hex digits.
    mutating func finalizeHex() -> String {
        let bits = length &* 8
        var pad: [UInt8] = [0x80]
        while (blockCount + pad.count) % 64 != 56 { pad.append(0) }
        for i in (0..<8).reversed() { pad.append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
        let saved = length
        pad.withUnsafeBytes { update($0) }
        length = saved
        let words = [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7]
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for w in words {
            for shift in stride(from: 28, through: 0, by: -4) { out.append(hex[Int((w >> UInt32(shift)) & 0xF)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func compress() {
        var w = [UInt32](repeating: 0, count: 64)
        for i in 0..<16 {
            w[i] = UInt32(block[i * 4]) << 24 | UInt32(block[i * 4 + 1]) << 16 | UInt32(block[i * 4 + 2]) << 8 | UInt32(block[i * 4 + 3])
        }
        for i in 16..<64 {
            let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = h
        for i in 0..<64 {
            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let ch = (e & f) ^ (~e & g)
            let t1 = hh &+ s1 &+ ch &+ HandWrittenSHA256.k[i] &+ w[i]
            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let maj = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ maj
            hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
        }
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
    }

    @inline(__always)
    private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}
