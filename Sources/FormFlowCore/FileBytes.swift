import Foundation

/// Reading whole files as bytes, with errors that name the file.
public enum FileBytes {
    public struct ReadError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot read \(path): \(reason)" }
    }

    public static func read(path: String) throws(ReadError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe))
        } catch {
            throw ReadError(path: path, reason: error.localizedDescription)
        }
    }
}
