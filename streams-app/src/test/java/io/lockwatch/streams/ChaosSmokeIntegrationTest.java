package io.lockwatch.streams;

import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.streams.ChaosRun.Fault;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos suite's smoke run, in the default suite: the suite's engine with two of its faults (an
 * instance killed with kill -9, the broker leading the lock events killed). The whole suite is the
 * {@code chaos} profile ({@link ChaosSuiteTest}).
 */
@IntegrationTest
class ChaosSmokeIntegrationTest {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work; // kept when the run fails: the instances' logs are in it

  @Test
  void shouldReclaimEachSilentHoldingOnceAndNoLiveOneWhenAnInstanceAndALeaderDie()
      throws Exception {
    List<Fault> faults = List.of(Fault.KILL_INSTANCE, Fault.LEADER_BROKER);
    try (ChaosRun run = ChaosRun.start(work, faults)) {
      run.run(faults);
      ChaosRun.Result result = run.verify();
      System.out.println("Chaos smoke:\n" + result.table());
      ChaosSuiteTest.assertExactlyOnce(result);
    }
  }
}
