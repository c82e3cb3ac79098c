#if canImport(Glibc)
import Glibc
#endif

/// Tesseract is built with OpenMP, whose runtime reads `OMP_THREAD_LIMIT` once, when the library is
/// loaded: before `main`. Setting it from inside the process is too late, and without it every
/// recognition spins extra threads that fight the workers for the cores (measured: full-page OCR 2.5 s
/// instead of 0.6 s, most of it in futex calls). So the executable re-starts itself once with the
/// variable set.
public enum OpenMP {
    /// True when this process started with `OMP_THREAD_LIMIT=1`.
    public static var isLimitedToOneThread: Bool {
        guard let value = getenv("OMP_THREAD_LIMIT") else { return false }
        return String(cString: value) == "1"
    }

    /// Re-executes the current program with `OMP_THREAD_LIMIT=1` unless it already has it. Returns only
    /// when no re-execution was needed or possible.
    public static func restartWithOneThreadIfNeeded() {
        guard !isLimitedToOneThread else { return }
        setenv("OMP_THREAD_LIMIT", "1", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure; the run goes on, slower.
    }
}
