package io.lockwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.client.LockEventPublisher;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
    String prefix = "pause-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> clientConfig = new HashMap<>(stack.clientConfig());
    clientConfig.putAll(TopicCatalog.namedWithPrefix(prefix));
    Map<String, Object> settings = new HashMap<>(clientConfig);
    settings.put("lockwatch.application.id", prefix);
    settings.put("lockwatch.topics.partitions", 2);
    // Static membership, as the shipped manifests run it: a member whose session expired while
    // paused comes back into a generation that moved on, and its commit is refused.
    settings.put("lockwatch.instance.id", prefix + "-a");
    HolderIdentity holder =
        HolderIdentity.newBuilder()
            .setNodeId("node-1")
            .setHost("node-1.fleet.local")
            .setPid(100)
            .setIncarnation("run-1")
            .build();
    Set<String> beating = ConcurrentHashMap.newKeySet();
    AtomicBoolean running = new AtomicBoolean(true);
    try (LockwatchProcess app = LockwatchProcess.launch(work, "app", settings);
        LockEventPublisher publisher = LockEventPublisher.create(clientConfig, holder)) {
      app.awaitReady(Duration.ofSeconds(120));
      // Enough locks that a transaction is open most of the time, as in a busy watchdog: a pause
      // then catches the task mid-transaction, and the broker aborts it and fences the producer.
      for (int i = 0; i < 60; i++) {
        publisher.acquired("paused-" + i + ".conf", 1, INTERVAL).get(10, TimeUnit.SECONDS);
        beating.add("paused-" + i + ".conf");
      }
      Thread heartbeats =
          new Thread(
              () -> {
                while (running.get()) {
                  beating.forEach(lock -> publisher.heartbeat(lock, 1));
                  try {
                    Thread.sleep(INTERVAL.toMillis() / 4);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      heartbeats.start();
      try {
        for (int round = 0; round < 2; round++) {
          app.pause();
          Thread.sleep(PAUSE.toMillis());
          app.resume();
          app.awaitReady(Duration.ofSeconds(60));
        }
        // Still up after both pauses, and judging: a lock that freezes now is reclaimed.
        beating.remove("paused-0.conf");
        long frozenAt = System.nanoTime();
        List<ReclaimCommand> commands =
            TestTopics.awaitValues(
                clientConfig,
                prefix + ".reclaim-commands",
                ReclaimCommand.class,
                1,
                Duration.ofSeconds(60));
        Duration judgedAfter = Duration.ofNanos(System.nanoTime() - frozenAt);
        System.out.printf(
            "Two %d s pauses: the instance kept running and reclaimed a lock frozen after them in"
                + " %d ms; logs in %s%n",
            PAUSE.toSeconds(), judgedAfter.toMillis(), work);
        assertThat(commands).extracting(ReclaimCommand::getLockId).containsExactly("paused-0.conf");
        String log = Files.readString(app.log());
        System.out.printf(
            "Stream threads replaced after a fencing: %d%n",
            log.lines().filter(line -> line.contains("fenced or timed out")).count());
        assertThat(app.isAlive()).as("see " + app.log()).isTrue();
        assertThat(log)
            .doesNotContain("shutting down this instance")
            .doesNotContain("Kafka Streams failed");
      } finally {
        running.set(false);
        heartbeats.join();
      }
    }
  }
}
