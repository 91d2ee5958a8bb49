package io.lockwatch.client;

import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.topics.Topic;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on Lockwatch's reclaim commands: consumes them ({@code read_committed}, in a consumer group,
 * so several instances share the work and a restarted one resumes), hands each to a {@link
 * Reclaimer}, and publishes the outcome as a lock event ({@code RECLAIMED}, or {@code
 * RECLAIM_REJECTED} with the reason), which Lockwatch folds into the lock's state.
 *
 * <ul>
 *   <li>At least once, idempotent per command id: a command's offset is committed only after its
 *       outcome is on the broker; redelivered, the reclaimer is asked again (it must be idempotent)
 *       and the outcome event, with an id derived from the command's, is the same.
 *   <li>Bounded: at most {@code maxReclaimsPerMinute} commands are handed to the reclaimer in any
 *       minute; the rest wait (nothing is dropped), so a storm of commands cannot release a whole
 *       fleet at once.
 *   <li>Retries: a reclaimer that throws is asked again with exponential backoff; after the last
 *       attempt the command is rejected with the error, and Lockwatch re-alerts.
 * </ul>
 */
public final class ReclaimTrigger implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReclaimTrigger.class);

  private final KafkaConsumer<String, ReclaimCommand> consumer;
  private final LockEventPublisher publisher;
  private final Topic<String, ReclaimCommand> commands;
  private final Reclaimer reclaimer;
  private final String actor;
  private final int maxReclaimsPerMinute;
  private final int attempts;
  private final Duration backoff;
  private final Clock clock;
  private final Consumer<Outcome> listener;
  private final Deque<Long> recentReclaims = new ArrayDeque<>();
  private final AtomicLong reclaimed = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;

  /** What the trigger did with one command, for logs, metrics and demos. */
  public record Outcome(ReclaimCommand command, ReclaimResult result, LockEvent event) {}

  private ReclaimTrigger(Builder builder) {
    TopicCatalog catalog = TopicCatalog.fromConfig(builder.clientConfig);
    this.commands = catalog.reclaimCommands();
    Map<String, Object> config = new HashMap<>(builder.clientConfig);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, builder.groupId);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    this.consumer =
        new KafkaConsumer<>(
            config, commands.keySerde().deserializer(), commands.valueSerde().deserializer());
    HolderIdentity self =
        HolderIdentity.newBuilder()
            .setNodeId(builder.actor)
            .setHost(builder.actor)
            .setPid(ProcessHandle.current().pid())
            .setIncarnation("reclaim-trigger")
            .build();
    this.publisher = LockEventPublisher.create(builder.clientConfig, self, builder.clock);
    this.reclaimer = builder.reclaimer;
    this.actor = builder.actor;
    this.maxReclaimsPerMinute = builder.maxReclaimsPerMinute;
    this.attempts = builder.attempts;
    this.backoff = builder.backoff;
    this.clock = builder.clock;
    this.listener = builder.listener;
    this.thread = new Thread(this::run, "reclaim-trigger-" + builder.actor);
    thread.setDaemon(true);
  }

  public static Builder builder(Map<String, Object> clientConfig, Reclaimer reclaimer) {
    return new Builder(clientConfig, reclaimer);
  }

  /** Starts consuming on a thread of its own. */
  public ReclaimTrigger start() {
    consumer.subscribe(List.of(commands.name()));
    thread.start();
    return this;
  }

  public long reclaimed() {
    return reclaimed.get();
  }

  public long rejected() {
    return rejected.get();
  }

  /** The error that stopped this trigger, if one did; a stopped trigger reclaims nothing. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  private void run() {
    try {
      while (running) {
        ConsumerRecords<String, ReclaimCommand> records = consumer.poll(Duration.ofMillis(200));
        for (TopicPartition partition : records.partitions()) {
          for (ConsumerRecord<String, ReclaimCommand> record : records.records(partition)) {
            if (!running) {
              return;
            }
            if (!consumer.assignment().contains(partition)) {
              // Revoked while an earlier command waited: its new owner reads the rest.
              break;
            }
            handle(record.value());
            commit(partition, record.offset() + 1);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e;
      LOG.error(
          "Reclaim trigger {} stopped: no further reclaim command is acted on by it", actor, e);
    } finally {
      running = false;
      consumer.close();
    }
  }

  /**
   * Commits a handled command. A partition lost meanwhile is not an error: its new owner is handed
   * the command again, and reclaimers are idempotent per command id.
   */
  private void commit(TopicPartition partition, long next) {
    try {
      consumer.commitSync(Map.of(partition, new OffsetAndMetadata(next)));
    } catch (CommitFailedException | RebalanceInProgressException e) {
      LOG.info(
          "Offset {} of {} not committed ({}); the command may come again",
          next,
          partition,
          e.getMessage());
    }
  }

  /** Waits without leaving the consumer group (see {@link PausedPolling}). */
  private void pollingSleep(long millis) throws InterruptedException {
    PausedPolling.sleep(consumer, millis, () -> running);
  }

  private void handle(ReclaimCommand command) throws InterruptedException {
    awaitRateBudget();
    ReclaimResult result = reclaimWithRetries(command);
    LockEvent event =
        result.reclaimed()
            ? ReclaimOutcomes.reclaimed(command, actor, clock.instant())
            : ReclaimOutcomes.rejected(command, actor, clock.instant(), result.reason());
    while (running) {
      try {
        publisher.publish(event).get(30, TimeUnit.SECONDS);
        break;
      } catch (Exception e) {
        LOG.warn("Publishing the outcome of {} failed; retrying", command.getCommandId(), e);
        pollingSleep(backoff.toMillis());
      }
    }
    (result.reclaimed() ? reclaimed : rejected).incrementAndGet();
    LOG.info(
        "{} {} of {} (token {}){}",
        result.reclaimed() ? "Reclaimed" : "Rejected",
        command.getCommandId(),
        command.getLockId(),
        command.getFencingToken(),
        result.reclaimed() ? "" : ": " + result.reason());
    listener.accept(new Outcome(command, result, event));
  }

  private ReclaimResult reclaimWithRetries(ReclaimCommand command) throws InterruptedException {
    Exception last = null;
    long pause = backoff.toMillis();
    for (int attempt = 1; attempt <= attempts && running; attempt++) {
      try {
        return Objects.requireNonNull(reclaimer.reclaim(command), "Reclaimer returned null");
      } catch (Exception e) {
        last = e;
        LOG.warn(
            "Reclaimer failed on {} (attempt {} of {})",
            command.getCommandId(),
            attempt,
            attempts,
            e);
        pollingSleep(pause);
        pause = Math.min(pause * 2, 30_000);
      }
    }
    return ReclaimResult.refused(
        "reclaimer failed after " + attempts + " attempts: " + (last == null ? "stopped" : last));
  }

  /** Sliding one-minute window of reclaim attempts. */
  private void awaitRateBudget() throws InterruptedException {
    while (running) {
      long now = System.nanoTime();
      while (!recentReclaims.isEmpty() && now - recentReclaims.peekFirst() >= 60_000_000_000L) {
        recentReclaims.pollFirst();
      }
      if (recentReclaims.size() < maxReclaimsPerMinute) {
        recentReclaims.addLast(now);
        return;
      }
      long wait = 60_000_000_000L - (now - recentReclaims.peekFirst());
      LOG.warn(
          "{} reclaims in the last minute (the limit): waiting {} ms before the next",
          maxReclaimsPerMinute,
          wait / 1_000_000);
      // Keep polling while waiting, or the group would drop this consumer.
      pollingSleep(Math.max(1, Math.min(wait, 1_000_000_000L) / 1_000_000));
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    publisher.close();
  }

  /** Settings of a trigger. */
  public static final class Builder {
    private final Map<String, Object> clientConfig;
    private final Reclaimer reclaimer;
    private String groupId = "lockwatch-reclaim-trigger";
    private String actor = "reclaim-trigger";
    private int maxReclaimsPerMinute = 60;
    private int attempts = 5;
    private Duration backoff = Duration.ofMillis(200);
    private Clock clock = Clock.systemUTC();
    private Consumer<Outcome> listener = outcome -> {};

    private Builder(Map<String, Object> clientConfig, Reclaimer reclaimer) {
      this.clientConfig = Map.copyOf(clientConfig);
      this.reclaimer = Objects.requireNonNull(reclaimer, "reclaimer");
    }

    /** The consumer group: instances with one group share the commands. */
    public Builder groupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    /** Who reclaims, as outcome events name it ("reclaim-trigger@node-2"). */
    public Builder actor(String actor) {
      this.actor = actor;
      return this;
    }

    public Builder maxReclaimsPerMinute(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxReclaimsPerMinute must be at least 1");
      }
      this.maxReclaimsPerMinute = max;
      return this;
    }

    /** How often a throwing reclaimer is asked, and the first pause between (doubling). */
    public Builder retries(int attempts, Duration backoff) {
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be at least 1");
      }
      this.attempts = attempts;
      this.backoff = backoff;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Told of every outcome, after it is published. */
    public Builder onOutcome(Consumer<Outcome> listener) {
      this.listener = listener;
      return this;
    }

    public ReclaimTrigger build() {
      return new ReclaimTrigger(this);
    }
  }
}
