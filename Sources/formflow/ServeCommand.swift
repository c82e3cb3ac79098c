import ArgumentParser
import FormFlowReview
import FormFlowRuntime
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `formflow serve`: the operators' review pages for one output folder (or a PostgreSQL ledger).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the exception queue to operators in the browser: sign-in, the queue, each document's page with its fields, fix / reject / requeue, and the audit log.",
        discussion: """
            Make users first: echo "$PASSWORD" | formflow users add NAME --role operator --password-stdin
            Serve on loopback and put a TLS proxy in front for other machines (then pass --secure-cookies).
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "The users file (made by `formflow users add`). Default: $FORMFLOW_USERS, else ~/.config/formflow/users.json, else users.json in the state folder (<out>/state).")
    var users: String?

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080

    @Flag(help: "Send the session cookie over HTTPS only (when a TLS proxy is in front).")
    var secureCookies = false

    func run() async throws {
        let (settings, pipeline) = try common.load()
        let logger = Logger(label: "formflow.serve")
        let usersFile = users ?? UsersCommand.defaultPathToRead(settings)
        let store: UserStore
        do {
            store = try UserStore(path: usersFile)
        } catch {
            FileHandle.standardError.write(Data("formflow serve: \(error)\n".utf8))
            throw ExitCodes.configuration
        }
        if store.users.isEmpty {
            FileHandle.standardError.write(
                Data("formflow serve: no users in \(usersFile); add one: formflow users add NAME --role operator --users \(usersFile) --password-stdin\n".utf8))
            throw ExitCodes.configuration
        }
        let desk: ExceptionDesk
        do {
            desk = try ExceptionDesk(settings: settings, pipeline: pipeline, operatorName: "formflow-serve")
        } catch {
            FileHandle.standardError.write(Data("formflow serve: cannot open the ledger: \(error)\n".utf8))
            throw ExitCodes.storage
        }
        let server = try ReviewServer(
            desk: desk, configuration: .init(usersFile: usersFile, secureCookies: secureCookies), logger: logger)
        print("formflow serve: http://\(host):\(port)/ for \(settings.out) (\(store.users.count) user(s) in \(usersFile))")
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server.application(host: host, port: port))],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// `formflow users add`: who may sign in to `formflow serve`.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage the users of `formflow serve`.", subcommands: [Add.self, List.self])

    /// Where `users add` writes without --users: $FORMFLOW_USERS, else the user's configuration folder, so
    /// that `users add` and `serve` find the same file whatever output folder `serve` is given.
    static var defaultPath: String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["FORMFLOW_USERS"], !path.isEmpty { return path }
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".config")
        return (config as NSString).appendingPathComponent("formflow/users.json")
    }

    /// Where `serve` looks without --users: the default above, else the output folder's state folder.
    static func defaultPathToRead(_ settings: Settings) -> String {
        let state = (settings.stateFolder as NSString).appendingPathComponent("users.json")
        return FileManager.default.fileExists(atPath: defaultPath) || !FileManager.default.fileExists(atPath: state)
            ? defaultPath : state
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user (or give one a new role and password). The password is read from standard input and stored as a bcrypt hash.")
        @Argument(help: "The user's name (letters, digits, . _ -).") var name: String
        @Option(help: "operator (fixes, rejects, requeues) or auditor (reads, sees the audit log).") var role: ReviewRole
        @Option(help: "The users file. Default: $FORMFLOW_USERS, else ~/.config/formflow/users.json.") var users: String?
        @Flag(help: "Read the password from standard input (the only way: it never appears in a process list).")
        var passwordStdin = false

        func run() throws {
            guard passwordStdin else {
                throw ValidationError("pass --password-stdin and the password on standard input")
            }
            let password = (readLine(strippingNewline: true) ?? "")
            if !password.isEmpty && password.count < UserStore.advisedLength {
                FileHandle.standardError.write(
                    Data("formflow users: warning: a password shorter than \(UserStore.advisedLength) characters is easy to guess\n".utf8))
            }
            let path = users ?? UsersCommand.defaultPath
            do {
                var store = try UserStore(path: path)
                try store.set(name: name, role: role, password: password)
                try store.save()
            } catch {
                FileHandle.standardError.write(Data("formflow users: \(error)\n".utf8))
                throw ExitCode.failure
            }
            print("\(name): \(role.rawValue) in \(path)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and roles (never passwords).")
        @Option(help: "The users file. Default: $FORMFLOW_USERS, else ~/.config/formflow/users.json.") var users: String?

        func run() throws {
            let path = users ?? UsersCommand.defaultPath
            for user in try UserStore(path: path).users { print("\(user.name)\t\(user.role.rawValue)") }
        }
    }
}

extension ReviewRole: ExpressibleByArgument {}
