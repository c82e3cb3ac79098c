#if canImport(Glibc)
import Glibc
#endif

/// What the C libraries read once, when the process starts, and FormFlow needs set: the executable
/// re-starts itself once with both, as a process's environment cannot be changed for them from inside.
///
/// - `OMP_THREAD_LIMIT=1`: Tesseract is built with OpenMP, whose runtime reads it when the library is
///   loaded, before `main`. Without it every recognition spins extra threads that fight the workers for
///   the cores (measured: full-page OCR 2.5 s instead of 0.6 s, most of it in futex calls).
/// - `glibc.malloc.hugetlb=1` in `GLIBC_TUNABLES`: the large buffers that `AllocatorMemory` has mapped on
///   their own (page images) are then asked for in huge pages, which the system clears and maps 512
///   times fewer at a time: mapping them afresh cost 4% more CPU over the bench's 60 scans, and with huge
///   pages nothing (25.91 s against 25.89 s, both at once). Where the system has no huge pages it is
///   ignored.
public enum ProcessStart {
    static let hugePages = "glibc.malloc.hugetlb=1"

    /// True when this process started with `OMP_THREAD_LIMIT=1`.
    public static var isLimitedToOneThread: Bool {
        guard let value = getenv("OMP_THREAD_LIMIT") else { return false }
        return String(cString: value) == "1"
    }

    /// The allocator's settings this process started with, if any.
    static var tunables: String? { getenv("GLIBC_TUNABLES").map { String(cString: $0) } }

    /// `tunables` (the allocator's settings a process started with) with huge pages asked for; nil where
    /// they already say something about huge pages, which is then left as it is.
    static func withHugePages(_ tunables: String?) -> String? {
        guard let tunables, !tunables.isEmpty else { return hugePages }
        return tunables.contains("glibc.malloc.hugetlb") ? nil : "\(tunables):\(hugePages)"
    }

    /// The `GLIBC_TUNABLES` this program was started with, before its restart added huge pages; nil where
    /// it had none. What FormFlow runs that is not FormFlow (the bench's naive loop) gets it back.
    public static var tunablesAsStarted: String? {
        guard let before = getenv(asStarted).map({ String(cString: $0) }) else { return tunables }
        return before.isEmpty ? nil : before
    }
    static let asStarted = "FORMFLOW_GLIBC_TUNABLES_AS_STARTED"

    /// Re-executes the current program with `OMP_THREAD_LIMIT=1` and huge pages for the allocator's
    /// mapped buffers, unless it already has both (another tunable someone set is kept beside them).
    /// Returns only when no re-execution was needed or possible.
    public static func restartIfNeeded() {
        let tunables = withHugePages(Self.tunables)
        guard !isLimitedToOneThread || tunables != nil else { return }
        setenv("OMP_THREAD_LIMIT", "1", 1)
        if let tunables {
            setenv(asStarted, Self.tunables ?? "", 1)
            setenv("GLIBC_TUNABLES", tunables, 1)
        }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure; the run goes on, slower.
    }
}
