package io.lockwatch.streams.internals;

import io.lockwatch.schemas.registry.RegisteredSchema;
import io.lockwatch.schemas.registry.SchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the latest schema of each input subject in the registry client's cache, fetched ahead of
 * the first record that uses it. A record whose schema id is not cached must reach the registry;
 * while the registry is down longer than the client's retries (about 1.4 s), such a record fails
 * its stream thread, and under exactly-once the replaced thread restores its tasks from their
 * changelogs (at a million locks, about as long as a restore with the state wiped). With the latest
 * schemas fetched every {@code every}, an outage costs that only for a schema registered within
 * {@code every} before it. A fetch that fails is tried again next time; it never stops the app.
 */
public final class SchemaWarmer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaWarmer.class);

  private final SchemaRegistry registry;
  private final List<String> subjects;
  private final Set<Integer> warmed = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService scheduler;

  public SchemaWarmer(SchemaRegistry registry, List<String> subjects, Duration every) {
    this.registry = registry;
    this.subjects = List.copyOf(subjects);
    this.scheduler = DaemonScheduler.named("lockwatch-schema-warmer");
    scheduler.scheduleWithFixedDelay(
        this::warm, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Fetches each subject's latest schema into the client's cache. */
  void warm() {
    for (String subject : subjects) {
      try {
        RegisteredSchema latest = registry.latest(subject);
        registry.schemaById(latest.id());
        if (warmed.add(latest.id())) {
          LOG.info(
              "Schema id {} ({} v{}) fetched ahead of its records",
              latest.id(),
              subject,
              latest.version());
        }
      } catch (RuntimeException e) {
        LOG.debug("Cannot fetch the latest schema of {} ahead; trying again later", subject, e);
      }
    }
  }

  /** The schema ids fetched ahead so far. */
  public Set<Integer> warmed() {
    return Set.copyOf(warmed);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
