import Crypto
import Foundation

/// SHA-256 (FIPS 180-4), streaming, for `nevr verify` receipts.
///
/// A thin wrapper over swift-crypto's `SHA256` (BoringSSL's assembly on Linux, CryptoKit on
/// Apple platforms; measured in BENCHMARKS.md "SHA-256") that keeps this package's small API:
/// incremental ``update(_:)-(UnsafeRawBufferPointer)``, the digest as lower-case hex, and a
/// whole-file helper. It replaced a hand-written implementation (issue 9).
///
/// ```swift
/// var sha = SHA256()
/// sha.update(Array("abc".utf8))
/// print(sha.finalizeHex())   // ba7816bf...
/// ```
public struct SHA256: Sendable {
    private var hasher = Crypto.SHA256()

    /// A hasher with nothing fed to it yet.
    public init() {}

    /// Feeds `bytes` (any number, in any split: the digest depends only on their concatenation).
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    /// Feeds `bytes`.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
    }

    /// The digest of everything fed so far, as 64 lower-case hex digits. `mutating` for
    /// source compatibility with the earlier implementation; calling it again gives the same
    /// digest plus whatever was fed in between.
    public mutating func finalizeHex() -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in hasher.finalize() {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// SHA-256 of a file, read in 1 MiB chunks (memory stays flat for any file size).
    public static func hexDigest(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var sha = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { sha.update($0) }
        }
        return sha.finalizeHex()
    }
}
