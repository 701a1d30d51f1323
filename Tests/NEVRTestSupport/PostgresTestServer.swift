import Foundation

/// A private PostgreSQL cluster for tests: `initdb` into a temporary folder, `pg_ctl start` on
/// a free loopback port (and a Unix socket in that folder only), stopped and deleted by
/// ``stop()``. As root (CI) the server runs as the `postgres` user, because PostgreSQL refuses
/// to run as root.
///
/// A watchdog shell process stops the server and deletes the folder when the test process
/// ends without calling ``stop()`` (a crash, a killed run), so no server outlives the tests.
public final class PostgresTestServer: @unchecked Sendable {
    // @unchecked: every property is immutable after init except `stopped`, which only
    // `stop()` touches (under `lock`).
    /// The temporary folder holding the cluster, its log and its socket.
    public let folder: URL
    /// The loopback TCP port the server listens on.
    public let port: Int
    /// The superuser (trust authentication on loopback, no password).
    public let user = "nevr"
    private let bin: URL
    private let runAs: String?
    private let watchdog: Process
    private let lock = NSLock()
    private var stopped = false

    /// Why no server could be started.
    public struct Unavailable: Error, CustomStringConvertible {
        /// What went wrong, with the tool's output.
        public var description: String
        /// An error saying `description`.
        public init(description: String) { self.description = description }
    }

    /// The folder holding `initdb` and `pg_ctl` (with `postgres` beside them), or `nil` when
    /// this machine has no PostgreSQL server binaries: `$NEVR_PG_BIN`, then the newest
    /// Debian `/usr/lib/postgresql/N/bin`, then every folder of `$PATH`.
    public static func binDirectory() -> URL? {
        let fm = FileManager.default
        func usable(_ folder: URL) -> Bool {
            ["initdb", "pg_ctl", "postgres"].allSatisfy { fm.isExecutableFile(atPath: folder.appendingPathComponent($0).path) }
        }
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["NEVR_PG_BIN"], !env.isEmpty {
            candidates.append(URL(fileURLWithPath: env))
        }
        let debian = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? fm.contentsOfDirectory(atPath: debian.path)) ?? []
        for v in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            candidates.append(debian.appendingPathComponent(v).appendingPathComponent("bin"))
        }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append(URL(fileURLWithPath: String(folder)))
        }
        return candidates.first(where: usable)
    }

    /// Server settings for tests: no fsync at all (test data need not survive a power cut).
    public static let testSettings = ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
    /// Server settings for benchmarks against SQLite in WAL mode with `synchronous=NORMAL`:
    /// commits are not flushed one by one, but the data files are fsynced as usual.
    public static let benchmarkSettings = ["synchronous_commit=off"]

    /// Starts a new cluster with `settings` (`name=value` server options). Throws
    /// ``Unavailable`` when no binaries exist (callers skip then) or when they exist but the
    /// server does not start (callers fail then).
    public init(settings: [String] = PostgresTestServer.testSettings) throws {
        guard let bin = Self.binDirectory() else {
            throw Unavailable(description: "no PostgreSQL server binaries (initdb, pg_ctl, postgres) in $NEVR_PG_BIN, /usr/lib/postgresql/*/bin or $PATH; scripts/bootstrap.sh installs Debian's postgresql")
        }
        self.bin = bin
        let runAs = getuid() == 0 ? "postgres" : nil
        self.runAs = runAs
        // Short path: the socket path (folder + "/.s.PGSQL.PORT") must stay under 107 bytes.
        folder = URL(fileURLWithPath: "/tmp/nevr-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if let runAs { try Self.run("/bin/chown", [runAs, folder.path]) }
        port = try Self.freeLoopbackPort()

        let data = folder.appendingPathComponent("data").path
        let pgctl = bin.appendingPathComponent("pg_ctl").path
        // The watchdog: polls this process; once it is gone, stops the server and deletes the folder.
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
            \(runAs.map { "/usr/sbin/runuser -u \($0) -- " } ?? "")\(pgctl) -D \(data) -m immediate -w stop >/dev/null 2>&1
            rm -rf \(folder.path)
            """
        watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        watchdog.arguments = ["-c", script]
        watchdog.standardInput = FileHandle.nullDevice
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try watchdog.run()

        do {
            try command("initdb", ["-D", data, "-A", "trust", "-U", user, "--no-sync", "-E", "UTF8", "--locale=C"])
            let options = "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 " + settings.map { "-c \($0)" }.joined(separator: " ")
            try command("pg_ctl", ["-D", data, "-o", options, "-l", folder.appendingPathComponent("log").path, "-w", "-t", "60", "start"])
        } catch {
            let log = (try? String(contentsOf: folder.appendingPathComponent("log"), encoding: .utf8)) ?? ""
            stop()
            throw Unavailable(description: "PostgreSQL did not start: \(error); server log: \(log.suffix(800))")
        }
    }

    nonisolated(unsafe) private static var sharedServer: PostgresTestServer?
    nonisolated(unsafe) private static var sharedFailure: Unavailable?
    private static let sharedLock = NSLock()

    /// The one server of this test process, started on first use (one `initdb` for every
    /// PostgreSQL test instead of one per test class: about 2 s each under load) and stopped when
    /// the process exits; tests share it through databases of their own (``makeDatabase()``).
    /// Throws ``Unavailable`` as ``init(settings:)`` does (and again, without a second try, to
    /// every later caller).
    public static func shared() throws -> PostgresTestServer {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if let sharedServer { return sharedServer }
        if let sharedFailure { throw sharedFailure }
        do {
            let server = try PostgresTestServer()
            sharedServer = server
            // XCTest ends the process with exit(): stop the server then (the watchdog would
            // too, a second later).
            atexit { PostgresTestServer.sharedServer?.stop() }
            return server
        } catch let error as Unavailable {
            sharedFailure = error
            throw error
        }
    }

    /// Creates a new empty database on this server (`createdb`) and returns its URL.
    public func makeDatabase() throws -> String {
        let name = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try command("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-w", String(name)])
        return url(database: String(name))
    }

    /// Adds a login role `role` that must give `password` over TCP (`scram-sha-256` in
    /// pg_hba.conf, ahead of the trust rule), for the tests of a refused login. A superuser, so
    /// that with the right password it can open (create the tables of) any test database.
    /// Returns once the server applies the rule (a login without the password fails).
    public func addPasswordRole(_ role: String, password: String) throws {
        precondition(role.allSatisfy { $0.isLetter || $0.isNumber } && password.allSatisfy { $0.isLetter || $0.isNumber })
        try psql("CREATE ROLE \(role) LOGIN SUPERUSER PASSWORD '\(password)'")
        let hba = folder.appendingPathComponent("data/pg_hba.conf")
        let rules = try String(contentsOf: hba, encoding: .utf8)
        // Written in place (not replaced) so the file keeps its owner when the tests run as root.
        let handle = try FileHandle(forWritingTo: hba)
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("host all \(role) 127.0.0.1/32 scram-sha-256\n\(rules)".utf8))
        try handle.close()
        try command("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "reload"])
        // The reload is asynchronous: wait until a login without the password is refused.
        let deadline = Date().addingTimeInterval(20)
        while (try? command("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", role, "-w", "-d", "postgres", "-c", "SELECT 1"])) != nil {
            guard Date() < deadline else { throw Unavailable(description: "pg_hba.conf rule for \(role) not applied within 20 s") }
            usleep(100_000)
        }
    }

    /// Runs one SQL statement as the superuser (`psql`), failing on any error.
    public func psql(_ sql: String) throws {
        try command("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-w", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
    }

    /// The URL of database `database` on this server (`postgres` exists from the start).
    public func url(database: String = "postgres") -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)"
    }

    /// Stops the server (immediately: test data need no clean shutdown) and deletes its folder.
    /// Safe to call more than once.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        try? command("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: folder)
        if watchdog.isRunning { watchdog.terminate() }
    }

    deinit { stop() }

    private func command(_ tool: String, _ args: [String]) throws {
        let path = bin.appendingPathComponent(tool).path
        if let runAs {
            try Self.run("/usr/sbin/runuser", ["-u", runAs, "--", path] + args)
        } else {
            try Self.run(path, args)
        }
    }

    /// A port nothing listens on now: bind port 0 on 127.0.0.1, read what the kernel chose,
    /// close. (Another process could take it before the server does; the start then fails
    /// with a clear message.)
    static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Unavailable(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Unavailable(description: "bind(127.0.0.1:0) failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a tool and waits for it with `posix_spawn` and `waitpid`, its output into a file.
    /// Not Foundation's `Process`: it notices a child's exit through a descriptor the child
    /// inherits, and the server that `pg_ctl start` leaves running inherits it too, so
    /// `waitUntilExit()` would wait for the server, forever.
    private static func run(_ executable: String, _ args: [String]) throws {
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-pg-out-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw Unavailable(description: "cannot start \(executable): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw Unavailable(description: "waitpid for \(executable) failed: errno \(errno)") }
        }
        let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        // Exited normally with status 0 (WIFEXITED and WEXITSTATUS spelled out: they are macros).
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw Unavailable(description: "\(URL(fileURLWithPath: executable).lastPathComponent) \(args.joined(separator: " ")) failed (wait status \(status)): \(text.suffix(600))")
        }
    }
}
