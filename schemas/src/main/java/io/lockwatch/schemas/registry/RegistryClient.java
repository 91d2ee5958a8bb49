package io.lockwatch.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the Confluent Schema Registry REST API (also served by Apicurio Registry's ccompat
 * API) on {@code java.net.http}.
 *
 * <p>Ids and the schemas behind them are immutable in a registry, so both directions are cached for
 * the client's lifetime; "latest" and compatibility answers are not cached. Connection failures and
 * 5xx answers are retried with exponential backoff, moving on to the next URL when several are
 * configured; 4xx answers are final and raise a {@link RegistryException} carrying the registry's
 * error code.
 */
public final class RegistryClient implements SchemaRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryClientConfig config;
  private final HttpClient http;
  private final Optional<String> authorization;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

  public RegistryClient(RegistryClientConfig config) {
    this.config = config;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(config.requestTimeout())
            .version(HttpClient.Version.HTTP_1_1);
    if (config.tls().truststoreLocation().isPresent()
        || config.tls().keystoreLocation().isPresent()) {
      builder.sslContext(sslContext(config.tls()));
    }
    this.http = builder.build();
    this.authorization =
        config
            .userInfo()
            .map(
                info ->
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(info.getBytes(StandardCharsets.UTF_8)));
  }

  /** A client for the given client properties (see {@link RegistryClientConfig}). */
  public static RegistryClient fromConfig(Map<String, ?> config) {
    return new RegistryClient(RegistryClientConfig.from(config));
  }

  @Override
  public int register(String subject, Schema schema) {
    Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
    if (cached != null) {
      return cached;
    }
    ObjectNode body = schemaBody(schema);
    JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", body);
    int id = answer.path("id").asInt(-1);
    if (id < 0) {
      throw new RegistryException(
          "The registry's answer to a registration had no id: " + answer, 200, -1);
    }
    remember(subject, schema, id);
    return id;
  }

  @Override
  public RegisteredSchema lookup(String subject, Schema schema) {
    RegisteredSchema found =
        registered(send("POST", "/subjects/" + encode(subject), schemaBody(schema)), subject);
    remember(subject, schema, found.id());
    return found;
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = send("GET", "/schemas/ids/" + id, null);
    Schema schema = parse(answer.path("schema").asText(), "schema id " + id);
    schemasById.putIfAbsent(id, schema);
    return schema;
  }

  @Override
  public RegisteredSchema latest(String subject) {
    return registered(
        send("GET", "/subjects/" + encode(subject) + "/versions/latest", null), subject);
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, Schema schema) {
    JsonNode answer;
    try {
      answer =
          send(
              "POST",
              "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
              schemaBody(schema));
    } catch (RegistryException e) {
      if (e.errorCode() == RegistryException.SUBJECT_NOT_FOUND
          || e.errorCode() == RegistryException.VERSION_NOT_FOUND) {
        // Nothing registered yet: any schema can be the first version.
        return new CompatibilityResult(true, List.of());
      }
      throw e;
    }
    List<String> messages = new ArrayList<>();
    answer.path("messages").forEach(message -> messages.add(message.asText()));
    return new CompatibilityResult(answer.path("is_compatible").asBoolean(false), messages);
  }

  @Override
  public void setCompatibility(String subject, CompatibilityLevel level) {
    send(
        "PUT",
        "/config/" + encode(subject),
        JSON.createObjectNode().put("compatibility", level.name()));
  }

  @Override
  public void setGlobalCompatibility(CompatibilityLevel level) {
    send("PUT", "/config", JSON.createObjectNode().put("compatibility", level.name()));
  }

  @Override
  public CompatibilityLevel compatibility(String subject) {
    JsonNode answer;
    try {
      answer = send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null);
    } catch (RegistryException e) {
      if (!e.isNotFound()) {
        throw e;
      }
      answer = send("GET", "/config", null);
    }
    String level = answer.path("compatibilityLevel").asText(answer.path("compatibility").asText());
    try {
      return CompatibilityLevel.valueOf(level);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          "The registry answered an unknown compatibility level: " + answer, 200, -1);
    }
  }

  @Override
  public List<String> subjects() {
    List<String> subjects = new ArrayList<>();
    send("GET", "/subjects", null).forEach(subject -> subjects.add(subject.asText()));
    return subjects;
  }

  @Override
  public String toString() {
    return "RegistryClient{" + config + "}";
  }

  private void remember(String subject, Schema schema, int id) {
    idsBySubject.computeIfAbsent(subject, key -> new ConcurrentHashMap<>()).put(schema, id);
    schemasById.putIfAbsent(id, schema);
  }

  private RegisteredSchema registered(JsonNode answer, String subject) {
    int id = answer.path("id").asInt(-1);
    Schema schema = parse(answer.path("schema").asText(), "subject " + subject);
    schemasById.putIfAbsent(id, schema);
    return new RegisteredSchema(
        answer.path("subject").asText(subject), answer.path("version").asInt(-1), id, schema);
  }

  private static Schema parse(String text, String what) {
    try {
      return new Schema.Parser().parse(text);
    } catch (SchemaParseException e) {
      throw new RegistryException(
          "The registry's schema for " + what + " is not valid Avro: " + e.getMessage(), e);
    }
  }

  private static ObjectNode schemaBody(Schema schema) {
    // The schemaType field is left out for Avro: older registries reject it, and AVRO is the
    // default.
    return JSON.createObjectNode().put("schema", schema.toString());
  }

  private static String encode(String pathSegment) {
    return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode send(String method, String path, JsonNode body) {
    RegistryException lastFailure = null;
    long backoff = config.retryBackoff().toMillis();
    for (int attempt = 0; attempt <= config.retries(); attempt++) {
      URI base = config.urls().get(attempt % config.urls().size());
      try {
        return sendOnce(base, method, path, body);
      } catch (RetryableFailure e) {
        lastFailure = e.failure;
        if (attempt < config.retries()) {
          LOG.debug(
              "Registry request {} {} failed, retrying: {}", method, path, e.failure.getMessage());
          sleep(backoff);
          backoff = Math.min(backoff * 2, 10_000);
        }
      }
    }
    throw lastFailure;
  }

  private JsonNode sendOnce(URI base, String method, String path, JsonNode body)
      throws RetryableFailure {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(config.requestTimeout())
            .header("Accept", CONTENT_TYPE + ", application/json");
    authorization.ifPresent(value -> request.header("Authorization", value));
    if (body != null) {
      request.header("Content-Type", CONTENT_TYPE);
      request.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RetryableFailure(
          new RegistryException(
              "Cannot reach the schema registry at " + base + ": " + describe(e), e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("Interrupted while calling the schema registry at " + base, e);
    }
    int status = response.statusCode();
    JsonNode answer = readJson(response.body());
    if (status >= 200 && status < 300) {
      return answer;
    }
    int errorCode = answer.path("error_code").asInt(status);
    String message = answer.path("message").asText(response.body());
    RegistryException failure =
        new RegistryException(
            "Schema registry "
                + method
                + " "
                + path
                + " failed with error "
                + errorCode
                + " (HTTP "
                + status
                + "): "
                + message,
            status,
            errorCode);
    if (status >= 500) {
      throw new RetryableFailure(failure);
    }
    throw failure;
  }

  private static JsonNode readJson(String body) {
    if (body == null || body.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode().put("message", body);
    }
  }

  private static String describe(IOException e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("Interrupted while retrying the schema registry", e);
    }
  }

  private static SSLContext sslContext(RegistryClientConfig.TlsSettings tls) {
    try {
      TrustManagerFactory trust = null;
      if (tls.truststoreLocation().isPresent()) {
        trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(
            load(tls.truststoreLocation().get(), tls.truststoreType(), tls.truststorePassword()));
      }
      KeyManagerFactory keys = null;
      if (tls.keystoreLocation().isPresent()) {
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        char[] keyPassword =
            tls.keyPassword().or(tls::keystorePassword).map(String::toCharArray).orElse(null);
        keys.init(
            load(tls.keystoreLocation().get(), tls.keystoreType(), tls.keystorePassword()),
            keyPassword);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          keys == null ? null : keys.getKeyManagers(),
          trust == null ? null : trust.getTrustManagers(),
          null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new RegistryException(
          "Cannot set up TLS for the schema registry: " + e.getMessage(), e);
    }
  }

  private static KeyStore load(String location, String type, Optional<String> password)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      store.load(in, password.map(String::toCharArray).orElse(null));
    }
    return store;
  }

  /** A failure worth another attempt (no answer, or a 5xx one). */
  private static final class RetryableFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient RegistryException failure;

    RetryableFailure(RegistryException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }
}
