package io.lockwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.streams.ChaosRun.Fault;
import io.lockwatch.streams.ChaosVerifier.Verdict;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos suite ({@code ./mvnw -B -Pchaos verify -pl streams-app -am}): every fault in turn on
 * two instances, a reclaim trigger and a three-node cluster; prints the table that
 * docs/reliability.md shows.
 */
@IntegrationTest
@Tag(ChaosSuiteTest.TAG)
class ChaosSuiteTest {
  static final String TAG = "chaos";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work; // kept when the run fails: the instances' logs are in it

  @Test
  void shouldReclaimEachSilentHoldingExactlyOnceAndNoLiveOneUnderEveryFault() throws Exception {
    List<Fault> faults = List.of(Fault.values());
    try (ChaosRun run = ChaosRun.start(work, faults)) {
      run.run(faults);
      ChaosRun.Result result = run.verify();
      System.out.printf(
          "Chaos suite: %d heartbeats sent, %d failed; %d poison records sent, dead letters %s"
              + " (%d duplicated); outcomes not folded: %d; logs in %s%n%s",
          run.heartbeatsSent(),
          run.heartbeatsFailed(),
          result.poisonRecordsSent(),
          result.deadLettersByReason(),
          result.deadLetterDuplicates(),
          result.outcomesNotFolded(),
          run.work(),
          result.table());
      System.out.println("Chaos incidents: " + run.incidentFigures());
      assertExactlyOnce(result);
      assertThat(result.deadLetters())
          .as("every poison record dead-lettered")
          .isEqualTo(result.poisonRecordsSent());
    }
  }

  /** 0 duplicates, 0 missed, 0 live locks reclaimed, every outcome folded, no dead letter twice. */
  static void assertExactlyOnce(ChaosRun.Result result) {
    ChaosVerifier.Report report = result.report();
    assertThat(report.count(Verdict.MUST)).as("holdings that froze").isPositive();
    assertThat(report.duplicates()).as("duplicate commands").isZero();
    assertThat(report.missed()).as("frozen holdings without a command").isEmpty();
    assertThat(report.liveReclaimed()).as("live holdings reclaimed").isEmpty();
    assertThat(report.unknownCommands()).as("commands for holdings never seen").isEmpty();
    assertThat(report.holdings())
        .as("holdings with a wrong count of commands")
        .noneMatch(ChaosVerifier.Judged::wrong);
    assertThat(result.outcomesNotFolded()).as("outcomes not folded").isZero();
    assertThat(result.deadLetterDuplicates()).as("records dead-lettered twice").isZero();
  }
}
