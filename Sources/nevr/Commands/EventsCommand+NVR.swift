import Foundation
import NEVRCapture
import NEVRCore

extension EventsCommand {
    /// `.nvr`: the stored events come from the blocks' event streams alone (no frame is
    /// rebuilt for `--json`); the table decodes only the frames that have events, for the
    /// clock and the player names.
    func readNVR(_ url: URL, label: String, _ printer: inout EventPrinter) throws -> (String, Bool) {
        let reader = try NVRReader(url: url)
        let events = try reader.events()
        var frames = 0
        var at = 0
        var table = NVRReader?.none
        while at < events.count {
            let frameNumber = events[at].frame
            var group: [Event] = []
            while at < events.count && events[at].frame == frameNumber {
                group.append(events[at].event)
                at += 1
            }
            var session = Session()
            if !json {
                // A second reader, so seeking for names does not disturb the event pass.
                if table == nil { table = try NVRReader(url: url) }
                try table?.seek(frame: frameNumber)
                if let record = try table?.nextRecord(), let frame = try? NVRReader.frame(record, file: label) { session = frame.session }
            }
            frames += 1
            printer.print(Frame(index: UInt32(clamping: frameNumber), timestamp: events[at - 1].timestamp, session: session, events: group))
        }
        var problems = reader.damagedBlocks.map(\.description)
        if let cut = reader.cut { problems.insert(cut, at: 0) }
        for p in problems { CLIOutput.printError(file: label, p) }
        var parts = [
            "\(reader.frameCount) frames (\(frames) with events)", "\(printer.eventsSeen) events (\(printer.eventsPrinted) printed)",
            "stored in the file (read from the event streams, frames not decoded)",
        ]
        if !problems.isEmpty { parts.append("\(problems.count) problem(s) reading the file") }
        return (parts.joined(separator: ", "), !problems.isEmpty)
    }
}
