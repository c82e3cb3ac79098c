import FormFlowCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Takes files out of the inbox safely: only when they have stopped changing, never hidden, temporary
/// or partial names, and always by an atomic rename into the processing area, so that a file is in
/// exactly one place at any moment and a killed run leaves it where the next run finds it.
struct Intake: Sendable {
    let inbox: URL
    /// `<state>/processing`: one folder per taken file, named by a token, holding the file.
    let processing: URL
    /// How long a file's size and modification time must stay unchanged before it is taken.
    let stableSeconds: Double

    /// A file in the processing area, under its original name.
    struct Taken: Sendable {
        var name: String
        var url: URL
    }

    /// What the inbox holds that is not a regular file: quarantined with a reason, not read.
    struct Refused: Sendable {
        var name: String
        var url: URL
        var reason: String
    }

    static func isIgnoredName(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix(".part") || name.hasSuffix(".tmp") || name.hasPrefix("~$")
            || name.hasSuffix(".crdownload")
    }

    /// Files left in the processing area by a run that was killed: they are finished first.
    func leftOver() throws -> [Taken] {
        guard FileManager.default.fileExists(atPath: processing.path) else { return [] }
        var result: [Taken] = []
        for token in try FileManager.default.contentsOfDirectory(atPath: processing.path).sorted() {
            let folder = processing.appendingPathComponent(token)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            if names.isEmpty {
                try? FileManager.default.removeItem(at: folder)
                continue
            }
            for name in names { result.append(Taken(name: name, url: folder.appendingPathComponent(name))) }
        }
        return result
    }

    /// Lists the inbox: regular files to take (once stable), and entries to refuse.
    func scan() throws -> (files: [String], refused: [Refused]) {
        var files: [String] = []
        var refused: [Refused] = []
        let inboxReal = inbox.resolvingSymlinksInPath().path
        for name in try FileManager.default.contentsOfDirectory(atPath: inbox.path).sorted() where !Self.isIgnoredName(name) {
            let url = inbox.appendingPathComponent(name)
            var info = stat()
            guard lstat(url.path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                files.append(name)
            case S_IFDIR:
                refused.append(Refused(name: name, url: url, reason: "a folder, not a scan: put its files into the inbox one by one"))
            case S_IFLNK:
                let target = url.resolvingSymlinksInPath().path
                if target.hasPrefix(inboxReal + "/") {
                    refused.append(Refused(name: name, url: url, reason: "a link to another file in the inbox; the file itself is read"))
                } else {
                    refused.append(Refused(name: name, url: url, reason: "a link to a file outside the inbox (\(Masking.maskDigitRuns(in: target))): copy the file itself into the inbox"))
                }
            default:
                refused.append(Refused(name: name, url: url, reason: "not a regular file (device, pipe or socket)"))
            }
        }
        return (files, refused)
    }

    /// Waits until the file's size and modification time have not changed for `stableSeconds`, up to
    /// `maximumWait`; false when it is still being written.
    func waitUntilStable(_ name: String, maximumWait: Double = 60) -> Bool {
        let url = inbox.appendingPathComponent(name)
        var last: (Int64, Int)? = nil
        var stableSince = Date()
        let deadline = Date().addingTimeInterval(maximumWait)
        while Date() < deadline {
            var info = stat()
            guard stat(url.path, &info) == 0 else { return false }
            let current = (Int64(info.st_size), Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec))
            let modified = Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec) + TimeInterval(info.st_mtim.tv_nsec) / 1e9)
            if let last, last == current {
                if Date().timeIntervalSince(max(stableSince, modified)) >= stableSeconds { return true }
            } else {
                stableSince = Date()
                if Date().timeIntervalSince(modified) >= stableSeconds && last == nil {
                    return true  // untouched for long enough already
                }
            }
            last = current
            usleep(useconds_t(min(stableSeconds, 0.5) * 1_000_000))
        }
        return false
    }

    /// Moves a file from the inbox into its own folder in the processing area. `nil` when another run
    /// took it first (the rename is atomic: exactly one taker succeeds).
    func take(_ name: String) throws -> Taken? {
        let folder = processing.appendingPathComponent(UUID().uuidString.lowercased())
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        let target = folder.appendingPathComponent(name)
        if rename(inbox.appendingPathComponent(name).path, target.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: folder)
            if code == ENOENT { return nil }
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        return Taken(name: name, url: target)
    }

    /// Moves a refused entry itself (not what a link points to) into the processing area.
    func take(_ refused: Refused) throws -> Taken? {
        try take(refused.name)
    }

    /// Removes the (now empty) folder of a delivered file.
    func release(_ taken: Taken) {
        try? FileManager.default.removeItem(at: taken.url.deletingLastPathComponent())
    }
}
