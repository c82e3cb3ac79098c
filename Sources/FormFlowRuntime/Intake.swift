import FormFlowCore
import FormFlowLedger
import FormFlowRouting
import Foundation

#if canImport(Glibc)
import Glibc
#endif
#if canImport(CoreFoundation)
// FoundationXML (pulled in by FormFlowDigital) makes CoreFoundation the owner of `struct stat` in this
// module's view; member visibility then needs it imported.
import CoreFoundation
#endif

/// Takes files out of the inbox safely: only when they have stopped changing, never hidden, temporary
/// or partial names, and always by an atomic rename into the processing area, so that a file is in
/// exactly one place at any moment and a killed run leaves it where the next run finds it.
///
/// A rename cannot cross file systems, so the processing area lies on the inbox's own file system:
/// `<state>/processing` when the state folder shares it, else the hidden `<inbox>/.formflow-claimed/`
/// (intake ignores hidden names). Delivery then copies across (see `Storage.move`).
struct Intake: Sendable {
    let inbox: URL
    /// One folder per taken file, named by a token, holding the file.
    let processing: URL
    /// Every processing area a run may have used (the state folder's and the inbox's): a killed run's
    /// files are recovered from either, also when the folders were moved to other disks in between.
    let recoveryAreas: [URL]
    /// How long a file's size and modification time must stay unchanged before it is taken.
    let stableSeconds: Double
    /// Shared mode (a PostgreSQL ledger): the claims on processing folders that many processes hold,
    /// and this process's name among them. Nil: one process per state folder (its lock).
    let claims: (any WorkClaims)?
    let owner: String
    /// How long a claim holds without renewal: a process killed with SIGKILL loses its folders to the
    /// others this long after its last renewal (renewed every third of it).
    static let lease: Duration = .seconds(20)

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

    /// The claim folder inside the inbox, used when the inbox lies on another file system than the state.
    static let claimFolderName = ".formflow-claimed"

    init(inbox: URL, state: URL, stableSeconds: Double, claims: (any WorkClaims)? = nil, owner: String = "") {
        self.inbox = inbox
        let stateArea = state.appendingPathComponent("processing")
        let inboxArea = inbox.appendingPathComponent(Self.claimFolderName)
        // Shared, the processing area is the inbox's own claim folder: every host sees it, so a host can
        // finish what a dead one had taken.
        self.processing = claims == nil && Storage.sameFileSystem(inbox, state) ? stateArea : inboxArea
        self.recoveryAreas = [stateArea, inboxArea]
        self.stableSeconds = stableSeconds
        self.claims = claims
        self.owner = owner
    }

    var inboxPlace: Place { Place("the inbox", inbox) }
    var processingPlace: Place { Place("the processing area", processing) }

    /// Refuses an inbox FormFlow cannot take files from: it must be able to move each file out (a share
    /// mounted read-only cannot be drained), and the claim folder must be creatable when one is needed.
    func checkWritable() throws(RunError) {
        if access(inbox.path, W_OK) != 0 {
            let code = errno
            let why = code == EROFS ? "is mounted read-only" : "is not writable for this user (\(Storage.text(of: code)))"
            throw RunError(
                kind: .configuration,
                message: "the inbox \(inbox.path) \(why) (on \(Storage.mountPoint(of: inbox))): FormFlow moves every file out of the inbox when it takes it, so that each is decided exactly once. Mount the share read-write or give this user write access, or copy the scans into a writable inbox.")
        }
        if mkdir(processing.path, 0o750) != 0 && errno != EEXIST {
            let code = errno
            throw RunError(
                kind: .configuration,
                message: "cannot create \(processingPlace.described) at \(processing.path): \(Storage.text(of: code)). Give this user write access to \(processing.deletingLastPathComponent().path).")
        }
    }

    static func isIgnoredName(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix(".part") || name.hasSuffix(".tmp") || name.hasPrefix("~$")
            || name.hasSuffix(".crdownload")
    }

    /// Files left in a processing area by a run that was killed: they are finished first. Shared, only
    /// folders nobody holds: unclaimed ones, and those whose lease expired (their process died).
    func leftOver() throws -> [Taken] {
        if claims != nil { return try unclaimedLeftOver() + takeOverExpired() }
        var result: [Taken] = []
        for area in recoveryAreas where FileManager.default.fileExists(atPath: area.path) {
            for token in try FileManager.default.contentsOfDirectory(atPath: area.path).sorted() {
                let folder = area.appendingPathComponent(token)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                if names.isEmpty {
                    try? FileManager.default.removeItem(at: folder)
                    continue
                }
                for name in names { result.append(Taken(name: name, url: folder.appendingPathComponent(name))) }
            }
        }
        return result
    }

    /// The folder of a processing area holding `token`, and the files in it.
    private func folder(_ token: String) -> (URL, [String])? {
        for area in recoveryAreas {
            let folder = area.appendingPathComponent(token)
            if let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) { return (folder, names) }
        }
        return nil
    }

    /// Whether a processing area holds an entry of this name: a taken file not delivered yet.
    func holds(_ name: String) -> Bool {
        recoveryAreas.contains { area in
            ((try? FileManager.default.contentsOfDirectory(atPath: area.path)) ?? []).contains { token in
                Storage.entryExists(area.appendingPathComponent(token).appendingPathComponent(name))
            }
        }
    }

    /// Shared: folders with no claim at all (left by a run before the ledger was shared) are claimed.
    private func unclaimedLeftOver() throws -> [Taken] {
        guard let claims else { return [] }
        let claimed = try claims.claimedFolders()
        var result: [Taken] = []
        for area in recoveryAreas where FileManager.default.fileExists(atPath: area.path) {
            for token in try FileManager.default.contentsOfDirectory(atPath: area.path).sorted() where !claimed.contains(token) {
                let folder = area.appendingPathComponent(token)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                guard !names.isEmpty, try claims.claimFolder(token, name: names[0], owner: owner, lease: Self.lease) else { continue }
                for name in names { result.append(Taken(name: name, url: folder.appendingPathComponent(name))) }
            }
        }
        return result
    }

    /// Shared: takes over the folders whose lease expired, one claim at a time.
    func takeOverExpired() throws -> [Taken] {
        guard let claims else { return [] }
        var result: [Taken] = []
        while let token = try claims.takeOverExpired(owner: owner, lease: Self.lease) {
            guard let (folder, names) = folder(token), !names.isEmpty else {
                // Its process died before moving a file in, or after delivering it.
                if let (folder, _) = folder(token) { try? FileManager.default.removeItem(at: folder) }
                try claims.release(folder: token)
                continue
            }
            for name in names { result.append(Taken(name: name, url: folder.appendingPathComponent(name))) }
        }
        return result
    }

    /// Shared: whether other processes still hold live claims (their files are being decided).
    func othersAtWork() throws -> Bool {
        guard let claims else { return false }
        return try !claims.liveClaims(except: owner).isEmpty
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
        let token = UUID().uuidString.lowercased()
        let folder = processing.appendingPathComponent(token)
        // Shared: the folder is claimed before the file moves in, so that no other process ever sees a
        // file in a folder nobody holds.
        if let claims { _ = try claims.claimFolder(token, name: name, owner: owner, lease: Self.lease) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            try? claims?.release(folder: token)
            throw StorageError(operation: "create a folder for", file: name, from: processingPlace, to: nil, code: EACCES)
        }
        let target = folder.appendingPathComponent(name)
        if rename(inbox.appendingPathComponent(name).path, target.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: folder)
            try? claims?.release(folder: token)
            if code == ENOENT { return nil }
            throw StorageError(operation: "move", file: name, from: inboxPlace, to: processingPlace, code: code)
        }
        return Taken(name: name, url: target)
    }

    /// Moves a refused entry itself (not what a link points to) into the processing area.
    func take(_ refused: Refused) throws -> Taken? {
        try take(refused.name)
    }

    /// Removes the claim folder inside the inbox when nothing is left in it, so that a drained inbox is
    /// empty (a killed run's files stay, and the next run finds them).
    func tidy() {
        // Shared, an empty folder may be another process's, claimed a moment before its file moves in.
        guard claims == nil else { return }
        let inboxArea = inbox.appendingPathComponent(Self.claimFolderName)
        for token in (try? FileManager.default.contentsOfDirectory(atPath: inboxArea.path)) ?? [] {
            rmdir(inboxArea.appendingPathComponent(token).path)
        }
        rmdir(inboxArea.path)
    }

    /// Removes the (now empty) folder of a delivered file, and its claim.
    func release(_ taken: Taken) {
        let folder = taken.url.deletingLastPathComponent()
        try? FileManager.default.removeItem(at: folder)
        try? claims?.release(folder: folder.lastPathComponent)
    }
}
