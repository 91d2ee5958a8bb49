package io.lockwatch.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

@IntegrationTest
class EmbeddedRegistryTest {

  private static final String SCHEMA =
      "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"T\\\",\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"string\\\"}]}\"}";

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldKeepSchemasAndStopItsProcessWhenFileBackedAndRestarted() throws Exception {
    // Relative on purpose, as the demo's default data directory is.
    Path dir = Path.of("target", "registry-" + java.util.UUID.randomUUID());
    EmbeddedRegistry registry = EmbeddedRegistry.builder().fileStorage(dir).build().start();
    String registered;
    try {
      registered = send("POST", registry.url() + "/subjects/kept-value/versions", SCHEMA).body();
      assertThat(registered).matches("\\{\"id\":\\d+}");
      registry.stop();
      assertThat(registry.isRunning()).isFalse();
      assertThat(send("GET", registry.url() + "/subjects", null)).isNull();

      registry.start();

      HttpResponse<String> latest =
          send("GET", registry.url() + "/subjects/kept-value/versions/latest", null);
      assertThat(latest.statusCode()).isEqualTo(200);
      assertThat(latest.body()).contains(registered.replace("{", "").replace("}", ""));
    } finally {
      registry.close();
    }
    assertThat(dir.resolve("db")).isDirectory();
  }

  /** The response, or null when nothing listens any more. */
  private HttpResponse<String> send(String method, String url, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json");
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.net.ConnectException refused) {
      return null;
    }
  }

  @Test
  void shouldNameTheLastCauseWhenTheLogReportsOne(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path log =
        java.nio.file.Files.writeString(
            dir.resolve("registry.log"),
            "INFO starting\njava.lang.RuntimeException: Failed to start\n\tat x.y(Z.java:1)\n"
                + "Caused by: org.h2.jdbc.JdbcSQLNonTransientConnectionException: A file path that is implicitly relative\n"
                + "\tat a.b(C.java:2)\n");

    assertThat(EmbeddedRegistry.cause(log))
        .isEqualTo(
            "org.h2.jdbc.JdbcSQLNonTransientConnectionException: A file path that is implicitly relative");
    assertThat(EmbeddedRegistry.cause(dir.resolve("missing.log"))).startsWith("no log");
  }
}
