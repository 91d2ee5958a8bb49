package io.lockwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockwatch.cli.output.Format;
import io.lockwatch.cli.output.Table;
import io.lockwatch.cli.output.Times;
import io.lockwatch.core.LockJson;
import io.lockwatch.core.LockwatchConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockwatch locks}: the live state, from the streams app's HTTP API. */
@Command(
    name = "locks",
    mixinStandardHelpOptions = true,
    description = {
      "List the live locks, from the streams app's HTTP API.",
      "",
      "Any instance of the app answers for all of them."
    })
public final class LocksCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin OutputOptions output;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "The streams app's HTTP API (default: $LOCKWATCH_API, else the API address in --config,"
              + " else http://127.0.0.1:8080).")
  String url;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "The Lockwatch properties file: its lockwatch.http.advertised, or lockwatch.http.host"
              + " and lockwatch.http.port, say where the API is (default: $LOCKWATCH_CONFIG_FILE).")
  Path configFile;

  /** Where the API is: --url, $LOCKWATCH_API, the settings' HTTP address, the default port. */
  private String apiUrl() {
    if (url != null) {
      return url;
    }
    String fromEnvironment = System.getenv("LOCKWATCH_API");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment;
    }
    Optional<Path> file =
        Optional.ofNullable(configFile)
            .or(() -> Optional.ofNullable(System.getenv("LOCKWATCH_CONFIG_FILE")).map(Path::of));
    LockwatchConfig settings = LockwatchConfig.load(file, System.getenv());
    if (settings.httpAdvertised().isPresent()) {
      return "http://" + settings.httpAdvertised().get();
    }
    String host = settings.httpHost();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    }
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + settings.httpPort();
  }

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      description =
          "Only locks in this status: FREE, HELD, STALE, AWAITING_APPROVAL, RECLAIM_PENDING.")
  String status;

  @Option(
      names = "--prefix",
      paramLabel = "PREFIX",
      description = "Only lock ids with this prefix.")
  String prefix;

  @Option(names = "--node", paramLabel = "NODE", description = "Only locks held by this node.")
  String node;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description =
          "At most this many locks, in lock-id order (1 to 10000; the API's default: 1000).")
  Integer limit;

  @Option(
      names = "--after",
      paramLabel = "LOCK",
      description = "Start after this lock id (the next page, as the previous one said).")
  String after;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<String> query = new ArrayList<>();
    if (status != null) {
      query.add("status=" + encode(status.toUpperCase(Locale.ROOT)));
    }
    if (prefix != null) {
      query.add("prefix=" + encode(prefix));
    }
    if (node != null) {
      query.add("holder=" + encode(node));
    }
    if (limit != null) {
      query.add("limit=" + limit);
    }
    if (after != null) {
      query.add("after=" + encode(after));
    }
    String api = apiUrl();
    URI uri =
        URI.create(
            api.replaceAll("/+$", "")
                + "/locks"
                + (query.isEmpty() ? "" : "?" + String.join("&", query)));
    HttpResponse<String> response;
    try {
      response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(
                  HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new IOException("Lockwatch's API does not answer at " + api + " (is the app running?)");
    }
    JsonNode body = LockJson.MAPPER.readTree(response.body());
    if (response.statusCode() != 200) {
      String message = body.path("error").asText(response.body());
      throw (response.statusCode() == 400
          ? new UsageException(message)
          : new IOException("Lockwatch's API answered " + response.statusCode() + ": " + message));
    }
    JsonNode locks = body.isArray() ? body : body.path("locks");
    if (body.has("unreachableInstances")) {
      spec.commandLine()
          .getErr()
          .println(
              "lockwatch: instances not answering (their locks are missing): "
                  + body.get("unreachableInstances"));
    }
    if (body.hasNonNull("next")) {
      spec.commandLine()
          .getErr()
          .println(
              "lockwatch: more locks follow; the next page: --after " + body.get("next").asText());
    }
    if (output.format() == Format.JSON) {
      out.println(LockJson.MAPPER.writeValueAsString(locks));
    } else if (output.format() == Format.JSONL) {
      locks.forEach(lock -> out.println(lock.toString()));
    } else {
      Times times = output.times();
      Instant now = Instant.now();
      Table table =
          new Table(
              "LOCK",
              "STATUS",
              "HOLDER",
              "TOKEN",
              "LAST HEARTBEAT",
              "SILENT FOR",
              "THRESHOLD",
              "POLICY");
      for (JsonNode lock : locks) {
        JsonNode holder = lock.path("holder");
        String observed = lock.path("lastHeartbeatObservedAt").asText(null);
        table.row(
            lock.path("lockId").asText(),
            lock.path("status").asText(),
            holder.isNull() || holder.isMissingNode()
                ? "-"
                : holder.path("nodeId").asText() + "/" + holder.path("pid").asText(),
            lock.path("fencingToken").asText(),
            observed == null ? "-" : times.full(Instant.parse(observed)),
            observed == null || "FREE".equals(lock.path("status").asText())
                ? "-"
                : Times.duration(Duration.between(Instant.parse(observed), now)),
            Times.duration(Duration.ofMillis(lock.path("thresholdMs").asLong())),
            lock.path("policy").asText());
      }
      if (table.isEmpty()) {
        out.println("(no locks)");
      } else {
        table.print(out);
      }
    }
    return 0;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
