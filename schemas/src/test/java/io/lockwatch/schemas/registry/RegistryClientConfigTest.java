package io.lockwatch.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryClientConfigTest {

  @Test
  void shouldReadSeveralUrlsAndUserInfoWhenGiven() {
    RegistryClientConfig config =
        RegistryClientConfig.from(
            Map.of(
                "schema.registry.url", "http://a:8081/, http://b:8081",
                "basic.auth.user.info", "svc:s3cret",
                "schema.registry.retries", "5",
                "schema.registry.request.timeout.ms", "2500"));

    assertThat(config.urls())
        .containsExactly(URI.create("http://a:8081"), URI.create("http://b:8081"));
    assertThat(config.userInfo()).contains("svc:s3cret");
    assertThat(config.retries()).isEqualTo(5);
    assertThat(config.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void shouldTakeCredentialsFromTheUrlWhenTheSourceIsUrl() {
    RegistryClientConfig config =
        RegistryClientConfig.from(
            Map.of(
                "schema.registry.url",
                "https://svc:pw@registry:8081/apis/ccompat/v7",
                "basic.auth.credentials.source",
                "URL"));

    assertThat(config.userInfo()).contains("svc:pw");
    assertThat(config.urls()).containsExactly(URI.create("https://registry:8081/apis/ccompat/v7"));
  }

  @Test
  void shouldHideThePasswordWhenPrinted() {
    RegistryClientConfig config =
        RegistryClientConfig.from(
            Map.of(
                "schema.registry.url", "http://a:8081",
                "basic.auth.user.info", "svc:s3cret",
                "schema.registry.ssl.truststore.password", "trustpw"));

    assertThat(config.toString())
        .contains("svc:[hidden]")
        .doesNotContain("s3cret")
        .doesNotContain("trustpw");
  }

  @Test
  void shouldNameTheKeyWhenASettingIsWrong() {
    assertThatThrownBy(() -> RegistryClientConfig.from(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.url");
    assertThatThrownBy(
            () -> RegistryClientConfig.from(Map.of("schema.registry.url", "registry:8081")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.url");
    assertThatThrownBy(
            () ->
                RegistryClientConfig.from(
                    Map.of("schema.registry.url", "http://a", "schema.registry.retries", "many")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.retries");
    assertThatThrownBy(
            () ->
                RegistryClientConfig.from(
                    Map.of("schema.registry.url", "http://a", "basic.auth.user.info", "nocolon")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("user:password");
  }

  @Test
  void shouldMaskThePasswordWhenABadUrlCarriesCredentials() {
    assertThatThrownBy(
            () ->
                RegistryClientConfig.from(
                    Map.of("schema.registry.url", "http://user:s3cret@registry:80 81")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http://user:***@registry:80 81")
        .hasMessageNotContaining("s3cret");
    assertThat(UrlCredentials.mask("Cannot reach https://svc:pw@r:8081/apis and http://plain:8081"))
        .isEqualTo("Cannot reach https://svc:***@r:8081/apis and http://plain:8081");
  }
}
