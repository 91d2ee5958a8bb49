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
