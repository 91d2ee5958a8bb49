package io.lockwatch.streams.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lockwatch.core.LockJson;
import io.lockwatch.core.incident.IncidentJson;
import io.lockwatch.core.incident.IncidentRules;
import io.lockwatch.events.AlertSeverity;
import io.lockwatch.events.Incident;
import io.lockwatch.events.IncidentState;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.streams.LockwatchTopology;
import io.lockwatch.streams.WatchdogMetrics;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
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
 *   <li>{@code GET /locks?status=&holder=&prefix=&limit=&after=}: one page of the locks matching
 *       the filters, in lock-id order, gathered from all instances (interactive queries; each
 *       instance asked for its own with {@code scope=local}). At most {@code limit} locks (1000 by
 *       default, 10000 at most); {@code next}, when present, is the {@code after} of the next page.
 *       Instances that cannot answer (down, rebalancing) are listed in {@code
 *       unreachableInstances}.
 *   <li>{@code GET /locks/{id}}: one lock, answered by the instance that owns it.
 *   <li>{@code GET /health/live}: 200 unless Kafka Streams failed or stopped.
 *   <li>{@code GET /health/ready}: 200 only while RUNNING (not while rebalancing or restoring).
 *   <li>{@code GET /metrics}: Prometheus text: Lockwatch's counters and Kafka Streams' metrics.
 * </ul>
 */
public final class LockwatchHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LockwatchHttpServer.class);
  private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);

  /** How long a cross-instance /locks waits for all peers together. */
  static final Duration PEER_DEADLINE = Duration.ofSeconds(3);

  /** How long after a registry failure the instance reports itself not ready. */
  private static final Duration REGISTRY_OUTAGE_MEMORY = Duration.ofSeconds(30);

  private volatile KafkaStreams streams;
  private final WatchdogMetrics metrics;
  private final HttpServer server;
  private final HostInfo self;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(FORWARD_TIMEOUT).build();
  private final ExecutorService executor;
  private final ExecutorService metricsExecutor;

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
    // Health answers on the server's dispatcher thread (it only reads a state): never queued
    // behind slow requests, so a probe answers at once while /locks waits for a peer. /metrics
    // and /locks run on pools of their own with bounded queues: past them, 503 at once.
    this.metricsExecutor = boundedPool("lockwatch-http-metrics", 1, 8);
    this.executor = boundedPool("lockwatch-http", 4, 64);
    server.setExecutor(Runnable::run);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getRawPath();
          if (path.startsWith("/health/")) {
            safely(exchange);
            return;
          }
          ExecutorService pool = path.equals("/metrics") ? metricsExecutor : executor;
          try {
            pool.execute(() -> safely(exchange));
          } catch (java.util.concurrent.RejectedExecutionException busy) {
            try (exchange) {
              send(exchange, 503, error("busy: too many requests in flight; try again"));
            } catch (IOException gone) {
              LOG.debug("HTTP request {} ended without an answer", exchange.getRequestURI());
            }
          }
        });
  }

  private static ExecutorService boundedPool(String name, int threads, int queued) {
    return new java.util.concurrent.ThreadPoolExecutor(
        threads,
        threads,
        0,
        java.util.concurrent.TimeUnit.MILLISECONDS,
        new java.util.concurrent.ArrayBlockingQueue<>(queued),
        runnable -> {
          Thread thread = new Thread(runnable, name);
          thread.setDaemon(true);
          return thread;
        });
  }

  private void safely(HttpExchange exchange) {
    try {
      handle(exchange);
    } catch (IOException | RuntimeException e) {
      // The client went away, or the answer could not be written: nothing more to send.
      LOG.debug("HTTP request {} ended without an answer", exchange.getRequestURI(), e);
    } catch (Throwable e) {
      LOG.error("HTTP request {} failed", exchange.getRequestURI(), e);
      throw e;
    }
  }

  /** This instance's address for application.server. */
  public HostInfo self() {
    return self;
  }

  /** Starts serving the given Kafka Streams instance's state. */
  /** Ready: Kafka Streams RUNNING (not rebalancing or restoring) and the registry reachable. */
  private boolean ready() {
    KafkaStreams current = streams;
    return current != null
        && current.state() == KafkaStreams.State.RUNNING
        && !waitingForRegistry();
  }

  private boolean waitingForRegistry() {
    long registryDownAt = metrics.registryUnavailableAtMillis();
    return registryDownAt != WatchdogMetrics.NEVER
        && System.nanoTime() / 1_000_000 - registryDownAt < REGISTRY_OUTAGE_MEMORY.toMillis();
  }

  public void start(KafkaStreams streams) {
    this.streams = streams;
    metrics.readiness(this::ready);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    if (streams == null) {
      // The JDK server releases its port only from its dispatcher thread: start it to stop it
      // (the app failed to start after binding the port, and must not keep it).
      server.start();
    }
    server.stop(1);
    executor.shutdownNow();
    metricsExecutor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    // The exchange is closed after the catch clauses have answered (a try-with-resources on it
    // would close it before they run, and every error answer would be lost).
    try (exchange) {
      route(exchange);
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    try {
      if (!exchange.getRequestMethod().equals("GET")) {
        send(exchange, 405, error("read-only API: only GET"));
        return;
      }
      String path;
      Map<String, String> query;
      try {
        path = exchange.getRequestURI().getPath();
        query = query(exchange.getRequestURI());
      } catch (IllegalArgumentException e) {
        send(exchange, 400, error("malformed request URI: " + e.getMessage()));
        return;
      }
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
        ObjectNode body = LockJson.MAPPER.createObjectNode().put("state", state.name());
        long registryDownAt = metrics.registryUnavailableAtMillis();
        if (waitingForRegistry()) {
          body.put(
              "waiting",
              "the schema registry could not be reached "
                  + (System.nanoTime() / 1_000_000 - registryDownAt) / 1000
                  + " s ago; records are waited for, not skipped");
        }
        send(exchange, ready() ? 200 : 503, body);
      } else if (path.equals("/metrics")) {
        metrics.locksByStatus(locksByStatus());
        metrics.openIncidents(openIncidents());
        sendText(exchange, metrics.scrape());
      } else if (path.equals("/locks")) {
        listLocks(exchange, query);
      } else if (path.equals("/incidents")) {
        listIncidents(exchange, query);
      } else if (path.startsWith("/locks/") && path.length() > "/locks/".length()) {
        // getPath() has decoded the percent-escapes once: decoding again would corrupt ids
        // with '%' or '+' in them.
        oneLock(exchange, path.substring("/locks/".length()), query);
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

  /**
   * {@code GET /incidents[?open=true][&limit=N][&after=ID]}: every instance's incidents, open ones
   * first (newest detection first), then ended ones (newest end first); paged by incident id.
   */
  private void listIncidents(HttpExchange exchange, Map<String, String> query) throws IOException {
    int limit;
    try {
      limit = Integer.parseInt(query.getOrDefault("limit", "100"));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 1_000) {
      send(exchange, 400, error("limit must be a whole number from 1 to 1000"));
      return;
    }
    boolean openOnly = "true".equalsIgnoreCase(query.get("open"));
    List<JsonNode> found = new ArrayList<>();
    for (Incident incident : localIncidents()) {
      if (!openOnly || IncidentRules.isOpen(incident)) {
        found.add(IncidentJson.of(incident));
      }
    }
    ArrayNode unreachable = LockJson.MAPPER.createArrayNode();
    if (!"local".equals(query.get("scope"))) {
      Map<String, String> remoteQuery = new HashMap<>();
      remoteQuery.put("scope", "local");
      remoteQuery.put("limit", "1000");
      if (openOnly) {
        remoteQuery.put("open", "true");
      }
      askPeers("/incidents", remoteQuery, unreachable)
          .forEach(answer -> answer.path("incidents").forEach(found::add));
    }
    // Open first, newest detection first; then ended, newest end first; the id breaks ties.
    found.sort(
        java.util.Comparator.<JsonNode, Boolean>comparing(
                incident -> "RESOLVED".equals(incident.path("state").asText()))
            .thenComparing(
                incident ->
                    incident.path("resolvedAt").isNull()
                        ? incident.path("detectedAt").asText()
                        : incident.path("resolvedAt").asText(),
                java.util.Comparator.reverseOrder())
            .thenComparing(incident -> incident.path("incidentId").asText()));
    int start = 0;
    String after = query.get("after");
    if (after != null) {
      for (int i = 0; i < found.size(); i++) {
        if (found.get(i).path("incidentId").asText().equals(after)) {
          start = i + 1;
          break;
        }
      }
    }
    List<JsonNode> page = found.subList(start, Math.min(found.size(), start + limit));
    ObjectNode body = LockJson.MAPPER.createObjectNode();
    body.put("count", page.size());
    body.set("incidents", LockJson.MAPPER.createArrayNode().addAll(page));
    if (start + limit < found.size()) {
      body.put("next", page.get(page.size() - 1).path("incidentId").asText());
    }
    if (!unreachable.isEmpty()) {
      body.set("unreachableInstances", unreachable);
    }
    send(exchange, 200, body);
  }

  /**
   * Asks every other instance for {@code path} at once, under one deadline: a peer that does not
   * answer costs a request PEER_DEADLINE at most, not a timeout per peer. The answers that came
   * (200s); the others are added to {@code unreachable}, with why.
   */
  private List<JsonNode> askPeers(String path, Map<String, String> query, ArrayNode unreachable)
      throws IOException {
    Map<String, CompletableFuture<Answer>> asked = new java.util.LinkedHashMap<>();
    for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
      if (instance.hostInfo().equals(self) || instance.hostInfo().port() <= 0) {
        continue;
      }
      String address = instance.hostInfo().host() + ":" + instance.hostInfo().port();
      asked.put(address, getAsync(instance.hostInfo(), path, query));
    }
    List<JsonNode> answers = new ArrayList<>();
    long deadline = System.nanoTime() + PEER_DEADLINE.toNanos();
    for (Map.Entry<String, CompletableFuture<Answer>> peer : asked.entrySet()) {
      String address = peer.getKey();
      try {
        Answer remote =
            peer.getValue()
                .get(
                    Math.max(0, deadline - System.nanoTime()),
                    java.util.concurrent.TimeUnit.NANOSECONDS);
        if (remote.status() != 200) {
          // Rebalancing or restoring: its part is missing from this answer, and it says so.
          unreachable.add(address + " (" + remote.status() + ")");
          continue;
        }
        answers.add(remote.body());
      } catch (java.util.concurrent.TimeoutException e) {
        peer.getValue().cancel(true);
        unreachable.add(address + " (no answer in " + PEER_DEADLINE.toMillis() + " ms)");
      } catch (java.util.concurrent.ExecutionException e) {
        unreachable.add(address);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    return answers;
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
    int limit;
    try {
      limit = Integer.parseInt(query.getOrDefault("limit", "" + LockPages.DEFAULT_LIMIT));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > LockPages.MAX_LIMIT) {
      send(exchange, 400, error("limit must be a whole number from 1 to " + LockPages.MAX_LIMIT));
      return;
    }
    LockPages.Query wanted =
        new LockPages.Query(
            status,
            query.get("holder"),
            query.getOrDefault("prefix", ""),
            query.get("after"),
            limit);
    LockPages.Page<LockState> local = LockPages.local(localStores(), wanted);
    List<LockPages.Page<JsonNode>> pages = new ArrayList<>();
    pages.add(
        new LockPages.Page<>(
            local.locks().stream().map(state -> (JsonNode) LockJson.of(state)).toList(),
            local.next()));
    ArrayNode unreachable = LockJson.MAPPER.createArrayNode();
    if (!"local".equals(query.get("scope"))) {
      Map<String, String> remoteQuery = new HashMap<>(query);
      remoteQuery.put("scope", "local");
      remoteQuery.put("limit", Integer.toString(limit));
      for (JsonNode answer : askPeers("/locks", remoteQuery, unreachable)) {
        List<JsonNode> locks = new ArrayList<>();
        answer.path("locks").forEach(locks::add);
        pages.add(
            new LockPages.Page<>(locks, Optional.ofNullable(answer.path("next").textValue())));
      }
    }
    LockPages.Page<JsonNode> page =
        LockPages.merge(pages, lock -> lock.path("lockId").asText(), limit);
    ObjectNode body = LockJson.MAPPER.createObjectNode();
    body.put("count", page.locks().size());
    body.set("locks", LockJson.MAPPER.createArrayNode().addAll(page.locks()));
    page.next().ifPresent(next -> body.put("next", next));
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
          Answer remote =
              get(owner.activeHost(), "/locks/" + pathSegment(lockId), Map.of("scope", "local"));
          // The owner's own answer, status included: a 503 while it restores is not a 404.
          send(exchange, remote.status(), remote.body());
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

  /** One store per active local partition, so that each is read in key order. */
  private List<ReadOnlyKeyValueStore<String, LockState>> localStores() {
    List<ReadOnlyKeyValueStore<String, LockState>> stores = new ArrayList<>();
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      for (TaskMetadata task : thread.activeTasks()) {
        stores.add(
            streams.store(
                StoreQueryParameters.fromNameAndType(
                        LockwatchTopology.STATE_STORE,
                        QueryableStoreTypes.<String, LockState>keyValueStore())
                    .withPartition(task.taskId().partition())));
      }
    }
    return stores;
  }

  /**
   * Locks by status in this instance's stores: the counts the watchdog keeps per task (a handful of
   * entries per task), never a scan of the locks.
   */
  private Map<LockStatus, Long> locksByStatus() {
    Map<LockStatus, Long> counts = new EnumMap<>(LockStatus.class);
    try {
      ReadOnlyKeyValueStore<String, Long> store =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  LockwatchTopology.COUNTS_STORE,
                  QueryableStoreTypes.<String, Long>keyValueStore()));
      try (KeyValueIterator<String, Long> all = store.all()) {
        // The counts store also keeps the task's clock bookkeeping: only status keys count.
        all.forEachRemaining(
            entry -> {
              LockStatus status = STATUS_KEYS.get(entry.key);
              if (status != null) {
                counts.merge(status, entry.value, Long::sum);
              }
            });
      }
    } catch (InvalidStateStoreException e) {
      // Not queryable while rebalancing: report no locks rather than fail the scrape.
    }
    return counts;
  }

  private static final Map<String, LockStatus> STATUS_KEYS =
      java.util.Arrays.stream(LockStatus.values())
          .collect(java.util.stream.Collectors.toMap(LockStatus::name, status -> status));

  /** Open incidents in this instance's stores, by state and severity (a small store). */
  private Map<IncidentState, Map<AlertSeverity, Long>> openIncidents() {
    Map<IncidentState, Map<AlertSeverity, Long>> counts = new EnumMap<>(IncidentState.class);
    try {
      for (Incident incident : localIncidents()) {
        if (IncidentRules.isOpen(incident)) {
          counts
              .computeIfAbsent(incident.getState(), state -> new EnumMap<>(AlertSeverity.class))
              .merge(incident.getSeverity(), 1L, Long::sum);
        }
      }
    } catch (InvalidStateStoreException e) {
      // Not queryable while rebalancing: report none rather than fail the scrape.
    }
    return counts;
  }

  /** Every incident in this instance's stores (open ones, and ended ones for a week). */
  private List<Incident> localIncidents() {
    ReadOnlyKeyValueStore<String, Incident> store =
        streams.store(
            StoreQueryParameters.fromNameAndType(
                LockwatchTopology.INCIDENTS_STORE,
                QueryableStoreTypes.<String, Incident>keyValueStore()));
    List<Incident> all = new ArrayList<>();
    try (KeyValueIterator<String, Incident> entries = store.all()) {
      entries.forEachRemaining(entry -> all.add(entry.value));
    }
    return all;
  }

  private ReadOnlyKeyValueStore<String, LockState> store() {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
            LockwatchTopology.STATE_STORE, QueryableStoreTypes.keyValueStore()));
  }

  /** Another instance's answer: its status and JSON body. */
  private record Answer(int status, JsonNode body) {}

  private CompletableFuture<Answer> getAsync(
      HostInfo host, String path, Map<String, String> query) {
    return http.sendAsync(
            HttpRequest.newBuilder(URI.create(uri(host, path, query)))
                .timeout(PEER_DEADLINE)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> {
              try {
                return new Answer(response.statusCode(), LockJson.MAPPER.readTree(response.body()));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
  }

  private Answer get(HostInfo host, String path, Map<String, String> query) throws IOException {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(uri(host, path, query)))
                  .timeout(FORWARD_TIMEOUT)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), LockJson.MAPPER.readTree(response.body()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String uri(HostInfo host, String path, Map<String, String> query) {
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
    return uri.toString();
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

  /** A lock id as one percent-encoded path segment (URLEncoder is for forms: ' ' as '+'). */
  private static String pathSegment(String lockId) {
    return URLEncoder.encode(lockId, StandardCharsets.UTF_8).replace("+", "%20");
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
