package io.lockwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.ReclaimCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The app as its own process with its clock moved by libfaketime (Debian's {@code faketime}; {@code
 * FAKETIME_DONT_FAKE_MONOTONIC=1}, so only the wall clock moves), as a watchdog host whose clock is
 * off or stepped: ten live holders beating every second (threshold 3 s) are never reclaimed, a lock
 * that freezes is reclaimed within threshold + 2 s of its last heartbeat, the offset gauge shows
 * the skew, and each step raises one CLOCK_JUMP alert. One process: 20 s ahead, stepped back to 20
 * s behind, then stepped 10 minutes ahead, while running. On the code before the log clock, +3 s
 * reclaimed 2 of 10 live locks and +20 s all of them.
 */
@IntegrationTest
class ClockSkewIntegrationTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration THRESHOLD = INTERVAL.multipliedBy(3);
  private static final int LIVE = 10;

  @Test
  void shouldReclaimOnlyFrozenLocksWhenTheWatchdogsClockIsAheadBehindAndSteppedTenMinutes(
      DevStack stack) throws Exception {
    Path library = faketimeLibrary();
    Path spec = Files.createTempFile("lockwatch-faketime-", ".txt");
    Files.writeString(spec, "+20s\n");
    Path work = Files.createTempDirectory("lockwatch-clock-it-");
    TestFleet.App setup = TestFleet.app(stack, "clock", 2);
    try (LockwatchProcess app =
            LockwatchProcess.launch(
                work, "app", setup.settings(), LockwatchProcess.faketime(library, spec));
        TestFleet fleet = new TestFleet(setup.clientConfig(), "node-1", INTERVAL, INTERVAL)) {
      app.awaitReady(Duration.ofSeconds(120));
      fleet.acquire("frozen-1.conf").acquire("frozen-2.conf").acquire("frozen-3.conf");
      for (int i = 0; i < LIVE; i++) {
        fleet.acquire("live-" + i + ".conf");
      }
      fleet.start();
      // The offset gauge shows each skew, and a lock that freezes is found on time in each.
      // 20 s ahead, then stepped back to 20 s behind while running (-40 s).
      awaitOffset(app, 17.0, 23.0);
      freezeAndAwaitReclaim(setup, fleet, "frozen-1.conf", 1);
      Files.writeString(spec, "-20s\n");
      awaitOffset(app, -23.0, -17.0);
      freezeAndAwaitReclaim(setup, fleet, "frozen-2.conf", 2);

      // Stepped to 10 minutes ahead while running (+620 s): the gauge follows.
      Files.writeString(spec, "+600s\n");
      awaitOffset(app, 590.0, 610.0);
      freezeAndAwaitReclaim(setup, fleet, "frozen-3.conf", 3);

      // The live locks keep beating for two thresholds more: none of them is ever judged.
      long until = System.nanoTime() + THRESHOLD.multipliedBy(2).toNanos();
      while (System.nanoTime() < until) {
        assertThat(app.isAlive()).as("the app runs; see " + app.log()).isTrue();
        Thread.sleep(250);
      }
      assertThat(
              TestTopics.awaitValues(
                  setup.clientConfig(),
                  setup.prefix() + ".reclaim-commands",
                  ReclaimCommand.class,
                  0,
                  Duration.ZERO))
          .extracting(ReclaimCommand::getLockId)
          .containsExactly("frozen-1.conf", "frozen-2.conf", "frozen-3.conf");
      List<Alert> alerts =
          TestTopics.awaitValues(
              setup.clientConfig(), setup.prefix() + ".alerts", Alert.class, 0, Duration.ZERO);
      assertThat(alerts)
          .filteredOn(alert -> alert.getReason() == AlertReason.STALE_LOCK_DETECTED)
          .extracting(Alert::getLockId)
          .containsExactly("frozen-1.conf", "frozen-2.conf", "frozen-3.conf");
      List<Alert> jumps =
          alerts.stream().filter(alert -> alert.getReason() == AlertReason.CLOCK_JUMP).toList();
      assertThat(jumps).as("one CLOCK_JUMP per step").hasSize(2);
      assertThat(jumps)
          .allSatisfy(jump -> assertThat(jump.getEvidence()).containsEntry("clock", "HOST"));
      assertThat(Long.parseLong(jumps.get(0).getEvidence().get("jumpMs")))
          .isBetween(-45_000L, -35_000L);
      assertThat(Long.parseLong(jumps.get(1).getEvidence().get("jumpMs")))
          .isBetween(610_000L, 630_000L);
      // The API still answers for the locks after the step.
      assertThat(awaitLock(app, "frozen-3.conf").path("status").asText())
          .isEqualTo("RECLAIM_PENDING");
    }
  }

  /** The lock as GET /locks/{id} answers it, once it answers 200 (within 30 s). */
  private static com.fasterxml.jackson.databind.JsonNode awaitLock(
      LockwatchProcess app, String lockId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      var answer = app.get("/locks/" + lockId);
      if (answer.statusCode() == 200) {
        return io.lockwatch.core.LockJson.MAPPER.readTree(answer.body());
      }
      last = answer.statusCode() + " " + answer.body();
      Thread.sleep(500);
    }
    throw new AssertionError("GET /locks/" + lockId + " answered " + last + "; see " + app.log());
  }

  /** Stops {@code lock}'s heartbeats and waits for its reclaim: threshold + 2 s at most. */
  private static void freezeAndAwaitReclaim(
      TestFleet.App setup, TestFleet fleet, String lock, int commandsBy) throws Exception {
    fleet.freeze(lock);
    List<ReclaimCommand> commands =
        TestTopics.awaitValues(
            setup.clientConfig(),
            setup.prefix() + ".reclaim-commands",
            ReclaimCommand.class,
            commandsBy,
            Duration.ofSeconds(60));
    ReclaimCommand command = commands.get(commandsBy - 1);
    assertThat(command.getLockId()).isEqualTo(lock);
    Duration detection =
        Duration.between(Instant.ofEpochMilli(fleet.lastBeat(lock)), command.getIssuedAt());
    System.out.printf(
        "Clock skew: %s reclaimed %d ms after its last heartbeat (threshold %d ms)%n",
        lock, detection.toMillis(), THRESHOLD.toMillis());
    assertThat(detection).isBetween(THRESHOLD, THRESHOLD.plusSeconds(2));
  }

  private static final Pattern OFFSET =
      Pattern.compile("^lockwatch_clock_offset_seconds\\{[^}]*\\} (\\S+)$", Pattern.MULTILINE);

  /** Waits (30 s at most) until the offset gauge reads between {@code min} and {@code max}. */
  private static void awaitOffset(LockwatchProcess app, double min, double max) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    double offset = Double.NaN;
    while (System.nanoTime() < deadline) {
      offset = offsetSeconds(app);
      if (offset >= min && offset <= max) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "lockwatch_clock_offset_seconds read "
            + offset
            + ", not within ["
            + min
            + ", "
            + max
            + "]");
  }

  /** The offset gauge of the first partition that has a reading (NaN: none yet). */
  private static double offsetSeconds(LockwatchProcess app) throws Exception {
    Matcher matcher = OFFSET.matcher(app.get("/metrics").body());
    while (matcher.find()) {
      double value = Double.parseDouble(matcher.group(1));
      if (!Double.isNaN(value)) {
        return value;
      }
    }
    return Double.NaN;
  }

  private static Path faketimeLibrary() throws Exception {
    Optional<Path> found = LockwatchProcess.faketimeLibrary();
    Assumptions.assumeTrue(
        found.isPresent(),
        "libfaketime is not installed: apt-get install faketime (Debian) to run this test");
    return found.get();
  }
}
