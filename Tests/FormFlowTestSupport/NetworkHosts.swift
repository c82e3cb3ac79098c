import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Test "hosts": network namespaces, each with its own address on a veth pair to this namespace
/// (10.231.N.2, reaching this side at 10.231.N.1). They share the file system (one inbox, one output
/// folder, as a network share would be) but not the network. Made and removed by the test itself; nil
/// where namespaces cannot be made (no root, no `ip`).
public final class NetworkHosts: @unchecked Sendable {
    public struct Host: Sendable {
        public var namespace: String
        /// The address of this side of the host's link: where a server here is reached from that host.
        public var gateway: String
        public var address: String
    }

    public let hosts: [Host]
    public static let network = "10.231.0.0/16"

    public init?(count: Int) {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") else { return nil }
        let tag = String(UUID().uuidString.prefix(4)).lowercased()
        var made: [Host] = []
        for index in 1...count {
            let namespace = "ffh\(tag)\(index)"
            let outside = "ffo\(tag)\(index)"
            let inside = "ffi\(tag)\(index)"
            let host = Host(namespace: namespace, gateway: "10.231.\(index).1", address: "10.231.\(index).2")
            let steps = [
                "ip netns add \(namespace)", "ip link add \(outside) type veth peer name \(inside)",
                "ip link set \(inside) netns \(namespace)", "ip addr add \(host.gateway)/24 dev \(outside)", "ip link set \(outside) up",
                "ip netns exec \(namespace) ip addr add \(host.address)/24 dev \(inside)",
                "ip netns exec \(namespace) ip link set \(inside) up", "ip netns exec \(namespace) ip link set lo up",
            ]
            made.append(host)
            for step in steps where PostgresTestServer.shell(step) != 0 {
                Self.remove(made)
                return nil
            }
        }
        hosts = made
    }

    deinit { Self.remove(hosts) }

    static func remove(_ hosts: [Host]) {
        // Deleting a namespace deletes the veth inside it, and with it its peer outside.
        for host in hosts { _ = PostgresTestServer.shell("ip netns del \(host.namespace)") }
    }

    /// Runs `executable arguments` inside the host's namespace.
    /// Its standard error goes to `errors` (for the test's message when it fails).
    public func start(on host: Host, _ executable: URL, _ arguments: [String], errors: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "exec", host.namespace, executable.path] + arguments
        process.standardOutput = FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        return process
    }
}
