import Testing

@testable import RaftCore

/// The leader's per-follower flow control, directly (etcd-io/raft's progress tests).
@Suite struct ProgressTests {
    static func replicating(match: UInt64) -> Progress {
        var progress = Progress(next: match + 1, isLearner: false)
        _ = progress.maybeUpdate(match)
        progress.becomeReplicate()
        return progress
    }

    @Test func probeBecomesReplicateAndBack() {
        var progress = Progress(next: 6, isLearner: false)
        #expect(progress.state == .probe)
        progress.sentEntries(lastIndex: 5, count: 0, bytes: 0)
        #expect(progress.isPaused(inflightMax: 4, inflightBytesMax: 100), "one probe at a time")
        let result1 = progress.maybeUpdate(5)
        #expect(result1)
        #expect(!progress.probeSent, "an acknowledgement unpauses the probe")
        progress.becomeReplicate()
        #expect(progress.state == .replicate && progress.next == 6)
        progress.becomeProbe()
        #expect(progress.state == .probe && progress.next == 6 && progress.inflights.isEmpty)
    }

    /// Reject hints: in probe, `next` moves back to at most hint + 1 but never below match + 1;
    /// a rejection of anything but the last probe is stale.
    @Test func rejectionsMoveNextBackWithinBounds() {
        var progress = Progress(next: 11, isLearner: false)
        _ = progress.maybeUpdate(3)
        progress.next = 11
        let result2 = progress.maybeDecrease(rejected: 7, hint: 2)
        #expect(!result2, "not the probe in flight: stale")
        let result3 = progress.maybeDecrease(rejected: 10, hint: 6)
        #expect(result3)
        #expect(progress.next == 7)
        let result4 = progress.maybeDecrease(rejected: 6, hint: 0)
        #expect(result4)
        #expect(progress.next == 4, "never below match + 1 (seed 703448)")
        var replicating = Self.replicating(match: 5)
        let result5 = replicating.maybeDecrease(rejected: 5, hint: 1)
        #expect(!result5, "at or below match: stale")
        let result6 = replicating.maybeDecrease(rejected: 8, hint: 6)
        #expect(result6)
        #expect(replicating.next == 6)
    }

    /// The window closes on the message cap or on the byte cap, whichever comes first, and
    /// acknowledgements reopen it.
    @Test func inflightWindowHasAMessageAndAByteCap() {
        var progress = Self.replicating(match: 0)
        progress.sentEntries(lastIndex: 1, count: 1, bytes: 60)
        #expect(!progress.isPaused(inflightMax: 3, inflightBytesMax: 100))
        progress.sentEntries(lastIndex: 2, count: 1, bytes: 60)
        #expect(progress.isPaused(inflightMax: 3, inflightBytesMax: 100), "120 bytes in flight")
        progress.freeInflights(through: 1)
        #expect(progress.inflightBytes == 60)
        #expect(!progress.isPaused(inflightMax: 3, inflightBytesMax: 100))
        progress.sentEntries(lastIndex: 3, count: 1, bytes: 1)
        progress.sentEntries(lastIndex: 4, count: 1, bytes: 1)
        #expect(progress.isPaused(inflightMax: 3, inflightBytesMax: 100), "three messages")
        progress.freeInflights(through: 4)
        #expect(progress.inflights.isEmpty && progress.inflightBytes == 0)
    }

    /// A snapshot transfer pins its snapshot; leaving snapshot state resumes after it.
    @Test func snapshotStateResumesAfterTheSnapshot() {
        var progress = Self.replicating(match: 2)
        progress.becomeSnapshot(SnapshotMetadata(index: 9, term: 2, membership: Membership(voters: [1]), size: 10))
        #expect(progress.isPaused(inflightMax: 4, inflightBytesMax: 100))
        #expect(progress.pendingSnapshot == 9)
        progress.becomeProbe()
        #expect(progress.next == 10 && progress.snapshot == nil)
    }
}
