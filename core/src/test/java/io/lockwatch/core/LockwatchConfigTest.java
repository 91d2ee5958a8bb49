package io.lockwatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockwatch.schemas.registry.CompatibilityLevel;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class LockwatchConfigTest {

  @Test
  void shouldIgnoreAndNameTheServiceLinksWhenAKubeletInjectsThemForAServiceNamedLockwatch() {
    // What a kubelet injects for Services named lockwatch and lockwatch-headless (port 8080),
    // and what a user exports for the CLI, beside two real settings.
    Map<String, String> env =
        Map.ofEntries(
            Map.entry("LOCKWATCH_PORT", "tcp://10.96.0.12:8080"),
            Map.entry("LOCKWATCH_PORT_8080_TCP", "tcp://10.96.0.12:8080"),
            Map.entry("LOCKWATCH_PORT_8080_TCP_ADDR", "10.96.0.12"),
            Map.entry("LOCKWATCH_PORT_8080_TCP_PORT", "8080"),
            Map.entry("LOCKWATCH_PORT_8080_TCP_PROTO", "tcp"),
            Map.entry("LOCKWATCH_SERVICE_HOST", "10.96.0.12"),
            Map.entry("LOCKWATCH_SERVICE_PORT", "8080"),
            Map.entry("LOCKWATCH_SERVICE_PORT_HTTP", "8080"),
            Map.entry("LOCKWATCH_API", "http://127.0.0.1:8080"),
            Map.entry("LOCKWATCH_HTTP_PORT", "9090"),
            Map.entry("LOCKWATCH_TOPIC_LOCK__EVENTS", "team.lock-events"),
            Map.entry("LOCKWATCH_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"));

    LockwatchConfig config = LockwatchConfig.load(java.util.Optional.empty(), env);

    assertThat(config.httpPort()).isEqualTo(9090);
    assertThat(config.clientConfig())
        .containsEntry("bootstrap.servers", "kafka:9092")
        .containsEntry("lockwatch.topic.lock-events", "team.lock-events");
    assertThat(config.ignoredVariables())
        .containsExactly(
            "LOCKWATCH_API",
            "LOCKWATCH_PORT",
            "LOCKWATCH_PORT_8080_TCP",
            "LOCKWATCH_PORT_8080_TCP_ADDR",
            "LOCKWATCH_PORT_8080_TCP_PORT",
            "LOCKWATCH_PORT_8080_TCP_PROTO",
            "LOCKWATCH_SERVICE_HOST",
            "LOCKWATCH_SERVICE_PORT",
            "LOCKWATCH_SERVICE_PORT_HTTP");
    assertThat(config.with(Map.of("lockwatch.http.port", "0")).ignoredVariables()).hasSize(9);
  }

  @Test
  void shouldRefuseAnUndeclaredLockwatchKeyWhenAFileGivesIt() {
    assertThatThrownBy(() -> LockwatchConfig.of(Map.of("lockwatch.port", "tcp://x:1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Unknown setting lockwatch.port");
  }

  @Test
  void shouldMaskThePasswordWhenAUrlCarriesCredentials() {
    LockwatchConfig config =
        LockwatchConfig.of(
            Map.of(
                "schema.registry.url",
                "http://lockwatch:s3cret@registry-1:8081,https://ops:hunter2@registry-2:8081",
                "bootstrap.servers",
                "kafka:9092"));

    String described = config.describe();

    assertThat(described)
        .contains(
            "schema.registry.url = http://lockwatch:***@registry-1:8081,https://ops:***@registry-2:8081")
        .doesNotContain("s3cret")
        .doesNotContain("hunter2");
  }

  @Test
  void shouldUseStaticMembershipOnlyWhenTheInstanceHasADeclaredIdentity() {
    assertThat(LockwatchConfig.of(Map.of()).instanceId()).isEmpty();
    assertThat(
            LockwatchConfig.of(Map.of("lockwatch.http.advertised", "lockwatch-1.lockwatch:8080"))
                .instanceId())
        .as("Kafka takes [a-zA-Z0-9._-] only: the port's ':' would stop the consumer")
        .contains("lockwatch-lockwatch-1.lockwatch-8080");
    assertThatThrownBy(
            () -> LockwatchConfig.of(Map.of("lockwatch.instance.id", "pod:0")).instanceId())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lockwatch.instance.id");
    assertThat(LockwatchConfig.of(Map.of("lockwatch.instance.id", "east-1")).instanceId())
        .contains("east-1");
    assertThat(
            LockwatchConfig.of(
                    Map.of(
                        "lockwatch.instance.id", " ", "lockwatch.http.advertised", "host-1:8080"))
                .instanceId())
        .as("an empty setting turns static membership off")
        .isEmpty();
  }

  @Test
  void shouldNameTheAcceptedLevelsWhenTheCompatibilityIsUnknown() {
    assertThat(
            LockwatchConfig.of(Map.of("lockwatch.schemas.compatibility", "full"))
                .schemaCompatibility())
        .isEqualTo(CompatibilityLevel.FULL);
    assertThatThrownBy(
            () ->
                LockwatchConfig.of(Map.of("lockwatch.schemas.compatibility", "strict"))
                    .schemaCompatibility())
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value strict for configuration lockwatch.schemas.compatibility: expected one"
                + " of [NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL,"
                + " FULL_TRANSITIVE]");
  }

  @Test
  void shouldNameTheKeyAndWhatItAcceptsWhenAValueIsBadAtLoad() {
    assertThatThrownBy(() -> LockwatchConfig.of(Map.of("lockwatch.check.interval.ms", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value 0 for configuration lockwatch.check.interval.ms: Value must be at least 1");
    assertThatThrownBy(() -> LockwatchConfig.of(Map.of("lockwatch.http.port", "eighty")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value eighty for configuration lockwatch.http.port: Not a number of type INT");
    assertThatThrownBy(() -> LockwatchConfig.of(Map.of("lockwatch.policy.default", "nuke")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value nuke for configuration lockwatch.policy.default: expected one of [auto,"
                + " hold, dry-run]");
    assertThat(LockwatchConfig.of(Map.of("lockwatch.policy.default", "DRY_RUN")).watchPolicy())
        .isNotNull();
    assertThat(LockwatchConfig.of(Map.of("lockwatch.http.port", " ")).httpPort())
        .as("a blank value means the default")
        .isEqualTo(8080);
  }
}
