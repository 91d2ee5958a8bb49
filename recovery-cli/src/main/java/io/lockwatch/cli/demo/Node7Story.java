package io.lockwatch.cli.demo;

import io.lockwatch.events.HolderIdentity;
import io.lockwatch.schemas.client.LockEventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The incident as the lock manager published it: node-3 finishes the orchestrator's update cycle
 * and releases aim_lock_config.conf; node-7 takes it with the next token, heartbeats every 30 s,
 * and goes silent after its heartbeat at 03:12.
 */
public final class Node7Story {
  public static final String LOCK = "aim_lock_config.conf";
  public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(30);
  public static final HolderIdentity NODE_3 = holder("node-3", 3117, "5d0c9e21");
  public static final HolderIdentity NODE_7 = holder("node-7", 4242, "b3f1c2d4");

  private final LocalDate day;

  public Node7Story(LocalDate day) {
    this.day = day;
  }

  /** Publishes the story through two publishers, one per holder; returns how many events. */
  public int publish(Map<String, Object> clientConfig) throws Exception {
    int events = 0;
    MutableClock node3Clock = new MutableClock(at("02:38:00"));
    try (LockEventPublisher node3 = LockEventPublisher.create(clientConfig, NODE_3, node3Clock)) {
      node3.acquired(LOCK, 40, HEARTBEAT_INTERVAL);
      node3Clock.set(at("02:38:30"));
      node3.heartbeat(LOCK, 40);
      node3Clock.set(at("02:39:00"));
      node3.heartbeat(LOCK, 40);
      node3Clock.set(at("02:39:10"));
      node3.released(LOCK, 40, "update cycle finished").get(30, TimeUnit.SECONDS);
      events += 4;
    }
    MutableClock node7Clock = new MutableClock(at("03:10:00"));
    try (LockEventPublisher node7 = LockEventPublisher.create(clientConfig, NODE_7, node7Clock)) {
      node7.acquired(LOCK, 41, HEARTBEAT_INTERVAL);
      events++;
      for (String beat : new String[] {"03:10:30", "03:11:00", "03:11:30", "03:12:00"}) {
        node7Clock.set(at(beat));
        node7.heartbeat(LOCK, 41);
        events++;
      }
      node7.flush();
    }
    return events;
  }

  Instant at(String time) {
    return day.atTime(LocalTime.parse(time)).toInstant(ZoneOffset.UTC);
  }

  private static HolderIdentity holder(String node, long pid, String incarnation) {
    return HolderIdentity.newBuilder()
        .setNodeId(node)
        .setHost(node + ".fleet.local")
        .setPid(pid)
        .setIncarnation(incarnation)
        .build();
  }
}
