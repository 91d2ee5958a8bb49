package io.lockwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.ReclaimCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A pause of the watchdog past its session and transaction timeouts (a long GC, a stopped
 * container, a VM pause) costs no instance: Kafka fences its stream thread, the app replaces the
 * thread, and it judges again within seconds. Twice in a row, as the probe that found it did; on
 * the code before, the commit after rejoining failed with InvalidTxnStateException and the instance
 * shut itself down.
 */
@IntegrationTest
class PauseIntegrationTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration PAUSE = Duration.ofSeconds(12); // session 6 s, transactions 5 s

  @Test
  void shouldKeepWatchingWhenPausedPastItsSessionTimeoutTwice(DevStack stack) throws Exception {
    Path work = Files.createTempDirectory("lockwatch-pause-it-");
    TestFleet.App setup = TestFleet.app(stack, "pause", 2);
    // Static membership, as the shipped manifests run it: a member whose session expired while
    // paused comes back into a generation that moved on, and its commit is refused.
    setup.settings().put("lockwatch.instance.id", setup.prefix() + "-a");
    try (LockwatchProcess app = LockwatchProcess.launch(work, "app", setup.settings());
        TestFleet fleet =
            new TestFleet(setup.clientConfig(), "node-1", INTERVAL, INTERVAL.dividedBy(4))) {
      app.awaitReady(Duration.ofSeconds(120));
      // Enough locks that a transaction is open most of the time, as in a busy watchdog: a pause
      // then catches the task mid-transaction, and the broker aborts it and fences the producer.
      for (int i = 0; i < 60; i++) {
        fleet.acquire("paused-" + i + ".conf");
      }
      fleet.start();
      for (int round = 0; round < 2; round++) {
        app.pause();
        Thread.sleep(PAUSE.toMillis());
        app.resume();
        app.awaitReady(Duration.ofSeconds(60));
      }
      // Still up after both pauses, and judging: a lock that freezes now is reclaimed.
      fleet.freeze("paused-0.conf");
      long frozenAt = System.nanoTime();
      List<ReclaimCommand> commands =
          TestTopics.awaitValues(
              setup.clientConfig(),
              setup.prefix() + ".reclaim-commands",
              ReclaimCommand.class,
              1,
              Duration.ofSeconds(60));
      Duration judgedAfter = Duration.ofNanos(System.nanoTime() - frozenAt);
      String log = Files.readString(app.log());
      System.out.printf(
          "Two %d s pauses: the instance kept running and reclaimed a lock frozen after them in"
              + " %d ms; stream threads replaced after a fencing: %d; logs in %s%n",
          PAUSE.toSeconds(),
          judgedAfter.toMillis(),
          log.lines().filter(line -> line.contains("fenced or timed out")).count(),
          work);
      assertThat(commands).extracting(ReclaimCommand::getLockId).containsExactly("paused-0.conf");
      assertThat(app.isAlive()).as("see " + app.log()).isTrue();
      assertThat(log)
          .doesNotContain("shutting down this instance")
          .doesNotContain("Kafka Streams failed");
    }
  }
}
