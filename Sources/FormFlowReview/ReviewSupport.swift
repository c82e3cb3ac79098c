import FormFlowCore
import FormFlowRuntime
import Foundation
import Hummingbird
import NIOCore

/// The desk's actions one at a time in this server: a fix reads, validates and writes several files.
actor DeskActions {
    let desk: ExceptionDesk

    init(desk: ExceptionDesk) { self.desk = desk }

    func fix(_ id: String, assignments: [String], reason: String, version: String, by name: String) throws -> DocumentRecord {
        try desk.acting(as: name).fix(id, assignments: assignments, reason: reason, version: version)
    }

    func reject(_ id: String, reason: String, version: String, by name: String) throws {
        try desk.acting(as: name).reject(id, reason: reason, version: version)
    }

    func requeue(_ id: String, reason: String, version: String, by name: String) throws {
        try desk.acting(as: name).requeue(id, reason: reason, version: version)
    }
}

actor ThrottleState {
    var throttle: LoginThrottle
    init(_ throttle: LoginThrottle) { self.throttle = throttle }
    func wait(name: String, address: String) -> TimeInterval? { throttle.wait(name: name, address: address) }
    func failed(name: String, address: String) { throttle.failed(name: name, address: address) }
    func succeeded(name: String) { throttle.succeeded(name: name) }
}

extension Response {
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func text(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
