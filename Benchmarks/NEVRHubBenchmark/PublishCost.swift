import Foundation
import NEVRCore
import NEVRHub

/// In-process publish cost (issue 15): one `StreamHub` with full rings (10,000 frames per match
/// by default), 50 matches and 100 subscribers (2 per match), no network. Measures every publish
/// while the rings fill (the first 100 frames per match: the reference, same run) and once they
/// are full; prints frames/s, median and p99 publish latency and the full/filling ratio. O(1)
/// publishing keeps the ratio near 1 (the former copy-the-ring publish grew with the ring).
func publishCost(session: [UInt8], matches: Int = 50, subscribers: Int = 100, ring: Int = 10_000, fullRounds: Int = 1_000) {
    var config = StreamHub.Configuration()
    config.ringCapacity = ring
    config.maxMatches = matches
    config.maxMatchesPerPublisher = matches
    config.subscriberQueue = 4 * ring
    config.slowSubscriberPolicy = .skip
    // Every frame shares one session buffer: byte budgets would count bytes that were never allocated.
    config.maxMatchBytes = .max / 4
    config.maxTotalBytes = .max / 2
    config.subscriberQueueBytes = .max / 2
    let hub = StreamHub(configuration: config)
    let ids = (0..<matches).map { String(format: "%08X-0000-4000-8000-%012X", $0, $0) }
    var handles: [StreamHub.Subscriber] = []
    for i in 0..<subscribers { handles.append(hub.attach(.init(match: ids[i % matches]))) }
    let clock = ContinuousClock()
    /// Publishes `n` frames to every match; returns (frames/s, per-publish latencies in ns, sorted).
    func round(_ n: Int, from start: Int) -> (rate: Double, latencies: [Double]) {
        var latencies: [Double] = []
        latencies.reserveCapacity(n * ids.count)
        let t0 = clock.now
        for k in start..<(start + n) {
            for m in ids {
                let f = StreamedFrame(
                    match: m, index: UInt32(k), timestamp: Timestamp(nanosecondsSinceEpoch: Int64(k) * 16_000_000), sessionJSON: session)
                let p0 = clock.now
                _ = hub.publish(f)
                latencies.append((clock.now - p0) / .nanoseconds(1))
            }
            // Subscribers take what arrived (as a writer would), so queues stay bounded.
            if k % 256 == 255 { for h in handles { h.discardQueued() } }
        }
        let seconds = (clock.now - t0) / .seconds(1)
        return (Double(n * ids.count) / seconds, latencies.sorted())
    }
    func pct(_ v: [Double], _ p: Double) -> Double { v.isEmpty ? 0 : v[min(v.count - 1, Int(Double(v.count - 1) * p))] }
    let early = round(100, from: 0)
    _ = round(ring, from: 100)  // fill every ring
    let full = round(fullRounds, from: 100 + ring)
    print("publish cost: in-process StreamHub, \(matches) matches, \(subscribers) subscribers (2 per match), ring \(ring) frames")
    print("phase                         frames/s   median ns   p99 ns")
    for (name, r) in [("rings filling (first 100)", early), ("rings full (\(ring) frames)", full)] {
        print(name.padding(toLength: 28, withPad: " ", startingAt: 0)
            + String(format: " %9.0f  %10.0f  %7.0f", r.rate, pct(r.latencies, 0.5), pct(r.latencies, 0.99)))
    }
    print(String(format: "ratio full / filling (median latency): %.2f (O(1) publishing: about 1)", pct(full.latencies, 0.5) / pct(early.latencies, 0.5)))
    for h in handles { hub.detach(h) }
}
