package io.lockwatch.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.core.clock.Tick;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class PartitionTickerTest {
  private static final HolderIdentity INSTANCE =
      HolderIdentity.newBuilder()
          .setNodeId("lockwatch-0")
          .setHost("watch-1")
          .setPid(7)
          .setIncarnation("ticker-1")
          .build();

  private final AtomicLong mono = new AtomicLong(1_000);
  private final AtomicLong wall = new AtomicLong(1_800_000_000_000L);
  private final List<Long> hostJumps = new ArrayList<>();
  private final List<long[]> offsets = new ArrayList<>();
  private final AtomicLong failures = new AtomicLong();
  private final Serializer<LockEvent> ignored = (topic, event) -> new byte[0];
  private final MockProducer<String, LockEvent> producer =
      new MockProducer<>(false, null, new StringSerializer(), ignored);

  private PartitionTicker ticker(Set<Integer> partitions) {
    return new PartitionTicker(
        producer,
        "lockwatch.lock-events",
        INSTANCE,
        Duration.ofMillis(250),
        Duration.ofSeconds(2),
        () -> partitions,
        new PartitionTicker.Readings() {
          @Override
          public void offset(int partition, long offsetMs, long uncertaintyMs) {
            offsets.add(new long[] {partition, offsetMs, uncertaintyMs});
          }

          @Override
          public void forget(int partition) {}

          @Override
          public void hostClockJumped(long jumpMs) {
            hostJumps.add(jumpMs);
          }

          @Override
          public void tickFailed() {
            failures.incrementAndGet();
          }
        },
        mono::get,
        wall::get);
  }

  private Tick sent(int index) {
    ProducerRecord<String, LockEvent> record = producer.history().get(index);
    assertThat(record.key()).isEqualTo(Tick.KEY);
    return Tick.of(record.value(), Instant.EPOCH).orElseThrow();
  }

  private void advance(long millis) {
    mono.addAndGet(millis);
    wall.addAndGet(millis);
  }

  @Test
  void shouldSendOneTickPerPartitionAndWaitForItsAcknowledgement() {
    PartitionTicker ticker = ticker(Set.of(0, 1));
    ticker.round();
    advance(250);
    ticker.round(); // both still in flight: nothing new
    assertThat(producer.history()).hasSize(2);
    assertThat(producer.history()).extracting(ProducerRecord::partition).containsExactly(0, 1);

    advance(5);
    producer.completeNext();
    producer.completeNext();
    advance(245);
    ticker.round();

    assertThat(producer.history()).hasSize(4);
    Tick next = sent(2);
    assertThat(next.number()).isEqualTo(1);
    assertThat(next.previousLatencyMs()).isEqualTo(255);
    assertThat(next.blindMs()).isZero();
  }

  @Test
  void shouldReportHowLongItCouldNotWriteWhenATickFailed() {
    PartitionTicker ticker = ticker(Set.of(0));
    ticker.round();
    advance(30_000);
    producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("leader down"));
    advance(250);
    ticker.round();

    Tick afterFailure = sent(1);
    assertThat(afterFailure.previousLatencyMs()).isEqualTo(-1);
    assertThat(afterFailure.blindMs()).isEqualTo(30_250);
    assertThat(failures.get()).isEqualTo(1);
  }

  @Test
  void shouldTellTheJumpOfItsHostsClockOnceWhenTheWallClockIsStepped() {
    PartitionTicker ticker = ticker(Set.of(0, 1));
    ticker.round();
    producer.completeNext();
    producer.completeNext();
    mono.addAndGet(250);
    wall.addAndGet(250 + 600_000); // stepped 10 minutes ahead
    ticker.round();

    assertThat(hostJumps).containsExactly(600_000L);
    assertThat(sent(2).hostJumpMs()).isEqualTo(600_000);
    assertThat(sent(3).hostJumpMs()).as("told once").isZero();
  }
}
