import ArgumentParser
import Foundation
import NEVRCapture

/// `--dictionary FILE` (repeatable): trained zstd dictionaries for `.tape` files compressed
/// with one. The file names only the dictionary's ID, so the bytes must come from the user;
/// each file's ID is read from its own dictionary header.
struct DictionaryArguments: ParsableArguments {
    @Option(name: .customLong("dictionary"), help: "A trained zstd dictionary for .tape files that need one (repeat for several; the file says which ID it needs).")
    var paths: [String] = []

    /// Reading options holding the dictionaries (errors name the dictionary file).
    func readOptions() throws -> CaptureReadOptions {
        var options = CaptureReadOptions()
        options.tape.dictionaries = try TapeDictionary.loadAll(paths.map { URL(fileURLWithPath: $0) })
        return options
    }
}

