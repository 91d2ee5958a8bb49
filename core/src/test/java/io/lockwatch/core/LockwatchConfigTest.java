package io.lockwatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockwatch.schemas.registry.CompatibilityLevel;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class LockwatchConfigTest {

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
        .contains("lockwatch-lockwatch-1.lockwatch:8080");
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
}
