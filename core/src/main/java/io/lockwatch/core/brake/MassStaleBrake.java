package io.lockwatch.core.brake;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A brake on mass reclaim. Many holdings going stale together is more often the watcher's fault (a
 * clock, a network partition, a stalled producer path) than many holders dying, so failures are
 * counted the way Kubernetes' node lifecycle controller counts a zone: by holder nodes, not by
 * locks. One node that dies with fifty locks is one failure and is reclaimed at once. When, at a
 * stale judgement, at least {@link Settings#minNodes()} of the holder nodes heard from within
 * {@link Settings#window()} have gone silent, and they are at least {@link Settings#share()} of
 * them, the brake holds: the reclaim waits for an operator's approval instead of being issued.
 *
 * <p>The defaults are Kubernetes' own for a zone ({@code --unhealthy-zone-threshold=0.55}, and a
 * zone is only unhealthy with more than two nodes not ready): a share of 0.55 and three nodes.
 *
 * <p>Beside it, a rate cap, as etcd's lessor caps lease revocations: once {@link
 * Settings#maxReclaimsPerMinute()} automatic reclaims went through in the last minute (of the log's
 * clock, per partition), further ones wait for approval too (0: no cap).
 *
 * <p>A node is silent when none of its locks was heard from for half the judged lock's threshold:
 * nodes that froze together are all silent by the time the first of their locks crosses its
 * threshold, so the brake holds from the first judgement of a mass freeze, not after a share of the
 * fleet was already reclaimed.
 *
 * <p>What it remembers (when each node was last heard from) is derived from the lock states and the
 * inputs, per task, so a restart rebuilds it from the stores and replay reaches the same verdicts.
 * Bounded: at most {@value #MAX_NODES} nodes, the least recently heard forgotten first.
 */
public final class MassStaleBrake {
  static final int MAX_NODES = 100_000;

  /**
   * @param share the least share of recently heard nodes that must be silent for the brake to hold
   *     (above 1: never)
   * @param minNodes the least number of silent nodes for the brake to hold
   * @param window how recently a node must have been heard from to count
   */
  public record Settings(double share, int minNodes, Duration window, int maxReclaimsPerMinute) {
    public static final Settings DEFAULT = new Settings(0.55, 3, Duration.ofMinutes(1), 1_000);

    public Settings {
      Objects.requireNonNull(window);
      if (share <= 0
          || minNodes < 1
          || window.isNegative()
          || window.isZero()
          || maxReclaimsPerMinute < 0) {
        throw new IllegalArgumentException(
            "brake share must be > 0, min nodes >= 1, window > 0, reclaims per minute >= 0");
      }
    }

    public Settings(double share, int minNodes, Duration window) {
      this(share, minNodes, window, DEFAULT.maxReclaimsPerMinute());
    }
  }

  /**
   * The brake's verdict on one stale judgement.
   *
   * @param holds whether the reclaim must wait for approval
   * @param engaged whether this verdict engaged the brake (the first hold after a quiet window):
   *     the one MASS_STALE alert of the episode
   * @param rateLimited whether it holds because of the rate cap rather than silent nodes
   * @param silentSample up to ten silent nodes, by name
   */
  public record Verdict(
      boolean holds,
      boolean engaged,
      boolean rateLimited,
      int silentNodes,
      int recentNodes,
      List<String> silentSample,
      Settings settings) {}

  private final Settings settings;
  private final LinkedHashMap<String, Instant> lastHeard = new LinkedHashMap<>(16, 0.75f, true);
  private Instant lastHeldAt;
  // When the automatic reclaims of the last minute went through, oldest first.
  private final java.util.ArrayDeque<Instant> reclaims = new java.util.ArrayDeque<>();
  // The counts of the last verdict, reused while the clock and the silence bound stay the same.
  private Instant countedAt;
  private Instant countedSilentBefore;
  private int silent;
  private int recent;
  private List<String> sample = List.of();

  public MassStaleBrake(Settings settings) {
    this.settings = Objects.requireNonNull(settings);
  }

  public Settings settings() {
    return settings;
  }

  /** A holder node was heard from at {@code at} (an acquire, a heartbeat). */
  public void heard(String node, Instant at) {
    if (node == null || at == null) {
      return;
    }
    Instant before = lastHeard.get(node);
    if (before == null || at.isAfter(before)) {
      lastHeard.put(node, at);
    }
    if (lastHeard.size() > MAX_NODES) {
      Iterator<String> eldest = lastHeard.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
    countedAt = null;
  }

  /** Judges a stale lock of {@code node} (threshold {@code thresholdMs}) at {@code now}. */
  public Verdict judge(String node, Instant now, long thresholdMs) {
    Instant silentBefore = now.minusMillis(Math.max(1, thresholdMs / 2));
    if (!now.equals(countedAt) || !silentBefore.equals(countedSilentBefore)) {
      count(now, silentBefore);
    }
    boolean silentTogether =
        silent >= settings.minNodes() && silent >= settings.share() * Math.max(1, recent);
    Instant minuteAgo = now.minus(Duration.ofMinutes(1));
    while (!reclaims.isEmpty() && !reclaims.peekFirst().isAfter(minuteAgo)) {
      reclaims.removeFirst();
    }
    boolean rateLimited =
        !silentTogether
            && settings.maxReclaimsPerMinute() > 0
            && reclaims.size() >= settings.maxReclaimsPerMinute();
    boolean holds = silentTogether || rateLimited;
    boolean engaged = false;
    if (holds) {
      engaged =
          lastHeldAt == null || Duration.between(lastHeldAt, now).compareTo(settings.window()) > 0;
      lastHeldAt = now;
    } else {
      reclaims.addLast(now);
    }
    return new Verdict(holds, engaged, rateLimited, silent, recent, sample, settings);
  }

  private void count(Instant now, Instant silentBefore) {
    Instant recentAfter = now.minus(settings.window());
    int silentNodes = 0;
    int recentNodes = 0;
    List<String> silentNames = new ArrayList<>();
    for (Iterator<Map.Entry<String, Instant>> it = lastHeard.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, Instant> node = it.next();
      if (node.getValue().isBefore(recentAfter)) {
        continue; // gone for longer than the window: not part of the fleet now
      }
      recentNodes++;
      if (!node.getValue().isAfter(silentBefore)) {
        silentNodes++;
        if (silentNames.size() < 10) {
          silentNames.add(node.getKey());
        }
      }
    }
    countedAt = now;
    countedSilentBefore = silentBefore;
    silent = silentNodes;
    recent = recentNodes;
    sample = List.copyOf(silentNames);
  }
}
