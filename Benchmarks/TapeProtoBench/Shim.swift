// The two helpers the hand-written v2 codec borrows from the .nevrcap codec, so the benchmark
// can compile TapeWire.swift without the rest of NEVRCapture (scripts/proto-bench.sh).
struct NevrcapDecodeNotes {
    var unknownFields = 0
    var irregularValues = 0
    var unknownEvents = 0
}

extension ProtoReader {
    mutating func unknown(_ wireType: UInt8, _ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) {
        notes.unknownFields += 1
        try skip(wireType)
    }
}

extension ProtoWriter {
    mutating func mapEntry(_ field: Int, _ key: String, _ value: String) {
        let m = beginMessage(field)
        string(1, key)
        string(2, value)
        endMessage(m)
    }
}
