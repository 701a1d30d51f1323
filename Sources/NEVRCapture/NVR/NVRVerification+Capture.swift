import Foundation
import NEVRCore

extension NVRVerification {
    /// `nevr verify FILE --via nvr`: every frame of a recording in any supported format goes
    /// through an in-memory `.nvr` and back (``roundTrip(options:_:)``). The source's JSON is
    /// what the comparison is against: the recorded bytes (`.echoreplay`), or the typed frame
    /// spelled as the game spells it (`.nevrcap`, `.tape`). Returns the report and what the
    /// source reader skipped or found damaged.
    public static func roundTrip(
        url: URL, options: NVRWriter.Options = .init()
    ) throws -> (report: Report, source: CaptureReadReport, format: CaptureFormat) {
        let reader = try CaptureFormat.open(url)
        var json: [UInt8] = []
        var bones: [UInt8] = []
        let report = try roundTrip(options: options) { () throws -> Source? in
            guard let record = try reader.next() else { return nil }
            json.removeAll(keepingCapacity: true)
            record.renderSessionJSON(into: &json)
            bones.removeAll(keepingCapacity: true)
            let hasBones = record.renderBonesJSON(into: &bones)
            return Source(timestamp: record.timestamp, session: json, bones: hasBones ? bones : nil, events: record.events)
        }
        return (report, reader.report, reader.format)
    }
}
