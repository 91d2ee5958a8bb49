package io.lockwatch.cli.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockwatch.core.LockJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Posts JSON and insists on a 2xx answer. */
final class HttpJson {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  void post(URI uri, JsonNode body) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(LockJson.MAPPER.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          uri + " answered " + response.statusCode() + ": " + abbreviate(response.body()));
    }
  }

  private static String abbreviate(String body) {
    return body.length() > 200 ? body.substring(0, 200) + "..." : body;
  }
}
