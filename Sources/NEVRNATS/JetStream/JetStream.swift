import Foundation

/// JetStream over a ``NATSClient``: the `$JS.API.*` request/reply API for streams, publishing
/// with acknowledgement and ordered consumers.
///
/// ```swift
/// let js = JetStream(client)
/// _ = try await js.ensureStream(JetStreamStreamConfig(name: "MATCHES", subjects: ["nevr.match.>"], maxMessagesPerSubject: 10_000))
/// let ack = try await js.publish(Array("frame".utf8), to: "nevr.match.abc", messageID: "abc-1")
/// for try await message in try await js.orderedConsumer(stream: "MATCHES", subject: "nevr.match.abc") { print(message.streamSequence) }
/// ```
public struct JetStream: Sendable {
    /// The connection used.
    public let client: NATSClient
    /// The API subject prefix (`$JS.API`, or a domain's).
    public let apiPrefix: String
    /// How long each API request may take.
    public let timeout: Duration

    /// JetStream on `client` with the default API prefix.
    public init(_ client: NATSClient, apiPrefix: String = "$JS.API", timeout: Duration = .seconds(5)) {
        self.client = client
        self.apiPrefix = apiPrefix
        self.timeout = timeout
    }

    // MARK: streams

    /// Creates the stream, or updates it to `config` when it exists with other settings.
    public func ensureStream(_ config: JetStreamStreamConfig) async throws -> JetStreamStreamInfo {
        let body = try config.json()
        do {
            return try await streamCall("STREAM.CREATE.\(config.name)", body)
        } catch {
            // 10058: the name is in use with a different configuration.
            guard case NATSError.jetStream(_, 10058, _) = error else { throw error }
            return try await streamCall("STREAM.UPDATE.\(config.name)", body)
        }
    }

    /// Creates the stream; fails with ``NATSError/jetStream(code:errorCode:description:)`` if it
    /// exists with another configuration.
    public func createStream(_ config: JetStreamStreamConfig) async throws -> JetStreamStreamInfo {
        try await streamCall("STREAM.CREATE.\(config.name)", try config.json())
    }

    /// The stream's configuration and state.
    public func streamInfo(_ name: String) async throws -> JetStreamStreamInfo {
        try checkName(name)
        return try await streamCall("STREAM.INFO.\(name)", nil)
    }

    /// Deletes the stream and its messages.
    public func deleteStream(_ name: String) async throws {
        try checkName(name)
        _ = try await call("STREAM.DELETE.\(name)", nil)
    }

    // MARK: publishing

    /// Publishes to a subject a stream captures and waits for the stream's acknowledgement.
    ///
    /// With `messageID`, the message carries `Nats-Msg-Id`: publishing the same id again within
    /// the stream's duplicate window stores nothing and answers ``JetStreamPubAck/duplicate``.
    /// Throws ``NATSError/noResponders(subject:)`` when no stream captures `subject`.
    public func publish(_ payload: [UInt8], to subject: String, messageID: String? = nil, headers: NATSHeaders? = nil) async throws -> JetStreamPubAck {
        var headers = headers
        if let messageID {
            headers = headers ?? NATSHeaders()
            headers?.append("Nats-Msg-Id", messageID)
        }
        let reply = try await client.request(payload, to: subject, headers: headers, timeout: timeout)
        let object = try decode(reply, subject: subject)
        guard let stream = object["stream"] as? String, let sequence = JSONNumber.uint(object["seq"]) else {
            throw NATSError.jetStreamResponse(subject: subject, reason: "publish ack without stream and seq")
        }
        return JetStreamPubAck(stream: stream, sequence: sequence, duplicate: object["duplicate"] as? Bool ?? false)
    }

    // MARK: consumers

    /// Where an ordered consumer starts.
    public enum StartPosition: Sendable, Hashable {
        /// The oldest stored message of the subject (the whole backlog).
        case all
        /// The first stored message at or after this stream sequence.
        case sequence(UInt64)
        /// Only messages stored from now on.
        case new
        /// The first stored message stored at or after this time (the server's store time, not a frame's).
        case time(Date)
    }

    /// An ordered consumer of `subject` in `stream`: the stored backlog from `start`, then live
    /// messages, each exactly once and in stream order, however the connection delays them.
    public func orderedConsumer(stream: String, subject: String, start: StartPosition = .all) async throws -> JetStreamOrderedConsumer {
        try checkName(stream)
        try NATSClient.checkSubject(subject, what: "consumer subject")
        return JetStreamOrderedConsumer(jetStream: self, stream: stream, subject: subject, start: start)
    }

    /// Creates an ephemeral push consumer delivering to `deliverSubject`; returns its name.
    func createOrderedConsumer(stream: String, subject: String, deliverSubject: String, start: StartPosition) async throws -> String {
        var config: [String: Any] = [
            "deliver_subject": deliverSubject, "filter_subject": subject, "ack_policy": "none", "max_deliver": 1,
            "replay_policy": "instant", "flow_control": true, "idle_heartbeat": 5_000_000_000, "mem_storage": true,
            "num_replicas": 1, "inactive_threshold": 60_000_000_000,
        ]
        switch start {
        case .all: config["deliver_policy"] = "all"
        case .new: config["deliver_policy"] = "new"
        case .sequence(let sequence):
            config["deliver_policy"] = "by_start_sequence"
            config["opt_start_seq"] = Int(exactly: max(1, sequence)) ?? Int.max
        case .time(let date):
            config["deliver_policy"] = "by_start_time"
            config["opt_start_time"] = Self.rfc3339(date)
        }
        let object = try await call("CONSUMER.CREATE.\(stream)", ["stream_name": stream, "config": config])
        guard let name = object["name"] as? String else {
            throw NATSError.jetStreamResponse(subject: "\(apiPrefix).CONSUMER.CREATE.\(stream)", reason: "no consumer name")
        }
        return name
    }

    /// Deletes a consumer (best effort: an ephemeral one also goes away by itself).
    func deleteConsumer(stream: String, name: String) async {
        _ = try? await call("CONSUMER.DELETE.\(stream).\(name)", nil)
    }

    // MARK: stored messages

    /// The newest stored message of `subject` in `stream` (`STREAM.MSG.GET` with `last_by_subj`),
    /// or nil when the stream holds none on that subject. Its `timestampNanoseconds` and
    /// `pending` are 0 (the API answers a time string and no pending count).
    public func lastMessage(stream: String, subject: String) async throws -> JetStreamMessage? {
        try checkName(stream)
        try NATSClient.checkSubject(subject, what: "subject")
        let object: [String: Any]
        do {
            object = try await call("STREAM.MSG.GET.\(stream)", ["last_by_subj": subject])
        } catch {
            // 10037: no message found.
            guard case NATSError.jetStream(_, 10037, _) = error else { throw error }
            return nil
        }
        let api = "\(apiPrefix).STREAM.MSG.GET.\(stream)"
        guard let message = object["message"] as? [String: Any], let sequence = JSONNumber.uint(message["seq"]),
            let storedSubject = message["subject"] as? String
        else { throw NATSError.jetStreamResponse(subject: api, reason: "message without seq and subject") }
        // The API sends payload and headers base64-encoded.
        let payload: [UInt8]
        if let data = message["data"] as? String {
            guard let decoded = Data(base64Encoded: data) else {
                throw NATSError.jetStreamResponse(subject: api, reason: "message data is not base64")
            }
            payload = Array(decoded)
        } else {
            payload = []
        }
        return JetStreamMessage(
            subject: storedSubject, headers: nil, payload: payload, streamSequence: sequence, timestampNanoseconds: 0, pending: 0)
    }

    /// The subjects of `stream` matching `filter` with the number of messages each holds now
    /// (`STREAM.INFO` with `subjects_filter`, every page).
    public func subjectCounts(stream: String, filter: String) async throws -> [String: UInt64] {
        try checkName(stream)
        try NATSClient.checkSubject(filter, what: "subjects filter")
        var out: [String: UInt64] = [:]
        var offset = 0
        // Bounded: a page adds at least one subject or ends the loop, and the total is the server's.
        while true {
            let object = try await call("STREAM.INFO.\(stream)", ["subjects_filter": filter, "offset": offset])
            let state = object["state"] as? [String: Any]
            let subjects = state?["subjects"] as? [String: Any] ?? [:]
            for (subject, count) in subjects { out[subject] = JSONNumber.uint(count) ?? 0 }
            let total = JSONNumber.int(object["total"]) ?? 0
            offset += subjects.count
            if subjects.isEmpty || offset >= total { return out }
        }
    }

    // MARK: API calls

    private func streamCall(_ api: String, _ body: [String: Any]?) async throws -> JetStreamStreamInfo {
        let object = try await call(api, body)
        guard let info = JetStreamStreamInfo(object) else {
            throw NATSError.jetStreamResponse(subject: "\(apiPrefix).\(api)", reason: "no stream config and state")
        }
        return info
    }

    private func call(_ api: String, _ body: [String: Any]?) async throws -> [String: Any] {
        let subject = "\(apiPrefix).\(api)"
        let payload = try body.map { Array(try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys])) } ?? []
        let reply: NATSMessage
        do {
            reply = try await client.request(payload, to: subject, timeout: timeout)
        } catch NATSError.noResponders {
            throw NATSError.jetStream(code: 503, errorCode: 0, description: "JetStream is not enabled on \(client.url.endpoint) (no responders on \(subject))")
        }
        return try decode(reply, subject: subject)
    }

    /// The reply's JSON object, or its `error` as ``NATSError/jetStream(code:errorCode:description:)``.
    private func decode(_ reply: NATSMessage, subject: String) throws -> [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(reply.payload))) as? [String: Any] else {
            throw NATSError.jetStreamResponse(subject: subject, reason: "reply is not a JSON object (\(reply.payload.count) bytes)")
        }
        if let error = object["error"] as? [String: Any] {
            throw NATSError.jetStream(
                code: JSONNumber.int(error["code"]) ?? 0, errorCode: JSONNumber.int(error["err_code"]) ?? 0,
                description: error["description"] as? String ?? "unknown error")
        }
        return object
    }

    /// RFC 3339 with nanosecond digits, UTC, as the JetStream API reads times.
    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    private func checkName(_ name: String) throws {
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 32 && $0 != 127 && $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "*") && $0 != UInt8(ascii: ">") }) else {
            throw NATSError.invalidArgument("stream or consumer name \"\(name.prefix(80))\" is empty or has whitespace, '.', '*' or '>'")
        }
    }
}
