/// `game_clock_display`: `MM:SS.cc`, the 32-bit game clock truncated (never rounded) to centiseconds.
public enum GameClockText {
    /// The display text of a clock value as the game holds it (a 32-bit float).
    public static func display(_ clock: Float) -> String {
        let v = Double(clock)
        guard v > 0 else { return "00:00.00" }
        var cs = (v * 100).rounded(.down)
        // Exact truncation: `v * 100` may round up onto an integer; the fused residual's sign is exact.
        if (-cs).addingProduct(v, 100) < 0 { cs -= 1 }
        let total = Int(cs)
        let minutes = total / 6000, seconds = (total / 100) % 60, centis = total % 100
        return pad2(minutes) + ":" + pad2(seconds) + "." + pad2(centis)
    }

    private static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
}
