package io.lockwatch.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class StreamThreadProgressTest {
  private final AtomicLong clock = new AtomicLong();
  private final Map<String, Double> polls = new HashMap<>();
  private final List<String> stalls = new ArrayList<>();
  private KafkaStreams.State state = KafkaStreams.State.RUNNING;

  private final StreamThreadProgress progress =
      new StreamThreadProgress(
          () -> state, this::metrics, Duration.ofSeconds(90), stalls::add, clock::get);

  @Test
  void shouldReportAThreadWhenItHasNotPolledForTheStallLimit() {
    polls.put("StreamThread-1", 10.0);
    polls.put("StreamThread-2", 10.0);
    progress.check();
    for (int second = 10; second <= 90; second += 10) {
      clock.set(second * 1000L);
      polls.merge("StreamThread-1", 1.0, Double::sum); // keeps going round its loop
      progress.check();
    }

    assertThat(stalls)
        .containsExactly(
            "Stream thread StreamThread-2 has not polled for 90 s: its tasks' locks are not being"
                + " watched");
  }

  @Test
  void shouldNotCountTheTimeWhenTheClientIsNotRunning() {
    polls.put("StreamThread-1", 10.0);
    progress.check();
    state = KafkaStreams.State.PENDING_SHUTDOWN;
    clock.set(120_000);
    progress.check();
    state = KafkaStreams.State.RUNNING;
    progress.check();
    clock.set(150_000);
    progress.check();

    assertThat(stalls).isEmpty();
  }

  private Map<MetricName, Metric> metrics() {
    Map<MetricName, Metric> metrics = new HashMap<>();
    polls.forEach(
        (thread, count) -> {
          MetricName name =
              new MetricName(
                  "poll-total", "stream-thread-metrics", "", Map.of("thread-id", thread));
          metrics.put(
              name,
              new Metric() {
                @Override
                public MetricName metricName() {
                  return name;
                }

                @Override
                public Object metricValue() {
                  return count;
                }
              });
        });
    return metrics;
  }
}
