package io.lockwatch.streams;

import io.lockwatch.client.LockEventPublisher;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the process-level integration tests share: an app of their own on the shared stack (its own
 * application id and topics), and a holder that acquires locks and heartbeats the ones still
 * beating, recording each heartbeat's append time.
 */
final class TestFleet implements AutoCloseable {

  /** The client settings (topics named with the prefix) and the app's settings over them. */
  record App(String prefix, Map<String, Object> clientConfig, Map<String, Object> settings) {}

  /** Settings for an app of its own: application id and topic names from a fresh prefix. */
  static App app(DevStack stack, String name, int partitions) {
    String prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> clientConfig = new HashMap<>(stack.clientConfig());
    clientConfig.putAll(TopicCatalog.namedWithPrefix(prefix));
    Map<String, Object> settings = new HashMap<>(clientConfig);
    settings.put("lockwatch.application.id", prefix);
    settings.put("lockwatch.topics.partitions", partitions);
    return new App(prefix, Map.copyOf(clientConfig), settings);
  }

  static HolderIdentity holder(String node) {
    return HolderIdentity.newBuilder()
        .setNodeId(node)
        .setHost(node + ".fleet.local")
        .setPid(100)
        .setIncarnation(node + "-run-1")
        .build();
  }

  private final LockEventPublisher publisher;
  private final Duration interval;
  private final Duration every;
  private final Set<String> beating = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> lastBeat = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread heartbeats;

  /**
   * @param interval the heartbeat interval the holder promises
   * @param every how often it heartbeats (at most the interval)
   */
  TestFleet(Map<String, Object> clientConfig, String node, Duration interval, Duration every) {
    this.publisher = LockEventPublisher.create(clientConfig, holder(node));
    this.interval = interval;
    this.every = every;
    this.heartbeats = new Thread(this::beat, "test-fleet-heartbeats");
  }

  /** Acquires {@code lockId} with token 1 and heartbeats it from {@link #start()} on. */
  TestFleet acquire(String lockId) throws Exception {
    lastBeat.put(
        lockId, publisher.acquired(lockId, 1, interval).get(10, TimeUnit.SECONDS).timestamp());
    beating.add(lockId);
    return this;
  }

  TestFleet start() {
    heartbeats.start();
    return this;
  }

  /** Stops heartbeating {@code lockId}: it freezes. */
  void freeze(String lockId) {
    beating.remove(lockId);
  }

  /** The append time of {@code lockId}'s last acknowledged heartbeat (or acquire). */
  long lastBeat(String lockId) {
    return lastBeat.get(lockId);
  }

  private void beat() {
    while (running.get()) {
      for (String lock : beating) {
        publisher
            .heartbeat(lock, 1)
            .thenAccept(sent -> lastBeat.merge(lock, sent.timestamp(), Math::max));
      }
      try {
        Thread.sleep(every.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    if (heartbeats.isAlive()) {
      heartbeats.join();
    }
    publisher.close();
  }
}
