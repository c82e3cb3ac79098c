import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A folder FormFlow moves files between, with the words an operator knows it by ("the inbox").
public struct Place: Sendable {
    public let label: String
    public let folder: URL

    public init(_ label: String, _ folder: URL) {
        self.label = label
        self.folder = folder
    }

    /// "the inbox (on /mnt/scans)": the label and the file system the folder lies on.
    public var described: String { "\(label) (on \(Storage.mountPoint(of: folder)))" }
}

/// A file operation failed. It names the operation, the file, both places and what to do, instead of
/// the system's raw error ("Error Domain=NSPOSIXErrorDomain Code=18").
public struct StorageError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let file: String
    public let from: Place
    public let to: Place?
    public let code: Int32
    public let advice: String

    public init(operation: String, file: String, from: Place, to: Place?, code: Int32, advice: String? = nil) {
        self.operation = operation
        self.file = file
        self.from = from
        self.to = to
        self.code = code
        self.advice = advice ?? Storage.advice(for: code, from: from, to: to)
    }

    public var description: String {
        let places = to.map { "from \(from.described) to \($0.described)" } ?? "in \(from.described)"
        return "cannot \(operation) \(file) \(places): \(Storage.text(of: code)). \(advice)"
    }
}

/// Moving files safely between folders that may lie on different file systems (a scanner share, a
/// mounted disk). Within one file system a move is one atomic `rename`. Across file systems it is copy
/// to a hidden partial file beside the target, `fsync`, check the size, `rename` into place (atomic
/// within the target's file system), `fsync` the folder, and only then remove the source: at every
/// moment a whole copy exists in at least one of the two places.
public enum Storage {
    /// The suffix of a partial copy; such files are left only by a killed run and are removed at start.
    public static let partialSuffix = ".formflow-part"

    /// Moves `source` to `target` (a full path). Folders and links are moved as themselves.
    public static func move(_ source: URL, to target: URL, file: String, from: Place, to destination: Place)
        throws(StorageError)
    {
        if rename(source.path, target.path) == 0 { return }
        let code = errno
        guard code == EXDEV else {
            throw StorageError(operation: "move", file: file, from: from, to: destination, code: code)
        }
        var info = stat()
        guard lstat(source.path, &info) == 0 else {
            throw StorageError(operation: "move", file: file, from: from, to: destination, code: errno)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            try copyRegularFile(source, to: target, file: file, from: from, to: destination)
        case S_IFLNK:
            // The link itself, not what it points to: the record says it was a link.
            let destinationPath = (try? FileManager.default.destinationOfSymbolicLink(atPath: source.path)) ?? ""
            guard symlink(destinationPath, target.path) == 0 else {
                throw StorageError(operation: "move the link", file: file, from: from, to: destination, code: errno)
            }
        default:
            do {
                try FileManager.default.copyItem(at: source, to: target)
            } catch {
                throw StorageError(operation: "copy", file: file, from: from, to: destination, code: EIO)
            }
        }
        do {
            try FileManager.default.removeItem(at: source)
        } catch {
            // The copy is whole and in place; the source left behind is found by the next run's recovery,
            // which sees the delivered copy and only removes the source.
            throw StorageError(
                operation: "remove the moved original", file: file, from: from, to: nil, code: EACCES,
                advice: "the copy in \(destination.described) is complete; remove the original by hand or rerun")
        }
    }

    /// Copy → fsync → size check → rename into place → fsync the folder.
    static func copyRegularFile(_ source: URL, to target: URL, file: String, from: Place, to destination: Place)
        throws(StorageError)
    {
        let partial = target.deletingLastPathComponent().appendingPathComponent(
            ".\(target.lastPathComponent).\(UUID().uuidString.prefix(8))\(partialSuffix)")
        let input = open(source.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw StorageError(operation: "read", file: file, from: from, to: nil, code: errno) }
        defer { close(input) }
        let output = open(partial.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard output >= 0 else {
            throw StorageError(operation: "copy", file: file, from: from, to: destination, code: errno)
        }
        var failure: Int32 = 0
        var copied = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        copying: while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            if count == 0 { break }
            var written = 0
            while written < count {
                let step = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, count - written) }
                if step < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break copying
                }
                written += step
            }
            copied += count
        }
        if failure == 0 && fsync(output) != 0 { failure = errno }
        if close(output) != 0 && failure == 0 { failure = errno }
        var info = stat()
        if failure == 0 && (stat(source.path, &info) != 0 || Int(info.st_size) != copied) { failure = EIO }
        if failure == 0 && rename(partial.path, target.path) != 0 { failure = errno }
        if failure != 0 {
            unlink(partial.path)
            throw StorageError(operation: "copy", file: file, from: from, to: destination, code: failure)
        }
        syncFolder(target.deletingLastPathComponent())
    }

    /// Makes a rename in `folder` durable.
    static func syncFolder(_ folder: URL) {
        let descriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// Removes partial copies a killed run left in `folder` (not recursive).
    public static func removePartials(in folder: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where name.hasPrefix(".") && name.hasSuffix(partialSuffix) {
            unlink(folder.appendingPathComponent(name).path)
        }
    }

    /// Whether anything is at `url`: a file, a folder, or a link (also one whose target is gone, which
    /// `FileManager.fileExists` would call missing).
    public static func entryExists(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0
    }

    /// Whether two files hold the same bytes (a delivery interrupted after its copy was in place). Two
    /// links are the same when they point to the same place, two folders when they hold the same names.
    public static func sameContent(_ first: URL, _ second: URL) -> Bool {
        var a = stat()
        var b = stat()
        guard lstat(first.path, &a) == 0, lstat(second.path, &b) == 0, a.st_mode & S_IFMT == b.st_mode & S_IFMT else { return false }
        switch a.st_mode & S_IFMT {
        case S_IFLNK:
            let manager = FileManager.default
            return (try? manager.destinationOfSymbolicLink(atPath: first.path)) == (try? manager.destinationOfSymbolicLink(atPath: second.path))
        case S_IFDIR:
            let manager = FileManager.default
            return (try? manager.subpathsOfDirectory(atPath: first.path).sorted()) == (try? manager.subpathsOfDirectory(atPath: second.path).sorted())
        default:
            break
        }
        guard let a = FileManager.default.contents(atPath: first.path),
            let b = FileManager.default.contents(atPath: second.path)
        else { return false }
        return a == b
    }

    /// Whether two existing paths lie on the same file system (a rename between them can work).
    public static func sameFileSystem(_ first: URL, _ second: URL) -> Bool {
        guard let a = device(of: first), let b = device(of: second) else { return false }
        return a == b
    }

    /// The device of the path, or of its nearest existing ancestor.
    static func device(of url: URL) -> UInt64? {
        var path = url.standardizedFileURL.path
        while true {
            var info = stat()
            if stat(path, &info) == 0 { return UInt64(info.st_dev) }
            if path == "/" || path.isEmpty { return nil }
            path = (path as NSString).deletingLastPathComponent
        }
    }

    /// The mount point of the file system a folder lies on: the highest ancestor on the same device.
    public static func mountPoint(of url: URL) -> String {
        var path = url.standardizedFileURL.resolvingSymlinksInPath().path
        guard let device = device(of: URL(fileURLWithPath: path)) else { return path }
        while path != "/" {
            let parent = (path as NSString).deletingLastPathComponent
            var info = stat()
            if stat(parent, &info) == 0 && UInt64(info.st_dev) != device { return path }
            path = parent
        }
        return "/"
    }

    /// An error in words an operator reads: the system's text and the path for file errors, never
    /// "Error Domain=NSCocoaErrorDomain Code=…"; other errors (the ledger's) as they describe themselves.
    public static func explain(_ error: any Error) -> String {
        if let posix = error as? POSIXError { return text(of: posix.code.rawValue) }
        if let cocoa = error as? CocoaError {
            let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError
            let reason =
                underlying?.domain == NSPOSIXErrorDomain
                ? text(of: Int32(underlying!.code)) : (underlying?.localizedDescription ?? cocoa.localizedDescription)
            return cocoa.filePath.map { "\(reason) (\($0))" } ?? reason
        }
        return "\(error)"
    }

    /// The system's text for an error number ("No space left on device").
    public static func text(of code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// What an operator can do about an error number.
    static func advice(for code: Int32, from: Place, to: Place?) -> String {
        let target = to ?? from
        switch code {
        case ENOSPC, EDQUOT:
            return "Free space on \(Storage.mountPoint(of: target.folder)) and rerun; the file stays in \(from.label)."
        case EROFS:
            return "One of them is mounted read-only; remount it read-write and rerun; the file stays in \(from.label)."
        case EACCES, EPERM:
            return "Give the user formflow runs as write access to both folders and rerun; the file stays in \(from.label)."
        case ENOENT:
            return "The file or folder disappeared while FormFlow moved it; check that nothing else empties these folders."
        default:
            return "Check both folders and rerun; the file stays in \(from.label)."
        }
    }
}
