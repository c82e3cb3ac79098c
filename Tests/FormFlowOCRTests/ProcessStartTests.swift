import Testing

@testable import FormFlowOCR

@Suite("What the process restarts itself with")
struct ProcessStartTests {
    @Test("huge pages are added to the allocator's settings, beside any already set, and never twice")
    func hugePagesAdded() {
        #expect(ProcessStart.withHugePages(nil) == "glibc.malloc.hugetlb=1")
        #expect(ProcessStart.withHugePages("") == "glibc.malloc.hugetlb=1")
        #expect(ProcessStart.withHugePages("glibc.malloc.arena_max=2") == "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1")
        // Someone's own choice, huge pages off included, is left alone (and asks for no restart).
        #expect(ProcessStart.withHugePages("glibc.malloc.hugetlb=0") == nil)
        #expect(ProcessStart.withHugePages("glibc.malloc.hugetlb=1:glibc.malloc.arena_max=2") == nil)
    }
}
