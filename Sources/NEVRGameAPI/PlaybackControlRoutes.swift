import Foundation
import Hummingbird
import NEVRCore

/// The playback status and control endpoints of ``GameAPIServer`` (README, "Serving"):
///
/// - `GET /status`: `{"file":…,"file_index":0,"files":1,"frame":812,"seconds":13.5,`
///   `"timestamp":"2021-11-20T21:05:46.907","speed":1,"paused":false,"passes":0,"finished":false}`
/// - `POST /control/pause`, `POST /control/resume`
/// - `POST /control/seek?seconds=90` or `?frame=5400` (within the current file)
/// - `POST /control/speed?value=2`
///
/// Every control answer is the status after the change (200), or `{"error":"…"}` with 400
/// for a bad value.
enum PlaybackControlRoutes {
    static func add(to router: Router<BasicRequestContext>, control: PlaybackControl) {
        router.get("status") { _, _ in json(status(control)) }
        router.post("control/pause") { _, _ in
            control.pause()
            return json(status(control))
        }
        router.post("control/resume") { _, _ in
            control.resume()
            return json(status(control))
        }
        router.post("control/seek") { request, _ -> Response in
            let q = request.uri.queryParameters
            do {
                if let text = q["seconds"] {
                    guard let seconds = Double(String(text)) else { return bad("seconds must be a number (got \(text))") }
                    try control.seek(.seconds(seconds))
                } else if let text = q["frame"] {
                    guard let frame = Int(String(text)) else { return bad("frame must be a whole number (got \(text))") }
                    try control.seek(.frame(frame))
                } else {
                    return bad("give ?seconds=S or ?frame=N")
                }
            } catch {
                return bad("\(error)")
            }
            return json(status(control))
        }
        router.post("control/speed") { request, _ -> Response in
            guard let text = request.uri.queryParameters["value"], let speed = Double(String(text)) else {
                return bad("give ?value=SPEED (e.g. 2 for twice real time)")
            }
            do { try control.setSpeed(speed) } catch { return bad("\(error)") }
            return json(status(control))
        }
    }

    /// The status as a JSON object.
    static func status(_ control: PlaybackControl) -> [String: Any] {
        let s = control.status
        return [
            "file": s.file as Any? ?? NSNull(), "file_index": s.fileIndex, "files": s.fileCount,
            "frame": s.frame, "seconds": (s.seconds * 1000).rounded() / 1000,
            "timestamp": s.timestamp.map { $0.iso8601 as Any } ?? NSNull(),
            "speed": s.speed, "paused": s.paused, "passes": s.passes, "finished": s.finished,
        ]
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: Array(data) + [0x0A])))
    }

    static func bad(_ message: String) -> Response {
        json(["error": message], status: .badRequest)
    }
}
