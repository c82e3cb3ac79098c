import FormFlowCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif
import HummingbirdBcrypt

/// What a signed-in person may do.
public enum ReviewRole: String, Codable, Sendable, CaseIterable {
    /// Fixes, accepts, rejects and requeues exceptions.
    case `operator`
    /// Reads exceptions and the audit log; changes nothing.
    case auditor

    public var mayAct: Bool { self == .operator }
}

/// One person who may sign in: a name, a role and a bcrypt hash of the password (never the password).
public struct ReviewUser: Codable, Sendable, Equatable {
    public var name: String
    public var role: ReviewRole
    public var passwordHash: String

    enum CodingKeys: String, CodingKey {
        case name, role
        case passwordHash = "password_bcrypt"
    }
}

/// The users file: JSON, readable by the server's user only (0600), written whole and atomically.
public struct UserStore: Sendable {
    public let path: String
    public private(set) var users: [ReviewUser]

    public struct UserError: Error, CustomStringConvertible {
        public let description: String
    }

    /// bcrypt's cost: 2^12 rounds, about a quarter of a second a try on a server core, which is what makes
    /// guessing slow. Tests may lower it.
    public static let defaultCost: UInt8 = 12

    /// Passwords shorter than this are accepted with a warning (`users add` prints it).
    public static let advisedLength = 12

    /// Names: letters, digits, `.`, `_`, `-`; they appear in the audit log and in pages.
    public static func validate(name: String) throws(UserError) {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard (1...64).contains(name.count), name.unicodeScalars.allSatisfy(allowed.contains) else {
            throw UserError(description: "'\(name)' is not a user name: use 1–64 letters, digits, '.', '_' or '-'")
        }
    }

    /// Reads the file; a missing file is an empty store (the first `users add` creates it).
    public init(path: String) throws(UserError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            users = []
            return
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            users = try JSONDecoder().decode(File.self, from: data).users
        } catch {
            throw UserError(description: "cannot read the users file \(path): \(error); write it again with `formflow users add`")
        }
    }

    struct File: Codable {
        var users: [ReviewUser]
    }

    /// Adds a user, or gives an existing one a new role and password.
    public mutating func set(name: String, role: ReviewRole, password: String, cost: UInt8 = defaultCost) throws(UserError) {
        try Self.validate(name: name)
        guard !password.isEmpty else {
            throw UserError(description: "the password for \(name) is empty (pass it on standard input)")
        }
        let user = ReviewUser(name: name, role: role, passwordHash: Bcrypt.hash(password, cost: cost))
        if let index = users.firstIndex(where: { $0.name == name }) {
            users[index] = user
        } else {
            users.append(user)
        }
    }

    public func save() throws(UserError) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(File(users: users))
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
            guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw UserError(description: "cannot write \(temporary.path)")
            }
            guard rename(temporary.path, url.path) == 0 else {
                throw UserError(description: "cannot put \(temporary.path) in place of \(path) (errno \(errno))")
            }
        } catch {
            throw UserError(description: "cannot write the users file \(path): \(error)")
        }
    }

    /// The user, when the name exists and the password is theirs. An unknown name costs as much time as a
    /// wrong password, so the answer's timing tells no one which names exist.
    public func verify(name: String, password: String) -> ReviewUser? {
        guard let user = users.first(where: { $0.name == name }) else {
            _ = Bcrypt.verify(password, hash: Self.decoyHash)
            return nil
        }
        return Bcrypt.verify(password, hash: user.passwordHash) ? user : nil
    }

    /// A hash of nothing anyone knows, at the default cost, for unknown names.
    private static let decoyHash = Bcrypt.hash(UUID().uuidString, cost: defaultCost)
}
