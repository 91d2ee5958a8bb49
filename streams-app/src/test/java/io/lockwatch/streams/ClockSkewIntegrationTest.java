package io.lockwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.client.LockEventPublisher;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The app as its own process with its clock moved by libfaketime (Debian's {@code faketime}; {@code
 * FAKETIME_DONT_FAKE_MONOTONIC=1}, so only the wall clock moves), as a watchdog host whose clock is
 * off or stepped: ten live holders beating every second (threshold 3 s) are never reclaimed, a lock
 * that freezes is reclaimed within threshold + 2 s of its last heartbeat, the offset gauge shows
 * the skew, and a step raises one CLOCK_JUMP alert. On the code before the log clock, +3 s
 * reclaimed 2 of 10 live locks and +20 s all of them.
 */
@IntegrationTest
class ClockSkewIntegrationTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration THRESHOLD = INTERVAL.multipliedBy(3);
  private static final int LIVE = 10;

  @Test
  void shouldReclaimOnlyFrozenLocksWhenTheWatchdogsClockIsBehindThenSteppedTenMinutesAhead(
      DevStack stack) throws Exception {
    Path library = faketimeLibrary();
    Path spec = Files.createTempFile("lockwatch-faketime-", ".txt");
    Files.writeString(spec, "-20s\n");
    Path work = Files.createTempDirectory("lockwatch-clock-it-");
    String prefix = "clock-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> clientConfig = new HashMap<>(stack.clientConfig());
    clientConfig.putAll(TopicCatalog.namedWithPrefix(prefix));
    Map<String, Object> settings = new HashMap<>(clientConfig);
    settings.put("lockwatch.application.id", prefix);
    settings.put("lockwatch.topics.partitions", 2);
    Map<String, String> environment =
        Map.of(
            "LD_PRELOAD",
            library.toString(),
            "FAKETIME_DONT_FAKE_MONOTONIC",
            "1",
            "FAKETIME_TIMESTAMP_FILE",
            spec.toString(),
            "FAKETIME_CACHE_DURATION",
            "1");
    HolderIdentity holder =
        HolderIdentity.newBuilder()
            .setNodeId("node-1")
            .setHost("node-1.fleet.local")
            .setPid(100)
            .setIncarnation("run-1")
            .build();
    Set<String> beating = ConcurrentHashMap.newKeySet();
    Map<String, Long> lastBeat = new ConcurrentHashMap<>();
    AtomicBoolean running = new AtomicBoolean(true);
    try (LockwatchProcess app = LockwatchProcess.launch(work, "app", settings, environment);
        LockEventPublisher publisher = LockEventPublisher.create(clientConfig, holder)) {
      app.awaitReady(Duration.ofSeconds(120));
      List<String> locks = new ArrayList<>(List.of("frozen-1.conf", "frozen-2.conf"));
      for (int i = 0; i < LIVE; i++) {
        locks.add("live-" + i + ".conf");
      }
      for (String lock : locks) {
        lastBeat.put(
            lock, publisher.acquired(lock, 1, INTERVAL).get(10, TimeUnit.SECONDS).timestamp());
        beating.add(lock);
      }
      Thread heartbeats =
          new Thread(
              () -> {
                while (running.get()) {
                  for (String lock : beating) {
                    publisher
                        .heartbeat(lock, 1)
                        .thenAccept(sent -> lastBeat.merge(lock, sent.timestamp(), Math::max));
                  }
                  try {
                    Thread.sleep(INTERVAL.toMillis());
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      heartbeats.start();
      try {
        // 20 s behind: the offset gauge says so, and a lock that freezes is found on time.
        Thread.sleep(3_000);
        assertThat(offsetSeconds(app)).isBetween(-23.0, -17.0);
        freezeAndAwaitReclaim(clientConfig, prefix, beating, lastBeat, "frozen-1.conf", 1);

        // Stepped to 10 minutes ahead while running (+620 s).
        Files.writeString(spec, "+600s\n");
        Thread.sleep(3_000);
        freezeAndAwaitReclaim(clientConfig, prefix, beating, lastBeat, "frozen-2.conf", 2);

        // The live locks keep beating for two thresholds more: none of them is ever judged.
        long until = System.nanoTime() + THRESHOLD.multipliedBy(2).toNanos();
        while (System.nanoTime() < until) {
          assertThat(app.isAlive()).as("the app runs; see " + app.log()).isTrue();
          Thread.sleep(250);
        }
        assertThat(
                TestTopics.awaitValues(
                    clientConfig,
                    prefix + ".reclaim-commands",
                    ReclaimCommand.class,
                    0,
                    Duration.ZERO))
            .extracting(ReclaimCommand::getLockId)
            .containsExactly("frozen-1.conf", "frozen-2.conf");
        List<Alert> alerts =
            TestTopics.awaitValues(clientConfig, prefix + ".alerts", Alert.class, 0, Duration.ZERO);
        assertThat(alerts)
            .filteredOn(alert -> alert.getReason() == AlertReason.STALE_LOCK_DETECTED)
            .extracting(Alert::getLockId)
            .containsExactly("frozen-1.conf", "frozen-2.conf");
        List<Alert> jumps =
            alerts.stream().filter(alert -> alert.getReason() == AlertReason.CLOCK_JUMP).toList();
        assertThat(jumps).hasSize(1);
        assertThat(jumps.get(0).getEvidence()).containsEntry("clock", "HOST");
        assertThat(Long.parseLong(jumps.get(0).getEvidence().get("jumpMs")))
            .isBetween(610_000L, 630_000L);
        assertThat(offsetSeconds(app)).isBetween(590.0, 610.0);
      } finally {
        running.set(false);
        heartbeats.join();
      }
    }
  }

  /** Stops {@code lock}'s heartbeats and waits for its reclaim: threshold + 2 s at most. */
  private static void freezeAndAwaitReclaim(
      Map<String, Object> clientConfig,
      String prefix,
      Set<String> beating,
      Map<String, Long> lastBeat,
      String lock,
      int commandsBy)
      throws Exception {
    beating.remove(lock);
    List<ReclaimCommand> commands =
        TestTopics.awaitValues(
            clientConfig,
            prefix + ".reclaim-commands",
            ReclaimCommand.class,
            commandsBy,
            Duration.ofSeconds(60));
    ReclaimCommand command = commands.get(commandsBy - 1);
    assertThat(command.getLockId()).isEqualTo(lock);
    Duration detection =
        Duration.between(Instant.ofEpochMilli(lastBeat.get(lock)), command.getIssuedAt());
    System.out.printf(
        "Clock skew: %s reclaimed %d ms after its last heartbeat (threshold %d ms)%n",
        lock, detection.toMillis(), THRESHOLD.toMillis());
    assertThat(detection).isBetween(THRESHOLD, THRESHOLD.plusSeconds(2));
  }

  private static final Pattern OFFSET =
      Pattern.compile("^lockwatch_clock_offset_seconds\\{[^}]*\\} (\\S+)$", Pattern.MULTILINE);

  /** The offset gauge of the first partition that has a reading. */
  private static double offsetSeconds(LockwatchProcess app) throws Exception {
    Matcher matcher = OFFSET.matcher(app.get("/metrics").body());
    while (matcher.find()) {
      double value = Double.parseDouble(matcher.group(1));
      if (!Double.isNaN(value)) {
        return value;
      }
    }
    throw new AssertionError("no lockwatch_clock_offset_seconds reading on /metrics");
  }

  private static Path faketimeLibrary() throws Exception {
    Optional<Path> found;
    try (Stream<Path> libs = Files.list(Path.of("/usr/lib"))) {
      found =
          libs.map(dir -> dir.resolve("faketime/libfaketimeMT.so.1"))
              .filter(Files::isRegularFile)
              .findFirst();
    }
    Assumptions.assumeTrue(
        found.isPresent(),
        "libfaketime is not installed: apt-get install faketime (Debian) to run this test");
    return found.get();
  }
}
