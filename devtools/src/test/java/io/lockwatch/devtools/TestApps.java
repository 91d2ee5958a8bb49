package io.lockwatch.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.core.LockwatchConfig;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.LockwatchApp;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/** The streams app in the test's JVM on the shared dev stack, as the integration tests run it. */
public final class TestApps {
  private TestApps() {}

  /**
   * What every test app needs: the stack, its own topics and application id ({@code prefix}),
   * checks every 100 ms, any free HTTP port, its state under {@code dir}. Tests add their own.
   */
  public static Map<String, String> settings(DevStack stack, String prefix, Path dir) {
    Map<String, String> settings = new HashMap<>();
    stack.clientConfig().forEach((key, value) -> settings.put(key, String.valueOf(value)));
    settings.putAll(TopicCatalog.namedWithPrefix(prefix));
    settings.put("lockwatch.application.id", prefix);
    settings.put("lockwatch.check.interval.ms", "100");
    settings.put("lockwatch.http.port", "0");
    settings.put("state.dir", dir.resolve("state").toString());
    return settings;
  }

  /** Starts the app and waits until Kafka Streams runs. */
  public static LockwatchApp startRunning(Map<String, String> settings)
      throws InterruptedException {
    LockwatchApp app = LockwatchApp.start(LockwatchConfig.of(settings));
    try {
      awaitRunning(app);
    } catch (AssertionError | InterruptedException e) {
      app.close();
      throw e;
    }
    return app;
  }

  /** Waits, 90 s at most, until the app's Kafka Streams is RUNNING. */
  public static void awaitRunning(LockwatchApp app) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (app.streams().state() != KafkaStreams.State.RUNNING) {
      assertThat(System.nanoTime()).as("running within 90 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
