package io.lockwatch.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.LockEvent;
import io.lockwatch.schemas.Fixtures;
import io.lockwatch.schemas.serde.AvroSerde;
import io.lockwatch.schemas.serde.WireFormat;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.ConfluentKafkaContainer;

/**
 * The client and serdes against Confluent Schema Registry itself, the production registry. Needs a
 * Docker engine: without one, JUnit reports these tests as skipped.
 */
@IntegrationTest
@Testcontainers(disabledWithoutDocker = true)
class ConfluentRegistryCompatibilityTest {

  private static final Network NETWORK = Network.newNetwork();

  @Container
  private static final ConfluentKafkaContainer KAFKA =
      new ConfluentKafkaContainer("confluentinc/cp-kafka:7.9.0")
          .withNetwork(NETWORK)
          .withNetworkAliases("kafka");

  @Container
  @SuppressWarnings("resource")
  private static final GenericContainer<?> REGISTRY =
      new GenericContainer<>("confluentinc/cp-schema-registry:7.9.0")
          .withNetwork(NETWORK)
          .dependsOn(KAFKA)
          .withExposedPorts(8081)
          .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
          .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
          .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:9093")
          .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));

  private static String url() {
    return "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081);
  }

  @Test
  void shouldRoundTripThroughConfluentRegistryWhenSerializing() {
    RegistryClient client = RegistryClient.fromConfig(Map.of("schema.registry.url", url()));
    AvroSerde<LockEvent> serde = AvroSerde.forType(LockEvent.class, client);
    serde.configure(Map.of(), false);
    LockEvent event = Fixtures.heartbeat(41, 3, Instant.parse("2026-11-23T03:12:00Z"));

    byte[] bytes = serde.serializer().serialize("lockwatch.lock-events", event);

    assertThat(WireFormat.schemaId(bytes))
        .isEqualTo(client.latest("lockwatch.lock-events-value").id());
    assertThat(serde.deserializer().deserialize("lockwatch.lock-events", bytes)).isEqualTo(event);
  }

  @Test
  void shouldGetConfluentsErrorCodesWhenRefused() {
    RegistryClient client = RegistryClient.fromConfig(Map.of("schema.registry.url", url()));
    client.setCompatibility("compat-value", CompatibilityLevel.BACKWARD);
    client.register("compat-value", LockEvent.getClassSchema());
    Schema incompatible = Fixtures.lockEventWithStringToken();

    assertThat(client.compatibility("compat-value")).isEqualTo(CompatibilityLevel.BACKWARD);
    assertThatThrownBy(() -> client.register("compat-value", incompatible))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(409));
    assertThatThrownBy(() -> client.schemaById(99_999))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
  }
}
