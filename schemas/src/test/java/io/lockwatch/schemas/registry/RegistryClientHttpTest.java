package io.lockwatch.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's HTTP behaviour against a scripted stand-in for a registry. */
class RegistryClientHttpTest {

  private static final String SCHEMA =
      "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(server -> server.stop(0));
  }

  @Test
  void shouldSendBasicAuthWhenUserInfoIsSet() throws Exception {
    String url =
        serve((exchange, n) -> answer(exchange, 200, "{\"schema\":" + quoted(SCHEMA) + "}"));

    client(Map.of("schema.registry.url", url, "basic.auth.user.info", "svc:s3cret")).schemaById(7);

    assertThat(authorizations).containsExactly("Basic c3ZjOnMzY3JldA==");
  }

  @Test
  void shouldCacheSchemasByIdWhenFetchedOnce() throws Exception {
    String url =
        serve((exchange, n) -> answer(exchange, 200, "{\"schema\":" + quoted(SCHEMA) + "}"));
    RegistryClient client = client(Map.of("schema.registry.url", url));

    Schema first = client.schemaById(7);
    Schema second = client.schemaById(7);

    assertThat(second).isSameAs(first);
    assertThat(requests).containsExactly("GET /schemas/ids/7");
  }

  @Test
  void shouldRetryWhenTheRegistryAnswers5xx() throws Exception {
    String url =
        serve(
            (exchange, n) -> {
              if (n < 2) {
                answer(exchange, 503, "{\"error_code\":50003,\"message\":\"busy\"}");
              } else {
                answer(exchange, 200, "{\"id\":12}");
              }
            });

    int id =
        client(Map.of("schema.registry.url", url, "schema.registry.retry.backoff.ms", "1"))
            .register("t-value", parse(SCHEMA));

    assertThat(id).isEqualTo(12);
    assertThat(requests).hasSize(3);
  }

  @Test
  void shouldMoveToTheNextUrlWhenOneIsDown() throws Exception {
    String down = "http://127.0.0.1:" + freePortWithNothingListening();
    String up = serve((exchange, n) -> answer(exchange, 200, "{\"id\":3}"));

    int id =
        client(
                Map.of(
                    "schema.registry.url",
                    down + "," + up,
                    "schema.registry.retry.backoff.ms",
                    "1"))
            .register("t-value", parse(SCHEMA));

    assertThat(id).isEqualTo(3);
  }

  @Test
  void shouldNotRetryAndShouldCarryTheErrorCodeWhenTheRegistryRefuses() throws Exception {
    String url =
        serve(
            (exchange, n) ->
                answer(
                    exchange,
                    409,
                    "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}"));

    assertThatThrownBy(
            () -> client(Map.of("schema.registry.url", url)).register("t-value", parse(SCHEMA)))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(409);
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.getMessage()).contains("failed with error 409").contains("incompatible");
            });
    assertThat(requests).hasSize(1);
  }

  @Test
  void shouldSayWhereWhenTheRegistryCannotBeReached() {
    String down = "http://127.0.0.1:" + freePortWithNothingListening();

    assertThatThrownBy(
            () ->
                client(
                        Map.of(
                            "schema.registry.url",
                            down,
                            "schema.registry.retries",
                            "1",
                            "schema.registry.retry.backoff.ms",
                            "1"))
                    .schemaById(1))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("Cannot reach the schema registry at " + down);
  }

  @Test
  void shouldTreatAMissingSubjectAsCompatibleWhenTesting() throws Exception {
    String url =
        serve(
            (exchange, n) ->
                answer(exchange, 404, "{\"error_code\":40401,\"message\":\"Subject not found\"}"));

    CompatibilityResult result =
        client(Map.of("schema.registry.url", url)).testCompatibility("new-value", parse(SCHEMA));

    assertThat(result.compatible()).isTrue();
  }

  private interface Script {
    void handle(HttpExchange exchange, int requestNumber) throws IOException;
  }

  private String serve(Script script) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AtomicInteger count = new AtomicInteger();
    server.createContext(
        "/",
        exchange -> {
          requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          if (auth != null) {
            authorizations.add(auth);
          }
          exchange.getRequestBody().readAllBytes();
          script.handle(exchange, count.getAndIncrement());
        });
    server.start();
    servers.add(server);
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\"", "\\\"") + "\"";
  }

  private static Schema parse(String text) {
    return new Schema.Parser().parse(text);
  }

  private static RegistryClient client(Map<String, String> config) {
    return RegistryClient.fromConfig(config);
  }

  private static int freePortWithNothingListening() {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
