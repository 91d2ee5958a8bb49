package io.lockwatch.streams.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.streams.LockwatchTopology;
import io.lockwatch.streams.internals.WatchdogMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lockwatch's read-only HTTP API.
 *
 * <ul>
 *   <li>{@code GET /locks?status=&holder=&prefix=}: every lock matching the filters, gathered from
 *       all instances (interactive queries; each instance asked for its own with {@code
 *       scope=local}).
 *   <li>{@code GET /locks/{id}}: one lock, answered by the instance that owns it.
 *   <li>{@code GET /health/live}: 200 unless Kafka Streams failed or stopped.
 *   <li>{@code GET /health/ready}: 200 only while RUNNING (not while rebalancing or restoring).
 *   <li>{@code GET /metrics}: Prometheus text: Lockwatch's counters and Kafka Streams' metrics.
 * </ul>
 */
public final class LockwatchHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LockwatchHttpServer.class);
  private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration STATUS_COUNT_TTL = Duration.ofSeconds(30);

  private volatile KafkaStreams streams;
  private final WatchdogMetrics metrics;
  private final HttpServer server;
  private final HostInfo self;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(FORWARD_TIMEOUT).build();
  private Map<LockStatus, Long> statusCounts;
  private long statusCountedAt;

  /**
   * Binds the API's port, so that its address can be given to Kafka Streams as application.server
   * before Kafka Streams exists; {@link #start} serves it. {@code advertised} is this instance as
   * other instances reach it; null means the bound address.
   */
  public LockwatchHttpServer(WatchdogMetrics metrics, String host, int port, String advertised)
      throws IOException {
    this.metrics = metrics;
    this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
    this.self =
        advertised != null
            ? HostInfo.buildFromEndpoint(advertised)
            : new HostInfo(host, server.getAddress().getPort());
    server.setExecutor(
        Executors.newFixedThreadPool(
            4,
            runnable -> {
              Thread thread = new Thread(runnable, "lockwatch-http");
              thread.setDaemon(true);
              return thread;
            }));
    server.createContext("/", this::handle);
  }

  /** This instance's address for application.server. */
  public HostInfo self() {
    return self;
  }

  /** Starts serving the given Kafka Streams instance's state. */
  public void start(KafkaStreams streams) {
    this.streams = streams;
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(1);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")) {
        send(exchange, 405, error("read-only API: only GET"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      Map<String, String> query = query(exchange.getRequestURI());
      if (path.equals("/health/live")) {
        KafkaStreams.State state = streams.state();
        boolean live =
            state != KafkaStreams.State.ERROR
                && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING;
        send(
            exchange,
            live ? 200 : 503,
            LockJson.MAPPER.createObjectNode().put("state", state.name()));
      } else if (path.equals("/health/ready")) {
        KafkaStreams.State state = streams.state();
        send(
            exchange,
            state == KafkaStreams.State.RUNNING ? 200 : 503,
            LockJson.MAPPER.createObjectNode().put("state", state.name()));
      } else if (path.equals("/metrics")) {
        sendText(exchange, PrometheusText.render(streams.metrics(), metrics, locksByStatus()));
      } else if (path.equals("/locks")) {
        listLocks(exchange, query);
      } else if (path.startsWith("/locks/") && path.length() > "/locks/".length()) {
        oneLock(
            exchange,
            URLDecoder.decode(path.substring("/locks/".length()), StandardCharsets.UTF_8),
            query);
      } else {
        send(exchange, 404, error("no such resource: " + path));
      }
    } catch (InvalidStateStoreException e) {
      send(
          exchange,
          503,
          error(
              "lock state is not queryable right now (rebalancing or restoring): "
                  + e.getMessage()));
    } catch (RuntimeException | IOException e) {
      LOG.warn("HTTP request {} failed", exchange.getRequestURI(), e);
      send(exchange, 500, error(e.toString()));
    }
  }

  private void listLocks(HttpExchange exchange, Map<String, String> query) throws IOException {
    Optional<LockStatus> status;
    try {
      status =
          Optional.ofNullable(query.get("status"))
              .map(value -> LockStatus.valueOf(value.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      send(
          exchange,
          400,
          error(
              "unknown status "
                  + query.get("status")
                  + "; one of FREE, HELD, STALE, AWAITING_APPROVAL, RECLAIM_PENDING"));
      return;
    }
    String holder = query.get("holder");
    String prefix = query.getOrDefault("prefix", "");
    ArrayNode locks = LockJson.MAPPER.createArrayNode();
    for (LockState state : localLocks(prefix)) {
      if (status.map(s -> s == state.getStatus()).orElse(true)
          && (holder == null
              || state.getHolder() != null && state.getHolder().getNodeId().equals(holder))) {
        locks.add(LockJson.of(state));
      }
    }
    ArrayNode unreachable = LockJson.MAPPER.createArrayNode();
    if (!"local".equals(query.get("scope"))) {
      for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
        if (instance.hostInfo().equals(self) || instance.hostInfo().port() <= 0) {
          continue;
        }
        Map<String, String> remoteQuery = new HashMap<>(query);
        remoteQuery.put("scope", "local");
        try {
          JsonNode remote = get(instance.hostInfo(), "/locks", remoteQuery);
          remote.path("locks").forEach(locks::add);
        } catch (IOException e) {
          unreachable.add(instance.hostInfo().host() + ":" + instance.hostInfo().port());
        }
      }
    }
    ObjectNode body = LockJson.MAPPER.createObjectNode();
    body.put("count", locks.size());
    body.set("locks", locks);
    if (!unreachable.isEmpty()) {
      body.set("unreachableInstances", unreachable);
    }
    send(exchange, 200, body);
  }

  private void oneLock(HttpExchange exchange, String lockId, Map<String, String> query)
      throws IOException {
    if (!"local".equals(query.get("scope"))) {
      KeyQueryMetadata owner =
          streams.queryMetadataForKey(
              LockwatchTopology.STATE_STORE, lockId, Serdes.String().serializer());
      if (owner == null || owner == KeyQueryMetadata.NOT_AVAILABLE) {
        send(exchange, 503, error("no instance owns " + lockId + " right now (rebalancing?)"));
        return;
      }
      if (!owner.activeHost().equals(self)) {
        try {
          JsonNode remote =
              get(
                  owner.activeHost(),
                  "/locks/" + URLEncoder.encode(lockId, StandardCharsets.UTF_8),
                  Map.of("scope", "local"));
          send(exchange, remote.has("error") ? 404 : 200, remote);
        } catch (IOException e) {
          send(
              exchange,
              502,
              error(
                  "the instance owning "
                      + lockId
                      + " ("
                      + owner.activeHost()
                      + ") did not answer: "
                      + e.getMessage()));
        }
        return;
      }
    }
    LockState state = store().get(lockId);
    if (state == null) {
      send(exchange, 404, error("no lock " + lockId));
    } else {
      send(exchange, 200, LockJson.of(state));
    }
  }

  private List<LockState> localLocks(String prefix) {
    List<LockState> locks = new ArrayList<>();
    ReadOnlyKeyValueStore<String, LockState> store = store();
    try (KeyValueIterator<String, LockState> all =
        prefix.isEmpty() ? store.all() : store.prefixScan(prefix, Serdes.String().serializer())) {
      all.forEachRemaining(entry -> locks.add(entry.value));
    }
    return locks;
  }

  /**
   * Locks by status in this instance's stores. Counting scans every local lock, so the result is
   * reused for {@link #STATUS_COUNT_TTL}: a scrape every few seconds must not scan a million locks.
   */
  private synchronized Map<LockStatus, Long> locksByStatus() {
    long now = System.nanoTime();
    if (statusCounts != null && now - statusCountedAt < STATUS_COUNT_TTL.toNanos()) {
      return statusCounts;
    }
    Map<LockStatus, Long> counts = new EnumMap<>(LockStatus.class);
    try {
      for (LockState state : localLocks("")) {
        counts.merge(state.getStatus(), 1L, Long::sum);
      }
    } catch (InvalidStateStoreException e) {
      // Not queryable while rebalancing: report no locks rather than fail the scrape.
      return counts;
    }
    statusCounts = counts;
    statusCountedAt = now;
    return counts;
  }

  private ReadOnlyKeyValueStore<String, LockState> store() {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
            LockwatchTopology.STATE_STORE, QueryableStoreTypes.keyValueStore()));
  }

  private JsonNode get(HostInfo host, String path, Map<String, String> query) throws IOException {
    StringBuilder uri =
        new StringBuilder("http://")
            .append(host.host())
            .append(':')
            .append(host.port())
            .append(path);
    String separator = "?";
    for (Map.Entry<String, String> parameter : query.entrySet()) {
      uri.append(separator)
          .append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
      separator = "&";
    }
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(uri.toString())).timeout(FORWARD_TIMEOUT).build(),
              HttpResponse.BodyHandlers.ofString());
      return LockJson.MAPPER.readTree(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> query = new HashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        query.put(
            URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return query;
  }

  private static ObjectNode error(String message) {
    return LockJson.MAPPER.createObjectNode().put("error", message);
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = LockJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sendText(HttpExchange exchange, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
