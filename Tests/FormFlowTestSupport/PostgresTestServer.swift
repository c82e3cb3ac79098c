import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster for the tests: `initdb` in a temporary folder, started on 127.0.0.1 with
/// a free port, trust authentication, fsync off, stopped (`pg_ctl stop -m immediate`) and removed when
/// the test process exits. One per test process; each test makes its own database. Nil when the server
/// programs are not installed (scripts/test.sh installs Debian's `postgresql`).
public final class PostgresTestServer: @unchecked Sendable {
    public let port: Int
    let folder: URL
    let listenAddresses: String
    let binaries: URL

    public static let shared: PostgresTestServer? = {
        do {
            return try PostgresTestServer()
        } catch {
            FileHandle.standardError.write(Data("PostgresTestServer: \(error)\n".utf8))
            return nil
        }
    }()

    public static var available: Bool { shared != nil }

    /// A cluster of its own (for a test that stops and starts it while others use the shared one).
    public static func make(listen extra: [String] = [], allow network: String? = nil) throws -> PostgresTestServer {
        try PostgresTestServer(listen: extra, allow: network)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `listen`: addresses besides 127.0.0.1 (the test "hosts" in their network namespaces); `allow`: the
    /// network (CIDR) they connect from, trusted like loopback.
    init(listen extra: [String] = [], allow network: String? = nil) throws {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.compactMap(Int.init).max() else {
            throw Failure(description: "no PostgreSQL server in /usr/lib/postgresql (apt-get install postgresql)")
        }
        binaries = URL(fileURLWithPath: "/usr/lib/postgresql/\(version)/bin")
        folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("formflow-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // The server refuses to run as root: as root, the cluster belongs to the `postgres` user.
        if getuid() == 0 {
            guard Self.shell("chown postgres: '\(folder.path)'") == 0 else {
                throw Failure(description: "cannot give \(folder.path) to the postgres user")
            }
        }
        guard Self.run(binaries, "initdb", ["-D", folder.appendingPathComponent("data").path, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]) == 0 else {
            throw Failure(description: "initdb failed in \(folder.path)")
        }
        if let network {
            let hba = folder.appendingPathComponent("data/pg_hba.conf")
            guard let file = try? FileHandle(forWritingTo: hba) else {
                throw Failure(description: "cannot allow \(network) in \(hba.path)")
            }
            file.seekToEndOfFile()
            file.write(Data("host all all \(network) trust\n".utf8))
            try file.close()
        }
        listenAddresses = (["127.0.0.1"] + extra).joined(separator: ",")
        var started: Int? = nil
        for _ in 0..<5 {
            let candidate = Int.random(in: 20_000...40_000)
            let options = "-p \(candidate) -k \(folder.path) -c listen_addresses=\(listenAddresses) -c fsync=off -c synchronous_commit=off -c max_connections=200"
            if Self.run(binaries, "pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-o", options, "-l", folder.appendingPathComponent("log").path, "-w", "start"]) == 0 {
                started = candidate
                break
            }
        }
        guard let started else { throw Failure(description: "the test cluster did not start; see \(folder.path)/log") }
        port = started
        Self.lock.lock()
        Self.running.append(self)
        let first = Self.running.count == 1
        Self.lock.unlock()
        if first {
            atexit {
                for server in PostgresTestServer.running {
                    _ = server.run("pg_ctl", ["-D", server.folder.appendingPathComponent("data").path, "-m", "immediate", "stop"])
                    try? FileManager.default.removeItem(at: server.folder)
                }
            }
        }
    }

    nonisolated(unsafe) static var running: [PostgresTestServer] = []
    static let lock = NSLock()

    /// The server's log (for a test's message when a connection fails).
    public var log: String { (try? String(contentsOf: folder.appendingPathComponent("log"), encoding: .utf8)) ?? "" }

    /// A new, empty database; its address for `--ledger`.
    public func database(_ label: String = "t") throws -> String {
        let name = "\(label)_\(UUID().uuidString.prefix(8).lowercased())".replacingOccurrences(of: "-", with: "_")
        guard run("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", name]) == 0 else {
            throw Failure(description: "createdb \(name) failed")
        }
        return "postgres://postgres@127.0.0.1:\(port)/\(name)"
    }

    /// Stops the server (a database outage), `start` brings it back on the same port.
    public func stop() { _ = run("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "fast", "-w", "stop"]) }

    public func start() {
        let options = "-p \(port) -k \(folder.path) -c listen_addresses=\(listenAddresses) -c fsync=off -c synchronous_commit=off -c max_connections=200"
        _ = run("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-o", options, "-l", folder.appendingPathComponent("log").path, "-w", "start"])
    }

    /// Runs a server program, as the postgres user when this process is root.
    @discardableResult
    func run(_ program: String, _ arguments: [String]) -> Int32 { Self.run(binaries, program, arguments) }

    static func run(_ binaries: URL, _ program: String, _ arguments: [String]) -> Int32 {
        let path = binaries.appendingPathComponent(program).path
        let command = ([path] + arguments).map { "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }.joined(separator: " ")
        return Self.shell(getuid() == 0 ? "runuser -u postgres -- \(command)" : command)
    }

    /// `sh -c command`, waited for with waitpid: Foundation's `Process` can miss the exit of a shell whose
    /// grandchild (the server) lives on, and would wait for ever.
    static func shell(_ command: String) -> Int32 {
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", command + " >/dev/null 2>&1 </dev/null"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }
}
