import Foundation
import Yams

/// A configuration file could not be used. Always names the file and line, and says what to change.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// A YAML node together with the file it came from, so that every error can point at its line.
///
/// Configuration is read by walking nodes rather than through `Decodable`, because `Decodable` errors
/// lose the line number an operator needs.
public struct ConfigNode {
    public let node: Node
    public let file: String
    /// The dotted path of keys that led here, for messages (`fields.total.type`).
    public let path: String

    public init(node: Node, file: String, path: String = "") {
        self.node = node
        self.file = file
        self.path = path
    }

    /// Parses YAML text; syntax errors are reported with their line.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> ConfigNode {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigurationError(file: file, line: 1, message: "the file is empty")
            }
            return ConfigNode(node: node, file: file)
        } catch let error as ConfigurationError {
            throw error
        } catch let error as YamlError {
            throw ConfigurationError(file: file, line: Self.line(of: error), message: "not valid YAML: \(error)")
        } catch {
            throw ConfigurationError(file: file, line: 1, message: "not valid YAML: \(error)")
        }
    }

    /// Reads and parses a YAML file.
    public static func load(path: String) throws(ConfigurationError) -> ConfigNode {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: path, line: 0, message: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return 1
        }
    }

    public var line: Int { node.mark?.line ?? 1 }

    public func error(_ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: line, message: path.isEmpty ? message : "\(path): \(message)")
    }

    // MARK: - Maps

    public var isMapping: Bool { node.mapping != nil }

    /// The keys of a mapping, in file order.
    public func keys() throws(ConfigurationError) -> [String] {
        guard let mapping = node.mapping else { throw error("expected a mapping (key: value)") }
        return mapping.keys.compactMap(\.string)
    }

    /// The child under `key`, or `nil` when absent.
    public func optional(_ key: String) throws(ConfigurationError) -> ConfigNode? {
        guard let mapping = node.mapping else { throw error("expected a mapping (key: value)") }
        guard let child = mapping[Node(key)] else { return nil }
        return ConfigNode(node: child, file: file, path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// The child under `key`; a missing key is an error naming the mapping's line.
    public func required(_ key: String) throws(ConfigurationError) -> ConfigNode {
        guard let child = try optional(key) else { throw error("the key '\(key)' is missing") }
        return child
    }

    /// Every child of a mapping, in file order.
    public func entries() throws(ConfigurationError) -> [(key: String, value: ConfigNode)] {
        guard let mapping = node.mapping else { throw error("expected a mapping (key: value)") }
        return mapping.map { pair in
            let key = pair.key.string ?? "?"
            return (key, ConfigNode(node: pair.value, file: file, path: path.isEmpty ? key : "\(path).\(key)"))
        }
    }

    /// Rejects keys not in `allowed`, so that a misspelt key is reported instead of silently ignored.
    public func allowOnly(_ allowed: Set<String>) throws(ConfigurationError) {
        guard let mapping = node.mapping else { throw error("expected a mapping (key: value)") }
        for key in mapping.keys {
            guard let name = key.string, allowed.contains(name) else {
                let child = ConfigNode(node: key, file: file, path: path)
                throw child.error(
                    "unknown key '\(key.string ?? "?")'; expected one of: \(allowed.sorted().joined(separator: ", "))")
            }
        }
    }

    // MARK: - Sequences

    public func items() throws(ConfigurationError) -> [ConfigNode] {
        guard let sequence = node.sequence else { throw error("expected a list") }
        return sequence.enumerated().map { index, child in
            ConfigNode(node: child, file: file, path: "\(path)[\(index)]")
        }
    }

    // MARK: - Scalars

    /// A single value rather than a list or a mapping.
    public var isScalar: Bool { node.scalar != nil }

    public func string() throws(ConfigurationError) -> String {
        guard let scalar = node.scalar else { throw error("expected a text value") }
        return scalar.string
    }

    public func int() throws(ConfigurationError) -> Int {
        guard let scalar = node.scalar, let value = Int(scalar.string) else {
            throw error("expected a whole number, found '\(node.scalar?.string ?? "a structure")'")
        }
        return value
    }

    public func double() throws(ConfigurationError) -> Double {
        guard let scalar = node.scalar, let value = Double(scalar.string) else {
            throw error("expected a number, found '\(node.scalar?.string ?? "a structure")'")
        }
        return value
    }

    public func bool() throws(ConfigurationError) -> Bool {
        guard let scalar = node.scalar else { throw error("expected true or false") }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, found '\(scalar.string)'")
        }
    }

    public func strings() throws(ConfigurationError) -> [String] {
        if node.scalar != nil { return [try string()] }
        var result: [String] = []
        for item in try items() { result.append(try item.string()) }
        return result
    }

    public func ints() throws(ConfigurationError) -> [Int] {
        var result: [Int] = []
        for item in try items() { result.append(try item.int()) }
        return result
    }
}
