/// Starts libFuzzer from a fuzz target's entry point.
///
/// SwiftPM links every executable with `main` aliased to `<Module>_main` (so executables can
/// be tested), which `-parse-as-library` never emits; libFuzzer's own `main` is then not used.
/// Each target therefore defines `<Module>_main` and hands control to libFuzzer's documented
/// driver entry, `LLVMFuzzerRunDriver`, with its `LLVMFuzzerTestOneInput`-style callback.
public enum FuzzDriver {
    public typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

    public static func run(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ callback: Callback) -> Int32 {
        var count = argc
        var vector = argv
        return LLVMFuzzerRunDriver(&count, &vector, callback)
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzDriver.Callback
) -> Int32
