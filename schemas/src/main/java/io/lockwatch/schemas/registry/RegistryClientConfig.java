package io.lockwatch.schemas.registry;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * How to reach the schema registry, read from the same key names the Confluent clients use, so a
 * client's existing properties work unchanged. Passwords are never part of {@link #toString()}.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><td>schema.registry.url</td><td>one URL or several, comma-separated (tried in turn)</td></tr>
 *   <tr><td>basic.auth.credentials.source</td><td>USER_INFO (default) or URL (user:pass@ in the URL)</td></tr>
 *   <tr><td>basic.auth.user.info</td><td>user:password</td></tr>
 *   <tr><td>schema.registry.ssl.truststore.location / .password / .type</td><td>trust store for https</td></tr>
 *   <tr><td>schema.registry.ssl.keystore.location / .password / .type, schema.registry.ssl.key.password</td><td>client certificate (mutual TLS)</td></tr>
 *   <tr><td>schema.registry.request.timeout.ms</td><td>per request, default 10000</td></tr>
 *   <tr><td>schema.registry.retries</td><td>retries on connection failures and 5xx answers, default 3</td></tr>
 *   <tr><td>schema.registry.retry.backoff.ms</td><td>first backoff, doubled per retry, default 200</td></tr>
 * </table>
 */
public final class RegistryClientConfig {

  public static final String URL = "schema.registry.url";
  public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  public static final String USER_INFO = "basic.auth.user.info";
  public static final String SSL_PREFIX = "schema.registry.ssl.";
  public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
  public static final String RETRIES = "schema.registry.retries";
  public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";

  private final List<URI> urls;
  private final Optional<String> userInfo;
  private final TlsSettings tls;
  private final Duration requestTimeout;
  private final int retries;
  private final Duration retryBackoff;

  private RegistryClientConfig(
      List<URI> urls,
      Optional<String> userInfo,
      TlsSettings tls,
      Duration requestTimeout,
      int retries,
      Duration retryBackoff) {
    this.urls = List.copyOf(urls);
    this.userInfo = userInfo;
    this.tls = tls;
    this.requestTimeout = requestTimeout;
    this.retries = retries;
    this.retryBackoff = retryBackoff;
  }

  /** Reads the settings from client properties; fails with the key's name when one is wrong. */
  public static RegistryClientConfig from(Map<String, ?> config) {
    String urlValue =
        string(config, URL)
            .orElseThrow(() -> new ConfigException("Missing required setting " + URL));
    List<URI> urls = new ArrayList<>();
    Optional<String> userInfoFromUrl = Optional.empty();
    for (String part : urlValue.split(",")) {
      String trimmed = part.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      URI uri;
      try {
        uri =
            URI.create(
                trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            URL, UrlCredentials.mask(trimmed), "not a URL: " + UrlCredentials.mask(e.getMessage()));
      }
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new ConfigException(
            URL, UrlCredentials.mask(trimmed), "expected http(s)://host:port[/path]");
      }
      if (uri.getUserInfo() != null) {
        userInfoFromUrl = Optional.of(uri.getUserInfo());
        uri =
            URI.create(
                uri.getScheme()
                    + "://"
                    + uri.getHost()
                    + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                    + Optional.ofNullable(uri.getRawPath()).orElse(""));
      }
      urls.add(uri);
    }
    if (urls.isEmpty()) {
      throw new ConfigException(URL, UrlCredentials.mask(urlValue), "no URL given");
    }
    String source = string(config, CREDENTIALS_SOURCE).orElse("USER_INFO");
    Optional<String> userInfo =
        switch (source) {
          case "USER_INFO" ->
              string(config, USER_INFO).or(() -> string(config, "schema.registry." + USER_INFO));
          case "URL" -> userInfoFromUrl;
          default ->
              throw new ConfigException(CREDENTIALS_SOURCE, source, "expected USER_INFO or URL");
        };
    userInfo.ifPresent(
        info -> {
          if (!info.contains(":")) {
            throw new ConfigException(USER_INFO + " must be user:password");
          }
        });
    TlsSettings tls =
        new TlsSettings(
            string(config, SSL_PREFIX + "truststore.location"),
            string(config, SSL_PREFIX + "truststore.password"),
            string(config, SSL_PREFIX + "truststore.type").orElse("PKCS12"),
            string(config, SSL_PREFIX + "keystore.location"),
            string(config, SSL_PREFIX + "keystore.password"),
            string(config, SSL_PREFIX + "keystore.type").orElse("PKCS12"),
            string(config, SSL_PREFIX + "key.password"));
    return new RegistryClientConfig(
        urls,
        userInfo,
        tls,
        Duration.ofMillis(positiveLong(config, REQUEST_TIMEOUT_MS, 10_000)),
        (int) nonNegativeLong(config, RETRIES, 3),
        Duration.ofMillis(nonNegativeLong(config, RETRY_BACKOFF_MS, 200)));
  }

  public List<URI> urls() {
    return urls;
  }

  public Optional<String> userInfo() {
    return userInfo;
  }

  public TlsSettings tls() {
    return tls;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public int retries() {
    return retries;
  }

  public Duration retryBackoff() {
    return retryBackoff;
  }

  @Override
  public String toString() {
    return "RegistryClientConfig{urls="
        + urls
        + ", basicAuth="
        + (userInfo.isPresent()
            ? userInfo.get().substring(0, userInfo.get().indexOf(':')) + ":[hidden]"
            : "none")
        + ", tls="
        + (tls.truststoreLocation().isPresent() || tls.keystoreLocation().isPresent())
        + ", requestTimeout="
        + requestTimeout
        + ", retries="
        + retries
        + "}";
  }

  static Optional<String> string(Map<String, ?> config, String key) {
    Object value = config.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof org.apache.kafka.common.config.types.Password password) {
      return Optional.of(password.value());
    }
    String text = value.toString().trim();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  private static long positiveLong(Map<String, ?> config, String key, long fallback) {
    long value = nonNegativeLong(config, key, fallback);
    if (value == 0) {
      throw new ConfigException(key, config.get(key), "must be positive");
    }
    return value;
  }

  private static long nonNegativeLong(Map<String, ?> config, String key, long fallback) {
    Optional<String> text = string(config, key);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text.get());
      if (value < 0) {
        throw new ConfigException(key, text.get(), "must not be negative");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, text.get(), "not a whole number");
    }
  }

  /** Key and trust material for https registries; empty locations mean the JVM defaults. */
  public record TlsSettings(
      Optional<String> truststoreLocation,
      Optional<String> truststorePassword,
      String truststoreType,
      Optional<String> keystoreLocation,
      Optional<String> keystorePassword,
      String keystoreType,
      Optional<String> keyPassword) {
    @Override
    public String toString() {
      return "TlsSettings{truststore="
          + truststoreLocation.orElse("default")
          + ", keystore="
          + keystoreLocation.orElse("none")
          + "}";
    }
  }
}
