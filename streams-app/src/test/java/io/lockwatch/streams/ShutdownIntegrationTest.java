package io.lockwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.EmbeddedKafka;
import io.lockwatch.devstack.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A supervisor's SIGTERM stops the app within its usual 30 s grace, even with the broker gone. */
@IntegrationTest
class ShutdownIntegrationTest {

  @Test
  void shouldStopWithinTwentySecondsOfSigtermWhenTheBrokerIsGone(DevStack stack) throws Exception {
    Path work = Files.createTempDirectory("lockwatch-shutdown-it-");
    try (EmbeddedKafka broker = EmbeddedKafka.builder().dataDir(work.resolve("kafka")).build()) {
      broker.start();
      Map<String, Object> settings = new HashMap<>();
      settings.put("bootstrap.servers", broker.bootstrapServers());
      settings.put("schema.registry.url", stack.registryUrl());
      settings.put("lockwatch.application.id", "shutdown-it");
      settings.put("lockwatch.topics.partitions", 2);
      settings.put("lockwatch.topics.replication-factor", 1);
      settings.put("replication.factor", 1);
      settings.putAll(io.lockwatch.schemas.topics.TopicCatalog.namedWithPrefix("shutdown-it"));
      try (LockwatchProcess app = LockwatchProcess.launch(work, "shutdown", settings)) {
        app.awaitReady(Duration.ofSeconds(90));
        broker.stop();
        Thread.sleep(2_000);

        long start = System.nanoTime();
        app.close();
        Duration stopping = Duration.ofNanos(System.nanoTime() - start);

        System.out.printf("SIGTERM with the broker gone: stopped in %d ms%n", stopping.toMillis());
        assertThat(app.isAlive()).isFalse();
        assertThat(stopping).isLessThan(Duration.ofSeconds(20));
      }
    }
  }
}
